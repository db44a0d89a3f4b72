// Sign in with an API key: checked against the API before it is kept (in sessionStorage only).
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { signIn } from '../session.js';
import { ErrorBox } from '../components.js';

/** The key's environment from the API; a server without /v1/api_keys/current is asked for streams instead. */
async function checkKey(key) {
  try {
    const current = await api('/v1/api_keys/current', { key });
    return current.environment.name;
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  await api('/v1/data_streams', { key });
  return /^sk_([a-z][a-z0-9_]*)_[A-Za-z0-9_-]{27}$/.exec(key)?.[1] ?? 'unknown';
}

export function SignIn({ reason }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(e) {
    e.preventDefault();
    const text = key.trim();
    if (!text) return setError({ message: 'Enter an API key.' });
    setBusy(true);
    setError(null);
    try {
      signIn(text, await checkKey(text));
    } catch (err) {
      setError(err.status === 401 ? { message: 'This API key is not accepted: it is unknown or has been revoked.', code: err.code } : err);
    } finally {
      setBusy(false);
    }
  }
  return html`<section class="card">
    <h1>Sign in to Sluice</h1>
    ${reason ? html`<p class="notice" role="status">${reason}</p>` : null}
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} placeholder="sk_test_…" />
      <p class="muted">The key is kept in this tab only (session storage) and sent in the X-API-KEY header. It is never put in a URL or a cookie.</p>
      <button type="submit" disabled=${busy}>${busy ? 'Checking…' : 'Sign in'}</button>
    </form>
    <${ErrorBox} error=${error} title="Cannot sign in" />
  </section>`;
}
