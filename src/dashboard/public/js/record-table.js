// Records as a table: amounts from minor units with the currency's decimals, account-like metadata masked.
import { html } from './html.js';
import { metadataPairs, signedAmount } from './format.js';

const INLINE = 3;

/** A few metadata keys inline; more (a NACHA entry has a dozen) behind a disclosure, so rows stay short. */
function Metadata({ pairs }) {
  const list = (items) => items.map(([k, v]) => html`<div><span class="muted">${k}:</span> ${v}</div>`);
  if (pairs.length <= INLINE) return list(pairs);
  return html`<details><summary>${pairs.length} fields</summary>${list(pairs)}</details>`;
}

export function RecordTable({ records }) {
  if (records.length === 0) return html`<p>No records.</p>`;
  return html`<div class="table-wrap"><table data-testid="records">
    <thead><tr><th scope="col">Date</th><th scope="col" class="num">Amount</th><th scope="col">Description</th><th scope="col">External id</th><th scope="col">Metadata</th><th scope="col">From</th></tr></thead>
    <tbody>${records.map((r) => html`<tr>
      <td class="nowrap">${r.date}</td>
      <td class=${`num ${r.direction}`} title=${`${r.direction}, ${r.amount} minor units`}>${signedAmount(r)}</td>
      <td>${r.description ?? ''}</td>
      <td class="ext">${r.external_id ? html`<code>${r.external_id}</code>` : '—'}</td>
      <td class="metadata"><${Metadata} pairs=${metadataPairs(r.metadata)} /></td>
      <td class="nowrap">${r.import_batch_id ? html`<a href=${`#/import_batches/${r.import_batch_id}`}>batch #${r.import_batch_id}</a>` : null}
          ${r.bulk_request_id ? html` <a href=${`#/requests/${r.bulk_request_id}`}>request #${r.bulk_request_id}</a>` : r.import_batch_id ? null : r.source}</td>
    </tr>`)}</tbody></table></div>`;
}
