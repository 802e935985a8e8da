// The one way the app talks to /api/v1 — the page, the offline outbox and the
// service worker alike. Every call carries the reader's script in
// Accept-Language, so error messages come back already localized; every error
// answer ({"error": {"code", "message", "details"}}) becomes one ApiError, and
// no answer at all one NetworkError.

const API_ROOT = 'api/v1'; // relative to the app's URL, so it also works under a path prefix
const TIMEOUT_MS = 20000; // village networks are slow; give up before the user does

/** An answer with an error status; `message` is the server's localized text when it sent one. */
export class ApiError extends Error {
  constructor({ status, code, message, details, retryAfter }) {
    super(message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.details = details;
    this.retryAfter = retryAfter; // seconds, from the Retry-After header, or null
  }
}

/** No answer at all: offline, timed out, or the connection dropped. */
export class NetworkError extends Error {
  constructor(cause) {
    super('network error');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** Refused for good (4xx other than timeout / too many): sending it again would not help. */
export function isRefusal(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/**
 * apiRequest('/auth/otp', {method: 'POST', body: {phone}, locale: 'zh-Hans'})
 * resolves to the parsed JSON body (null when empty) or throws ApiError / NetworkError.
 *
 * Options: `base` (the app's URL: the page's document.baseURI by default, the worker's
 * scope in the worker), `token`, `locale`, extra `headers`, a FormData or JSON `body`,
 * `timeout` in ms (0: none — the outbox lets a photo take as long as it takes),
 * `raw: true` to get the Response itself (a download), and `fetch` to replace the global.
 */
export async function apiRequest(path, options = {}) {
  const {
    method = 'GET', body, locale, token, headers: extra, base = defaultBase(), timeout = TIMEOUT_MS, raw = false,
    fetch: fetchImpl = globalThis.fetch,
  } = options;
  const headers = { Accept: 'application/json', ...extra };
  if (locale) headers['Accept-Language'] = locale;
  if (token) headers.Authorization = `Bearer ${token}`;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && body !== null && !isForm) headers['Content-Type'] = 'application/json';

  const controller = timeout ? new AbortController() : null;
  const timer = controller ? setTimeout(() => controller.abort(), timeout) : null;
  let response;
  let data = null;
  try {
    response = await fetchImpl(new URL(`${API_ROOT}${path}`, base), {
      method,
      headers,
      body: body === undefined || body === null || isForm ? body ?? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller ? controller.signal : undefined,
    });
    if (!raw || !response.ok) data = await readJson(response);
  } catch (error) {
    throw new NetworkError(error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (response.ok) return raw ? response : data;
  const problem = (data && data.error) || {};
  throw new ApiError({
    status: response.status,
    code: problem.code || null,
    message: typeof problem.message === 'string' ? problem.message : null,
    details: problem.details || {},
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

function defaultBase() {
  if (typeof document !== 'undefined') return document.baseURI;
  if (typeof self !== 'undefined' && self.registration) return self.registration.scope;
  throw new Error('apiRequest needs a base URL here');
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // e.g. an HTML error page from a proxy
  }
}

function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
