/**
 * Fixed-window call counter per key (one minute windows). Per process: with N api processes a key can
 * make up to N times the limit; it protects the service from a runaway player, not a billing boundary.
 */
export class Throttle {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one call; returns 0 when allowed, else the seconds until the window resets. */
  hit(key: string): number {
    const now = this.now();
    const window = Math.floor(now / 60_000) * 60_000;
    if (window !== this.windowStart) {
      this.windowStart = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count > this.limitPerMinute ? Math.max(1, Math.ceil((window + 60_000 - now) / 1000)) : 0;
  }
}
