import { TextInput, type TextInputProps } from '@mantine/core';

/** `2026-12-07T18:30` read as UTC (what `UtcDateTimeInput` holds) → an ISO date-time; undefined when empty. */
export function utcDateTimeToIso(value: string): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * The console's one date-and-time field. The console shows every time in UTC, so what is typed here is UTC too,
 * and the label says so ("Expires (UTC)"): a browser's `datetime-local` would otherwise be read in the computer's
 * zone and shown back in UTC, hours apart. Convert the value with `utcDateTimeToIso`.
 */
export function UtcDateTimeInput({ label, ...props }: Omit<TextInputProps, 'type'> & { label: string }) {
  return <TextInput type="datetime-local" label={`${label} (UTC)`} {...props} />;
}
