import { randomBytes } from 'node:crypto';
import { v7 as uuidv7, validate as uuidValidate } from 'uuid';

export const newSessionId = (): string => uuidv7();

export const isSessionId = (value: string): boolean => uuidValidate(value);

/** 8 lowercase hex characters, not among `taken` (the account's other running sessions' codes). */
export function newTerminationCode(taken: ReadonlySet<string>): string {
  for (;;) {
    const code = randomBytes(4).toString('hex');
    if (!taken.has(code)) return code;
  }
}
