import { PendingUsage, toBucketIncrements } from './pending-usage';
import { zeroCounters } from './usage-counters';

const T0 = Date.UTC(2026, 0, 2, 23, 59, 55); // 5 s before a minute, hour and day boundary

describe(PendingUsage.name, () => {
  it('counts events per 10-second slice and application, and hands them over once', () => {
    const sut = new PendingUsage();
    sut.record('a', 'started', T0);
    sut.record('a', 'started', T0 + 1000);
    sut.record('a', 'denied', T0 + 6000);
    sut.record('b', 'expired', new Date(T0));
    expect(sut.countsSince(0).get('a')).toEqual({ ...zeroCounters(), started: 2, denied: 1 });
    expect(sut.countsSince(T0 + 5000).get('a')).toEqual({ ...zeroCounters(), denied: 1 });
    const taken = sut.take();
    expect(taken).toHaveLength(3);
    expect(sut.isEmpty).toBe(true);
    expect(sut.take()).toEqual([]);
  });

  it('keeps the counts of a failed write for the next flush', () => {
    const sut = new PendingUsage();
    sut.record('a', 'started', T0);
    const taken = sut.take();
    sut.record('a', 'started', T0);
    sut.restore(taken);
    expect(sut.countsSince(0).get('a')).toEqual({ ...zeroCounters(), started: 2 });
  });
});

describe(toBucketIncrements.name, () => {
  it('rolls slices up into minute, hour and day buckets (UTC) with the sampled peak', () => {
    const pending = new PendingUsage();
    pending.record('a', 'started', T0); // 23:59:50 slice
    pending.record('a', 'stopped', T0 + 6000); // 00:00:01 next day
    const rows = toBucketIncrements(pending.take(), new Map([['a', 7]]), T0 + 6000);
    const find = (g: string, iso: string) => rows.find((r) => r.granularity === g && new Date(r.bucketStart).toISOString() === iso);
    expect(find('minute', '2026-01-02T23:59:00.000Z')).toEqual(
      expect.objectContaining({ counters: { ...zeroCounters(), started: 1 }, peakRunning: 0 }),
    );
    expect(find('minute', '2026-01-03T00:00:00.000Z')).toEqual(
      expect.objectContaining({ counters: { ...zeroCounters(), stopped: 1 }, peakRunning: 7 }),
    );
    expect(find('hour', '2026-01-02T23:00:00.000Z')?.counters.started).toBe(1);
    expect(find('day', '2026-01-03T00:00:00.000Z')).toEqual(
      expect.objectContaining({ counters: { ...zeroCounters(), stopped: 1 }, peakRunning: 7 }),
    );
    expect(rows).toHaveLength(6);
  });

  it('orders rows the same way every time, so concurrent flushes lock rows in one order', () => {
    const pending = new PendingUsage();
    for (const app of ['c', 'a', 'b']) pending.record(app, 'started', T0);
    const rows = toBucketIncrements(pending.take(), new Map(), T0);
    expect(rows.map((r) => `${r.granularity}:${r.applicationId}`)).toEqual([
      'minute:a',
      'minute:b',
      'minute:c',
      'hour:a',
      'hour:b',
      'hour:c',
      'day:a',
      'day:b',
      'day:c',
    ]);
  });

  it('writes a peak only for applications with sessions running', () => {
    expect(toBucketIncrements([], new Map([['idle', 0]]), T0)).toEqual([]);
  });
});
