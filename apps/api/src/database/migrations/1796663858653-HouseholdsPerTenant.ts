import type { MigrationInterface, QueryRunner } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

/**
 * Home networks per tenant (issue 24). `home_networks` was keyed by account alone: one tenant's operator moved every
 * tenant's home. It is keyed by (account, tenant) now; `account_networks` already carried the tenant of each start.
 *
 * Each existing choice goes to the tenants it belonged to, none lost:
 * - chosen by an operator of one tenant (`set_by` is a tenant-admin's or viewer's email): to that tenant only. It was
 *   that tenant's choice; copying it to other tenants would keep the cross-tenant change the issue is about;
 * - chosen by an admin, or by an operator no longer in `operators`: to every tenant whose applications played for the
 *   account in what the database still holds (the tenants of its `account_networks` rows, of its sessions'
 *   applications, of its decision log and of its sharing starts). It applied to all of them; now each has its own copy.
 * - an admin's choice for an account no tenant's data mentions any more cannot be attributed. It is not copied to
 *   every tenant (that would put one operator's choice in tenants that never made it, and make it visible to them);
 *   it is written to the audit log instead, as an `account.home-network` entry of no tenant (actor
 *   `migration:HouseholdsPerTenant`, `before` the choice, who made it and when, `after` null), so an admin finds it
 *   and can set it again for the tenant it was meant for.
 *
 * `down` goes back to one row per account: the latest choice of its tenants wins (the others are lost).
 */
export class HouseholdsPerTenant1796663858653 implements MigrationInterface {
  name = 'HouseholdsPerTenant1796663858653';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "home_networks" RENAME TO "home_networks_by_account"`);
    await queryRunner.query(
      `ALTER TABLE "home_networks_by_account" RENAME CONSTRAINT "PK_099a6e3e2b6a8cf9541e774471c" TO "PK_home_networks_by_account"`,
    );
    await queryRunner.query(
      `CREATE TABLE "home_networks" ("idp" text NOT NULL, "subject" text NOT NULL, "tenant_id" uuid NOT NULL, "network_id" text NOT NULL, "set_by" text NOT NULL, "set_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_77f0b011c948bdbf512a9cea629" PRIMARY KEY ("idp", "subject", "tenant_id"))`,
    );
    // Operators of one tenant: their tenant.
    await queryRunner.query(
      `INSERT INTO "home_networks" (idp, subject, tenant_id, network_id, set_by, set_at)
       SELECT h.idp, h.subject, o.tenant_id, h.network_id, h.set_by, h.set_at
         FROM "home_networks_by_account" h JOIN "operators" o ON o.email = h.set_by AND o.tenant_id IS NOT NULL`,
    );
    // Admins and operators since deleted: every tenant that played for the account.
    await queryRunner.query(
      `INSERT INTO "home_networks" (idp, subject, tenant_id, network_id, set_by, set_at)
       SELECT h.idp, h.subject, played.tenant_id, h.network_id, h.set_by, h.set_at
         FROM "home_networks_by_account" h
         JOIN (SELECT idp, subject, tenant_id FROM "account_networks"
               UNION SELECT s.idp, s.subject, a.tenant_id FROM "sessions" s JOIN "applications" a ON a.id = s.application_id
               UNION SELECT idp, subject, tenant_id FROM "decisions"
               UNION SELECT idp, subject, tenant_id FROM "sharing_starts") played
           ON played.idp = h.idp AND played.subject = h.subject
         JOIN "tenants" t ON t.id = played.tenant_id
        WHERE NOT EXISTS (SELECT 1 FROM "operators" o WHERE o.email = h.set_by AND o.tenant_id IS NOT NULL)`,
    );
    const unattributed = (await queryRunner.query(
      `SELECT h.idp, h.subject, h.network_id, h.set_by, h.set_at FROM "home_networks_by_account" h
        WHERE NOT EXISTS (SELECT 1 FROM "home_networks" n WHERE n.idp = h.idp AND n.subject = h.subject)
        ORDER BY h.set_at`,
    )) as Array<{ idp: string; subject: string; network_id: string; set_by: string; set_at: Date }>;
    for (const row of unattributed) {
      await queryRunner.query(
        `INSERT INTO "audit_log" (id, actor_id, actor_email, actor_token_id, action, target_type, target_id, tenant_id, before, after)
         VALUES ($1, NULL, 'migration:HouseholdsPerTenant', NULL, 'account.home-network', 'account', $2, NULL, $3, NULL)`,
        [
          uuidv7(),
          `${row.idp}/${row.subject}`,
          JSON.stringify({
            homeNetwork: row.network_id,
            setBy: row.set_by,
            setAt: row.set_at,
            note: 'Home networks are per tenant now; no tenant played for this account: set it again for its tenant',
          }),
        ],
      );
    }
    await queryRunner.query(`DROP TABLE "home_networks_by_account"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "home_networks" h USING "home_networks" newer
      WHERE newer.idp = h.idp AND newer.subject = h.subject AND (newer.set_at, newer.tenant_id) > (h.set_at, h.tenant_id)`);
    await queryRunner.query(`ALTER TABLE "home_networks" DROP CONSTRAINT "PK_77f0b011c948bdbf512a9cea629"`);
    await queryRunner.query(`ALTER TABLE "home_networks" ADD CONSTRAINT "PK_099a6e3e2b6a8cf9541e774471c" PRIMARY KEY ("idp", "subject")`);
    await queryRunner.query(`ALTER TABLE "home_networks" DROP COLUMN "tenant_id"`);
  }
}
