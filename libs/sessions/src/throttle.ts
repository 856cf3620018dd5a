const WINDOW_MS = 60_000;

/** Keys held at most (callers choose them: session ids, accounts); past it the oldest key's window is dropped. */
export const THROTTLE_MAX_KEYS = 100_000;

interface Window {
  /** When the first call counted in this window arrived (ms since the epoch). */
  start: number;
  count: number;
}

/**
 * Calls per key within one minute, as in Adobe's throttling document: a key's window opens at the first call it
 * counts and lasts 60 s; once `limit` calls were counted in it, later calls are refused until it closes, and the
 * next call after that opens a new window. Every call counts, refused ones included (they cannot move the window's
 * end). Per process: with N api processes a key can make up to N times the limit; it protects the service from a
 * runaway player, it is not a billing boundary.
 *
 * Memory: windows live in two generations of one minute each; a generation is dropped whole once every window it
 * holds has closed, so there is no per-key timer and no scan. Both together hold at most THROTTLE_MAX_KEYS keys.
 */
export class Throttle {
  private current = new Map<string, Window>();
  private previous = new Map<string, Window>();
  private rotateAt = 0;

  constructor(
    private readonly limit: number,
    private readonly clock: { now(): number },
  ) {}

  /** Counts one call; returns 0 when it is allowed, else the instant (ms) from which the next call will be. */
  hit(key: string): number {
    const now = this.clock.now();
    if (now >= this.rotateAt || now < this.rotateAt - 2 * WINDOW_MS) this.rotate(now);
    let window = this.current.get(key) ?? this.previous.get(key);
    if (!window || now >= window.start + WINDOW_MS || now < window.start) {
      window = { start: now, count: 0 };
      this.previous.delete(key);
      if (!this.current.has(key)) this.makeRoom();
      this.current.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit ? window.start + WINDOW_MS : 0;
  }

  private makeRoom(): void {
    if (this.previous.size + this.current.size < THROTTLE_MAX_KEYS) return;
    const oldest = this.previous.size > 0 ? this.previous : this.current;
    oldest.delete(oldest.keys().next().value as string);
  }

  /** Windows opened before the previous rotation have all closed: drop them. A clock jump (tests) starts over. */
  private rotate(now: number): void {
    const jumped = now >= this.rotateAt + WINDOW_MS || now < this.rotateAt - 2 * WINDOW_MS;
    this.previous = jumped ? new Map<string, Window>() : this.current;
    this.current = new Map();
    this.rotateAt = now + WINDOW_MS;
  }
}
