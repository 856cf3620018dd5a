const pgCode = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** PostgreSQL unique_violation (a concurrent insert won the race the pre-check could not see). */
export const isUniqueViolation = (error: unknown): boolean => pgCode(error) === '23505';
/** PostgreSQL foreign_key_violation (e.g. an unknown tenant id). */
export const isForeignKeyViolation = (error: unknown): boolean => pgCode(error) === '23503';
/** PostgreSQL invalid_text_representation (e.g. a malformed uuid). */
export const isInvalidText = (error: unknown): boolean => pgCode(error) === '22P02';
