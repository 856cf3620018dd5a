import { MigrationInterface, QueryRunner } from 'typeorm';

/** Operators, their login sessions, API tokens, failed logins (rate limiting) and the audit log. */

export class Identity1795796514697 implements MigrationInterface {
  name = 'Identity1795796514697';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "operators" ("id" uuid NOT NULL, "email" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "tenant_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_1570f3d85c3ff08bb99815897a2" UNIQUE ("email"), CONSTRAINT "PK_3d02b3692836893720335a79d1b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_66f8e82456430824f371a1c9b1" ON "operators"  ("tenant_id") `);
    await queryRunner.query(
      `CREATE TABLE "api_tokens" ("id" uuid NOT NULL, "operator_id" uuid NOT NULL, "name" text NOT NULL, "prefix" text NOT NULL, "secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_7e7249acb8127967fc6b8907d60" UNIQUE ("secret_hash"), CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7bc98bb6311ae4047ab940dcea" ON "api_tokens"  ("operator_id") `);
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_email" text NOT NULL, "actor_token_id" uuid, "action" text NOT NULL, "target_type" text NOT NULL, "target_id" text NOT NULL, "tenant_id" uuid, "before" jsonb, "after" jsonb, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_15a6f5aad57db494c17986ed2e" ON "audit_log"  ("actor_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_f0e9a94f10a209afbf22d4e77a" ON "audit_log"  ("target_type", "target_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_7265cf4ae3bb55c806e54e5436" ON "audit_log"  ("tenant_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "login_failures" ("id" uuid NOT NULL, "email" text NOT NULL, "ip" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_3e8c3412e80573bb7a1adc3b77" ON "login_failures"  ("ip", "at") `);
    await queryRunner.query(`CREATE INDEX "IDX_892534b0677a11cabc02139601" ON "login_failures"  ("email", "at") `);
    await queryRunner.query(
      `CREATE TABLE "operator_sessions" ("id" uuid NOT NULL, "operator_id" uuid NOT NULL, "secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "UQ_b3fecc924dde321766a6d1fe725" UNIQUE ("secret_hash"), CONSTRAINT "PK_73b13bd07c5666193c04d434505" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a1f1a9bd7a2f93c3f602b8d920" ON "operator_sessions"  ("operator_id") `);
    await queryRunner.query(
      `ALTER TABLE "operators" ADD CONSTRAINT "FK_66f8e82456430824f371a1c9b1f" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_7bc98bb6311ae4047ab940dceab" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "operator_sessions" ADD CONSTRAINT "FK_a1f1a9bd7a2f93c3f602b8d9202" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operator_sessions" DROP CONSTRAINT "FK_a1f1a9bd7a2f93c3f602b8d9202"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_7bc98bb6311ae4047ab940dceab"`);
    await queryRunner.query(`ALTER TABLE "operators" DROP CONSTRAINT "FK_66f8e82456430824f371a1c9b1f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a1f1a9bd7a2f93c3f602b8d920"`);
    await queryRunner.query(`DROP TABLE "operator_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_892534b0677a11cabc02139601"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3e8c3412e80573bb7a1adc3b77"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7265cf4ae3bb55c806e54e5436"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f0e9a94f10a209afbf22d4e77a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_15a6f5aad57db494c17986ed2e"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7bc98bb6311ae4047ab940dcea"`);
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_66f8e82456430824f371a1c9b1"`);
    await queryRunner.query(`DROP TABLE "operators"`);
  }
}
