import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startHranaAdapter } from '../test/tursoServer';

// The test adapter in front of tursodb, run in a process of its own for the sync bench: in the app the
// server is another machine, so the adapter's JSON work must not count as the app's main-thread time.

export interface AdapterProcess {
  url: string;
  /** HTTP requests the adapter received so far. */
  requests(): Promise<number>;
  throttle(bytesPerSecond: number | null): Promise<void>;
  close(): Promise<void>;
}

type Message = { type: 'requests' } | { type: 'throttle'; rate: number | null } | { type: 'close' };

if (process.send && process.env.FIELDBOOK_ADAPTER_UPSTREAM) {
  const send = process.send.bind(process);
  const adapter = await startHranaAdapter(Number(process.env.FIELDBOOK_ADAPTER_UPSTREAM));
  send({ url: adapter.url });
  process.on('message', async (message: Message) => {
    if (message.type === 'requests') send({ requests: adapter.requests });
    if (message.type === 'throttle') {
      adapter.throttle(message.rate);
      send({ ok: true });
    }
    if (message.type === 'close') {
      await adapter.close();
      send({ ok: true });
      process.disconnect();
    }
  });
}

export async function startAdapterProcess(upstreamPort: number): Promise<AdapterProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FIELDBOOK_ADAPTER_UPSTREAM: String(upstreamPort) },
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const ended = (code: number | null) => reject(new Error(`the adapter process ended (${code})`));
      child.once('exit', ended);
      child.once('message', (m) => {
        child.off('exit', ended);
        resolve(m as T);
      });
    });
  const { url } = await next<{ url: string }>();
  // One question at a time: answers come back in order.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: Message) => (queue = queue.then(() => (child.send(message), next<T>()))) as Promise<T>;
  return {
    url,
    requests: async () => (await ask<{ requests: number }>({ type: 'requests' })).requests,
    throttle: async (rate) => void (await ask({ type: 'throttle', rate })),
    close: async () => {
      await ask({ type: 'close' });
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}
