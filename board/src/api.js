// Every call the board makes goes through here. With client authentication on at the server,
// calls carry the FATE-Flow 1.x signature the CLI sends (HMAC-SHA1 over timestamp, nonce, app id,
// target and body); the app secret stays in this tab's sessionStorage and never leaves the page
// except as signatures.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';

const CREDENTIALS_KEY = 'fedflow.board.credentials';

export function credentials() {
  try {
    return JSON.parse(sessionStorage.getItem(CREDENTIALS_KEY) || 'null');
  } catch {
    return null;
  }
}

export function setCredentials(appId, secret) {
  if (appId) sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify({ appId, secret }));
  else sessionStorage.removeItem(CREDENTIALS_KEY);
}

/// An API refusal: the envelope's code and message, and the HTTP status.
export class ApiError extends Error {
  constructor(message, code, httpStatus) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
  }
  get needsCredentials() {
    return this.httpStatus === 401;
  }
}

const encoder = new TextEncoder();

function base64(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function nonce() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function signatureHeaders(target, body) {
  const c = credentials();
  if (!c) return {};
  const timestamp = String(Date.now());
  const n = nonce();
  const signed = `${timestamp}\n${n}\n${c.appId}\n${target}\n${body}`;
  const signature = base64(hmac(sha1, encoder.encode(c.secret), encoder.encode(signed)));
  return { TIMESTAMP: timestamp, NONCE: n, APP_KEY: c.appId, SIGNATURE: signature };
}

export function queryString(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function call(method, path, params) {
  let target = path;
  let body = '';
  if (method === 'GET') target += queryString(params);
  else body = JSON.stringify(params || {});
  const headers = { ...signatureHeaders(target, body) };
  if (method !== 'GET') headers['Content-Type'] = 'application/json';
  const response = await fetch(target, { method, headers, body: method === 'GET' ? undefined : body });
  let envelope;
  try {
    envelope = await response.json();
  } catch {
    throw new ApiError(`${path}: HTTP ${response.status} without a JSON answer`, -1, response.status);
  }
  if (envelope.code !== 0) throw new ApiError(envelope.message || `HTTP ${response.status}`, envelope.code, response.status);
  return envelope.data;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, params) => call('POST', path, params);
