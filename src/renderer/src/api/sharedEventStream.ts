// The preview's server events reach every tab of a browser over ONE HTTP connection: browsers allow about
// six HTTP/1.1 connections per host, and a stream per subscriber per tab used them all up by the third tab
// (the fourth never loaded). One tab, holding a Web Lock, reads the stream and relays each event to the
// other tabs over a BroadcastChannel; when it closes, the lock passes to another tab, which takes over.

export type EventListener = (name: string, payload: unknown) => void;

const LOCK_NAME = 'fieldbook-event-stream';
const CHANNEL_NAME = 'fieldbook-events';

/** Parses a server-sent-events text stream into (name, payload) pairs until it ends or is aborted. */
export async function readEventStream(body: ReadableStream<BufferSource>, onEvent: EventListener): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data) onEvent(name, JSON.parse(data));
    }
  }
}

/** Keeps one stream open (reconnecting with backoff) until the signal aborts. */
async function runStream(
  open: (signal: AbortSignal) => Promise<Response>,
  onEvent: EventListener,
  onConnected: () => void,
  signal: AbortSignal,
): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt += 1) {
    try {
      const response = await open(signal);
      if (response.ok && response.body) {
        attempt = 0;
        onConnected();
        await readEventStream(response.body, onEvent);
      }
    } catch {
      // reconnect below
    }
    if (signal.aborted) return;
    await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
  }
}

export interface SharedEventStream {
  subscribe(listener: EventListener): () => void;
}

export function sharedEventStream(open: (signal: AbortSignal) => Promise<Response>): SharedEventStream {
  const listeners = new Set<EventListener>();
  const deliver: EventListener = (name, payload) => listeners.forEach((listener) => listener(name, payload));
  let started = false;
  // Events sent while no stream was open (a reconnect, or between one leader tab closing and the next
  // connecting) are lost: after such a gap every tab refetches what it shows.
  let streamSeen = false;
  const RESYNC: [string, unknown] = ['consultations.changed', { ids: [] }];

  const start = () => {
    started = true;
    const controller = new AbortController();
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (typeof BroadcastChannel === 'undefined' || !locks) {
      const connected = () => {
        if (streamSeen) deliver(...RESYNC);
        streamSeen = true;
      };
      void runStream(open, deliver, connected, controller.signal); // no way to share: this tab keeps its own stream
      return;
    }
    const channel = new BroadcastChannel(CHANNEL_NAME);
    channel.onmessage = (event: MessageEvent<{ name: string; payload: unknown } | 'connected'>) => {
      if (event.data === 'connected') streamSeen = true;
      else deliver(event.data.name, event.data.payload);
    };
    const relay: EventListener = (name, payload) => {
      deliver(name, payload);
      channel.postMessage({ name, payload });
    };
    const lead = () =>
      runStream(
        open,
        relay,
        () => {
          if (streamSeen) relay(...RESYNC);
          streamSeen = true;
          channel.postMessage('connected');
        },
        controller.signal,
      );
    // Waits in line for the lock; the tab holding it is the one reading the stream, for as long as it lives.
    // A tab that finds the lock held will take over from another tab's stream one day: a gap to cover then.
    void locks
      .query()
      .then((state) => {
        if (state.held?.some((lock) => lock.name === LOCK_NAME)) streamSeen = true;
      })
      .catch(() => undefined)
      .then(() => locks.request(LOCK_NAME, lead));
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!started) start();
      return () => listeners.delete(listener);
    },
  };
}
