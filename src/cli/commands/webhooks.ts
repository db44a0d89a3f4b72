import type { Command } from 'commander';
import { EVENT_TYPES } from '../../webhooks/event-types.js';
import { connection, request, type ClientOptions } from '../client/api.js';
import { CliError } from '../context.js';
import { box, out, table } from '../print.js';

// Webhook endpoints live behind the API (docs/webhooks.md): their URLs are checked by the server's rules,
// their secrets shown once by it. So these commands always talk to a server (--url or SLUICE_URL, else
// http://127.0.0.1:3000), with the API key deciding the environment, as `sluice upload` does.

interface EndpointView {
  id: number;
  url: string;
  description: string | null;
  enabled_events: string[];
  disabled: boolean;
  disabled_reason: string | null;
  created_at: string;
  secret?: string;
}

interface TestView {
  webhook_id: string;
  delivered: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
}

function clientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the Sluice server (default: SLUICE_URL, else http://127.0.0.1:3000)')
    .option('--api-key <key>', 'API key for the server; it decides the environment (default: SLUICE_API_KEY)');
}

function eventList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const events = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const unknown = events.filter((e) => e !== '*' && !(EVENT_TYPES as readonly string[]).includes(e));
  if (events.length === 0 || unknown.length > 0) {
    throw new CliError(`--events takes a comma-separated list of ${EVENT_TYPES.join(', ')} (or *); unknown: ${unknown.join(', ') || '(empty)'}`);
  }
  return events;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description("Manage webhook endpoints through the server's API (docs/webhooks.md)");

  clientOptions(
    webhooks
      .command('create')
      .description('Create a webhook endpoint; prints its signing secret, once')
      .argument('<endpoint-url>', 'the https URL events are POSTed to')
      .option('--events <types>', `comma-separated event types (default: all): ${EVENT_TYPES.join(', ')}`)
      .option('--description <text>', 'optional description'),
  ).action(async (url: string, options: ClientOptions & { events?: string; description?: string }) => {
    const events = eventList(options.events);
    const conn = connection(options);
    const body = { url, ...(events ? { enabled_events: events } : {}), ...(options.description !== undefined ? { description: options.description } : {}) };
    const created = await request<EndpointView>(conn, '/v1/webhook_endpoints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const endpoint = created.body;
    out(`Created webhook endpoint ${endpoint.id} for ${endpoint.url} (events: ${endpoint.enabled_events.join(', ')}).`);
    out(
      box([
        'Signing secret of this endpoint:',
        '',
        `    ${endpoint.secret ?? ''}`,
        '',
        'Store it now: it is not shown again (rotate it with POST .../rotate_secret).',
        'Verify every delivery with it (docs/webhooks.md).',
      ]),
    );
  });

  clientOptions(webhooks.command('list').description('List the webhook endpoints of the environment, newest first')).action(async (options: ClientOptions) => {
    const conn = connection(options);
    const rows: EndpointView[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: EndpointView[]; next_cursor: string | null } } = await request(conn, `/v1/webhook_endpoints?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      rows.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    if (rows.length === 0) return out('No webhook endpoints.');
    out(
      table(
        ['id', 'url', 'events', 'state', 'created_at'],
        rows.map((e) => [String(e.id), e.url, e.enabled_events.join(','), e.disabled ? `disabled${e.disabled_reason ? ` (${e.disabled_reason})` : ''}` : 'enabled', e.created_at]),
      ),
    );
  });

  clientOptions(
    webhooks.command('test').description('Send one signed test event to an endpoint now and show what it answered').argument('<id>', 'the endpoint id'),
  ).action(async (id: string, options: ClientOptions) => {
    if (!/^\d{1,15}$/.test(id)) throw new CliError(`<id> is a webhook endpoint id, a number (got "${id}")`);
    const conn = connection(options);
    const result = (await request<TestView>(conn, `/v1/webhook_endpoints/${id}/test`, { method: 'POST' })).body;
    const answer = result.status_code !== null ? `HTTP ${result.status_code}` : 'no answer';
    out(`${result.delivered ? 'Delivered' : 'Not delivered'}: ${answer} in ${result.duration_ms} ms (webhook-id ${result.webhook_id}).`);
    if (result.error) out(`Error: ${result.error}`);
    if (result.response_excerpt) out(`Response: ${result.response_excerpt.slice(0, 500)}`);
    if (!result.delivered) process.exitCode = 1;
  });
}
