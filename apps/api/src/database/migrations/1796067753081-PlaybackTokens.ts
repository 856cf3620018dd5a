import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Signed playback tokens: the signing keys (private parts stay in the database) and the per-application switch. */
export class PlaybackTokens1796067753081 implements MigrationInterface {
  name = 'PlaybackTokens1796067753081';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" text NOT NULL, "algorithm" text NOT NULL, "public_jwk" jsonb NOT NULL, "private_jwk" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, "published_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(`ALTER TABLE "applications" ADD "playback_tokens_enabled" boolean NOT NULL DEFAULT false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "playback_tokens_enabled"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
