// A stream's records: paged by cursor, filtered by creation date range, searched by external_id.
import { html, useState } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, NotFound, useLoad } from '../components.js';
import { navigate } from '../router.js';
import { RecordTable } from '../record-table.js';

const enc = encodeURIComponent;

/** A YYYY-MM-DD day as the API's strict bounds: after the instant before it starts, before the next day. */
function bounds(from, to) {
  const out = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(from ?? '')) out.created_after = new Date(Date.parse(`${from}T00:00:00Z`) - 1).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(to ?? '')) out.created_before = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString();
  return out;
}

export function Records({ streamKey, query }) {
  const { from = '', to = '', external_id = '', cursor } = query;
  const [form, setForm] = useState({ from, to, external_id });
  const stream = useLoad(() => api(`/v1/data_streams/${enc(streamKey)}`), [streamKey]);
  const records = useLoad(
    () => api(`/v1/records${qs({ data_stream_key: streamKey, external_id: external_id || undefined, ...bounds(from, to), cursor, limit: 50 })}`),
    [streamKey, from, to, external_id, cursor],
  );
  const path = `/streams/${enc(streamKey)}/records`;
  function submit(e) {
    e.preventDefault();
    navigate(path, { from: form.from, to: form.to, external_id: form.external_id.trim() });
  }
  if (stream.error?.status === 404) return html`<${NotFound} what=${`The data stream "${streamKey}"`} />`;
  return html`<section>
    <p class="crumbs"><a href="#/streams">Data streams</a> / <a href=${`#/streams/${enc(streamKey)}`}>${streamKey}</a> /</p>
    <h1>Records of ${stream.data?.name ?? streamKey}</h1>
    <form class="fields filters" onSubmit=${submit} aria-label="Search records">
      <label>Created from <input type="date" name="from" value=${form.from} onInput=${(e) => setForm({ ...form, from: e.currentTarget.value })} /></label>
      <label>Created to <input type="date" name="to" value=${form.to} onInput=${(e) => setForm({ ...form, to: e.currentTarget.value })} /></label>
      <label>External id <input type="search" name="external_id" value=${form.external_id} onInput=${(e) => setForm({ ...form, external_id: e.currentTarget.value })} /></label>
      <button type="submit">Search</button>
    </form>
    <${ErrorBox} error=${records.error} title="Cannot load the records" />
    ${records.loading && !records.data ? html`<${Loading} />` : null}
    ${records.data ? html`<${RecordTable} records=${records.data.data} />
      <div class="pager">
        ${cursor ? html`<a href=${`#${path}${qs({ from, to, external_id })}`}>First page</a>` : null}
        ${records.data.next_cursor ? html`<a href=${`#${path}${qs({ from, to, external_id, cursor: records.data.next_cursor })}`}>Next page</a>` : null}
      </div>` : null}
  </section>`;
}
