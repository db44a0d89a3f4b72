// One import batch (the records of one uploaded file): its totals and its records, paged.
import { html } from '../html.js';
import { api, qs } from '../api.js';
import { ErrorBox, Loading, NotFound, useLoad } from '../components.js';
import { formatCount, formatMinor, formatTime } from '../format.js';
import { navigate } from '../router.js';
import { RecordTable } from '../record-table.js';

const PAGE = 50;

export function ImportBatch({ id, query }) {
  const offset = Math.max(0, Number.parseInt(query.offset ?? '0', 10) || 0);
  const valid = /^\d{1,15}$/.test(id);
  const batch = useLoad(() => (valid ? api(`/v1/import_batches/${id}`) : Promise.reject(Object.assign(new Error('bad id'), { status: 404 }))), [id]);
  const records = useLoad(() => (valid ? api(`/v1/import_batches/${id}/records${qs({ limit: PAGE, offset })}`) : Promise.resolve(null)), [id, offset]);
  if (batch.error?.status === 404) return html`<${NotFound} what=${`Import batch ${id}`} />`;
  if (batch.error) return html`<${ErrorBox} error=${batch.error} title="Cannot load the import batch" />`;
  if (!batch.data) return html`<${Loading} />`;
  const b = batch.data;
  const go = (o) => navigate(`/import_batches/${id}`, { offset: o || undefined });
  return html`<section>
    <p class="crumbs"><a href="#/streams">Data streams</a> / <a href=${`#/streams/${encodeURIComponent(b.data_stream_key)}`}>${b.data_stream_key}</a> /</p>
    <h1>Import batch #${b.id}</h1>
    <p>${b.filename ?? 'unnamed file'} · ${b.source} · from <a href=${`#/requests/${b.bulk_request_id}`}>bulk request #${b.bulk_request_id}</a> · ${formatTime(b.created_at)}</p>
    <dl class="counters">
      <div><dt>Records</dt><dd>${formatCount(b.record_count)}</dd></div>
      <div><dt>Credits</dt><dd>${formatMinor(b.total_credits, b.decimal_places)}</dd></div>
      <div><dt>Debits</dt><dd>${formatMinor(b.total_debits, b.decimal_places)}</dd></div>
      <div><dt>Net</dt><dd>${formatMinor(b.net_amount, b.decimal_places)}</dd></div>
      <div><dt>Dates</dt><dd>${b.date_range_start ?? '—'} – ${b.date_range_end ?? '—'}</dd></div>
    </dl>
    <h2>Records</h2>
    <${ErrorBox} error=${records.error} title="Cannot load the records" />
    ${records.data ? html`<${RecordTable} records=${records.data.data} />
      ${offset > 0 || records.data.has_more ? html`<div class="pager">
        <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => go(Math.max(0, offset - PAGE))}>Previous</button>
        <button type="button" class="secondary" disabled=${!records.data.has_more} onClick=${() => go(offset + PAGE)}>Next</button>
      </div>` : null}` : html`<${Loading} />`}
  </section>`;
}
