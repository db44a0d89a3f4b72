// A minimal reader of text/event-stream answers for tests, written from the format (WHATWG HTML, "Server-sent
// events"), independent of the CLI's reader: what the server sends is checked by a second implementation.

export type SseItem =
  | { kind: 'event'; id: string | undefined; event: string; data: any }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number };

export interface SseConnection {
  status: number;
  headers: Headers;
  /** The parsed JSON body of a non-200 answer. */
  error: any;
  /** The next item; undefined once the server ended the stream. */
  next(): Promise<SseItem | undefined>;
  /** Every item until the server ends the stream. */
  rest(): Promise<SseItem[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (response.status !== 200) {
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      error: text ? JSON.parse(text) : undefined,
      next: async () => undefined,
      rest: async () => [],
      close: () => abort.abort(),
    };
  }
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseItem[] = [];
  let done = false;
  const parseBlock = (block: string) => {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let any = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        queue.push({ kind: 'comment', text: line.slice(1).trim() });
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'retry') queue.push({ kind: 'retry', ms: Number(value) });
      else if (field === 'id') (id = value), (any = true);
      else if (field === 'event') (event = value), (any = true);
      else if (field === 'data') data.push(value), (any = true);
    }
    if (any) queue.push({ kind: 'event', id, event, data: data.length > 0 ? JSON.parse(data.join('\n')) : undefined });
  };
  const next = async (): Promise<SseItem | undefined> => {
    for (;;) {
      if (queue.length > 0) return queue.shift();
      if (done) return undefined;
      const cut = buffer.indexOf('\n\n');
      if (cut >= 0) {
        parseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        continue;
      }
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) {
        done = true;
        if (buffer.trim()) parseBlock(buffer);
        continue;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    status: 200,
    headers: response.headers,
    error: undefined,
    next,
    async rest() {
      const items: SseItem[] = [];
      for (let item = await next(); item; item = await next()) items.push(item);
      return items;
    },
    close: () => abort.abort(),
  };
}

/** Reads until an event satisfies `pred` (comments and other events are returned too, in order). */
export async function readUntil(conn: SseConnection, pred: (item: SseItem) => boolean): Promise<SseItem[]> {
  const items: SseItem[] = [];
  for (;;) {
    const item = await conn.next();
    if (!item) throw new Error(`stream ended before the awaited item; got ${JSON.stringify(items)}`);
    items.push(item);
    if (pred(item)) return items;
  }
}

export const eventsOf = (items: SseItem[]) => items.filter((i): i is Extract<SseItem, { kind: 'event' }> => i.kind === 'event');
