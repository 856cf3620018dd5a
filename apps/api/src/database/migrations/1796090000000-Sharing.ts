import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sharing signals (issue 16 part 3): starts with their places, scores per account and tenant, reviews. */
export class Sharing1796090000000 implements MigrationInterface {
  name = 'Sharing1796090000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sharing_starts" ("session_id" text NOT NULL, "tenant_id" uuid NOT NULL, "application_id" text NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "device_id" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "address" text, "network_id" text, "country" text, "city" text, "latitude" double precision, "longitude" double precision, "asn" integer, "asn_organisation" text, "kind" text NOT NULL, CONSTRAINT "PK_sharing_starts" PRIMARY KEY ("session_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "sharing_starts_by_account" ON "sharing_starts" ("tenant_id", "idp", "subject", "started_at") `);
    await queryRunner.query(`CREATE INDEX "sharing_starts_by_time" ON "sharing_starts" ("started_at") `);
    await queryRunner.query(
      `CREATE TABLE "sharing_scores" ("tenant_id" uuid NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "score" integer NOT NULL, "evidence" jsonb NOT NULL, "flags" jsonb NOT NULL, "networks_24h" integer NOT NULL, "networks_30d" integer NOT NULL, "countries_24h" integer NOT NULL, "countries_30d" integer NOT NULL, "devices_new_7d" integer NOT NULL, "last_start_at" TIMESTAMP WITH TIME ZONE, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_sharing_scores" PRIMARY KEY ("tenant_id", "idp", "subject"))`,
    );
    await queryRunner.query(`CREATE INDEX "sharing_scores_by_score" ON "sharing_scores" ("tenant_id", "score") `);
    await queryRunner.query(
      `CREATE TABLE "sharing_reviews" ("tenant_id" uuid NOT NULL, "idp" text NOT NULL, "subject" text NOT NULL, "reviewed_by" text NOT NULL, "reviewed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "score_at_review" integer NOT NULL, "note" text, CONSTRAINT "PK_sharing_reviews" PRIMARY KEY ("tenant_id", "idp", "subject"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sharing_reviews"`);
    await queryRunner.query(`DROP INDEX "public"."sharing_scores_by_score"`);
    await queryRunner.query(`DROP TABLE "sharing_scores"`);
    await queryRunner.query(`DROP INDEX "public"."sharing_starts_by_time"`);
    await queryRunner.query(`DROP INDEX "public"."sharing_starts_by_account"`);
    await queryRunner.query(`DROP TABLE "sharing_starts"`);
  }
}
