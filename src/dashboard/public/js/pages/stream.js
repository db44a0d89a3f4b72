// One data stream: health, edit, property definitions, import batches, and delete or reset with the
// operation's progress.
import { html, useEffect, useState } from '../html.js';
import { api, raw } from '../api.js';
import { ErrorBox, Loading, NotFound, ProgressBar, useLoad } from '../components.js';
import { formatMinor, formatCount, formatTime } from '../format.js';
import { navigate } from '../router.js';

const enc = encodeURIComponent;

function Health({ streamKey, refresh }) {
  const health = useLoad(() => api(`/v1/data_streams/${enc(streamKey)}/health`), [streamKey, refresh]);
  if (health.error) return html`<${ErrorBox} error=${health.error} title="Cannot load the stream's health" />`;
  if (!health.data) return html`<${Loading} what="Loading health" />`;
  const h = health.data;
  const b = h.bulk_requests;
  const busy = b.pending + b.processing > 0;
  return html`<section class="card" aria-labelledby="health-title">
    <h2 id="health-title">Health ${busy ? html`<span class="badge badge-processing">busy</span>` : html`<span class="badge badge-completed">idle</span>`}</h2>
    <dl class="counters">
      <div><dt>Records</dt><dd data-testid="records-count">${formatCount(h.records_count)}</dd></div>
      <div><dt>Import batches</dt><dd>${formatCount(h.import_batches_count)}</dd></div>
      <div><dt>Last import</dt><dd>${formatTime(h.last_ingestion_at)}</dd></div>
      <div><dt>Pending</dt><dd>${b.pending}</dd></div>
      <div><dt>Processing</dt><dd>${b.processing}</dd></div>
      <div><dt>Completed</dt><dd>${b.completed}</dd></div>
      <div><dt>Failed</dt><dd>${b.failed}</dd></div>
      <div><dt>Cancelled</dt><dd>${b.cancelled}</dd></div>
      <div><dt>Stuck</dt><dd>${b.stuck}</dd></div>
    </dl>
  </section>`;
}

function EditStream({ stream, onSaved }) {
  const [name, setName] = useState(stream.name);
  const [description, setDescription] = useState(stream.description ?? '');
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  async function submit(e) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      onSaved(await api(`/v1/data_streams/${enc(stream.key)}`, { method: 'PATCH', body: { name: name.trim(), description: description.trim() || null } }));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }
  return html`<form class="card" onSubmit=${submit} aria-labelledby="edit-title">
    <h2 id="edit-title">Edit</h2>
    <div class="fields">
      <label>Name <input name="name" required maxlength="200" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></label>
      <label>Description <input name="description" value=${description} onInput=${(e) => setDescription(e.currentTarget.value)} /></label>
    </div>
    <button type="submit">Save</button> ${saved ? html`<span role="status">Saved.</span>` : null}
    <${ErrorBox} error=${error} title="Cannot save" />
  </form>`;
}

function Properties({ streamKey }) {
  const defs = useLoad(() => api(`/v1/data_stream_property_definitions?data_stream_key=${enc(streamKey)}`), [streamKey]);
  const [form, setForm] = useState({ key: '', name: '', type: 'string', optional: true });
  const [error, setError] = useState(null);
  async function add(e) {
    e.preventDefault();
    setError(null);
    try {
      await api('/v1/data_stream_property_definitions', { method: 'POST', body: { ...form, name: form.name || form.key, data_stream_key: streamKey } });
      setForm({ key: '', name: '', type: 'string', optional: true });
      defs.reload();
    } catch (err) {
      setError(err);
    }
  }
  async function remove(def) {
    if (!confirm(`Delete the property definition "${def.key}"? Records keep their metadata.`)) return;
    try {
      await api(`/v1/data_stream_property_definitions/${def.id}`, { method: 'DELETE' });
      defs.reload();
    } catch (err) {
      setError(err);
    }
  }
  return html`<section class="card" aria-labelledby="props-title">
    <h2 id="props-title">Property definitions</h2>
    <p class="muted">Typed metadata keys: a record whose metadata breaks one fails with a clear error.</p>
    <${ErrorBox} error=${defs.error} title="Cannot load the property definitions" />
    ${defs.data && defs.data.length > 0
      ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
        <tbody>${defs.data.map((d) => html`<tr><td><code>${d.key}</code></td><td>${d.name}</td><td>${d.type}</td><td>${d.optional ? 'no' : 'yes'}</td>
          <td><button type="button" class="link" onClick=${() => remove(d)} aria-label=${`Delete property ${d.key}`}>Delete</button></td></tr>`)}</tbody></table></div>`
      : defs.data ? html`<p>None.</p>` : null}
    <form onSubmit=${add} class="fields">
      <label>Metadata key <input required value=${form.key} onInput=${(e) => setForm({ ...form, key: e.currentTarget.value })} /></label>
      <label>Name <input value=${form.name} onInput=${(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
      <label>Type <select value=${form.type} onChange=${(e) => setForm({ ...form, type: e.currentTarget.value })}>
        ${['string', 'number', 'date', 'datetime', 'boolean'].map((t) => html`<option value=${t}>${t}</option>`)}
      </select></label>
      <label class="check"><input type="checkbox" checked=${!form.optional} onChange=${(e) => setForm({ ...form, optional: !e.currentTarget.checked })} /> Required</label>
      <button type="submit">Add property</button>
    </form>
    <${ErrorBox} error=${error} title="Cannot change the property definitions" />
  </section>`;
}

function ImportBatches({ streamKey }) {
  const [offset, setOffset] = useState(0);
  const batches = useLoad(() => api(`/v1/data_streams/${enc(streamKey)}/import_batches?limit=20&offset=${offset}`), [streamKey, offset]);
  return html`<section class="card" aria-labelledby="batches-title">
    <h2 id="batches-title">Import batches</h2>
    <${ErrorBox} error=${batches.error} title="Cannot load the import batches" />
    ${batches.data && batches.data.data.length === 0 ? html`<p>No file has been imported into this stream yet.</p>` : null}
    ${batches.data && batches.data.data.length > 0
      ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Batch</th><th scope="col">File</th><th scope="col">Records</th><th scope="col" class="num">Credits</th><th scope="col" class="num">Debits</th><th scope="col">Dates</th></tr></thead>
        <tbody>${batches.data.data.map((b) => html`<tr>
          <td><a href=${`#/import_batches/${b.id}`}>#${b.id}</a></td><td>${b.filename ?? '—'} <span class="muted">(${b.source})</span></td>
          <td>${formatCount(b.record_count)}</td><td class="num">${formatMinor(b.total_credits, b.decimal_places)}</td><td class="num">${formatMinor(b.total_debits, b.decimal_places)}</td>
          <td>${b.date_range_start ?? '—'} – ${b.date_range_end ?? '—'}</td></tr>`)}</tbody></table></div>
        ${offset > 0 || batches.data.has_more ? html`<div class="pager">
          <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - 20))}>Previous</button>
          <button type="button" class="secondary" disabled=${!batches.data.has_more} onClick=${() => setOffset(offset + 20)}>Next</button>
        </div>` : null}`
      : null}
  </section>`;
}

/** Delete or reset, then the operation followed to its end (polled once a second through its Location). */
function Danger({ stream, onReset }) {
  const [op, setOp] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!op || op.status === 'completed' || op.status === 'failed') return;
    const t = setTimeout(async () => {
      try {
        const next = await api(`/v1/data_streams/${enc(stream.key)}/operations/${op.id}`);
        setOp(next);
        if (next.status === 'completed' && next.kind === 'reset') onReset();
      } catch (err) {
        if (err.status === 404 && op.kind === 'delete') setOp({ ...op, status: 'completed', progress: 100 });
        else setError(err);
      }
    }, 1000);
    return () => clearTimeout(t);
  }, [op]);
  async function start(kind) {
    const question = kind === 'reset'
      ? `Reset "${stream.key}"? Every record and import batch of the stream is removed; the stream, its properties and its bulk request history stay.`
      : `Delete "${stream.key}"? The stream, its records, import batches and property definitions are removed.`;
    if (!confirm(question)) return;
    setError(null);
    try {
      const res = kind === 'reset'
        ? await raw(`/v1/data_streams/${enc(stream.key)}/reset`, { method: 'POST' })
        : await raw(`/v1/data_streams/${enc(stream.key)}?async=true`, { method: 'DELETE' });
      if (res.status === 204) return navigate('/streams');
      setOp(await res.json());
    } catch (err) {
      setError(err);
    }
  }
  return html`<section class="card danger" aria-labelledby="danger-title">
    <h2 id="danger-title">Reset or delete</h2>
    <button type="button" class="danger" onClick=${() => start('reset')} disabled=${op && op.status !== 'completed' && op.status !== 'failed'}>Reset stream…</button>
    ${' '}<button type="button" class="danger" onClick=${() => start('delete')} disabled=${op && op.status !== 'completed' && op.status !== 'failed'}>Delete stream…</button>
    ${op ? html`<div data-testid="operation">
      <${ProgressBar} label=${`${op.kind === 'reset' ? 'Reset' : 'Delete'}: ${op.status}`} value=${op.progress} max=${100} />
      ${op.error_message ? html`<p class="error">${op.error_message}</p>` : null}
      ${op.kind === 'delete' && op.status === 'completed' ? html`<p role="status">The stream is deleted. <a href="#/streams">Back to the streams</a></p>` : null}
    </div>` : null}
    <${ErrorBox} error=${error} title="Cannot do that now" />
  </section>`;
}

export function Stream({ streamKey }) {
  const stream = useLoad(() => api(`/v1/data_streams/${enc(streamKey)}`), [streamKey]);
  const [refresh, setRefresh] = useState(0);
  if (stream.error?.status === 404) return html`<${NotFound} what=${`The data stream "${streamKey}"`} />`;
  if (stream.error) return html`<${ErrorBox} error=${stream.error} title="Cannot load the data stream" />`;
  if (!stream.data) return html`<${Loading} />`;
  const s = stream.data;
  return html`<section>
    <p class="crumbs"><a href="#/streams">Data streams</a> /</p>
    <h1>${s.name} <code class="muted">${s.key}</code></h1>
    ${s.description ? html`<p>${s.description}</p>` : null}
    <p class="actions">
      <a class="button" href=${`#/upload?stream=${enc(s.key)}`}>Upload a file</a>
      <a href=${`#/streams/${enc(s.key)}/records`}>Records</a>
      <a href=${`#/requests?data_stream_key=${enc(s.key)}`}>Bulk requests</a>
    </p>
    <${Health} streamKey=${s.key} refresh=${refresh} />
    <${EditStream} stream=${s} onSaved=${(next) => stream.setData(next)} />
    <${Properties} streamKey=${s.key} />
    <${ImportBatches} streamKey=${s.key} key=${`b${refresh}`} />
    <${Danger} stream=${s} onReset=${() => setRefresh((r) => r + 1)} />
  </section>`;
}
