// A secret shown once (a new API key, a webhook signing secret), with a Copy button. It lives only in the
// page's state: when the operator presses Done it is gone from the DOM, and it is never put in a URL or
// in storage.
import { html, useRef, useState } from './html.js';

export function OneTimeSecret({ secret, label, intro, testid, onDone }) {
  const [copied, setCopied] = useState(null);
  const input = useRef(null);
  async function copy() {
    try {
      // The Clipboard API exists only in secure contexts (https, localhost); elsewhere copy the selection.
      if (navigator.clipboard) await navigator.clipboard.writeText(secret);
      else {
        input.current.select();
        if (!document.execCommand('copy')) throw new Error('copy refused');
      }
      setCopied(true);
    } catch {
      input.current?.select();
      setCopied(false);
    }
  }
  return html`<div class="card notice" role="status" data-testid=${testid}>
    <p>${intro}</p>
    <p><input ref=${input} readonly aria-label=${label} value=${secret} class="secret" autocomplete="off" spellcheck="false" onFocus=${(e) => e.currentTarget.select()} /></p>
    <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button> <button type="button" class="secondary" onClick=${onDone}>Done</button>
    ${copied === false ? html`<p role="alert">The browser did not allow copying: the secret is selected, press Ctrl+C (⌘C).</p>` : null}
  </div>`;
}
