import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// Where a webhook may go (docs/webhooks.md, "Safety"). An endpoint URL is chosen by an API client and fetched
// by the server, so without a check it would reach whatever the server can: its own loopback services, the
// private network, a cloud metadata address. Only public unicast addresses are allowed unless the operator
// says otherwise. The check runs when the endpoint is saved (a clear 422) and again at every attempt, on the
// very addresses the connection then uses (the socket's own DNS lookup is replaced), so a name that resolves
// to a public address when saved and to 127.0.0.1 later (DNS rebinding) is refused too.

export interface UrlPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export class UnsafeUrl extends Error {
  constructor(
    readonly code: 'webhook_url_invalid' | 'webhook_url_not_https' | 'webhook_url_not_public' | 'webhook_url_unresolvable',
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeUrl';
  }
}

/** The scheme and shape rules; no DNS. */
export function parseEndpointUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrl('webhook_url_invalid', 'url must be an absolute URL such as https://example.com/webhooks.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrl('webhook_url_invalid', 'url must use https.');
  if (url.protocol === 'http:' && !policy.allowHttp) {
    throw new UnsafeUrl('webhook_url_not_https', 'url must use https (plain http is allowed only when the server sets SLUICE_WEBHOOK_ALLOW_HTTP=1).');
  }
  if (url.username !== '' || url.password !== '') throw new UnsafeUrl('webhook_url_invalid', 'url must not carry a user name or password.');
  if (url.hash !== '') throw new UnsafeUrl('webhook_url_invalid', 'url must not have a #fragment.');
  return url;
}

/** True for an address a webhook may be sent to under the policy. */
export function addressAllowed(address: string, policy: UrlPolicy): boolean {
  if (policy.allowPrivate) return true;
  if (!ipaddr.isValid(address)) return false;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is classified as the IPv4 address it carries.
  return ipaddr.process(address).range() === 'unicast';
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets.
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Every address the URL's host resolves to must be allowed; a host that does not resolve is refused. */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = parseEndpointUrl(raw, policy);
  const host = hostOf(url);
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  const refused = addresses.find((a) => !addressAllowed(a, policy));
  if (refused !== undefined) {
    throw new UnsafeUrl(
      'webhook_url_not_public',
      `url resolves to ${refused}, a loopback, private, link-local or otherwise non-public address (allowed only when the server sets SLUICE_WEBHOOK_ALLOW_PRIVATE=1).`,
    );
  }
  return url;
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (error, addresses: LookupAddress[]) => {
      if (error || addresses.length === 0) reject(new UnsafeUrl('webhook_url_unresolvable', `url's host ${JSON.stringify(host)} does not resolve.`));
      else resolve(addresses.map((a) => a.address));
    });
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request: resolves as Node would, then refuses the connection if any address is not
 * allowed. The socket connects to what this returned, so the address checked is the address used.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, options.all ? [] : '', undefined);
      const refused = addresses.find((a) => !addressAllowed(a.address, policy));
      if (refused) {
        const denied = Object.assign(new Error(`${hostname} resolves to ${refused.address}, which is not a public address`), { code: 'ENOTPUBLIC' });
        return callback(denied, options.all ? [] : '', undefined);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
