/**
 * Whether the database refused the rows themselves: SQLSTATE class 22 (data exception: a NUL byte in text, a value
 * out of range, a malformed uuid) or 23 (integrity constraint). Writing the same rows again cannot succeed. Any other
 * failure (connection lost, timeout, deadlock, shutdown) may pass on a later attempt.
 */
export function isRowRefusal(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** A row the database refused, and why. */
export interface Refused<T> {
  row: T;
  reason: string;
}

/** What became of a write-behind batch: rows refused (set aside), rows not written yet (to try again) and why. */
export interface WriteOutcome<T> {
  refused: Array<Refused<T>>;
  unwritten: T[];
  error?: unknown;
}

/**
 * Writes a write-behind batch so that one bad row never jams it: when the database refuses the batch for its data
 * (`isRowRefusal`), the rows are written one by one and those refused come back with the reason, the others saved.
 * Any other failure stops the writing: the rows not written yet come back in `unwritten` (the caller keeps them for a
 * later attempt; none of them was written, so none is counted twice).
 */
export async function writeSettingAside<T>(rows: readonly T[], write: (rows: T[]) => Promise<void>): Promise<WriteOutcome<T>> {
  try {
    await write([...rows]);
    return { refused: [], unwritten: [] };
  } catch (error) {
    if (!isRowRefusal(error)) return { refused: [], unwritten: [...rows], error };
  }
  const refused: Array<Refused<T>> = [];
  for (const [i, row] of rows.entries()) {
    try {
      await write([row]);
    } catch (error) {
      if (!isRowRefusal(error)) return { refused, unwritten: rows.slice(i), error };
      refused.push({ row, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { refused, unwritten: [] };
}
