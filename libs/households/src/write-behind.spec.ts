import { isRowRefusal, writeSettingAside } from './write-behind';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const NUL = pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
const DOWN = pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');

/** A writer that refuses rows containing "bad" (as PostgreSQL refuses a NUL byte) and records what it saved. */
function database(options: { downAfter?: number } = {}) {
  const saved: string[] = [];
  let calls = 0;
  const write = (rows: string[]): Promise<void> => {
    calls++;
    if (options.downAfter !== undefined && calls > options.downAfter) return Promise.reject(DOWN);
    if (rows.some((r) => r.includes('bad'))) return Promise.reject(NUL);
    saved.push(...rows);
    return Promise.resolve();
  };
  return { saved, write, calls: () => calls };
}

describe(writeSettingAside.name, () => {
  it('writes a clean batch in one call', async () => {
    const db = database();
    expect(await writeSettingAside(['a', 'b'], db.write)).toEqual({ refused: [], unwritten: [] });
    expect(db.saved).toEqual(['a', 'b']);
    expect(db.calls()).toBe(1);
  });

  it('sets aside the row the database refuses and writes the others', async () => {
    const db = database();
    const sut = await writeSettingAside(['a', 'bad', 'c'], db.write);
    expect(sut).toEqual({ refused: [{ row: 'bad', reason: NUL.message }], unwritten: [] });
    expect(db.saved).toEqual(['a', 'c']);
  });

  it('keeps the whole batch when the database cannot be reached', async () => {
    const db = database({ downAfter: 0 });
    const sut = await writeSettingAside(['a', 'bad', 'c'], db.write);
    expect(sut).toEqual({ refused: [], unwritten: ['a', 'bad', 'c'], error: DOWN });
  });

  it('returns only the rows not written yet when the database goes away row by row (none counted twice)', async () => {
    const db = database({ downAfter: 3 });
    const sut = await writeSettingAside(['a', 'bad', 'c', 'd'], db.write);
    expect(db.saved).toEqual(['a']);
    expect(sut).toEqual({ refused: [{ row: 'bad', reason: NUL.message }], unwritten: ['c', 'd'], error: DOWN });
  });
});

describe(isRowRefusal.name, () => {
  it('is true for data exceptions and constraint violations only', () => {
    expect(isRowRefusal(NUL)).toBe(true);
    expect(isRowRefusal(pgError('22P02', 'invalid input syntax for type uuid'))).toBe(true);
    expect(isRowRefusal(pgError('23505', 'duplicate key'))).toBe(true);
    expect(isRowRefusal(DOWN)).toBe(false);
    expect(isRowRefusal(pgError('57P01', 'terminating connection due to administrator command'))).toBe(false);
    expect(isRowRefusal(pgError('40P01', 'deadlock detected'))).toBe(false);
    expect(isRowRefusal(new Error('Connection terminated'))).toBe(false);
  });
});
