import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenants, applications, policies (versions, attachments, shares), the configuration epoch and sessions. */

export class Initial1795795575318 implements MigrationInterface {
  name = 'Initial1795795575318';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "policies" ("id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "rules" jsonb NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_603e09f183df0108d8695c57e28" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_eaf216e082745657647e0619af" ON "policies"  ("tenant_id", "name") `);
    await queryRunner.query(
      `CREATE TABLE "application_policies" ("application_id" text NOT NULL, "policy_id" uuid NOT NULL, CONSTRAINT "PK_a33aef78ecb0172f56ebc4060d4" PRIMARY KEY ("application_id", "policy_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a0b798c63df26028d847df5f96" ON "application_policies"  ("policy_id") `);
    await queryRunner.query(
      `CREATE TABLE "policy_shares" ("policy_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, CONSTRAINT "PK_63b453c2a7922c5a737ce8dbcca" PRIMARY KEY ("policy_id", "tenant_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_172e1fab502df1736ae5767fb6" ON "policy_shares"  ("tenant_id") `);
    await queryRunner.query(
      `CREATE TABLE "policy_versions" ("policy_id" uuid NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "rules" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a87c5de83d774f89e3f706a7b63" PRIMARY KEY ("policy_id", "version"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "tenants" ("id" uuid NOT NULL, "slug" text NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2310ecc5cb8be427097154b18fc" UNIQUE ("slug"), CONSTRAINT "PK_53be67a04681c66b87ee27c9321" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "applications" ("id" text NOT NULL, "tenant_id" uuid NOT NULL, "name" text NOT NULL, "platform" text NOT NULL DEFAULT 'web', "heartbeat_interval_seconds" integer NOT NULL DEFAULT '60', "secret_hash" text, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_938c0a27255637bde919591888f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_06b5376fd696c7bffaaa6109fc" ON "applications"  ("tenant_id") `);
    await queryRunner.query(
      `CREATE TABLE "config_epoch" ("id" smallint NOT NULL DEFAULT '1', "epoch" bigint NOT NULL DEFAULT '1', "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_92f42faeefbb13ba3188b51e177" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`INSERT INTO "config_epoch" ("id", "epoch") VALUES (1, 1)`);
    await queryRunner.query(
      `CREATE TABLE "sessions" ("id" uuid NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "application_id" text NOT NULL, "termination_code" character(8) NOT NULL, "metadata" jsonb NOT NULL DEFAULT '{}', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_heartbeat_at" TIMESTAMP WITH TIME ZONE, "policy_epoch" bigint NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" text, "end_detail" jsonb, CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "sessions_running_by_application" ON "sessions"  ("application_id") WHERE ended_at IS NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "sessions_running_termination_code" ON "sessions"  ("idp", "subject", "termination_code") WHERE ended_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX "sessions_ended_at" ON "sessions"  ("ended_at") WHERE ended_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "sessions_running_by_expiry" ON "sessions"  ("expires_at") WHERE ended_at IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "application_policies" ADD CONSTRAINT "FK_a0b798c63df26028d847df5f963" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "policy_shares" ADD CONSTRAINT "FK_5bf321cceff57dcf471cbb2d409" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "policy_versions" ADD CONSTRAINT "FK_b39b765ed67f82c6b52d880713e" FOREIGN KEY ("policy_id") REFERENCES "policies"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "applications" ADD CONSTRAINT "FK_06b5376fd696c7bffaaa6109fc9" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP CONSTRAINT "FK_06b5376fd696c7bffaaa6109fc9"`);
    await queryRunner.query(`ALTER TABLE "policy_versions" DROP CONSTRAINT "FK_b39b765ed67f82c6b52d880713e"`);
    await queryRunner.query(`ALTER TABLE "policy_shares" DROP CONSTRAINT "FK_5bf321cceff57dcf471cbb2d409"`);
    await queryRunner.query(`ALTER TABLE "application_policies" DROP CONSTRAINT "FK_a0b798c63df26028d847df5f963"`);
    await queryRunner.query(`DROP INDEX "public"."sessions_running_by_expiry"`);
    await queryRunner.query(`DROP INDEX "public"."sessions_ended_at"`);
    await queryRunner.query(`DROP INDEX "public"."sessions_running_termination_code"`);
    await queryRunner.query(`DROP INDEX "public"."sessions_running_by_application"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "config_epoch"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_06b5376fd696c7bffaaa6109fc"`);
    await queryRunner.query(`DROP TABLE "applications"`);
    await queryRunner.query(`DROP TABLE "tenants"`);
    await queryRunner.query(`DROP TABLE "policy_versions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_172e1fab502df1736ae5767fb6"`);
    await queryRunner.query(`DROP TABLE "policy_shares"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a0b798c63df26028d847df5f96"`);
    await queryRunner.query(`DROP TABLE "application_policies"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_eaf216e082745657647e0619af"`);
    await queryRunner.query(`DROP TABLE "policies"`);
  }
}
