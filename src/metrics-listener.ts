import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

// `sluice worker` has no API, so its /metrics gets a listener of its own: plain node:http, since one
// read-only route needs neither Fastify nor the API's auth, rate limits and schemas. Like the API's
// /metrics it is public; bind it to a private address (SLUICE_WORKER_METRICS_HOST) where that matters.

export interface MetricsListener {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function listenForMetrics(registry: Registry, options: { host: string; port: number }): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: this port serves GET /metrics only.\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be collected\n'),
    );
  });
  // A scraper that holds its connection open must not delay the worker's shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      if (error.code === 'EADDRINUSE') {
        reject(new Error(`cannot serve worker metrics on ${where}: the port is in use (another worker?); choose one with SLUICE_WORKER_METRICS_PORT or --metrics-port, or pass --no-metrics`));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
        reject(new Error(`cannot serve worker metrics on ${where} (${error.code}); check SLUICE_WORKER_METRICS_HOST and SLUICE_WORKER_METRICS_PORT`));
      } else {
        reject(error);
      }
    });
    server.listen(options.port, options.host, resolve);
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
