import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { verified, type Receiver } from '../../support/webhook-receiver.js';

// The Webhooks and Events pages (issue 14 item 6), run inside dashboardScenarios on its server (started
// with SLUICE_WEBHOOK_ALLOW_HTTP=1 and SLUICE_WEBHOOK_ALLOW_PRIVATE=1) and its page, against a real
// receiver on 127.0.0.1 that checks every signature with the `standardwebhooks` library.

const WAIT = 60_000;

export interface WebhookScenarioEnv {
  page: Page;
  context: BrowserContext;
  base: string;
  receiver: Receiver;
  images: string;
  screenshots: boolean;
  requested: string[];
  cspViolations: string[];
}

/** The attempts table's row for the newest attempt of `eventType`, once it shows a status code. */
async function attemptStatus(page: Page, eventType: string): Promise<string> {
  const row = page.locator('[data-testid=attempts] tbody tr', { hasText: eventType }).first();
  await row.waitFor({ timeout: WAIT });
  return row.getByTestId('status-code').innerText();
}

/** Nothing the browser keeps or shows holds `secret` once the operator dismissed it. */
async function secretGone(env: WebhookScenarioEnv, secret: string) {
  const { page } = env;
  assert.equal(await page.getByTestId('new-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret), 'the secret is still in the DOM');
  const storage = await page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }]));
  assert.ok(!storage.includes(secret), 'the secret is in web storage');
  assert.ok(!page.url().includes(secret));
  for (const url of env.requested) assert.ok(!url.includes(secret), `the secret is in the URL ${url}`);
}

async function copySecret(env: WebhookScenarioEnv, label: string): Promise<string> {
  const { page, context, base } = env;
  const shown = await page.getByLabel(label).inputValue();
  assert.match(shown, /^whsec_[A-Za-z0-9+/=]{20,}$/);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.getByTestId('new-secret').getByRole('button', { name: 'Copy' }).click();
  await page.getByTestId('new-secret').getByRole('button', { name: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, shown);
  await page.getByTestId('new-secret').getByRole('button', { name: 'Done' }).click();
  await secretGone(env, copied);
  return copied;
}

export function webhookScenarios(get: () => WebhookScenarioEnv) {
  let endpointId = 0;
  let secret = '';

  test('webhooks: create an endpoint in the page, copy its secret once; an upload is delivered, signed with it', async () => {
    const env = get();
    const { page, base, receiver } = env;
    await page.goto(`${base}/#/webhooks`);
    await page.getByText('No webhook endpoints yet').waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Ledger sync');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByTestId('new-secret').waitFor();
    const link = page.getByTestId('new-secret').getByRole('link', { name: /endpoint #\d+/ });
    endpointId = Number((await link.innerText()).replace(/\D/g, ''));
    secret = await copySecret(env, 'Signing secret');
    const row = page.locator(`[data-testid=endpoints] tr[data-id="${endpointId}"]`);
    assert.match(await row.innerText(), /Ledger sync[\s\S]*all[\s\S]*enabled/);

    await page.goto(`${base}/#/upload?stream=bank-main`);
    const csv = 'date,amount,description,external_id\n2026-05-01,10.00,hooked,hook-1\n2026-05-02,2.50,hooked,hook-2\n';
    await page.locator('input[type=file]').setInputFiles({ name: 'hooked.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('preview').waitFor();
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByTestId('upload-request').locator('.badge-completed').waitFor({ timeout: WAIT });
    const requestId = Number((await page.getByTestId('upload-request').locator('h2 a').innerText()).replace('#', ''));

    // The attempt appears on the endpoint page by itself (its first page refreshes while open).
    await page.goto(`${base}/#/webhooks/${endpointId}`);
    await page.getByRole('heading', { name: `Endpoint #${endpointId}` }).waitFor();
    assert.match(await attemptStatus(page, 'bulk_request.completed'), /^2\d\d$/);
    const got = receiver.received.map((r) => verified(secret, r)).filter((e) => e.event_type === 'bulk_request.completed');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.data.id, requestId);
    assert.equal(got[0]!.data.status, 'completed');
  });

  test('events: the list filters by type and shows the JSON sent; redeliver sends it again', async () => {
    const { page, base, receiver } = get();
    await page.goto(`${base}/#/events`);
    await page.getByTestId('events').waitFor();
    await page.getByLabel('Event type').selectOption('bulk_request.completed');
    await page.waitForURL(/event_type=bulk_request\.completed/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=events] tbody tr')];
      return rows.length > 0 && rows.every((r) => r.textContent!.includes('bulk_request.completed'));
    });
    const first = page.locator('[data-testid=events] tbody tr').first();
    const eventId = await first.getByRole('link').innerText();
    await first.getByText('JSON', { exact: true }).click();
    const json = JSON.parse(await first.locator('pre.json').innerText()) as { id: string; event_type: string };
    assert.equal(json.id, eventId);
    assert.equal(json.event_type, 'bulk_request.completed');
    const before = receiver.received.length;
    await first.getByRole('button', { name: `Redeliver ${eventId}` }).click();
    await first.getByText('Queued for 1 endpoint.').waitFor();
    await page.getByRole('link', { name: eventId }).click();
    await page.getByTestId('event-json').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid=deliveries] tbody')?.children.length ?? 0) === 2);
    const redelivered = await waitFor(() => receiver.received.slice(before).find((r) => r.headers['webhook-id'] === eventId));
    assert.equal(verified(secret, redelivered).id, eventId);
  });

  test('send a test event, rotate the secret (the new one shown once), then disable the endpoint', async () => {
    const env = get();
    const { page, base, receiver } = env;
    await page.goto(`${base}/#/webhooks/${endpointId}`);
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByTestId('test-result').getByText('The test event was delivered').waitFor();
    const test1 = await received(page, receiver);
    assert.equal(verified(secret, test1).event_type, 'webhook_endpoint.test');

    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByTestId('new-secret').waitFor();
    const rotated = await copySecret(env, 'New signing secret');
    assert.notEqual(rotated, secret);
    await page.getByText('Old secret signs until').waitFor();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.getByTestId('test-result').getByText('The test event was delivered').waitFor();
    const test2 = await received(page, receiver);
    assert.notEqual(test2.headers['webhook-id'], test1.headers['webhook-id']);
    // Both secrets sign during the overlap: the receiver may still hold either one.
    assert.equal(verified(rotated, test2).event_type, 'webhook_endpoint.test');
    assert.equal(verified(secret, test2).event_type, 'webhook_endpoint.test');

    // Some events only, and disabled, in one save.
    await page.getByRole('checkbox', { name: /^All events/ }).uncheck();
    await page.getByRole('checkbox', { name: 'bulk_request.completed' }).check();
    await page.getByRole('checkbox', { name: 'bulk_request.failed' }).check();
    await page.getByRole('checkbox', { name: /^Disabled/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await page.locator('h1 .badge-cancelled', { hasText: 'disabled' }).waitFor();
    if (env.screenshots) await page.screenshot({ path: join(env.images, 'dashboard-webhook-endpoint.png'), fullPage: true });
    await page.goto(`${base}/#/webhooks`);
    assert.match(await page.locator(`[data-testid=endpoints] tr[data-id="${endpointId}"]`).innerText(), /bulk_request\.completed, bulk_request\.failed\s+disabled/);
    // Disabled: a redelivery finds no endpoint to go to.
    await page.goto(`${base}/#/events?event_type=bulk_request.completed`);
    const first = page.locator('[data-testid=events] tbody tr').first();
    await first.getByRole('button', { name: /Redeliver/ }).click();
    await first.getByText('No enabled endpoint is subscribed to this event.').waitFor();
    assert.deepEqual(env.cspViolations, []);
  });

  test('webhook pages: clear errors, readable at 390 px, delete with a confirmation', async () => {
    const { page, base } = get();
    await page.goto(`${base}/#/webhooks/987654`);
    await page.getByText('Webhook endpoint 987654 does not exist in this environment').waitFor();
    await page.goto(`${base}/#/events/evt_987654`);
    await page.getByText('Event evt_987654 does not exist in this environment').waitFor();
    await page.goto(`${base}/#/webhooks`);
    // By keyboard: the URL field, then Enter.
    await page.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
    await page.getByLabel('Endpoint URL').press('Enter');
    await page.getByText('Cannot create the endpoint').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      for (const [path, table] of [['#/webhooks', 'endpoints'], [`#/webhooks/${endpointId}`, 'attempts'], ['#/events', 'events']] as const) {
        await page.goto(`${base}/${path}`);
        await page.getByTestId(table).waitFor();
        const [scroll, client, widest] = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          // What sticks out, for the message: the outermost elements wider than the page.
          const out = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1 && !el.parentElement!.closest('.table-wrap') || getComputedStyle(el).position === 'absolute');
          return [document.documentElement.scrollWidth, width, out.slice(0, 3).map((el) => el.outerHTML.slice(0, 120)).join(' | ')] as const;
        });
        assert.ok(scroll <= client + 1, `${path} scrolls sideways at ${client} px (${scroll} px wide): ${widest}`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await page.goto(`${base}/#/webhooks/${endpointId}`);
    await page.getByRole('button', { name: 'Delete endpoint…' }).click();
    await page.getByText('No webhook endpoints yet').waitFor();
  });
}

/** What the receiver got for the test event the page reports (by its webhook-id). */
async function received(page: Page, receiver: Receiver) {
  const id = await page.getByTestId('test-result').locator('code').innerText();
  assert.match(id, /^evt_test_/);
  return waitFor(() => receiver.received.find((r) => r.headers['webhook-id'] === id));
}

/** The value of `probe` once it has one (the receiver is in this process: its requests arrive as events). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; ; i++) {
    const value = probe();
    if (value !== undefined) return value;
    if (i > 600) throw new Error('waited 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
