// Events of this environment: the list (filtered by type, paged by cursor), each event's JSON as it is
// sent, and one event's page with its deliveries and **Redeliver** (to every subscribed endpoint).
import { html, useState } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, NotFound, useLoad } from '../components.js';
import { formatTime } from '../format.js';
import { navigate } from '../router.js';
import { EVENT_TYPES } from '../webhook-events.js';

/** The envelope as a receiver gets it (without the deliveries the event page adds). */
function envelopeJson(event) {
  const { deliveries: _deliveries, ...envelope } = event;
  return JSON.stringify(envelope, null, 2);
}

function Redeliver({ event, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  async function redeliver() {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await api(`/v1/events/${encodeURIComponent(event.id)}/redeliver`, { method: 'POST', body: {} });
      setDone(result.deliveries.length);
      onDone?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<span>
    <button type="button" class="secondary" disabled=${busy} onClick=${redeliver} aria-label=${`Redeliver ${event.id}`}>Redeliver</button>
    ${done !== null ? html` <span role="status">${done === 0 ? 'No enabled endpoint is subscribed to this event.' : `Queued for ${done} endpoint${done === 1 ? '' : 's'}.`}</span>` : null}
    <${ErrorBox} error=${error} title="Cannot redeliver" />
  </span>`;
}

export function Events({ query }) {
  const type = query.event_type ?? '';
  const cursor = query.cursor;
  const list = useLoad(() => api(`/v1/events${qs({ event_type: type, cursor, limit: 25 })}`), [type, cursor]);
  const rows = list.data?.data ?? [];
  return html`<section>
    <h1>Events</h1>
    <form class="fields filters" aria-label="Filters" onSubmit=${(e) => e.preventDefault()}>
      <label>Event type <select name="event_type" value=${type} onChange=${(e) => navigate('/events', { event_type: e.currentTarget.value })}>
        <option value="">any</option>${EVENT_TYPES.map((t) => html`<option value=${t}>${t}</option>`)}
      </select></label>
    </form>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${list.error} title="Cannot load the events" />
    ${list.data && rows.length === 0 ? html`<p>No events${type ? ' of this type' : ' yet'}.</p>` : null}
    ${rows.length > 0
      ? html`<div class="table-wrap"><table data-testid="events">
          <thead><tr><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Time</th><th scope="col">JSON</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>${rows.map((ev) => html`<tr data-id=${ev.id}>
            <td><a href=${`#/events/${ev.id}`}>${ev.id}</a></td>
            <td><code>${ev.event_type}</code></td>
            <td class="nowrap">${formatTime(ev.timestamp)}</td>
            <td><details><summary>JSON</summary><pre class="json">${envelopeJson(ev)}</pre></details></td>
            <td><${Redeliver} event=${ev} /></td>
          </tr>`)}</tbody></table></div>`
      : null}
    ${list.data ? html`<div class="pager">
      ${cursor ? html`<a href=${`#/events${qs({ event_type: type })}`}>First page</a>` : null}
      ${list.data.next_cursor ? html`<a href=${`#/events${qs({ event_type: type, cursor: list.data.next_cursor })}`}>Next page</a>` : null}
    </div>` : null}
  </section>`;
}

export function EventPage({ id }) {
  const event = useLoad(() => api(`/v1/events/${encodeURIComponent(id)}`), [id]);
  if (event.error?.status === 404) return html`<${NotFound} what=${`Event ${id}`} />`;
  if (event.error) return html`<${ErrorBox} error=${event.error} title="Cannot load the event" />`;
  if (!event.data) return html`<${Loading} />`;
  const ev = event.data;
  return html`<section>
    <p class="crumbs"><a href="#/events">Events</a> /</p>
    <h1>Event <code>${ev.id}</code></h1>
    <dl class="facts">
      <div><dt>Type</dt><dd><code>${ev.event_type}</code></dd></div>
      <div><dt>Time</dt><dd>${formatTime(ev.timestamp)}</dd></div>
    </dl>
    <${Redeliver} event=${ev} onDone=${event.reload} />
    <h2>Deliveries</h2>
    ${ev.deliveries.length === 0
      ? html`<p>Not sent to any endpoint (none was enabled and subscribed to this type).</p>`
      : html`<div class="table-wrap"><table data-testid="deliveries">
          <thead><tr><th scope="col">Endpoint</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last status code</th><th scope="col">Last error</th><th scope="col">Created</th></tr></thead>
          <tbody>${ev.deliveries.map((d) => html`<tr>
            <td><a href=${`#/webhooks/${d.webhook_endpoint_id}`}>#${d.webhook_endpoint_id}</a></td>
            <td>${d.status}${d.next_attempt_at ? html`<div class="muted">next attempt ${formatTime(d.next_attempt_at)}</div>` : null}</td>
            <td class="num">${d.attempts}</td>
            <td>${d.last_status_code ?? '—'}</td>
            <td>${d.last_error ?? '—'}</td>
            <td class="nowrap">${formatTime(d.created_at)}</td>
          </tr>`)}</tbody></table></div>`}
    <h2>JSON</h2>
    <pre class="json" data-testid="event-json">${envelopeJson(ev)}</pre>
  </section>`;
}
