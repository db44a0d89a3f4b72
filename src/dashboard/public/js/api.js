// Every call to /v1 goes through here: the key in X-API-KEY (as src/http/auth.ts expects), the API's
// one error body turned into an ApiError, a lost network into a clear message, and a 401 into a sign-out.
import { currentKey, signOut } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const NETWORK_MESSAGE = 'Sluice cannot be reached: check your network connection (or whether the server is running), then try again.';

async function errorFrom(res) {
  let body;
  try {
    body = await res.json();
  } catch {
    body = {};
  }
  const error = new ApiError(res.status, body.error ?? `http_${res.status}`, body.message ?? `The server answered ${res.status}.`, body.details);
  if (res.status === 401) signOut('Your API key is no longer accepted (revoked or unknown). Sign in again.');
  return error;
}

/** fetch with the key; `key` overrides the session's (sign-in checks a key before keeping it). */
export async function raw(path, { method = 'GET', body, headers = {}, key, signal } = {}) {
  const apiKey = key ?? currentKey();
  const init = { method, headers: { ...headers }, signal, cache: 'no-store' };
  if (apiKey) init.headers['x-api-key'] = apiKey;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  if (!res.ok) throw await errorFrom(res);
  return res;
}

export async function api(path, options) {
  const res = await raw(path, options);
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
}

/**
 * Sends a file as the raw body with XMLHttpRequest (fetch reports no upload progress). `onBytes(sent,
 * total)` follows the bytes; the promise settles with the bulk request of the 202.
 */
export function uploadFile(streamKey, file, params, contentType, onBytes) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/data_streams/${encodeURIComponent(streamKey)}/uploads${qs({ ...params, filename: file.name })}`);
    xhr.setRequestHeader('x-api-key', currentKey() ?? '');
    xhr.setRequestHeader('content-type', contentType);
    xhr.upload.onprogress = (e) => onBytes(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network_error', NETWORK_MESSAGE));
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON: reported below by status */
      }
      if (xhr.status === 202 || xhr.status === 200) return resolve(body);
      if (xhr.status === 401) signOut('Your API key is no longer accepted (revoked or unknown). Sign in again.');
      reject(new ApiError(xhr.status, body.error ?? `http_${xhr.status}`, body.message ?? `The server answered ${xhr.status}.`, body.details));
    };
    xhr.send(file);
  });
}

/** Saves a download fetched with the key (a plain link could not send the X-API-KEY header). */
export async function download(path, filename) {
  const res = await raw(path);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
