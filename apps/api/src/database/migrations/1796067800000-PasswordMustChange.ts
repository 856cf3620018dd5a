import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A password set by a reset (admin or `npm run cm -- reset-password`) works once: its operator must change it. */
export class PasswordMustChange1796067800000 implements MigrationInterface {
  name = 'PasswordMustChange1796067800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operators" ADD "password_must_change" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "operators" DROP COLUMN "password_must_change"`);
  }
}
