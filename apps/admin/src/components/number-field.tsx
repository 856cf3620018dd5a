import { NumberInput, type NumberInputProps } from '@mantine/core';

export interface WholeNumberRange {
  min?: number;
  max?: number;
  /** Said after the bounds: "Between 10 and 3600 seconds". */
  unit?: string;
}

/** What is wrong with a whole number typed in a field, in words; undefined when it is one within the range. */
export function wholeNumberError(value: number | string, { min, max, unit }: WholeNumberRange): string | undefined {
  if (typeof value === 'string' && value.trim() === '') return 'Enter a number';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) return 'Enter a whole number';
  const u = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined && (n < min || n > max)) return `Between ${min} and ${max}${u}`;
  if (min !== undefined && n < min) return `At least ${min}${u}`;
  if (max !== undefined && n > max) return `At most ${max}${u}`;
  return undefined;
}

/**
 * The console's one number field: whole numbers, and what was typed stays as typed. Mantine clamps to `min`/`max` when
 * the field loses focus (5 became 10, 99999 became 3600, and the form saved a number nobody typed); here an out-of-range
 * value is refused with a message instead (`wholeNumberError` in the form's validation).
 */
export function WholeNumberInput(props: NumberInputProps) {
  return <NumberInput allowDecimal={false} clampBehavior="none" {...props} />;
}
