import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * A graceful stop that ends. Fastify's close closes the keep-alive connections that are idle at that
 * moment; a connection whose request is still in hand (a bulk body being staged, an upload) goes idle a
 * moment later and would then be kept open until its keep-alive timeout, holding `server.close()` and the
 * whole shutdown past its 30 s limit (measured: SIGTERM during 8 concurrent posts from `fetch` clients,
 * whose agents keep connections alive, exited 1 after 30 s). So once closing, every answer says
 * `Connection: close`, and connections that went idle anyway are closed as they do.
 */
export const gracefulClose = fp(async (app: FastifyInstance) => {
  let closing = false;
  let sweep: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    closing = true;
    sweep = setInterval(() => app.server.closeIdleConnections?.(), 100);
    sweep.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweep);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
});
