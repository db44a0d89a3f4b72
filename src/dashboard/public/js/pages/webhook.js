// One webhook endpoint: edit (URL, description, events, disabled), rotate its secret (the new one shown
// once), send a test event, delete, and its delivery attempts (paged; the first page refreshes itself
// while it is open, so a delivery appears without a reload).
import { html, useEffect, useState } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, NotFound, useLoad } from '../components.js';
import { EventPicker, pickerValue } from '../event-picker.js';
import { formatTime } from '../format.js';
import { OneTimeSecret } from '../one-time-secret.js';
import { navigate } from '../router.js';
import { enabledEventsFrom } from '../webhook-events.js';
import { EndpointState } from './webhooks.js';

const REFRESH_MS = 2000;

function EditEndpoint({ endpoint, onSaved }) {
  const [url, setUrl] = useState(endpoint.url);
  const [description, setDescription] = useState(endpoint.description ?? '');
  const [events, setEvents] = useState(pickerValue(endpoint.enabled_events));
  const [disabled, setDisabled] = useState(endpoint.disabled);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const body = { url: url.trim(), description: description.trim() || null, enabled_events: enabledEventsFrom(events.all, events.picked), disabled };
      onSaved(await api(`/v1/webhook_endpoints/${endpoint.id}`, { method: 'PATCH', body }));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  return html`<form class="card" onSubmit=${submit} aria-labelledby="edit-endpoint-title">
    <h2 id="edit-endpoint-title">Edit</h2>
    <div class="fields">
      <label>Endpoint URL <input name="url" type="url" class="wide" required maxlength="2048" value=${url} onInput=${(e) => setUrl(e.currentTarget.value)} /></label>
      <label>Description <input name="description" maxlength="1000" value=${description} onInput=${(e) => setDescription(e.currentTarget.value)} /></label>
    </div>
    <${EventPicker} value=${events} onChange=${setEvents} idPrefix="edit" />
    <p><label class="check"><input type="checkbox" name="disabled" checked=${disabled} onChange=${(e) => setDisabled(e.currentTarget.checked)} /> Disabled (no events are sent; unticking re-enables an endpoint Sluice disabled)</label></p>
    <button type="submit">Save</button> ${saved ? html`<span role="status">Saved.</span>` : null}
    <${ErrorBox} error=${error} title="Cannot save" />
  </form>`;
}

function TestResult({ result }) {
  return html`<div class=${result.delivered ? 'card notice' : 'error'} role="status" data-testid="test-result">
    <p><strong>${result.delivered ? 'The test event was delivered' : 'The test event was not delivered'}</strong> (<code>${result.webhook_id}</code>):
      ${result.status_code !== null ? ` status ${result.status_code}` : ' no answer'}, ${result.duration_ms} ms.</p>
    ${result.error ? html`<p>${result.error}</p>` : null}
    ${result.response_excerpt ? html`<pre class="excerpt">${result.response_excerpt}</pre>` : null}
  </div>`;
}

function Attempts({ id, cursor }) {
  const attempts = useLoad(() => api(`/v1/webhook_endpoints/${id}/deliveries${qs({ cursor, limit: 25 })}`), [id, cursor]);
  useEffect(() => {
    if (cursor) return undefined;
    const timer = setInterval(() => document.visibilityState === 'visible' && attempts.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [id, cursor]);
  const rows = attempts.data?.data ?? [];
  return html`<section class="card" aria-labelledby="attempts-title">
    <h2 id="attempts-title">Delivery attempts</h2>
    <${ErrorBox} error=${attempts.error} title="Cannot load the delivery attempts" />
    ${attempts.loading && !attempts.data ? html`<${Loading} />` : null}
    ${attempts.data && rows.length === 0 ? html`<p>No delivery attempts${cursor ? ' on this page' : ' yet'}.</p>` : null}
    ${rows.length > 0
      ? html`<div class="table-wrap"><table data-testid="attempts">
          <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col" class="num">Duration</th><th scope="col">Error</th><th scope="col">Response</th></tr></thead>
          <tbody>${rows.map((a) => html`<tr data-id=${a.id}>
            <td class="nowrap">${formatTime(a.created_at)}</td>
            <td><a href=${`#/events/${a.event_id}`}>${a.event_type}</a><div class="muted">${a.event_id}, attempt ${a.attempt} (${a.delivery_status})</div></td>
            <td data-testid="status-code">${a.status_code ?? '—'}</td>
            <td class="num">${a.duration_ms} ms</td>
            <td>${a.error ?? '—'}${a.next_attempt_at ? html`<div class="muted">next attempt ${formatTime(a.next_attempt_at)}</div>` : null}</td>
            <td>${a.response_excerpt ? html`<details><summary>excerpt</summary><pre class="excerpt">${a.response_excerpt}</pre></details>` : '—'}</td>
          </tr>`)}</tbody></table></div>`
      : null}
    ${attempts.data ? html`<div class="pager">
      ${cursor ? html`<a href=${`#/webhooks/${id}`}>First page</a>` : null}
      ${attempts.data.next_cursor ? html`<a href=${`#/webhooks/${id}${qs({ cursor: attempts.data.next_cursor })}`}>Next page</a>` : null}
    </div>` : null}
  </section>`;
}

export function Webhook({ id, query }) {
  const valid = /^\d{1,15}$/.test(id);
  const endpoint = useLoad(() => (valid ? api(`/v1/webhook_endpoints/${id}`) : Promise.reject(Object.assign(new Error('not found'), { status: 404 }))), [id]);
  const [secret, setSecret] = useState(null);
  const [testResult, setTestResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (endpoint.error?.status === 404) return html`<${NotFound} what=${`Webhook endpoint ${id}`} />`;
  if (endpoint.error) return html`<${ErrorBox} error=${endpoint.error} title="Cannot load the webhook endpoint" />`;
  if (!endpoint.data) return html`<${Loading} />`;
  const e = endpoint.data;

  async function act(fn) {
    setError(null);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const rotate = () =>
    confirm('Rotate the signing secret? The old secret keeps signing beside the new one for 24 hours; update your receiver before then.') &&
    act(async () => {
      const rotated = await api(`/v1/webhook_endpoints/${e.id}/rotate_secret`, { method: 'POST' });
      setSecret(rotated.secret);
      const { secret: _shownOnce, ...rest } = rotated;
      endpoint.setData(rest);
    });
  const sendTest = () =>
    act(async () => {
      setTestResult(null);
      setTestResult(await api(`/v1/webhook_endpoints/${e.id}/test`, { method: 'POST' }));
    });
  const remove = () =>
    confirm(`Delete the endpoint ${e.url}? Its pending deliveries are dropped; the events stay listed.`) &&
    act(async () => {
      await api(`/v1/webhook_endpoints/${e.id}`, { method: 'DELETE' });
      navigate('/webhooks');
    });

  return html`<section>
    <p class="crumbs"><a href="#/webhooks">Webhooks</a> /</p>
    <h1>Endpoint #${e.id} <${EndpointState} e=${e} /></h1>
    <dl class="facts">
      <div><dt>URL</dt><dd><code>${e.url}</code></dd></div>
      <div><dt>Created</dt><dd>${formatTime(e.created_at)}</dd></div>
      <div><dt>Updated</dt><dd>${formatTime(e.updated_at)}</dd></div>
      ${e.failing_since ? html`<div><dt>Failing since</dt><dd>${formatTime(e.failing_since)}</dd></div>` : null}
      ${e.previous_secret_expires_at ? html`<div><dt>Old secret signs until</dt><dd>${formatTime(e.previous_secret_expires_at)}</dd></div>` : null}
    </dl>
    ${secret
      ? html`<${OneTimeSecret}
          secret=${secret}
          label="New signing secret"
          testid="new-secret"
          intro=${html`<strong>The new signing secret.</strong> It is shown only this once: copy it into your receiver now. The old secret still signs beside it for 24 hours.`}
          onDone=${() => setSecret(null)}
        />`
      : null}
    <div class="actions">
      <button type="button" disabled=${busy} onClick=${sendTest}>Send a test event</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${rotate}>Rotate secret…</button>
      <button type="button" class="danger" disabled=${busy} onClick=${remove}>Delete endpoint…</button>
    </div>
    <${ErrorBox} error=${error} title="That did not work" />
    ${testResult ? html`<${TestResult} result=${testResult} />` : null}
    <${EditEndpoint} key=${e.id} endpoint=${e} onSaved=${(saved) => endpoint.setData(saved)} />
    <${Attempts} id=${e.id} cursor=${query.cursor} />
  </section>`;
}
