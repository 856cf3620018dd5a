import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane). `@node-rs/argon2` runs each hash on
 * libuv's thread pool, off the event loop; hashes made with other parameters (the former 64 MiB, t=3, p=4) still
 * verify, and are replaced by one with these parameters at the next successful sign-in (`needsRehash`).
 */
const ARGON2ID = 2; // Algorithm.Argon2id (an ambient const enum, which isolated modules cannot read)
export const PASSWORD_HASH_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const OPTIONS = { ...PASSWORD_HASH_PARAMS, algorithm: ARGON2ID };

/** Hashes computed at once: one core's worth at most, so requests keep the other core(s) and the thread pool. */
export const HASHES_IN_FLIGHT = Math.max(1, Math.min(4, availableParallelism() - 1));
/** Hashes that may wait for a slot when the caller asked to be refused rather than queued (sign-in). */
export const HASHES_WAITING = 8 * HASHES_IN_FLIGHT;

/** Every slot and the waiting room are taken: the caller is told to come back (sign-in answers 503). */
export class PasswordHashingBusyError extends Error {
  constructor() {
    super('Too many password checks in progress');
    this.name = 'PasswordHashingBusyError';
  }
}

/** A counting semaphore: at most `max` tasks run; a released slot passes straight to the first waiter. */
export class HashSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(work: () => Promise<T>, refuseWhenBusy: boolean): Promise<T> {
    if (this.running < this.max) {
      this.running += 1;
    } else {
      if (refuseWhenBusy && this.waiting.length >= this.maxWaiting) throw new PasswordHashingBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

const slots = new HashSlots(HASHES_IN_FLIGHT, HASHES_WAITING);

/** Hashes a new password (operators, resets): waits for a slot however busy sign-in is. */
export function hashPassword(password: string): Promise<string> {
  return slots.run(() => hash(password, OPTIONS), false);
}

/** A valid hash of a random password: verifying against it costs the same as a real check (unknown emails). */
let dummyHash: Promise<string> | undefined;

/**
 * Checks a password in constant time; an unknown account (`hash` null) still pays for one verification. With
 * `refuseWhenBusy` (sign-in) it throws PasswordHashingBusyError instead of queueing past HASHES_WAITING.
 */
export async function verifyPassword(
  hashed: string | null,
  password: string,
  options: { refuseWhenBusy?: boolean } = {},
): Promise<boolean> {
  const refuse = options.refuseWhenBusy ?? false;
  if (hashed === null) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}`);
    const dummy = await dummyHash;
    await slots.run(() => verify(dummy, password).catch(() => false), refuse);
    return false;
  }
  return slots.run(() => verify(hashed, password).catch(() => false), refuse);
}

/** Whether a stored hash was made with other parameters than today's (it is replaced at the next sign-in). */
export function needsRehash(hashed: string): boolean {
  const params = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hashed);
  if (!params) return true;
  const [m, t, p] = params.slice(1).map(Number);
  return m !== PASSWORD_HASH_PARAMS.memoryCost || t !== PASSWORD_HASH_PARAMS.timeCost || p !== PASSWORD_HASH_PARAMS.parallelism;
}
