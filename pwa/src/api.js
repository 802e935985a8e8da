// The one way the PWA talks to /api/v1. Every call carries the reader's script
// in Accept-Language, so error messages come back already localized.

const API_ROOT = 'api/v1'; // relative to the page, so the app also works under a path prefix
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

/**
 * apiRequest('/auth/otp', {method: 'POST', body: {phone}, locale: 'zh-Hans'})
 * resolves to the parsed JSON body (null when empty) or throws ApiError / NetworkError.
 */
export async function apiRequest(path, { method = 'GET', body, locale, token, headers: extra } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (locale) headers['Accept-Language'] = locale;
  if (token) headers.Authorization = `Bearer ${token}`;
  const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !isForm) headers['Content-Type'] = 'application/json';

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  let data;
  try {
    response = await fetch(new URL(`${API_ROOT}${path}`, document.baseURI), {
      method,
      headers,
      body: body === undefined || isForm ? body : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
    });
    data = await readJson(response);
  } catch (error) {
    throw new NetworkError(error);
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) return data;
  const problem = (data && data.error) || {};
  throw new ApiError({
    status: response.status,
    code: problem.code || null,
    message: typeof problem.message === 'string' ? problem.message : null,
    details: problem.details || {},
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
  });
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
