// The send path: POST /api/send until the message is stored, retrying on
// network trouble with the same clientMsgId, so a send whose answer was lost
// is stored once, not twice.

import { HttpError, isRetryable } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import { parseMessage } from './protocol.js';

/** A send is retried this many times on network trouble before it shows as failed. */
export const SEND_ATTEMPTS = 6;

/**
 * deliver posts one send. On success it calls stored(message); when the
 * send is refused or retries run out, failed(reason); when the session is
 * over, fatal(err). It gives up silently when signal aborts.
 */
export async function deliver(api, signal, { to, text, clientMsgId }, { stored, failed, fatal }) {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const r = await api.post('/api/send', { to, text, clientMsgId }, { signal });
      stored(parseMessage(r?.message));
      return;
    } catch (err) {
      if (signal.aborted || fatal(err)) return;
      if (!isRetryable(err) || attempt >= SEND_ATTEMPTS) {
        failed(sendError(err));
        return;
      }
      await sleep(Math.max(backoffMs(attempt), err.retryAfterMs ?? 0), signal).catch(() => {});
    }
  }
}

/** sendError says, for people, why a send was not stored. */
export function sendError(err) {
  if (err instanceof HttpError) {
    if (err.status === 403) return 'Not sent: you can only chat with friends.';
    if (err.status === 413) return 'Not sent: the message is too long.';
    if (err.status === 429) return 'Not sent: you are sending too fast. Click to retry.';
    if (err.status === 400) return `Not sent: ${err.body?.error ?? 'the message was refused'}.`;
  }
  return 'Not sent. Click to retry.';
}
