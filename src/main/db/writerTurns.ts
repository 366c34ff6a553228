// Two connections write the same file while a pull worker runs: the main process's (every window's saves)
// and the worker's (pulled pages, in transactions long enough to be fast). SQLite lets one write at a time,
// and the other waits synchronously: a save would hold the main thread for the worker's whole transaction.
// So the main thread says when it is about to write; the worker, between two steps of its transaction,
// commits early and lets it through before it begins the next one.

/** The main thread's side: writes announced here go before the worker's next transaction. */
export class WriterTurns {
  /** Shared with the worker (workerData): how many main-thread writes are waiting or running. */
  readonly buffer = new SharedArrayBuffer(4);
  private readonly waiting = new Int32Array(this.buffer);

  hold<T>(work: () => T): T {
    Atomics.add(this.waiting, 0, 1);
    try {
      return work();
    } finally {
      this.release();
    }
  }

  async during<T>(work: () => T | Promise<T>): Promise<T> {
    Atomics.add(this.waiting, 0, 1);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    Atomics.sub(this.waiting, 0, 1);
    Atomics.notify(this.waiting, 0);
  }
}

/** The worker's side of WriterTurns. `maxWaitMs`: the longest it stands aside for one announced write (a PDF export holds its turn while it prints). */
export function writerTurnsInWorker(buffer: SharedArrayBuffer, maxWaitMs = 500) {
  const waiting = new Int32Array(buffer);
  return {
    /** The main thread wants to write: end the transaction at the next step. */
    wanted: () => Atomics.load(waiting, 0) > 0,
    /** Blocks this worker while the main thread writes (at most maxWaitMs). */
    letThrough: () => {
      const end = performance.now() + maxWaitMs;
      for (let n = Atomics.load(waiting, 0); n > 0 && performance.now() < end; n = Atomics.load(waiting, 0)) {
        Atomics.wait(waiting, 0, n, Math.max(1, end - performance.now()));
      }
    },
  };
}
