// One bulk request: counters, progress, heartbeat age, stuck flag, errors (a rejected file's by line and
// field, beside the line when this tab sent the file), results paged, failed-rows download, cancel and
// retry, and the links between parent and child. Followed live until it ends. Results are always asked
// for as pages (Sluice-Results-Format), whatever results format the signed-in key has.
import { html, useEffect, useState } from '../html.js';
import { api, download, qs } from '../api.js';
import { Counters, ErrorBox, Loading, NotFound, ProgressBar, StatusBadge, useLoad } from '../components.js';
import { age, formatTime } from '../format.js';
import { isFinal, watchRequest } from '../live.js';
import { navigate } from '../router.js';
import { fileLines, recentFile } from '../recent-files.js';
import NACHA_FIELDS from '../nacha-fields.js';

const PAGE = 50;

/**
 * The characters of the line to mark, as [from, to) : the field's positions from the NACHA layouts
 * ("batch_control.entry_hash"), else "positions 22-31" in the message.
 */
function positions(field, message) {
  const [record, name] = (field ?? '').split('.');
  const known = NACHA_FIELDS[record]?.[name];
  if (known) return [known[0] - 1, known[1]];
  const m = /positions? (\d+)(?:-(\d+))?/.exec(message ?? '');
  if (!m) return null;
  return [Number(m[1]) - 1, Number(m[2] ?? m[1])];
}

function Line({ text, field, message }) {
  if (text === undefined) return null;
  const span = positions(field, message);
  if (!span || span[0] >= text.length) return html`<pre class="line">${text}</pre>`;
  return html`<pre class="line">${text.slice(0, span[0])}<mark>${text.slice(span[0], span[1])}</mark>${text.slice(span[1])}</pre>`;
}

function FileErrors({ r }) {
  const errors = Array.isArray(r.error_details?.errors) ? r.error_details.errors : [];
  const [lines, setLines] = useState(new Map());
  useEffect(() => {
    const file = recentFile(r.id);
    if (file && errors.length > 0) fileLines(file, errors.map((e) => e.line).filter(Number.isInteger)).then(setLines);
  }, [r.id, errors.length]);
  if (errors.length === 0) return null;
  return html`<section class="card" aria-labelledby="file-errors-title">
    <h2 id="file-errors-title">File errors${r.error_details.error_count > errors.length ? ` (first ${errors.length} of ${r.error_details.error_count})` : ''}</h2>
    <ol class="file-errors" data-testid="file-errors">${errors.map((e) => html`<li>
      <div><strong>Line ${e.line ?? '?'}</strong>${e.field ? html`, field <code>${e.field}</code>` : null}${e.code ? html` <span class="muted">(${e.code})</span>` : null}</div>
      <div>${e.message}</div>
      <${Line} text=${lines.get(e.line)} field=${e.field} message=${e.message} />
    </li>`)}</ol>
  </section>`;
}

function Results({ r, offset }) {
  const results = r.results;
  if (!results) return null;
  const page = Array.isArray(results) ? { data: results, has_more: false, offset: 0 } : results;
  const rows = page.data;
  const go = (o) => navigate(`/requests/${r.id}`, { offset: o || undefined });
  return html`<section class="card" aria-labelledby="results-title">
    <h2 id="results-title">Results</h2>
    ${rows.length === 0 ? html`<p>No results${offset > 0 ? ' on this page' : isFinal(r.status) ? '' : ' yet'}.</p>` : html`<div class="table-wrap"><table data-testid="results">
      <thead><tr><th scope="col">Index</th><th scope="col">Row</th><th scope="col">Status</th><th scope="col">Record</th><th scope="col">Code</th><th scope="col">Message</th></tr></thead>
      <tbody>${rows.map((x) => html`<tr class=${`result-${x.status}`}>
        <td>${x.index}</td><td>${x.row_number ?? '—'}</td><td><span class=${`badge badge-${x.status}`}>${x.status}</span></td>
        <td>${x.record_id ?? '—'}</td><td>${x.error_code ? html`<code>${x.error_code}</code>` : '—'}</td><td>${x.error ?? ''}</td>
      </tr>`)}</tbody></table></div>`}
    ${offset > 0 || page.has_more ? html`<div class="pager">
      <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => go(Math.max(0, offset - PAGE))}>Previous</button>
      <span class="muted">${rows.length > 0 ? `${offset + 1}–${offset + rows.length}` : ''}</span>
      <button type="button" class="secondary" disabled=${!page.has_more} onClick=${() => go(offset + PAGE)}>Next</button>
    </div>` : null}
  </section>`;
}

function Actions({ r, onChange }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function act(fn) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const canCancel = r.status === 'pending' || r.status === 'processing';
  // A file that never arrived whole staged nothing, so there is nothing to re-run (the API answers 409).
  const fileNeverStaged = ['file_rejected', 'upload_interrupted', 'upload_cancelled'].includes(r.error_details?.kind);
  const canRetry = (r.status === 'failed' || r.status === 'cancelled') && !r.child_id && !fileNeverStaged;
  const cancel = () => act(async () => onChange(await api(`/v1/bulk_requests/${r.id}/cancel`, { method: 'POST' })));
  const retry = () => {
    const left = r.total_items - r.successful_items;
    if (!confirm(`Retry request #${r.id}? A new request re-runs its ${left} failed, skipped and unprocessed items.`)) return;
    act(async () => {
      const child = await api(`/v1/bulk_requests/${r.id}/retry`, { method: 'POST' });
      navigate(`/requests/${child.id}`);
    });
  };
  const failedRows = (include) =>
    act(() => download(`/v1/bulk_requests/${r.id}/failed_rows.csv${qs({ include })}`, `bulk-request-${r.id}-${include ? 'failed-and-skipped' : 'failed'}-rows.csv`));
  return html`<div class="actions">
    ${r.failed_items > 0 ? html`<button type="button" disabled=${busy} onClick=${() => failedRows()}>Download failed rows</button>` : null}
    ${r.failed_items + r.skipped_items > 0 && r.skipped_items > 0 ? html`<button type="button" class="secondary" disabled=${busy} onClick=${() => failedRows('skipped')}>Download failed and skipped rows</button>` : null}
    ${canCancel ? html`<button type="button" class="danger" disabled=${busy} onClick=${cancel}>Cancel request</button>` : null}
    ${canRetry ? html`<button type="button" disabled=${busy} onClick=${retry}>Retry…</button>` : null}
    ${fileNeverStaged ? html`<p>The file was not processed: fix it and <a href=${`#/upload${r.stream_key ? `?stream=${encodeURIComponent(r.stream_key)}` : ''}`}>upload it again</a>.</p>` : null}
    <${ErrorBox} error=${error} title="That did not work" />
  </div>`;
}

export function Request({ id, query }) {
  const offset = Math.max(0, Number.parseInt(query.offset ?? '0', 10) || 0);
  const valid = /^\d{1,15}$/.test(id);
  const req = useLoad(() => (valid ? api(`/v1/bulk_requests/${id}${qs({ limit: PAGE, offset })}`, { headers: { 'sluice-results-format': 'page' } }) : Promise.reject(Object.assign(new Error('bad id'), { status: 404 }))), [id, offset]);
  const streams = useLoad(() => api('/v1/data_streams'), []);
  const children = useLoad(() => (valid ? api(`/v1/bulk_requests${qs({ parent_bulk_request_id: id, limit: 1 })}`) : Promise.resolve({ data: [] })), [id]);
  const [liveError, setLiveError] = useState(null);
  const [now, setNow] = useState(Date.now());
  const status = req.data?.status;

  useEffect(() => {
    if (!status || isFinal(status)) return undefined;
    return watchRequest(
      id,
      (next) => {
        req.setData((d) => (d ? { ...d, ...next, results: d.results } : d));
        if (isFinal(next.status)) setTimeout(req.reload, 0);
      },
      setLiveError,
    );
  }, [id, status === undefined || isFinal(status)]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  if (req.error?.status === 404) return html`<${NotFound} what=${`Bulk request ${id}`} />`;
  if (req.error) return html`<${ErrorBox} error=${req.error} title="Cannot load the bulk request" />`;
  if (!req.data) return html`<${Loading} />`;
  const streamKey = streams.data?.find((s) => s.id === req.data.data_stream_id)?.key;
  const r = { ...req.data, child_id: children.data?.data?.[0]?.id, stream_key: streamKey };
  return html`<section>
    <p class="crumbs"><a href="#/requests">Bulk requests</a> /</p>
    <h1>Bulk request #${r.id} <${StatusBadge} status=${r.status} stuck=${r.stuck} /></h1>
    <p>${r.filename ? html`<strong>${r.filename}</strong> · ` : null}${streamKey ? html`stream <a href=${`#/streams/${encodeURIComponent(streamKey)}`}>${streamKey}</a> · ` : null}source ${r.source ?? '—'} · on conflict ${r.on_conflict}${r.dry_run ? ' · dry run' : ''}</p>
    ${r.parent_bulk_request_id ? html`<p>Retry of <a href=${`#/requests/${r.parent_bulk_request_id}`}>request #${r.parent_bulk_request_id}</a>.</p>` : null}
    ${r.child_id ? html`<p>Retried as <a href=${`#/requests/${r.child_id}`}>request #${r.child_id}</a>.</p>` : null}
    <${ProgressBar} label="Items processed" value=${r.progress} max=${100} indeterminate=${r.parsing} text=${`${r.progress}% (${r.processed_items} of ${r.total_items})`} />
    <${Counters} r=${r} />
    <dl class="facts">
      <div><dt>Created</dt><dd>${formatTime(r.created_at)}</dd></div>
      <div><dt>Started</dt><dd>${formatTime(r.started_at)}</dd></div>
      <div><dt>Finished</dt><dd>${formatTime(r.completed_at)}</dd></div>
      <div><dt>Last heartbeat</dt><dd data-testid="heartbeat">${!r.last_progress_at ? '—' : isFinal(r.status) ? formatTime(r.last_progress_at) : age(r.last_progress_at, now)}</dd></div>
      <div><dt>Stuck</dt><dd>${r.stuck ? 'yes: no progress for longer than the stuck time' : 'no'}</dd></div>
      ${r.cancellation_requested_at ? html`<div><dt>Cancellation requested</dt><dd>${formatTime(r.cancellation_requested_at)}</dd></div>` : null}
    </dl>
    ${r.error_message ? html`<div class="error" role="alert" data-testid="error-message"><strong>Error</strong><p>${r.error_message}</p></div>` : null}
    <${FileErrors} r=${r} />
    <${Actions} r=${r} onChange=${(next) => req.setData((d) => ({ ...d, ...next, results: d.results }))} />
    <${ErrorBox} error=${liveError} title="Live updates interrupted (retrying)" />
    <${Results} r=${r} offset=${offset} />
  </section>`;
}
