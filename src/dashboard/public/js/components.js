// Small shared pieces: progress bars, error and loading states, tables' empty rows, a pager.
import { html, useEffect, useRef, useState } from './html.js';
import { formatCount } from './format.js';

/** A bar for `value` of `max`; `indeterminate` while the total is not known yet (a file still being read). */
export function ProgressBar({ label, value, max, text, indeterminate = false }) {
  const pct = max > 0 ? Math.min(100, Math.floor((value * 100) / max)) : 0;
  return html`<div class="progress">
    <label>${label}<progress value=${indeterminate ? undefined : value} max=${max} aria-label=${label}></progress></label>
    <span class="progress-text">${text ?? `${pct}%`}</span>
  </div>`;
}

/** An error from the API (or the network) as a sentence, with the stable code for support. */
export function ErrorBox({ error, title = 'Something went wrong' }) {
  if (!error) return null;
  return html`<div class="error" role="alert">
    <strong>${title}</strong>
    <p>${error.message}</p>
    ${error.code && error.code !== 'network_error' ? html`<p class="muted">Code: <code>${error.code}</code></p>` : null}
  </div>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="muted" role="status">${what}…</p>`;
}

export function NotFound({ what }) {
  return html`<div class="error" role="alert"><strong>Not found</strong><p>${what} does not exist in this environment. Check the address, or go back to the list.</p></div>`;
}

/** Loads `load()` again whenever `deps` change; { data, error, loading, reload, setData }. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const depsKey = useRef('');
  useEffect(() => {
    let live = true;
    // Other filters or another page: the old rows must not stand for the new ones while they load.
    // A reload of the same view keeps them on screen until the fresh ones arrive.
    const key = JSON.stringify(deps);
    const same = key === depsKey.current;
    depsKey.current = key;
    setState((s) => ({ data: same ? s.data : undefined, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1), setData: (fn) => setState((s) => ({ ...s, data: typeof fn === 'function' ? fn(s.data) : fn })) };
}

export function StatusBadge({ status, stuck }) {
  return html`<span class=${`badge badge-${status}`}>${status}</span>${stuck ? html` <span class="badge badge-stuck" title="No progress for longer than the stuck time">stuck</span>` : null}`;
}

export function Counters({ r }) {
  return html`<dl class="counters">
    <div><dt>Total</dt><dd>${r.parsing ? 'reading file…' : formatCount(r.total_items)}</dd></div>
    <div><dt>Processed</dt><dd>${formatCount(r.processed_items)}</dd></div>
    <div><dt>Successful</dt><dd>${formatCount(r.successful_items)}</dd></div>
    <div><dt>Failed</dt><dd>${formatCount(r.failed_items)}</dd></div>
    <div><dt>Skipped</dt><dd>${formatCount(r.skipped_items)}</dd></div>
  </dl>`;
}
