import { MigrationInterface, QueryRunner } from 'typeorm';

/** Usage history (minute, hour and day buckets per application) and the recent 10-second slices. */

export class Usage1795797000000 implements MigrationInterface {
  name = 'Usage1795797000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "usage_buckets" ("granularity" text NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "application_id" text NOT NULL, "tenant_id" uuid NOT NULL, "started" bigint NOT NULL DEFAULT '0', "denied" bigint NOT NULL DEFAULT '0', "dismissed" bigint NOT NULL DEFAULT '0', "killed" bigint NOT NULL DEFAULT '0', "stopped" bigint NOT NULL DEFAULT '0', "expired" bigint NOT NULL DEFAULT '0', "peak_running" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_c6127d429740f22b0d27f653ec3" PRIMARY KEY ("granularity", "bucket_start", "application_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "usage_buckets_by_tenant" ON "usage_buckets"  ("tenant_id", "granularity", "bucket_start") `);
    await queryRunner.query(
      `CREATE TABLE "usage_recent" ("slice_start" TIMESTAMP WITH TIME ZONE NOT NULL, "application_id" text NOT NULL, "tenant_id" uuid NOT NULL, "started" integer NOT NULL DEFAULT '0', "denied" integer NOT NULL DEFAULT '0', "dismissed" integer NOT NULL DEFAULT '0', "killed" integer NOT NULL DEFAULT '0', "stopped" integer NOT NULL DEFAULT '0', "expired" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_5f2d865d74af9536aab476b91d0" PRIMARY KEY ("slice_start", "application_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "usage_recent"`);
    await queryRunner.query(`DROP INDEX "public"."usage_buckets_by_tenant"`);
    await queryRunner.query(`DROP TABLE "usage_buckets"`);
  }
}
