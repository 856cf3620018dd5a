import { MAX_HISTORY_BUCKETS, parseHistoryQuery, toCsv } from './usage-history.service';
import { UsageError, UsageErrorCode } from './usage.errors';

const NOW = new Date('2026-03-04T05:06:07.000Z');

function refusal(raw: Record<string, unknown>): UsageError {
  try {
    parseHistoryQuery(raw, NOW);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe(parseHistoryQuery.name, () => {
  it('defaults to the last 24 hours in hour buckets, as JSON', () => {
    expect(parseHistoryQuery({}, NOW)).toEqual({
      granularity: 'hour',
      from: new Date('2026-03-03T05:00:00.000Z'),
      to: NOW,
      format: 'json',
      applicationId: undefined,
    });
  });

  it('moves `from` back to the start of its bucket', () => {
    const q = parseHistoryQuery({ granularity: 'day', from: '2026-03-01T12:00:00+02:00', to: '2026-03-04T00:00:00Z' }, NOW);
    expect(q.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('accepts a plain date', () => {
    expect(parseHistoryQuery({ from: '2026-03-01', to: '2026-03-02', granularity: 'day' }, NOW).from.toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it.each([
    [{ granularity: 'second' }, 'granularity'],
    [{ from: '1700000000000' }, 'from'],
    [{ from: '2026-03-01T00:00:00' }, 'from'], // no time zone: ambiguous
    [{ to: 'now' }, 'to'],
    [{ from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }, 'to'],
    [{ format: 'xlsx' }, 'format'],
    [{ applicationId: '' }, 'applicationId'],
    [{ applicationId: ['a', 'b'] }, 'applicationId'],
    [{ limit: '10' }, 'limit'],
  ])('refuses %j naming %s', (raw, field) => {
    const error = refusal(raw);
    expect(error.code).toBe(UsageErrorCode.INVALID_QUERY);
    expect(error.errors.map((e) => e.field)).toEqual([field]);
  });

  it(`refuses more than ${MAX_HISTORY_BUCKETS} buckets, saying so`, () => {
    const to = new Date(Date.UTC(2026, 0, 1));
    const from = new Date(to.getTime() - (MAX_HISTORY_BUCKETS + 1) * 60_000);
    const error = refusal({ granularity: 'minute', from: from.toISOString(), to: to.toISOString() });
    expect(error.code).toBe(UsageErrorCode.RANGE_TOO_LARGE);
    expect(error.message).toMatch(/10001 minute buckets; at most 10000/);
    const justFits = new Date(to.getTime() - MAX_HISTORY_BUCKETS * 60_000);
    expect(() => parseHistoryQuery({ granularity: 'minute', from: justFits.toISOString(), to: to.toISOString() }, NOW)).not.toThrow();
  });
});

describe(toCsv.name, () => {
  const bucket = {
    start: '2026-03-04T05:06:00.000Z',
    applicationId: 'app-1',
    applicationName: 'Kitchen, "TV"',
    tenantId: 't1',
    started: 3,
    denied: 1,
    dismissed: 0,
    killed: 0,
    stopped: 2,
    expired: 0,
    peakRunning: 3,
  };

  it('writes a header row and one quoted row per bucket', () => {
    expect(toCsv([bucket])).toBe(
      'start,applicationId,applicationName,tenantId,started,denied,dismissed,killed,stopped,expired,peakRunning\r\n' +
        '2026-03-04T05:06:00.000Z,app-1,"Kitchen, ""TV""",t1,3,1,0,0,2,0,3\r\n',
    );
  });

  it('defuses names a spreadsheet would run as a formula', () => {
    expect(toCsv([{ ...bucket, applicationName: '=HYPERLINK("x")' }]).split('\r\n')[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});
