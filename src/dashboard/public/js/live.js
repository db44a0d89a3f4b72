// Live updates from Sluice's server-sent event streams (docs/live-updates.md). EventSource cannot send
// the X-API-KEY header and the key must never be put in a URL, so the stream is read with fetch and a
// streamed body, and parsed here. A dropped stream is resumed with Last-Event-ID; a server without the
// route (an older Sluice) is followed by polling instead, at most once a second.
import { raw } from './api.js';

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/** Splits an event-stream body into events: {id, event, data}. Comments (": keep-alive") are dropped. */
export function parseEvents(buffer) {
  const events = [];
  let rest = buffer;
  for (;;) {
    const m = /\r?\n\r?\n/.exec(rest);
    if (!m) break;
    const block = rest.slice(0, m.index);
    rest = rest.slice(m.index + m[0].length);
    const ev = { id: undefined, event: 'message', data: '' , retry: undefined };
    let hasData = false;
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        ev.data += (hasData ? '\n' : '') + value;
        hasData = true;
      } else if (field === 'event') ev.event = value;
      else if (field === 'id') ev.id = value;
      else if (field === 'retry') ev.retry = Number(value);
    }
    if (hasData || ev.id !== undefined || ev.retry !== undefined) events.push(ev);
  }
  return { events, rest };
}

/**
 * Reads `path` as an event stream until `stop()` or until `onEvent` returns true (a final event).
 * `fallback()` runs when the route does not exist; it returns its own stop function.
 */
function stream(path, { onEvent, fallback, onError, notFoundFallsBack = false }) {
  let stopped = false;
  let lastId;
  let retryMs = 2000;
  let controller;
  let fallbackStop;
  let timer;

  async function connect() {
    controller = new AbortController();
    let res;
    try {
      res = await raw(path, { headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: controller.signal });
    } catch (e) {
      if (stopped || e.name === 'AbortError') return;
      if (e.status === 404 && (notFoundFallsBack || e.code === 'route_not_found')) return (fallbackStop = fallback());
      if (e.status === 404 || e.status === 401) return onError?.(e);
      onError?.(e);
      timer = setTimeout(connect, retryMs);
      return;
    }
    if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) return (fallbackStop = fallback());
    onError?.(null);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        for (const ev of parsed.events) {
          if (ev.retry) retryMs = ev.retry;
          if (ev.id !== undefined) lastId = ev.id;
          if (!ev.data) continue;
          let data;
          try {
            data = JSON.parse(ev.data);
          } catch {
            continue;
          }
          if (onEvent(ev.event, data)) {
            stopped = true;
            controller.abort();
            return;
          }
        }
      }
    } catch (e) {
      if (stopped || e.name === 'AbortError') return;
    }
    if (!stopped) timer = setTimeout(connect, retryMs);
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    controller?.abort();
    fallbackStop?.();
  };
}

function poll(fn, everyMs) {
  let stopped = false;
  let timer;
  const tick = async () => {
    if (stopped) return;
    let done = false;
    try {
      done = await fn();
    } catch {
      /* the page shows its own error; keep trying */
    }
    if (!stopped && !done) timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Follows one bulk request to its end; `onUpdate(request)` gets every new state. Returns stop(). */
export function watchRequest(id, onUpdate, onError) {
  return stream(`/v1/bulk_requests/${id}/events`, {
    onEvent(_name, data) {
      onUpdate(data);
      return FINAL.has(data.status);
    },
    onError,
    fallback: () =>
      poll(async () => {
        const r = await raw(`/v1/bulk_requests/${id}?limit=1`).then((res) => res.json());
        onUpdate(r);
        return FINAL.has(r.status);
      }, 1000),
  });
}

/** Every change of any bulk request of the environment: `onUpdate(request)`; or `onPoll()` once a second when the server has no stream. */
export function watchRequests(onUpdate, onPoll, onError) {
  return stream('/v1/bulk_requests/events', {
    onEvent(_name, data) {
      if (data && typeof data.id === 'number') onUpdate(data);
      return false;
    },
    onError,
    // Before the route existed, /v1/bulk_requests/events matched /v1/bulk_requests/{id}: any 404 is "no stream".
    notFoundFallsBack: true,
    fallback: () => poll(async () => (await onPoll(), false), 1000),
  });
}

export const isFinal = (status) => FINAL.has(status);
