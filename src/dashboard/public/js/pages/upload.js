// Upload a CSV, NACHA, BAI2 or camt.053 file onto a stream: drop or choose it, see its format (and for CSV a preview
// with the column mapping built from it), send it with a progress bar for the bytes, then follow the
// bulk request's items live to the end.
import { html, useEffect, useRef, useState } from '../html.js';
import { api, uploadFile } from '../api.js';
import { Counters, ErrorBox, Loading, ProgressBar, StatusBadge, useLoad } from '../components.js';
import { formatBytes } from '../format.js';
import { FIELDS, REQUIRED, guessDateFormat, guessDelimiter, guessMapping, parseCsv, sniff } from '../file-preview.js';
import { watchRequest, isFinal } from '../live.js';
import { rememberFile } from '../recent-files.js';

const DELIMITERS = [[',', 'comma ,'], [';', 'semicolon ;'], ['\t', 'tab'], ['|', 'pipe |']];

function DropZone({ onFile, file }) {
  const [over, setOver] = useState(false);
  const input = useRef(null);
  return html`<div
      class=${`drop ${over ? 'over' : ''}`}
      data-testid="drop-zone"
      onDragOver=${(e) => (e.preventDefault(), setOver(true))}
      onDragLeave=${() => setOver(false)}
      onDrop=${(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer?.files?.[0];
        if (f) onFile(f);
      }}>
    <p>${file ? html`<strong>${file.name}</strong> (${formatBytes(file.size)})` : 'Drop a CSV, NACHA, BAI2 or camt.053 file here'}</p>
    <label class="button secondary">Choose a file…
      <input ref=${input} type="file" class="sr-only" accept=".csv,.tsv,.txt,.ach,.nacha,.gz,text/csv" onChange=${(e) => e.currentTarget.files[0] && onFile(e.currentTarget.files[0])} />
    </label>
  </div>`;
}

function CsvOptions({ preview, options, setOptions }) {
  const rows = parseCsv(preview.text ?? '', options.delimiter, 6);
  const header = rows[0] ?? [];
  const set = (field) => (e) => setOptions({ ...options, [field]: e.currentTarget.value });
  const setMap = (field) => (e) => setOptions({ ...options, mapping: { ...options.mapping, [field]: e.currentTarget.value || undefined } });
  const mapped = new Set(Object.values(options.mapping).filter(Boolean));
  return html`<fieldset class="card">
    <legend>CSV options</legend>
    <div class="fields">
      <label>Delimiter <select value=${options.delimiter} onChange=${set('delimiter')}>${DELIMITERS.map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
      <label>Date format <select value=${options.date_format} onChange=${set('date_format')}>${['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY'].map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
      <label>Amounts are <select value=${options.amount_unit} onChange=${set('amount_unit')}><option value="major">major units (12.34)</option><option value="minor">minor units (1234)</option></select></label>
      <label>Currency when none given <input value=${options.currency} maxlength="3" size="4" onInput=${set('currency')} /></label>
    </div>
    <h3>Column mapping</h3>
    <p class="muted">Which column holds each field; every other column is kept as metadata under its header name.</p>
    <div class="fields mapping">
      ${FIELDS.map((field) => html`<label>${field}${REQUIRED.has(field) ? ' (required)' : ''}
        <select name=${`map-${field}`} value=${options.mapping[field] ?? ''} onChange=${setMap(field)}>
          <option value="">— none —</option>
          ${header.map((h) => html`<option value=${h}>${h}</option>`)}
        </select></label>`)}
    </div>
    ${header.length > 0 ? html`<h3>Preview (first rows of the file)</h3>
      <div class="table-wrap"><table class="preview" data-testid="preview">
        <thead><tr>${header.map((h) => html`<th scope="col">${h}${mapped.has(h) ? html`<div class="muted">→ ${Object.keys(options.mapping).find((k) => options.mapping[k] === h)}</div>` : html`<div class="muted">→ metadata</div>`}</th>`)}</tr></thead>
        <tbody>${rows.slice(1).map((r) => html`<tr>${header.map((_, i) => html`<td>${r[i] ?? ''}</td>`)}</tr>`)}</tbody>
      </table></div>` : html`<p class="error">No header row could be read from the file.</p>`}
  </fieldset>`;
}

function Follow({ request }) {
  const [r, setR] = useState(request);
  const [error, setError] = useState(null);
  useEffect(() => (isFinal(request.status) ? undefined : watchRequest(request.id, setR, setError)), [request.id]);
  return html`<section class="card" aria-live="polite" data-testid="upload-request">
    <h2>Bulk request <a href=${`#/requests/${r.id}`}>#${r.id}</a> <${StatusBadge} status=${r.status} stuck=${r.stuck} /></h2>
    <${ProgressBar} label="Items processed" value=${r.progress} max=${100} indeterminate=${r.parsing} text=${`${r.progress}% (${r.processed_items} of ${r.total_items})`} />
    <${Counters} r=${r} />
    ${r.error_message ? html`<p class="error">${r.error_message}</p>` : null}
    ${isFinal(r.status) ? html`<p><a class="button" href=${`#/requests/${r.id}`}>Open the request</a></p>` : null}
    <${ErrorBox} error=${error} title="Live updates interrupted" />
  </section>`;
}

export function Upload({ query }) {
  const streams = useLoad(() => api('/v1/data_streams'), []);
  const [stream, setStream] = useState(query.stream ?? '');
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState(null);
  const [options, setOptions] = useState({ on_conflict: 'skip', dry_run: false, delimiter: ',', date_format: 'YYYY-MM-DD', amount_unit: 'major', currency: 'USD', mapping: {} });
  const [bytes, setBytes] = useState(null);
  const [request, setRequest] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!stream && streams.data?.[0]) setStream(streams.data[0].key);
  }, [streams.data]);

  async function choose(f) {
    setFile(f);
    setRequest(null);
    setBytes(null);
    setError(null);
    const p = await sniff(f);
    setPreview(p);
    if (p.format === 'csv' && p.text) {
      const delimiter = guessDelimiter(p.text.split(/\r?\n/, 1)[0] ?? '');
      const header = parseCsv(p.text, delimiter, 1)[0] ?? [];
      const rows = parseCsv(p.text, delimiter, 20);
      const mapping = guessMapping(header);
      setOptions((o) => ({ ...o, delimiter, mapping, date_format: guessDateFormat(rows, header.indexOf(mapping.date)) }));
    }
  }

  async function submit(e) {
    e.preventDefault();
    if (!file || !stream) return setError({ message: !stream ? 'Choose a data stream first.' : 'Choose a file first.' });
    setError(null);
    setRequest(null);
    setBytes({ sent: 0, total: file.size });
    const params = { on_conflict: options.on_conflict, dry_run: options.dry_run ? 'true' : undefined };
    if (preview.format !== 'unknown') params.format = preview.format;
    if (preview.format === 'csv') {
      Object.assign(params, { delimiter: options.delimiter, date_format: options.date_format, amount_unit: options.amount_unit, currency: options.currency.trim() || undefined });
      const mapping = Object.fromEntries(Object.entries(options.mapping).filter(([, v]) => v));
      if (Object.keys(mapping).length > 0) params.mapping = JSON.stringify(mapping);
    }
    try {
      const r = await uploadFile(stream, file, params, preview.contentType, (sent, total) => setBytes({ sent, total }));
      rememberFile(r.id, file);
      setRequest(r);
    } catch (err) {
      setError(err);
      // A file the server rejected as a whole still has its bulk request, with the errors by line.
      if (err.details?.bulk_request_id) rememberFile(err.details.bulk_request_id, file);
      if (err.details?.bulk_request_id) setRequest({ id: err.details.bulk_request_id, status: 'failed', processed_items: 0, total_items: 0, progress: 0 });
    }
  }

  const sending = bytes && !request && !error;
  return html`<section>
    <h1>Upload a file</h1>
    <form onSubmit=${submit}>
      <div class="fields">
        <label>Data stream
          ${streams.data ? html`<select name="stream" value=${stream} onChange=${(e) => setStream(e.currentTarget.value)}>
            ${streams.data.length === 0 ? html`<option value="">(create a stream first)</option>` : null}
            ${streams.data.map((s) => html`<option value=${s.key}>${s.key} — ${s.name}</option>`)}
          </select>` : html`<${Loading} />`}
        </label>
        <label>When an external_id exists <select name="on_conflict" value=${options.on_conflict} onChange=${(e) => setOptions({ ...options, on_conflict: e.currentTarget.value })}>
          <option value="skip">skip the row</option><option value="error">fail the row</option></select></label>
        <label class="check"><input type="checkbox" name="dry_run" checked=${options.dry_run} onChange=${(e) => setOptions({ ...options, dry_run: e.currentTarget.checked })} /> Dry run (validate only, write nothing)</label>
      </div>
      <${ErrorBox} error=${streams.error} title="Cannot load the data streams" />
      <${DropZone} file=${file} onFile=${choose} />
      ${preview ? html`<p data-testid="format">Format: <strong>${preview.format === 'unknown' ? 'not recognised (the server will decide)' : preview.format.toUpperCase()}</strong>${preview.compressed ? ' (gzip-compressed)' : ''}</p>` : null}
      ${preview?.format === 'csv' && !preview.compressed ? html`<${CsvOptions} preview=${preview} options=${options} setOptions=${setOptions} />` : null}
      <button type="submit" disabled=${!file || sending}>${sending ? 'Uploading…' : 'Upload'}</button>
    </form>
    ${bytes ? html`<${ProgressBar} label="Bytes sent" value=${bytes.sent} max=${bytes.total} text=${`${formatBytes(bytes.sent)} of ${formatBytes(bytes.total)}`} />` : null}
    ${sending && bytes.sent >= bytes.total ? html`<p class="muted" role="status">File sent; the server is reading it…</p>` : null}
    <${ErrorBox} error=${error} title="The upload was not accepted" />
    ${request ? html`<${Follow} request=${request} key=${request.id} />` : null}
  </section>`;
}
