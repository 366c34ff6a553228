import { parentPort, Worker, workerData } from 'node:worker_threads';
import { startHranaAdapter } from '../test/tursoServer';

// The test adapter in front of tursodb, run on a thread of its own for the sync bench: in the app the
// server is another machine, so its JSON work must not count as the app's main-thread time.

export interface AdapterThread {
  url: string;
  /** HTTP requests the adapter received so far. */
  requests(): Promise<number>;
  throttle(bytesPerSecond: number | null): Promise<void>;
  close(): Promise<void>;
}

type Message = { type: 'requests' } | { type: 'throttle'; rate: number | null } | { type: 'close' };

if (parentPort && workerData?.adapterThread) {
  const port = parentPort;
  const adapter = await startHranaAdapter(workerData.upstreamPort as number);
  port.postMessage({ url: adapter.url });
  port.on('message', async (message: Message) => {
    if (message.type === 'requests') port.postMessage({ requests: adapter.requests });
    if (message.type === 'throttle') (adapter.throttle(message.rate), port.postMessage({ ok: true }));
    if (message.type === 'close') (await adapter.close(), port.postMessage({ ok: true }), port.close());
  });
}

export async function startAdapterThread(upstreamPort: number): Promise<AdapterThread> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { adapterThread: true, upstreamPort } });
  const next = <T>() => new Promise<T>((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
  const { url } = await next<{ url: string }>();
  // One question at a time: answers come back in order.
  let queue = Promise.resolve() as Promise<unknown>;
  const ask = <T>(message: Message) => (queue = queue.then(() => (worker.postMessage(message), next<T>()))) as Promise<T>;
  return {
    url,
    requests: async () => (await ask<{ requests: number }>({ type: 'requests' })).requests,
    throttle: async (rate) => void (await ask({ type: 'throttle', rate })),
    close: async () => {
      await ask({ type: 'close' });
      await worker.terminate();
    },
  };
}
