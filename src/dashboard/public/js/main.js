// The shell: sign-in gate, header (environment, navigation, sign out) and the page of the current route.
import { html, render, useEffect, useState } from './html.js';
import { useRoute } from './use-route.js';
import { currentKey, environmentName, onSessionChange, signOut } from './session.js';
import { SignIn } from './pages/signin.js';
import { Streams } from './pages/streams.js';
import { Stream } from './pages/stream.js';
import { Upload } from './pages/upload.js';
import { Requests } from './pages/requests.js';
import { Request } from './pages/request.js';
import { Records } from './pages/records.js';
import { ImportBatch } from './pages/import-batch.js';
import { Keys } from './pages/keys.js';
import { Webhooks } from './pages/webhooks.js';
import { Webhook } from './pages/webhook.js';
import { Events, EventPage } from './pages/events.js';

const NAV = [
  ['/streams', 'Data streams'],
  ['/upload', 'Upload'],
  ['/requests', 'Bulk requests'],
  ['/webhooks', 'Webhooks'],
  ['/events', 'Events'],
  ['/keys', 'API keys'],
];

function page(route) {
  const [first, second, third] = route.parts;
  if (!first || first === 'streams') {
    if (second && third === 'records') return html`<${Records} streamKey=${second} query=${route.query} />`;
    if (second) return html`<${Stream} streamKey=${second} />`;
    return html`<${Streams} />`;
  }
  if (first === 'upload') return html`<${Upload} query=${route.query} />`;
  if (first === 'requests') return second ? html`<${Request} id=${second} query=${route.query} />` : html`<${Requests} query=${route.query} />`;
  if (first === 'import_batches' && second) return html`<${ImportBatch} id=${second} query=${route.query} />`;
  if (first === 'keys') return html`<${Keys} />`;
  if (first === 'webhooks') return second ? html`<${Webhook} id=${second} query=${route.query} />` : html`<${Webhooks} query=${route.query} />`;
  if (first === 'events') return second ? html`<${EventPage} id=${second} />` : html`<${Events} query=${route.query} />`;
  return html`<div class="error" role="alert"><strong>No such page</strong><p>There is no page at <code>${route.path}</code>. <a href="#/streams">Go to the data streams</a>.</p></div>`;
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState({ signedIn: Boolean(currentKey()), reason: undefined });
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => onSessionChange(setSession), []);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => {
      removeEventListener('online', up);
      removeEventListener('offline', down);
    };
  }, []);

  if (!session.signedIn) return html`<main class="narrow"><${SignIn} reason=${session.reason} /></main>`;
  const section = `/${route.parts[0] ?? 'streams'}`;
  return html`
    <header class="top">
      <a class="brand" href="#/streams">Sluice</a>
      <nav aria-label="Main">
        ${NAV.map(([path, label]) => html`<a href=${`#${path}`} aria-current=${section === path ? 'page' : undefined}>${label}</a>`)}
        <a href="/docs">API docs</a>
      </nav>
      <span class="env" data-testid="environment">Environment: <strong>${environmentName()}</strong></span>
      <button type="button" class="secondary" onClick=${() => signOut()}>Sign out</button>
    </header>
    ${online ? null : html`<div class="error" role="alert"><strong>You are offline.</strong> <p>The dashboard will work again once the network is back.</p></div>`}
    <main>${page(route)}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
