import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The policy epoch moves per application: `applications.policy_epoch` takes a fresh value of one sequence whenever
 * something that decides that application's streams changes, so an edit sends only the attached applications'
 * sessions through the slow heartbeat. The sequence starts past the global epoch, which every session stored so far
 * was checked against: those sessions stay on the fast path.
 */
export class ApplicationEpochs1795799000000 implements MigrationInterface {
  name = 'ApplicationEpochs1795799000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE "application_policy_epoch"`);
    await queryRunner.query(`SELECT setval('application_policy_epoch', (SELECT epoch FROM config_epoch WHERE id = 1))`);
    await queryRunner.query(`ALTER TABLE "applications" ADD "policy_epoch" bigint NOT NULL DEFAULT nextval('application_policy_epoch')`);
    await queryRunner.query(`UPDATE "applications" SET "policy_epoch" = (SELECT epoch FROM config_epoch WHERE id = 1)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "policy_epoch"`);
    await queryRunner.query(`DROP SEQUENCE "application_policy_epoch"`);
  }
}
