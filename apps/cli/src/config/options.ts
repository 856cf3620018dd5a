import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../command';

/** node:util parseArgs with its errors turned into usage errors (printed with the command's usage, exit 1). */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const SERVER_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

export function requireFile(file: string | undefined): string {
  if (file === undefined) throw new UsageError('name the configuration file: -f FILE');
  return file;
}
