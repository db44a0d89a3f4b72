import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A real HTTP receiver on 127.0.0.1 for webhook tests. Each request takes the next planned answer (200 when
// the plan is used up): a status, a status with a body or headers, or `hang` (the request is read and never
// answered, until the receiver closes). Every request is kept, headers and raw body, for the test to verify
// with the `standardwebhooks` library as a real receiver would.

export type Answer = number | { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export interface Received {
  headers: Record<string, string>;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order. */
  plan(...answers: Answer[]): void;
  /** Called with each request as it arrives (before it is answered). */
  onRequest(listener: (r: Received) => void): void;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const answers: Answer[] = [];
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const listeners: Array<(r: Received) => void> = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      const r = { headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      for (const l of listeners) l(r);
      const answer = answers.shift() ?? 200;
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      const { status, body, headers: extra } = typeof answer === 'number' ? { status: answer, body: 'ok', headers: {} } : answer;
      response.writeHead(status, { 'content-type': 'text/plain', ...(extra ?? {}) }).end(body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    plan: (...more) => answers.push(...more),
    onRequest: (listener) => listeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Verifies the request as a receiver does (throws when the signature does not match), and returns the event. */
export function verified(secret: string, r: Received): { id: string; event_type: string; timestamp: string; data: any } {
  return new Webhook(secret).verify(r.body, r.headers) as { id: string; event_type: string; timestamp: string; data: any };
}
