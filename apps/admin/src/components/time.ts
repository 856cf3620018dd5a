/**
 * The console's one rule for time: every time is shown in UTC and says so. History buckets are UTC minutes, hours
 * and days, so a chart's labels are its buckets' own starts whatever zone the browser is in.
 */
export const TIME_ZONE_NOTE = 'Times in UTC';

const parts = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hourCycle: 'h23', ...options });

const dateTimeFormat = parts({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeFormat = parts({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
const minuteFormat = parts({ hour: '2-digit', minute: '2-digit' });
const hourFormat = parts({ day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const dayFormat = parts({ day: 'numeric', month: 'short' });

const toDate = (value: string | number | Date) => (value instanceof Date ? value : new Date(value));

/** "30 Nov 2026, 14:03:05 UTC"; "—" when there is no time. */
export const formatDateTime = (value: string | number | Date | null | undefined) =>
  value === null || value === undefined ? '—' : `${dateTimeFormat.format(toDate(value))} UTC`;

/** "14:03:05 UTC". */
export const formatTime = (value: string | number | Date | null | undefined) =>
  value === null || value === undefined ? '—' : `${timeFormat.format(toDate(value))} UTC`;

/** Chart labels (the zone is said once, beside the chart): "14:03", "30 Nov 14:00", "30 Nov". */
export function bucketLabel(value: number, granularity: 'minute' | 'hour' | 'day'): string {
  const d = new Date(value);
  if (granularity === 'day') return dayFormat.format(d);
  if (granularity === 'hour') return hourFormat.format(d);
  return minuteFormat.format(d);
}
