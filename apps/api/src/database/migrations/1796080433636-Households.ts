import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Device registers, device removals (swap quota), starts per network and operators' home networks (issue 16). */
export class Households1796080433636 implements MigrationInterface {
  name = 'Households1796080433636';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "devices" ("policy_id" uuid NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "device_id" text NOT NULL, "name" text NOT NULL, "platform" text NOT NULL, "first_seen" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_9378fd898fabfa241a70130c869" PRIMARY KEY ("policy_id", "idp", "subject", "device_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "device_removals" ("id" BIGSERIAL NOT NULL, "policy_id" uuid NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "device_id" text NOT NULL, "removed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "removed_by" text NOT NULL, CONSTRAINT "PK_9d5c0e440d29f1a5a26fefce4a8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "device_removals_by_account" ON "device_removals"  ("policy_id", "idp", "subject", "removed_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "account_networks" ("idp" text NOT NULL, "subject" text NOT NULL, "tenant_id" uuid NOT NULL, "network_id" text NOT NULL, "day" date NOT NULL, "country" text, "asn" integer, "starts" integer NOT NULL, "last_seen" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_894efc879e775d2af71c58c9892" PRIMARY KEY ("idp", "subject", "tenant_id", "network_id", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "home_networks" ("idp" text NOT NULL, "subject" text NOT NULL, "network_id" text NOT NULL, "set_by" text NOT NULL, "set_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_099a6e3e2b6a8cf9541e774471c" PRIMARY KEY ("idp", "subject"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "home_networks"`);
    await queryRunner.query(`DROP TABLE "account_networks"`);
    await queryRunner.query(`DROP INDEX "public"."device_removals_by_account"`);
    await queryRunner.query(`DROP TABLE "device_removals"`);
    await queryRunner.query(`DROP TABLE "devices"`);
  }
}
