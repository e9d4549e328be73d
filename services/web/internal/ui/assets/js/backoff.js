// Retry pacing shared by the long-poll loop, boot and sends.

/** First retry waits about BASE_MS; each further failure doubles it. */
export const BASE_MS = 500;
/** No retry waits longer than CAP_MS. */
export const CAP_MS = 30000;

/**
 * backoffMs is the wait before retry number n (from 1) after n consecutive
 * failures: exponential, capped, with "equal jitter" — half of it fixed so
 * a client never hammers, half random so that thousands of browsers that
 * lost the same server do not come back in step.
 */
export function backoffMs(n, random = Math.random) {
  const attempt = Math.max(1, Math.min(Number(n) || 1, 32));
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * sleep resolves after ms, or rejects with an AbortError as soon as signal
 * aborts, so that a stopped loop does not linger in a timer.
 */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * parseRetryAfter reads a Retry-After header (delay-seconds or an HTTP date)
 * as milliseconds from now; 0 when absent or unreadable.
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined) return 0;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 3600) * 1000;
  const when = Date.parse(text);
  if (Number.isNaN(when)) return 0;
  return Math.max(0, Math.min(when - now, 3600 * 1000));
}
