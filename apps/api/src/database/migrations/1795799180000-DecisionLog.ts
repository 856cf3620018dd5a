import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The per-account decision log (libs/usage): denials and dismissals with their rules and conflicting streams. */
export class DecisionLog1795799180000 implements MigrationInterface {
  name = 'DecisionLog1795799180000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "decisions" ("id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "outcome" text NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "application_id" text NOT NULL, "application_name" text NOT NULL, "tenant_id" uuid NOT NULL, "session_id" uuid, "metadata" jsonb NOT NULL, "advice" jsonb NOT NULL, CONSTRAINT "PK_48eee6fa229cd5e43648f6a2ec3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "decisions_by_time" ON "decisions"  ("at") `);
    await queryRunner.query(`CREATE INDEX "decisions_by_tenant" ON "decisions"  ("tenant_id", "at") `);
    await queryRunner.query(`CREATE INDEX "decisions_by_account" ON "decisions"  ("idp", "subject", "at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."decisions_by_account"`);
    await queryRunner.query(`DROP INDEX "public"."decisions_by_tenant"`);
    await queryRunner.query(`DROP INDEX "public"."decisions_by_time"`);
    await queryRunner.query(`DROP TABLE "decisions"`);
  }
}
