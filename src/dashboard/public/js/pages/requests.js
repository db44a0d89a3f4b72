// Bulk requests: the list with its filters, updated live from the environment's event stream.
import { html, useEffect, useState } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, StatusBadge, useLoad } from '../components.js';
import { formatCount, formatTime } from '../format.js';
import { navigate } from '../router.js';
import { watchRequests } from '../live.js';

const STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const SOURCES = ['bulk_api', 'csv', 'nacha'];
const FILTERS = ['status', 'data_stream_key', 'source', 'stuck', 'parent_bulk_request_id'];

/** Whether a request from the live stream belongs on this page (new ones are added only when they do). */
function matches(r, filters, streamIds) {
  if (filters.status && r.status !== filters.status) return false;
  if (filters.source && r.source !== filters.source) return false;
  if (filters.stuck && String(r.stuck) !== filters.stuck) return false;
  if (filters.parent_bulk_request_id && String(r.parent_bulk_request_id) !== filters.parent_bulk_request_id) return false;
  if (filters.data_stream_key && r.data_stream_id !== streamIds.get(filters.data_stream_key)) return false;
  return true;
}

export function Requests({ query }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, query[f] ?? '']));
  const cursor = query.cursor;
  const streams = useLoad(() => api('/v1/data_streams'), []);
  const list = useLoad(() => api(`/v1/bulk_requests${qs({ ...filters, cursor, limit: 25 })}`), [JSON.stringify(filters), cursor]);
  const [liveError, setLiveError] = useState(null);
  const streamIds = new Map((streams.data ?? []).map((s) => [s.key, s.id]));
  const streamKeys = new Map((streams.data ?? []).map((s) => [s.id, s.key]));

  useEffect(() => {
    if (!list.data) return undefined;
    return watchRequests(
      (r) =>
        list.setData((d) => {
          if (!d) return d;
          const at = d.data.findIndex((x) => x.id === r.id);
          if (at >= 0) return { ...d, data: d.data.map((x) => (x.id === r.id ? r : x)) };
          if (!cursor && matches(r, filters, streamIds) && (d.data.length === 0 || r.id > d.data[0].id)) return { ...d, data: [r, ...d.data] };
          return d;
        }),
      async () => {
        const next = await api(`/v1/bulk_requests${qs({ ...filters, cursor, limit: 25 })}`);
        list.setData(next);
      },
      setLiveError,
    );
  }, [Boolean(list.data), JSON.stringify(filters), cursor, streams.data]);

  const setFilter = (name) => (e) => {
    const value = e.currentTarget.type === 'checkbox' ? (e.currentTarget.checked ? 'true' : '') : e.currentTarget.value;
    navigate('/requests', { ...filters, [name]: value });
  };

  return html`<section>
    <h1>Bulk requests</h1>
    <form class="fields filters" aria-label="Filters" onSubmit=${(e) => e.preventDefault()}>
      <label>Status <select name="status" value=${filters.status} onChange=${setFilter('status')}><option value="">any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Stream <select name="data_stream_key" value=${filters.data_stream_key} onChange=${setFilter('data_stream_key')}><option value="">any</option>${(streams.data ?? []).map((s) => html`<option value=${s.key}>${s.key}</option>`)}</select></label>
      <label>Source <select name="source" value=${filters.source} onChange=${setFilter('source')}><option value="">any</option>${SOURCES.map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      <label>Parent request <input name="parent" inputmode="numeric" size="6" value=${filters.parent_bulk_request_id} onChange=${setFilter('parent_bulk_request_id')} /></label>
      <label class="check"><input type="checkbox" name="stuck" checked=${filters.stuck === 'true'} onChange=${setFilter('stuck')} /> Stuck only</label>
    </form>
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${list.error} title="Cannot load the bulk requests" />
    <${ErrorBox} error=${liveError} title="Live updates interrupted (retrying)" />
    ${list.data && list.data.data.length === 0 ? html`<p>No bulk requests${Object.values(filters).some(Boolean) ? ' match these filters' : ' yet'}.</p>` : null}
    ${list.data && list.data.data.length > 0
      ? html`<div class="table-wrap"><table data-testid="requests">
          <thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Stream</th><th scope="col">Progress</th><th scope="col">Failed</th><th scope="col">Created</th></tr></thead>
          <tbody>${list.data.data.map((r) => html`<tr data-id=${r.id}>
            <td><a href=${`#/requests/${r.id}`}>#${r.id}</a>${r.filename ? html` <span class="muted">${r.filename}</span>` : null}${r.parent_bulk_request_id ? html`<div class="muted">retry of <a href=${`#/requests/${r.parent_bulk_request_id}`}>#${r.parent_bulk_request_id}</a></div>` : null}</td>
            <td><${StatusBadge} status=${r.status} stuck=${r.stuck} /></td>
            <td>${r.source ?? '—'}</td>
            <td>${r.data_stream_id ? streamKeys.get(r.data_stream_id) ?? `#${r.data_stream_id}` : 'several'}</td>
            <td><progress value=${r.progress} max="100" aria-label=${`Request ${r.id} progress`}></progress> ${r.progress}%</td>
            <td>${formatCount(r.failed_items)}</td>
            <td>${formatTime(r.created_at)}</td>
          </tr>`)}</tbody></table></div>
        <div class="pager">
          ${cursor ? html`<a href=${`#/requests${qs(filters)}`}>First page</a>` : null}
          ${list.data.next_cursor ? html`<a href=${`#/requests${qs({ ...filters, cursor: list.data.next_cursor })}`}>Next page</a>` : null}
        </div>`
      : null}
  </section>`;
}
