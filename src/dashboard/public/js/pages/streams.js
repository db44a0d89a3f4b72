// Data streams: the list, and a form to create one.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import { formatTime } from '../format.js';
import { navigate } from '../router.js';

function CreateStream({ onCreated }) {
  const [form, setForm] = useState({ key: '', name: '', description: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field) => (e) => setForm({ ...form, [field]: e.currentTarget.value });
  async function submit(e) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { key: form.key.trim(), name: form.name.trim() || form.key.trim() };
      if (form.description.trim()) body.description = form.description.trim();
      const stream = await api('/v1/data_streams', { method: 'POST', body });
      onCreated(stream);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return html`<form class="card" onSubmit=${submit} aria-labelledby="create-stream-title">
    <h2 id="create-stream-title">New data stream</h2>
    <div class="fields">
      <label>Key <input name="key" required maxlength="64" pattern="[A-Za-z0-9_.:\\-]+" value=${form.key} onInput=${set('key')} placeholder="bank-main" /></label>
      <label>Name <input name="name" maxlength="200" value=${form.name} onInput=${set('name')} placeholder="Main bank account" /></label>
      <label>Description <input name="description" value=${form.description} onInput=${set('description')} /></label>
    </div>
    <p class="muted">The key is how records and uploads name the stream; it cannot be changed later.</p>
    <button type="submit" disabled=${busy}>Create stream</button>
    <${ErrorBox} error=${error} title="Cannot create the stream" />
  </form>`;
}

export function Streams() {
  const streams = useLoad(() => api('/v1/data_streams'), []);
  return html`<section>
    <h1>Data streams</h1>
    ${streams.loading && !streams.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${streams.error} title="Cannot load the data streams" />
    ${streams.data
      ? streams.data.length === 0
        ? html`<p>No data streams yet: create the first one below.</p>`
        : html`<div class="table-wrap"><table>
            <thead><tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>${streams.data.map(
              (s) => html`<tr>
                <td><a href=${`#/streams/${encodeURIComponent(s.key)}`}>${s.key}</a></td>
                <td>${s.name}${s.description ? html`<div class="muted">${s.description}</div>` : null}</td>
                <td>${formatTime(s.created_at)}</td>
                <td class="actions"><a href=${`#/upload?stream=${encodeURIComponent(s.key)}`}>Upload</a> <a href=${`#/streams/${encodeURIComponent(s.key)}/records`}>Records</a></td>
              </tr>`,
            )}</tbody></table></div>`
      : null}
    <${CreateStream} onCreated=${(s) => navigate(`/streams/${encodeURIComponent(s.key)}`)} />
  </section>`;
}
