import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runMigrations } from '../../apps/api/src/database/migrate';
import { MIGRATIONS } from '../../apps/api/src/database/migrations';
import { HouseholdsPerTenant1796663858653 } from '../../apps/api/src/database/migrations/1796663858653-HouseholdsPerTenant';
import { dataSourceOptions } from '../../apps/api/src/database/options';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * HouseholdsPerTenant (issue 24) on a database holding home networks of two tenants from before it: each choice goes
 * to the tenants it belonged to (an operator's to their tenant; an admin's to every tenant that played for the
 * account), and one no tenant can be attributed lands in the audit log. None is lost.
 */
describe('migration HouseholdsPerTenant', () => {
  let database: TestDatabase;
  let db: DataSource;
  const A = randomUUID();
  const B = randomUUID();
  const C = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('households_migration', { empty: true });
    const before = MIGRATIONS.indexOf(HouseholdsPerTenant1796663858653);
    expect(before).toBeGreaterThan(0);
    db = await new DataSource({ ...dataSourceOptions(database.url, 2), migrations: MIGRATIONS.slice(0, before) }).initialize();
    await db.runMigrations();
    const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
    for (const [id, slug] of [
      [A, 'a'],
      [B, 'b'],
      [C, 'c'],
    ]) {
      await q(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $2)`, [id, slug]);
    }
    await q(`INSERT INTO applications (id, tenant_id, name) VALUES ('app-a', $1, 'A app'), ('app-b', $2, 'B app')`, [A, B]);
    await q(
      `INSERT INTO operators (id, email, password_hash, role, tenant_id) VALUES
         ($1, 'admin@example.com', 'x', 'admin', NULL), ($2, 'b-admin@example.com', 'x', 'tenant-admin', $3)`,
      [randomUUID(), randomUUID(), B],
    );
    const played = (subject: string, tenant: string, network: string) =>
      q(
        `INSERT INTO account_networks (idp, subject, tenant_id, network_id, day, country, asn, starts, last_seen)
         VALUES ('idp', $1, $2, $3, (now() AT TIME ZONE 'UTC')::date, 'GB', 20712, 3, now())`,
        [subject, tenant, network],
      );
    // shared: played on A and B; chosen by the admin. stolen: played on A and B; chosen by B's tenant-admin (the
    // issue: it moved A's home too). redis: B's starts only in its decision log and sessions. gone: played on A,
    // chosen by an operator since deleted. nobody: no tenant's data left, chosen by the admin.
    await played('shared', A, '81.2.69.0/24');
    await played('shared', B, '8.8.8.0/24');
    await played('stolen', A, '81.2.69.0/24');
    await played('stolen', B, '8.8.8.0/24');
    await played('gone', A, '81.2.69.0/24');
    await q(
      `INSERT INTO decisions (id, at, outcome, idp, subject, application_id, application_name, tenant_id, metadata, advice)
       VALUES ($1, now(), 'admitted', 'idp', 'redis', 'app-b', 'B app', $2, '{}', '{}')`,
      [randomUUID(), B],
    );
    await q(
      `INSERT INTO sessions (id, idp, subject, application_id, termination_code, started_at, expires_at, policy_epoch)
       VALUES ($1, 'idp', 'pg-only', 'app-b', 'abcdef01', now(), now() + interval '1 minute', 1)`,
      [randomUUID()],
    );
    const home = (subject: string, network: string, setBy: string) =>
      q(`INSERT INTO home_networks (idp, subject, network_id, set_by, set_at) VALUES ('idp', $1, $2, $3, now())`, [
        subject,
        network,
        setBy,
      ]);
    await home('shared', '81.2.69.0/24', 'admin@example.com');
    await home('stolen', '8.8.4.0/24', 'b-admin@example.com');
    await home('redis', '8.8.8.0/24', 'admin@example.com');
    await home('pg-only', '8.8.8.0/24', 'admin@example.com');
    await home('gone', '81.2.69.0/24', 'former@example.com');
    await home('nobody', '192.0.2.0/24', 'admin@example.com');
    await db.destroy();
    await runMigrations(database.url);
    db = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('gives each home network to the tenants it belonged to, one row per tenant', async () => {
    const rows: Array<{ subject: string; tenant_id: string; network_id: string; set_by: string }> = await db.query(
      `SELECT subject, tenant_id, network_id, set_by FROM home_networks ORDER BY subject, tenant_id`,
    );
    const name = (id: string) => (id === A ? 'A' : id === B ? 'B' : id);
    expect(rows.map((r) => `${r.subject} ${name(r.tenant_id)} ${r.network_id} ${r.set_by}`).sort()).toEqual([
      'gone A 81.2.69.0/24 former@example.com',
      'pg-only B 8.8.8.0/24 admin@example.com',
      'redis B 8.8.8.0/24 admin@example.com',
      'shared A 81.2.69.0/24 admin@example.com',
      'shared B 81.2.69.0/24 admin@example.com',
      // B's tenant-admin's choice is B's only: A's home follows A's playback again.
      'stolen B 8.8.4.0/24 b-admin@example.com',
    ]);
  });

  it('writes the choice it cannot attribute to the audit log (no tenant), so nothing is lost', async () => {
    const audit: Array<{ actor_email: string; action: string; target_id: string; tenant_id: string | null; before: unknown }> =
      await db.query(`SELECT actor_email, action, target_id, tenant_id, before FROM audit_log`);
    expect(audit).toEqual([
      {
        actor_email: 'migration:HouseholdsPerTenant',
        action: 'account.home-network',
        target_id: 'idp/nobody',
        tenant_id: null,
        before: expect.objectContaining({ homeNetwork: '192.0.2.0/24', setBy: 'admin@example.com' }),
      },
    ]);
  });

  it('goes back to one row per account on revert', async () => {
    await db.undoLastMigration();
    const rows: Array<{ subject: string }> = await db.query(`SELECT subject FROM home_networks ORDER BY subject`);
    expect(rows.map((r) => r.subject)).toEqual(['gone', 'pg-only', 'redis', 'shared', 'stolen']);
    await db.runMigrations();
  });
});
