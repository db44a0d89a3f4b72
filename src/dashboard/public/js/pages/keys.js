// API keys of this environment: list (prefix and dates only), create (the secret shown once, with a copy
// button), revoke. Revoking the key in use signs this tab out at its next call.
import { html, useState } from '../html.js';
import { api } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import { formatTime } from '../format.js';
import { signOut } from '../session.js';
import { OneTimeSecret } from '../one-time-secret.js';

export function Keys() {
  const keys = useLoad(() => api('/v1/api_keys'), []);
  const [secret, setSecret] = useState(null);
  const [error, setError] = useState(null);
  async function create() {
    setError(null);
    try {
      const created = await api('/v1/api_keys', { method: 'POST', body: {} });
      setSecret(created.key);
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }
  async function revoke(k) {
    const own = k.current ? ' This is the key you are signed in with: you will be signed out.' : '';
    if (!confirm(`Revoke the key ${k.key_prefix}? Every client using it stops working at once.${own}`)) return;
    setError(null);
    try {
      await api(`/v1/api_keys/${k.id}`, { method: 'DELETE' });
      if (k.current) return signOut('You revoked the key you were signed in with. Sign in with another key.');
      keys.reload();
    } catch (err) {
      setError(err);
    }
  }
  const rows = keys.data?.data ?? [];
  return html`<section>
    <h1>API keys</h1>
    <p class="muted">Keys of this environment. Only a prefix of each is shown: Sluice stores keys as hashes and cannot show them again.</p>
    <button type="button" onClick=${create}>Create a key</button>
    ${secret ? html`<${OneTimeSecret} secret=${secret} label="New API key" testid="new-key" intro=${html`<strong>Your new API key.</strong> It is shown only this once: copy it now and keep it safe.`} onDone=${() => setSecret(null)} />` : null}
    <${ErrorBox} error=${error} title="That did not work" />
    <${ErrorBox} error=${keys.error} title="Cannot load the API keys" />
    ${keys.loading && !keys.data ? html`<${Loading} />` : null}
    ${rows.length > 0 ? html`<div class="table-wrap"><table data-testid="keys">
      <thead><tr><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Revoked</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${rows.map((k) => html`<tr data-id=${k.id}>
        <td><code>${k.key_prefix}</code>${k.current ? html` <span class="badge">this session</span>` : null}</td>
        <td>${formatTime(k.created_at)}</td>
        <td>${k.revoked_at ? formatTime(k.revoked_at) : '—'}</td>
        <td>${k.revoked_at ? null : html`<button type="button" class="danger" onClick=${() => revoke(k)} aria-label=${`Revoke key ${k.key_prefix}`}>Revoke</button>`}</td>
      </tr>`)}</tbody></table></div>` : null}
  </section>`;
}
