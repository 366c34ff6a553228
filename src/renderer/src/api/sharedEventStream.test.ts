import { describe, expect, it } from 'vitest';
import { readEventStream } from './sharedEventStream';

const streamOf = (chunks: BufferSource[]) =>
  new ReadableStream<BufferSource>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

describe('readEventStream', () => {
  it('parses named events, skips comments, and keeps multi-byte text whole across chunk borders', async () => {
    const text =
      ': connected\n\nevent: sync.status\ndata: {"state":"offline","pending":2}\n\n: ping\n\nevent: consultations.changed\ndata: {"ids":["Bäckerei 订单"]}\n\n';
    const bytes = new TextEncoder().encode(text);
    // Split inside "ä" and inside "订": a decoder per chunk would corrupt both.
    const cut1 = bytes.indexOf(0xc3) + 1;
    const cut2 = bytes.indexOf(0xe8) + 2;
    const events: [string, unknown][] = [];
    await readEventStream(streamOf([bytes.subarray(0, cut1), bytes.subarray(cut1, cut2), bytes.subarray(cut2)]), (name, payload) =>
      events.push([name, payload]),
    );
    expect(events).toEqual([
      ['sync.status', { state: 'offline', pending: 2 }],
      ['consultations.changed', { ids: ['Bäckerei 订单'] }],
    ]);
  });

  it('waits for the blank line that ends an event before reporting it', async () => {
    const events: string[] = [];
    await readEventStream(streamOf([new TextEncoder().encode('event: a\ndata: 1\n')]), (name) => events.push(name));
    expect(events).toEqual([]);
  });
});
