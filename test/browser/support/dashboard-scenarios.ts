import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createTestDatabase, type Backend, type TestDatabase } from '../../support/backends.js';
import { serve, sluice, type Server } from '../../support/processes.js';
import { REPO_ROOT } from '../../support/shared.js';
import { launchBrowser } from './browser.js';
import { startReceiver, type Receiver } from '../../support/webhook-receiver.js';
import { webhookScenarios } from './webhook-scenarios.js';

// The dashboard as an operator meets it: a real `sluice serve` (its own worker, its own port) on the given
// database, driven through Debian's chromium. One browser and one page per file; the scenarios run in
// order and build on each other (the stream made first is the one files are uploaded to).

const KEY = 'sk_test_browser_dashboard_key_0001';
const WAIT = 60_000;
/**
 * Screenshots go to docs/images (shown in README and docs/dashboard.md) when SLUICE_UPDATE_SCREENSHOTS=1;
 * otherwise they are still taken, into a scratch folder, so a plain test run leaves the checkout unchanged.
 */
const UPDATE_IMAGES = process.env.SLUICE_UPDATE_SCREENSHOTS === '1';
const IMAGES = UPDATE_IMAGES ? join(REPO_ROOT, 'docs', 'images') : mkdtempSync(join(tmpdir(), 'sluice-screenshots-'));

/** A NACHA file whose first batch control claims one cent more credit than its entries hold (line 8). */
function nachaWithControlTotalError(): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'payroll-and-collections.ach'), 'utf8');
  const lines = text.split('\n');
  assert.ok(lines[7]!.startsWith('8220'), 'line 8 of the example is its first batch control');
  lines[7] = lines[7]!.replace('0000010373251234567890', '0000010373261234567890');
  return lines.join('\n');
}

const BAD_ROWS_CSV = [
  'date,amount,description,external_id,account_number',
  '2026-02-01,12.345,three decimals,bad-1,000111222333',
  '2026-02-30,5.00,no such day,bad-2,000111222333',
  '2026-02-03,7.00,fine,good-3,000444555666',
  '',
].join('\n');

/** Enough rows that a worker taking 5 per chunk is still at it when the test presses Cancel. */
function largeCsv(rows: number): string {
  const out = ['date,amount,description,external_id'];
  for (let i = 0; i < rows; i++) out.push(`2026-03-${String((i % 28) + 1).padStart(2, '0')},${(i % 900) + 1}.25,row ${i},large-${i}`);
  return `${out.join('\n')}\n`;
}

/** Drops a file on the drop zone the way a browser does: a DataTransfer holding a File. */
async function dropFile(page: Page, name: string, text: string, type: string) {
  const transfer = await page.evaluateHandle(
    ({ name, text, type }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type }));
      return dt;
    },
    { name, text, type },
  );
  await page.dispatchEvent('[data-testid=drop-zone]', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('[data-testid=drop-zone]', 'drop', { dataTransfer: transfer });
}

async function signIn(page: Page, baseUrl: string, key: string) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Data streams' }).waitFor();
}

/** The id in "Bulk request #12" of the upload page's follow-up card once it shows a final status. */
async function uploadedRequest(page: Page, status: string): Promise<number> {
  const card = page.getByTestId('upload-request');
  await card.locator(`.badge-${status}`).waitFor({ timeout: WAIT });
  const title = await card.locator('h2 a').innerText();
  return Number(title.replace('#', ''));
}

async function noHorizontalScroll(page: Page) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `page scrolls sideways at ${client} px (${scroll} px wide)`);
}

export function dashboardScenarios(backend: Backend, options: { screenshots: boolean }) {
  describe(`dashboard in a browser on ${backend}`, { timeout: 300_000 }, () => {
    let database: TestDatabase;
    let server: Server;
    let closeBrowser: () => Promise<void>;
    let context: BrowserContext;
    let page: Page;
    let base: string;
    const cspViolations: string[] = [];
    const scriptBytes = new Map<string, number>();
    const bodies: Promise<void>[] = [];
    /** Every URL the browser asked for, in order: the key must never be one of them. */
    const requested: string[] = [];
    let firstCsvRequest = 0;
    let largeRequest = 0;
    let receiver: Receiver;

    before(async () => {
      database = await createTestDatabase(backend);
      // Chunks of 5 items: a large file is then processed slowly enough to be cancelled while it runs.
      // Webhooks to the test's receiver on 127.0.0.1 over plain http (webhook-scenarios.ts).
      receiver = await startReceiver();
      server = await serve({
        ...database.env,
        SLUICE_BOOTSTRAP_KEY: KEY,
        SLUICE_CHUNK_SIZE: '5',
        SLUICE_WEBHOOK_ALLOW_HTTP: '1',
        SLUICE_WEBHOOK_ALLOW_PRIVATE: '1',
        SLUICE_WEBHOOK_POLL_MS: '200',
      });
      base = server.url;
      const launched = await launchBrowser();
      closeBrowser = launched.close;
      context = launched.context;
      page = context.pages()[0] ?? (await context.newPage());
      page.on('dialog', (d) => void d.accept());
      context.on('request', (req) => void requested.push(req.url()));
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      // What the first load fetches (later loads revalidate with 304s and have no body to weigh).
      page.on('response', (res) => {
        if (res.request().resourceType() !== 'script' || res.status() !== 200 || scriptBytes.has(res.url())) return;
        bodies.push(
          res.body().then(
            (body) => void scriptBytes.set(res.url(), gzipSync(body).length),
            () => {},
          ),
        );
      });
    });

    after(async () => {
      await closeBrowser?.();
      await server?.stop();
      await database?.drop();
      await receiver?.close();
      if (!UPDATE_IMAGES) rmSync(IMAGES, { recursive: true, force: true });
    });

    test('sign in with the API key; the environment is shown; the page loads under 200 KB of gzipped JS, all of it from Sluice', async () => {
      await signIn(page, base, KEY);
      assert.match(await page.getByTestId('environment').innerText(), /test/);
      assert.equal(await page.evaluate(() => document.cookie), '');
      assert.equal(await page.evaluate(() => sessionStorage.getItem('sluice.apiKey')), KEY);
      assert.ok(!page.url().includes(KEY));
      await Promise.all(bodies);
      const total = [...scriptBytes.values()].reduce((a, b) => a + b, 0);
      assert.ok(scriptBytes.size >= 4, `scripts loaded: ${[...scriptBytes.keys()].join(', ')}`);
      for (const url of scriptBytes.keys()) assert.ok(url.startsWith(`${base}/ui/`), `${url} is not one of Sluice's own scripts`);
      assert.ok(total < 200 * 1024, `${total} bytes of gzipped JS`);
      assert.deepEqual(cspViolations, []);
    });

    test('create a data stream', async () => {
      await page.getByLabel('Key', { exact: true }).fill('bank-main');
      await page.getByLabel('Name').fill('Main bank account');
      await page.getByRole('button', { name: 'Create stream' }).click();
      await page.getByRole('heading', { name: /Main bank account/ }).waitFor();
      assert.equal(await page.getByTestId('records-count').innerText(), '0');
      await page.getByLabel('Metadata key').fill('Category');
      await page.getByRole('button', { name: 'Add property' }).click();
      await page.getByRole('button', { name: 'Delete property Category' }).waitFor();
      await page.getByLabel('Description').fill('Operating account');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      await page.goto(`${base}/#/streams`);
      await page.getByRole('link', { name: 'bank-main' }).waitFor();
      assert.match(await page.locator('tbody').innerText(), /Operating account/);
    });

    test('upload a CSV by drag and drop with a column mapping from its preview, and watch it reach completed', async () => {
      await page.goto(`${base}/#/upload?stream=bank-main`);
      const csv = readFileSync(join(REPO_ROOT, 'examples', 'bank-export.csv'), 'utf8');
      await dropFile(page, 'bank-export.csv', csv, 'text/csv');
      await page.getByTestId('preview').waitFor();
      assert.match(await page.getByTestId('format').innerText(), /CSV/);
      // The mapping is built from the file's header (read in the browser); the operator can change it.
      assert.equal(await page.locator('select[name=map-date]').inputValue(), 'Posting Date');
      assert.equal(await page.getByLabel('Date format').inputValue(), 'MM/DD/YYYY');
      await page.locator('select[name=map-external_id]').selectOption('Reference');
      await page.locator('select[name=map-description]').selectOption('Description');
      await page.getByRole('button', { name: 'Upload' }).click();
      firstCsvRequest = await uploadedRequest(page, 'completed');
      if (options.screenshots) await page.screenshot({ path: join(IMAGES, 'dashboard-upload.png'), fullPage: true });
      const card = page.getByTestId('upload-request');
      assert.match(await card.innerText(), /100% \(12 of 12\)/);
      assert.match(await card.locator('.counters').innerText(), /Successful\s+12/);
      assert.equal(await page.getByLabel('Bytes sent').getAttribute('value'), String(Buffer.byteLength(csv)));
    });

    test('records: amounts from minor units with the currency decimals, search by external_id, import batch totals', async () => {
      await page.goto(`${base}/#/streams/bank-main/records`);
      const table = page.getByTestId('records');
      await table.waitFor();
      assert.equal(await table.locator('tbody tr').count(), 12);
      assert.match(await table.innerText(), /25,000\.00 USD/);
      assert.match(await table.innerText(), /-11,562\.10 USD/);
      await page.getByLabel('External id').fill('WIR260102-0001');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=records] tbody tr').length === 1);
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('External id').fill('');
      await page.getByLabel('Created from').fill(tomorrow);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('No records.').waitFor();
      await page.getByLabel('Created from').fill(today);
      await page.getByLabel('Created to').fill(today);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=records] tbody tr').length === 12);
      await page.getByLabel('External id').fill('WIR260102-0001');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=records] tbody tr').length === 1);
      await page.getByRole('link', { name: /batch #/ }).click();
      await page.getByRole('heading', { name: /Import batch #/ }).waitFor();
      assert.match(await page.locator('.counters').innerText(), /Records\s+12/);
      await page.getByTestId('records').waitFor();
      assert.equal(await page.getByTestId('records').locator('tbody tr').count(), 12);
    });

    test('a CSV with bad rows: open the failed rows, download them, fix them, upload the fix', async () => {
      await page.goto(`${base}/#/upload?stream=bank-main`);
      await page.locator('input[type=file]').setInputFiles({ name: 'january.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_ROWS_CSV) });
      await page.getByTestId('preview').waitFor();
      await page.getByRole('button', { name: 'Upload' }).click();
      const id = await uploadedRequest(page, 'completed');
      await page.getByRole('link', { name: 'Open the request' }).click();
      const results = page.getByTestId('results');
      await results.waitFor();
      const text = await results.innerText();
      assert.match(text, /failed\s+—\s+invalid_amount/);
      assert.match(text, /invalid_date/);
      assert.match(await page.locator('.counters').innerText(), /Failed\s+2/);
      if (options.screenshots) await page.screenshot({ path: join(IMAGES, 'dashboard-request.png'), fullPage: true });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download failed rows' }).click()]);
      assert.equal(download.suggestedFilename(), `bulk-request-${id}-failed-rows.csv`);
      const failed = readFileSync((await download.path())!, 'utf8');
      assert.match(failed, /^date,amount,description,external_id,account_number,row_number,error_code,error_message\r?\n/);
      assert.equal(failed.trim().split('\n').length, 3);
      // The record that was created shows its account number's last four characters only.
      await page.goto(`${base}/#/streams/bank-main/records?external_id=good-3`);
      await page.getByTestId('records').waitFor();
      const record = await page.getByTestId('records').innerText();
      assert.match(record, /account_number: ••••5666/);
      assert.doesNotMatch(record, /000444555666/);
      const fixed = failed.replace('12.345', '12.34').replace('2026-02-30', '2026-02-28');
      await page.goto(`${base}/#/upload?stream=bank-main`);
      await dropFile(page, 'january-fixed.csv', fixed, 'text/csv');
      await page.getByTestId('preview').waitFor();
      await page.getByRole('button', { name: 'Upload' }).click();
      await uploadedRequest(page, 'completed');
      const card = page.getByTestId('upload-request');
      assert.match(await card.locator('.counters').innerText(), /Successful\s+2\s+Failed\s+0/);
    });

    test('a NACHA file with a control-total error: the line and the field are shown, beside the line', async () => {
      await page.goto(`${base}/#/upload?stream=bank-main`);
      await dropFile(page, 'payroll.ach', nachaWithControlTotalError(), 'application/octet-stream');
      await page.getByTestId('format').waitFor();
      assert.match(await page.getByTestId('format').innerText(), /NACHA/);
      await page.getByRole('button', { name: 'Upload' }).click();
      await uploadedRequest(page, 'failed');
      await page.getByRole('link', { name: 'Open the request' }).click();
      const errors = page.getByTestId('file-errors');
      await errors.waitFor();
      const text = await errors.innerText();
      assert.match(text, /Line 8, field batch_control\.total_credit_entry_dollar_amount/);
      assert.match(text, /1037326/);
      // The offending line itself, with the field's characters (positions 33-44) marked.
      assert.equal(await errors.locator('pre.line mark').innerText(), '000001037326');
      assert.match(await page.getByTestId('error-message').innerText(), /rejected/);
      // Nothing of a rejected file was staged: no retry is offered, the way back is a fixed file.
      assert.equal(await page.getByRole('button', { name: 'Retry…' }).count(), 0);
      await page.getByRole('link', { name: 'upload it again' }).waitFor();
      if (options.screenshots) await page.screenshot({ path: join(IMAGES, 'dashboard-nacha-errors.png'), fullPage: true });
    });

    test('cancel a large upload while it runs, then retry it (with a confirmation) and follow parent and child', async () => {
      await page.goto(`${base}/#/upload?stream=bank-main`);
      await page.locator('input[type=file]').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(largeCsv(40_000)) });
      await page.getByTestId('preview').waitFor();
      await page.getByRole('button', { name: 'Upload' }).click();
      const card = page.getByTestId('upload-request');
      await card.locator('h2 a').waitFor({ timeout: WAIT });
      largeRequest = Number((await card.locator('h2 a').innerText()).replace('#', ''));
      await page.goto(`${base}/#/requests/${largeRequest}`);
      await page.locator('h1 .badge-processing').waitFor({ timeout: WAIT });
      await page.getByRole('button', { name: 'Cancel request' }).click();
      await page.locator('h1 .badge-cancelled').waitFor({ timeout: WAIT });
      const counters = await page.locator('.counters').innerText();
      const processed = Number(/Processed\s+([\d,]+)/.exec(counters)![1]!.replace(/,/g, ''));
      assert.ok(processed < 40_000, `cancelled after ${processed} items`);
      await page.getByRole('button', { name: 'Retry…' }).click();
      await page.waitForURL(new RegExp(`#/requests/(?!${largeRequest}$)\\d+$`));
      await page.getByText(`Retry of request #${largeRequest}`).waitFor();
      const child = Number(/#\/requests\/(\d+)$/.exec(page.url())![1]);
      // Stop the child too: the worker is then free for what follows.
      await page.getByRole('button', { name: 'Cancel request' }).click();
      await page.locator('h1 .badge-cancelled').waitFor({ timeout: WAIT });
      await page.goto(`${base}/#/requests/${largeRequest}`);
      await page.getByText(`Retried as request #${child}`).waitFor();
      await page.goto(`${base}/#/requests?parent_bulk_request_id=${largeRequest}`);
      await page.locator(`[data-testid=requests] tr[data-id="${child}"]`).waitFor();
      assert.equal(await page.locator('[data-testid=requests] tbody tr').count(), 1);
    });

    test('the list shows a new request and its progress live, without a reload', async () => {
      await page.goto(`${base}/#/requests`);
      await page.getByTestId('requests').waitFor();
      const res = await fetch(`${base}/v1/records/bulk`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ records: [{ data_stream_key: 'bank-main', date: '2026-04-01', amount: 100, direction: 'credit', external_id: 'live-1' }] }),
      });
      assert.equal(res.status, 202);
      const { id } = (await res.json()) as { id: number };
      await page.locator(`[data-testid=requests] tr[data-id="${id}"] .badge-completed`).waitFor({ timeout: WAIT });
      // It came by the environment's event stream: the list itself was fetched once, not polled.
      const since = requested.lastIndexOf(`${base}/v1/bulk_requests?limit=25`);
      assert.ok(since >= 0, 'the list was loaded');
      assert.ok(requested.slice(since).includes(`${base}/v1/bulk_requests/events`), 'the page follows the event stream');
      assert.equal(requested.slice(since).filter((u) => u.startsWith(`${base}/v1/bulk_requests?`)).length, 1);
    });

    test('the list filters by status and source; pages stay readable at 390 px', async () => {
      await page.goto(`${base}/#/requests?status=failed`);
      await page.getByRole('heading', { name: 'Bulk requests' }).waitFor();
      await page.getByLabel('Status').selectOption('failed');
      // Only the rejected NACHA file failed as a whole; the CSV uploads completed (with failed rows or not).
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=requests] tbody tr')];
        return rows.length === 1 && rows[0]!.textContent!.includes('nacha');
      });
      await page.getByLabel('Source').selectOption('csv');
      await page.getByLabel('Status').selectOption('completed');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('[data-testid=requests] tbody tr')];
        return rows.length === 3 && rows.every((r) => r.textContent!.includes('completed') && r.textContent!.includes('csv'));
      });
      assert.match(page.url(), /source=csv/);
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of ['#/requests', `#/requests/${firstCsvRequest}`, '#/upload', '#/streams/bank-main']) {
        await page.goto(`${base}/${path}`);
        await page.locator('main h1').waitFor();
        await noHorizontalScroll(page);
        if (options.screenshots && path === `#/requests/${firstCsvRequest}`) await page.screenshot({ path: join(IMAGES, 'dashboard-request-390.png'), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    test('a wrong id and a lost network give a clear message, not a blank page', async () => {
      await page.goto(`${base}/#/requests/987654`);
      await page.getByText('Bulk request 987654 does not exist in this environment').waitFor();
      await page.goto(`${base}/#/streams/no-such-stream`);
      await page.getByText('The data stream "no-such-stream" does not exist').waitFor();
      await page.goto(`${base}/#/streams`);
      await page.getByRole('link', { name: 'bank-main' }).waitFor();
      await context.setOffline(true);
      await page.getByRole('link', { name: 'Bulk requests' }).click();
      await page.getByText('Sluice cannot be reached').waitFor();
      await context.setOffline(false);
      await page.getByRole('link', { name: 'Data streams' }).click();
      await page.getByRole('link', { name: 'bank-main' }).waitFor();
    });

    test("a key of another environment sees none of the first environment's objects", async () => {
      const created = sluice(['keys', 'create', '--environment', 'live'], database.env);
      assert.equal(await created.exited, 0, created.output());
      const liveKey = /sk_live_[A-Za-z0-9_-]{27}/.exec(created.output())![0];
      // Another tab: sessionStorage is per tab, so it signs in with its own key.
      const live = await context.newPage();
      try {
        await signIn(live, base, liveKey);
        assert.match(await live.getByTestId('environment').innerText(), /live/);
        await live.getByText('No data streams yet').waitFor();
        await live.goto(`${base}/#/requests`);
        await live.getByText('No bulk requests yet').waitFor();
        await live.goto(`${base}/#/requests/${firstCsvRequest}`);
        await live.getByText(`Bulk request ${firstCsvRequest} does not exist in this environment`).waitFor();
        await live.goto(`${base}/#/streams/bank-main`);
        await live.getByText('does not exist in this environment').waitFor();
      } finally {
        await live.close();
      }
    });

    test('create an API key (shown once), sign in with it, revoke it and be signed out', async () => {
      await page.goto(`${base}/#/keys`);
      await page.getByTestId('keys').waitFor();
      await page.getByRole('button', { name: 'Create a key' }).click();
      const secret = await page.getByLabel('New API key').inputValue();
      assert.match(secret, /^sk_test_/);
      const prefix = await page.locator('[data-testid=keys] tbody tr').last().locator('code').innerText();
      assert.ok(secret.startsWith(prefix.replace('…', '')) && prefix.length < secret.length, `list shows ${prefix}`);
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
      await page.getByRole('button', { name: 'Done' }).click();
      assert.equal(await page.getByLabel('New API key').count(), 0);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, base, secret);
      await page.goto(`${base}/#/keys`);
      await page.getByText('this session').waitFor();
      await page.locator('[data-testid=keys] tr', { hasText: 'this session' }).getByRole('button', { name: /Revoke/ }).click();
      await page.getByRole('heading', { name: 'Sign in to Sluice' }).waitFor();
      await page.getByText('You revoked the key you were signed in with').waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem('sluice.apiKey')), null);
      // The revoked key is refused; the first one still works.
      // By keyboard: the key field, then Enter.
      await page.getByLabel('API key').fill(secret);
      await page.getByLabel('API key').press('Enter');
      await page.getByText('This API key is not accepted').waitFor();
      await signIn(page, base, KEY);
      assert.deepEqual(cspViolations, []);
      for (const url of requested) assert.ok(!url.includes(KEY) && !url.includes(secret), `a key in the URL ${url}`);
    });

    webhookScenarios(() => ({ page, context, base, receiver, images: IMAGES, screenshots: options.screenshots, requested, cspViolations }));

    test("reset a stream and delete it, following each operation's progress", async () => {
      await page.goto(`${base}/#/streams/bank-main`);
      await page.getByTestId('records-count').waitFor();
      assert.notEqual(await page.getByTestId('records-count').innerText(), '0');
      await page.getByRole('button', { name: 'Reset stream…' }).click();
      await page.getByTestId('operation').getByText('Reset: completed').waitFor({ timeout: WAIT });
      await page.waitForFunction(() => document.querySelector('[data-testid=records-count]')?.textContent === '0');
      await page.getByText('No file has been imported into this stream yet.').waitFor();
      await page.getByRole('button', { name: 'Delete stream…' }).click();
      await page.getByText('The stream is deleted.').waitFor({ timeout: WAIT });
      await page.goto(`${base}/#/streams`);
      await page.getByText('No data streams yet').waitFor();
    });
  });
}

export function ensureImagesDir() {
  mkdirSync(IMAGES, { recursive: true });
}

