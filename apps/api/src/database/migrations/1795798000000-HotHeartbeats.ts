import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Heartbeats rewrite `expires_at` on every call. Without an index on it and with free space in each page
 * (fillfactor 80), PostgreSQL updates the row in place (HOT) instead of adding entries to every index.
 */
export class HotHeartbeats1795798000000 implements MigrationInterface {
  name = 'HotHeartbeats1795798000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."sessions_running_by_expiry"`);
    await queryRunner.query(`ALTER TABLE "sessions" SET (fillfactor = 80)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" RESET (fillfactor)`);
    await queryRunner.query(`CREATE INDEX "sessions_running_by_expiry" ON "sessions"  ("expires_at") WHERE ended_at IS NULL`);
  }
}
