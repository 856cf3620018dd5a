/** A batch's answer for one key that failed on its own (its caller gets the error; the others their answers). */
export class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit without a timer: a call made while fewer than `maxInFlight` batches are running goes out at once (a
 * lone call is never delayed); calls made while they are all busy wait and leave together, as one batch, when one
 * of them finishes. Calls with the same key never share a batch (the second waits for the next one), so a batch
 * touches each row once.
 */
export class GroupCommit<I, R> {
  private queue: Array<{ key: string; item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    /** Runs one batch (items of distinct keys); answers per key, in any order. */
    private readonly run: (items: Array<{ key: string; item: I }>) => Promise<Map<string, R | Failed>>,
    /** The answer for a key `run` did not answer. */
    private readonly missing: R,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ key, item, resolve, reject });
      if (this.inFlight < this.maxInFlight) this.flush();
    });
  }

  /** Calls waiting for a batch (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const keys = new Set<string>();
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    for (const entry of this.queue) {
      if (batch.length < this.maxBatch && !keys.has(entry.key)) {
        keys.add(entry.key);
        batch.push(entry);
      } else {
        rest.push(entry);
      }
    }
    this.queue = rest;
    this.inFlight++;
    this.run(batch.map(({ key, item }) => ({ key, item })))
      .then(
        (answers) => {
          for (const entry of batch) {
            const answer = answers.has(entry.key) ? answers.get(entry.key)! : this.missing;
            if (answer instanceof Failed) entry.reject(answer.error);
            else entry.resolve(answer);
          }
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }
}
