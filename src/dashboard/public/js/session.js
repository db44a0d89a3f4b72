// The API key lives in sessionStorage only: gone when the tab closes, never in a URL or a cookie.
const KEY = 'sluice.apiKey';
const ENV = 'sluice.environment';
const listeners = new Set();

export function currentKey() {
  return sessionStorage.getItem(KEY);
}

export function environmentName() {
  return sessionStorage.getItem(ENV);
}

export function signIn(key, environment) {
  sessionStorage.setItem(KEY, key);
  sessionStorage.setItem(ENV, environment);
  for (const fn of listeners) fn({ signedIn: true });
}

/** `reason` is shown on the sign-in page (e.g. the key was revoked). */
export function signOut(reason) {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ENV);
  for (const fn of listeners) fn({ signedIn: false, reason });
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
