// Counting slots for a worker's concurrency: at most `limit` holders at once,
// the rest wait in arrival order. One per process for the total, one per job
// type that has its own limit.

export class Slots {
  private held = 0;
  private waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`a concurrency limit must be a whole number of at least 1 (got ${limit})`);
  }

  get inUse(): number {
    return this.held;
  }

  get free(): number {
    return this.limit - this.held;
  }

  /** Takes a slot now if one is free. */
  tryAcquire(): boolean {
    if (this.held >= this.limit) return false;
    this.held++;
    return true;
  }

  /** Waits for a slot. */
  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Gives a slot back: the longest waiter gets it, else it is freed. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else if (this.held > 0) this.held--;
  }
}
