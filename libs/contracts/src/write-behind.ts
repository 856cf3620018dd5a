/**
 * Write-behind buffers (usage counters, the decision log, sharing starts, household network counts) write what the
 * player path heard in batches, off the request. One row the database refuses must never jam a buffer: it is set
 * aside (logged with its reason, counted) and the rest are written. A database that is away refuses nothing: the
 * batch stays for the next flush, as before.
 */

/** In-process event a buffer emits for the rows it set aside (apps/api counts them in cm_writebehind_rejected_total). */
export const WRITE_BEHIND_REJECTED = 'write-behind.rejected';

export interface WriteBehindRejectedEvent {
  /** The buffer: `usage`, `decisions`, `sharing-starts`, `network-counts`, … */
  buffer: string;
  /** Rows set aside. */
  rows: number;
  /** What the database said of the first of them. */
  reason: string;
}

/**
 * Whether the database refused the data itself (PostgreSQL SQLSTATE class 22 "data exception", e.g. a NUL or an
 * invalid JSON text, or class 23 "integrity constraint violation"): sending the same rows again fails again. Any
 * other failure (connection lost, time-out, shutdown) is worth retrying.
 */
export function isRefusedByDatabase(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

function sqlState(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string' && /^[0-9A-Z]{5}$/.test(own)) return own;
  // TypeORM's QueryFailedError carries the driver's error.
  const driver = (error as { driverError?: unknown }).driverError;
  return driver === undefined ? undefined : sqlState(driver);
}

export interface SetAside<T> {
  row: T;
  reason: string;
}

/**
 * Writes `rows` with `write` (which must write a batch atomically, or idempotently). When the database refuses the
 * batch's data, halves it until the refused rows stand alone, writes every other row, and returns the refused ones
 * with the database's reason. Any other failure is thrown, with nothing set aside (the caller keeps the batch).
 * k bad rows among n cost about 2·k·log2(n) extra writes; none cost nothing extra.
 */
export async function writeSettingAside<T>(rows: T[], write: (batch: T[]) => Promise<void>): Promise<Array<SetAside<T>>> {
  if (rows.length === 0) return [];
  try {
    await write(rows);
    return [];
  } catch (error) {
    if (!isRefusedByDatabase(error)) throw error;
    if (rows.length === 1) return [{ row: rows[0], reason: error instanceof Error ? error.message : String(error) }];
    const half = Math.ceil(rows.length / 2);
    const first = await writeSettingAside(rows.slice(0, half), write);
    const second = await writeSettingAside(rows.slice(half), write);
    return [...first, ...second];
  }
}

/** Logs the rows a buffer set aside (each named by `name`) and emits WRITE_BEHIND_REJECTED for the metrics. */
export function reportSetAside<T>(
  buffer: string,
  refused: Array<SetAside<T>>,
  name: (row: T) => string,
  logger: { error(message: string): unknown },
  events: { emit(event: string, payload: WriteBehindRejectedEvent): unknown },
): void {
  if (refused.length === 0) return;
  const reason = refused[0].reason;
  const names = refused.slice(0, 20).map((r) => name(r.row));
  const more = refused.length > names.length ? ` and ${refused.length - names.length} more` : '';
  logger.error(`${buffer}: ${refused.length} row(s) refused by the database and set aside (${names.join(', ')}${more}): ${reason}`);
  events.emit(WRITE_BEHIND_REJECTED, { buffer, rows: refused.length, reason });
}
