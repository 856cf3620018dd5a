import { isRefusedByDatabase, writeSettingAside } from './write-behind';

/** A database that refuses rows holding "bad" (SQLSTATE 22P05, as PostgreSQL does for a NUL), atomically per batch. */
function fakeTable(options: { down?: boolean } = {}) {
  const stored: string[] = [];
  let writes = 0;
  const write = (batch: string[]): Promise<void> => {
    writes++;
    if (options.down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    if (batch.some((r) => r.includes('bad'))) {
      const error = Object.assign(new Error('query failed'), {
        driverError: { code: '22P05', message: 'unsupported Unicode escape sequence' },
      });
      return Promise.reject(error);
    }
    stored.push(...batch);
    return Promise.resolve();
  };
  return { stored, write, writes: () => writes };
}

describe('writeSettingAside', () => {
  it('writes every good row and returns the refused ones with the reason', async () => {
    const rows = Array.from({ length: 101 }, (_, i) => (i === 40 || i === 77 ? `bad-${i}` : `ok-${i}`));
    const table = fakeTable();
    const refused = await writeSettingAside(rows, table.write);
    expect(refused.map((r) => r.row)).toEqual(['bad-40', 'bad-77']);
    expect(table.stored.sort()).toEqual(rows.filter((r) => r.startsWith('ok')).sort());
    expect(table.writes()).toBeLessThan(30);
  });

  it('writes a clean batch in one write', async () => {
    const table = fakeTable();
    expect(await writeSettingAside(['a', 'b', 'c'], table.write)).toEqual([]);
    expect(table.writes()).toBe(1);
  });

  it('throws, setting nothing aside, when the database is away', async () => {
    const table = fakeTable({ down: true });
    await expect(writeSettingAside(['a', 'bad'], table.write)).rejects.toThrow('ECONNREFUSED');
    expect(table.writes()).toBe(1);
  });

  it('tells data refusals (classes 22 and 23) from failures worth retrying', () => {
    expect(isRefusedByDatabase({ code: '22P02' })).toBe(true);
    expect(isRefusedByDatabase({ code: '23505' })).toBe(true);
    expect(isRefusedByDatabase({ driverError: { code: '22021' } })).toBe(true);
    expect(isRefusedByDatabase({ code: '57P01' })).toBe(false);
    expect(isRefusedByDatabase({ code: 'ECONNRESET' })).toBe(false);
    expect(isRefusedByDatabase(new Error('timeout'))).toBe(false);
  });
});
