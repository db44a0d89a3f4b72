// Webhook endpoints of this environment: the list, and a form to create one. The new endpoint's signing
// secret (whsec_...) is shown once, with a Copy button, as the API keys page shows a new key.
import { html, useState } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import { EventPicker } from '../event-picker.js';
import { formatTime } from '../format.js';
import { OneTimeSecret } from '../one-time-secret.js';
import { describeEvents, enabledEventsFrom } from '../webhook-events.js';

export function EndpointState({ e }) {
  if (!e.disabled) return html`<span class="badge badge-completed">enabled</span>`;
  return html`<span class="badge badge-cancelled">disabled</span>${e.disabled_reason ? html`<div class="muted">${e.disabled_reason}</div>` : null}`;
}

function CreateEndpoint({ onCreated }) {
  const [form, setForm] = useState({ url: '', description: '' });
  const [events, setEvents] = useState({ all: true, picked: [] });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value });
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { url: form.url.trim(), enabled_events: enabledEventsFrom(events.all, events.picked) };
      if (form.description.trim()) body.description = form.description.trim();
      const created = await api('/v1/webhook_endpoints', { method: 'POST', body });
      setForm({ url: '', description: '' });
      setEvents({ all: true, picked: [] });
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="card" onSubmit=${submit} aria-labelledby="create-endpoint-title">
    <h2 id="create-endpoint-title">New endpoint</h2>
    <div class="fields">
      <label>Endpoint URL <input name="url" type="url" class="wide" required maxlength="2048" value=${form.url} onInput=${set('url')} placeholder="https://example.com/sluice-hooks" /></label>
      <label>Description <input name="description" maxlength="1000" value=${form.description} onInput=${set('description')} /></label>
    </div>
    <${EventPicker} value=${events} onChange=${setEvents} idPrefix="create" />
    <p class="muted">Sluice POSTs each event, signed per Standard Webhooks with the endpoint's secret, and retries until it answers 2xx.</p>
    <button type="submit" disabled=${busy}>Create endpoint</button>
    <${ErrorBox} error=${error} title="Cannot create the endpoint" />
  </form>`;
}

export function Webhooks({ query }) {
  const cursor = query.cursor;
  const list = useLoad(() => api(`/v1/webhook_endpoints${qs({ cursor, limit: 25 })}`), [cursor]);
  const [created, setCreated] = useState(null);
  const rows = list.data?.data ?? [];
  return html`<section>
    <h1>Webhooks</h1>
    <p class="muted">Endpoints of this environment. Their signing secrets are shown once, when created or rotated. <a href="#/events">Events</a> lists every event sent.</p>
    ${created
      ? html`<${OneTimeSecret}
          secret=${created.secret}
          label="Signing secret"
          testid="new-secret"
          intro=${html`<strong>The signing secret of <a href=${`#/webhooks/${created.id}`}>endpoint #${created.id}</a>.</strong> It is shown only this once: copy it now into your receiver, which verifies each request's signature with it.`}
          onDone=${() => setCreated(null)}
        />`
      : null}
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${list.error} title="Cannot load the webhook endpoints" />
    ${list.data && rows.length === 0 && !cursor ? html`<p>No webhook endpoints yet: create the first one below.</p>` : null}
    ${rows.length > 0
      ? html`<div class="table-wrap"><table data-testid="endpoints">
          <thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
          <tbody>${rows.map((e) => html`<tr data-id=${e.id}>
            <td><a href=${`#/webhooks/${e.id}`}>${e.url}</a>${e.description ? html`<div class="muted">${e.description}</div>` : null}</td>
            <td>${describeEvents(e.enabled_events)}</td>
            <td><${EndpointState} e=${e} /></td>
            <td class="nowrap">${formatTime(e.created_at)}</td>
          </tr>`)}</tbody></table></div>`
      : null}
    ${list.data ? html`<div class="pager">
      ${cursor ? html`<a href="#/webhooks">First page</a>` : null}
      ${list.data.next_cursor ? html`<a href=${`#/webhooks${qs({ cursor: list.data.next_cursor })}`}>Next page</a>` : null}
    </div>` : null}
    <${CreateEndpoint}
      onCreated=${(e) => {
        // Only the list is reloaded: the secret stays in this component's state, never in the address.
        setCreated(e);
        list.reload();
      }}
    />
  </section>`;
}
