import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A token created with another token remembers it: it expires no later, and revoking the parent deletes it too. */
export class TokenLineage1796071000000 implements MigrationInterface {
  name = 'TokenLineage1796071000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "parent_token_id" uuid`);
    await queryRunner.query(`CREATE INDEX "IDX_d2cd35d2958bc79c8f34c55efe" ON "api_tokens" ("parent_token_id") `);
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_d2cd35d2958bc79c8f34c55efe5" FOREIGN KEY ("parent_token_id") REFERENCES "api_tokens"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_d2cd35d2958bc79c8f34c55efe5"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d2cd35d2958bc79c8f34c55efe"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "parent_token_id"`);
  }
}
