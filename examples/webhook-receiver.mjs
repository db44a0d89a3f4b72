// A webhook receiver for Sluice that verifies every delivery (docs/webhooks.md).
//
//   npm install standardwebhooks
//   SLUICE_WEBHOOK_SECRET=whsec_... PORT=4000 node webhook-receiver.mjs
//
// Sluice signs per Standard Webhooks: `webhook-signature` holds `v1,<base64 HMAC-SHA256>` of
// `${webhook-id}.${webhook-timestamp}.${raw body}` under the endpoint's secret (two signatures for 24 h after
// a rotation; any one matching is enough). `verify` checks that, and that the timestamp is within 5 minutes.
// Verify the raw bytes as received: a body parsed and serialized again is not the body that was signed.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.SLUICE_WEBHOOK_SECRET;
if (!secret?.startsWith('whsec_')) {
  console.error('Set SLUICE_WEBHOOK_SECRET to the whsec_... secret Sluice showed when the endpoint was created.');
  process.exit(2);
}
const webhook = new Webhook(secret);

// Delivery is at least once: the same event may arrive again (a retry, a worker that died mid-delivery,
// a redelivery), always with the same webhook-id. Keep the ids handled in your database, not in memory.
const handled = new Set();

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let event;
    try {
      event = webhook.verify(body, {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      });
    } catch {
      // Not from Sluice (or altered, or replayed late): refuse, and do nothing with it.
      response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid signature\n');
      return;
    }
    if (!handled.has(event.id)) {
      handled.add(event.id);
      // Do the work here, or queue it: answer within 15 s, or Sluice counts the attempt as failed.
      console.log(`${event.event_type} ${event.id}: ${JSON.stringify(event.data.id)} ${event.data.status ?? ''}`.trim());
    }
    // Any 2xx acknowledges the event; anything else is retried on the schedule.
    response.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`Listening on http://${address}:${port}`);
});
