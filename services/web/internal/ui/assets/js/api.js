// The web tier's JSON API as the page calls it: same origin, the session in
// an HttpOnly cookie, and the CSRF token from boot on every POST.

import { parseRetryAfter } from './backoff.js';

/** HttpError is an answer with a non-2xx status. */
export class HttpError extends Error {
  constructor(status, body, retryAfterMs) {
    super(body?.error ? `${status}: ${body.error}` : `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** NetworkError is a request that got no HTTP answer at all. */
export class NetworkError extends Error {
  constructor(cause) {
    super(`network: ${cause?.message ?? cause}`);
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/** isRetryable reports whether err may succeed unchanged later. */
export function isRetryable(err) {
  if (err instanceof NetworkError) return true;
  return err instanceof HttpError && (err.status === 429 || err.status >= 500);
}

/** Api sends requests to the web tier. */
export class Api {
  constructor(fetchFn = (...args) => fetch(...args)) {
    this.fetch = fetchFn;
    /** The session's CSRF token, set from boot; sent on every POST. */
    this.csrf = '';
  }

  get(path, opts) {
    return this.request('GET', path, undefined, opts);
  }

  post(path, body, opts) {
    return this.request('POST', path, body ?? {}, opts);
  }

  /**
   * request returns the parsed JSON body (null when empty) or throws an
   * HttpError, a NetworkError, or the signal's own AbortError.
   */
  async request(method, path, body, { signal, headers = {}, credentials = 'same-origin' } = {}) {
    const init = {
      method,
      credentials,
      cache: 'no-store',
      headers: { Accept: 'application/json', ...headers },
      signal,
    };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET' && this.csrf) init.headers['X-CSRF-Token'] = this.csrf;
    let res;
    let text;
    try {
      res = await this.fetch(path, init);
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new NetworkError(err);
    }
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        // A proxy's HTML error page: keep the status, drop the body.
        data = null;
      }
    }
    if (!res.ok) throw new HttpError(res.status, data, parseRetryAfter(res.headers.get('Retry-After')));
    return data;
  }
}
