// The event checkboxes of the create and edit forms: "All events" (also those added later), or some.
import { html } from './html.js';
import { EVENT_TYPES } from './webhook-events.js';

export function EventPicker({ value, onChange, idPrefix }) {
  const toggle = (type) => (e) => {
    const picked = e.currentTarget.checked ? [...value.picked, type] : value.picked.filter((t) => t !== type);
    onChange({ ...value, picked });
  };
  return html`<fieldset class="events">
    <legend>Events</legend>
    <label class="check"><input type="checkbox" id=${`${idPrefix}-all`} checked=${value.all} onChange=${(e) => onChange({ ...value, all: e.currentTarget.checked })} /> All events (also types added later)</label>
    ${EVENT_TYPES.map(
      (type) => html`<label class="check"><input type="checkbox" name="event" value=${type} disabled=${value.all} checked=${value.all || value.picked.includes(type)} onChange=${toggle(type)} /> <code>${type}</code></label>`,
    )}
  </fieldset>`;
}

/** The picker's state from an endpoint's `enabled_events`. */
export function pickerValue(enabled) {
  const all = !enabled || enabled.includes('*');
  return { all, picked: all ? [] : [...enabled] };
}
