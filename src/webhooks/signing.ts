import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

// Standard Webhooks (https://www.standardwebhooks.com): the signature is HMAC-SHA256 over
// `${webhook-id}.${webhook-timestamp}.${body}` with the endpoint's secret, sent as `v1,<base64>`. The
// reference implementation (`standardwebhooks`) signs here, and the tests verify with it.

/** Key bytes of a new secret: 256 bits, the size of the HMAC-SHA256 block's hash. */
const SECRET_BYTES = 32;

/** A new signing secret as Standard Webhooks writes them: `whsec_` and the base64 key. */
export function generateSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The three headers of one attempt. Every secret still valid signs (after a rotation, the old one beside the
 * new one for 24 h): the spec's space-separated signature list, which receivers check one by one.
 */
export function signedHeaders(webhookId: string, at: Date, body: string, secrets: string[]): SignedHeaders {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(webhookId, at, body));
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** The secrets that sign now: the current one, and the previous one until it expires. */
export function signingSecrets(endpoint: { secret: string; previous_secret: string | null; previous_secret_expires_at: number | null }, now: number): string[] {
  const secrets = [endpoint.secret];
  if (endpoint.previous_secret !== null && (endpoint.previous_secret_expires_at ?? 0) > now) secrets.push(endpoint.previous_secret);
  return secrets;
}
