// A hash router: `#/requests/42?status=failed` → { path: '/requests/42', parts: ['requests', '42'], query }.
// The hash never reaches the server, so every page is served by the one HTML file at /. No imports: the
// parsing is tested in Node (test/dashboard-modules.test.ts); the hook that follows the hash is in use-route.js.

export function parseHash(hash = location.hash) {
  const text = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = text.split('?');
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: Object.fromEntries(new URLSearchParams(search)) };
}

export function href(path, query = {}) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path, query) {
  location.hash = href(path, query).slice(1);
}
