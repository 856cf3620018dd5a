import type { DataSource, EntityManager } from 'typeorm';

/** Runs `work` in the caller's transaction when one is given, else in a new one. */
export function inTransaction<T>(
  dataSource: DataSource,
  manager: EntityManager | undefined,
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  return manager ? work(manager) : dataSource.transaction(work);
}

/** PostgreSQL unique_violation (a concurrent insert won the race the pre-check could not see). */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23505';

/** PostgreSQL foreign_key_violation (another library's row still references the one being deleted). */
export const isForeignKeyViolation = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '23503';
