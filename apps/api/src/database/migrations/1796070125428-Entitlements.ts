import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Entitlements: the identity system whose tokens an application's players send (null: none). */
export class Entitlements1796070125428 implements MigrationInterface {
  name = 'Entitlements1796070125428';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" ADD "entitlements" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "entitlements"`);
  }
}
