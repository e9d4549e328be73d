// The long-poll loop: one GET at a time to the user's channel, holding the
// (epoch, seq) cursor. The server answers when it has payloads, after its
// hold time, or to say the cursor no longer fits (reset) or another
// instance owns the user now (moved).

import { HttpError } from './api.js';
import { backoffMs, sleep } from './backoff.js';
import { parseAnswer } from './protocol.js';

/** A poll that has not answered after this long is treated as lost. */
export const POLL_TIMEOUT_MS = 80000;

/**
 * Poller runs the loop. handlers:
 *   payloads(list)   raw payloads of a "messages" answer, in seq order
 *   reset()          fetch the gap from history; may throw to retry
 *   moved()          handshake again; resolves to a new {url, token, epoch, seq}
 *   unauthorized()   the token is no good: the session is over
 *   health(ok, err, delayMs)  connection trouble and recovery, for the status line
 * idleSeconds() gives the idle time reported with each poll.
 */
export class Poller {
  constructor(api, handlers, idleSeconds = () => 0) {
    this.api = api;
    this.h = handlers;
    this.idleSeconds = idleSeconds;
    this.stopper = null;
    this.cursor = null;
    // Reset and moved answers in a row: a cluster that is still settling
    // ownership can bounce a client between instances, so pace it.
    this.churn = 0;
  }

  /** start begins polling from cursor {url, token, epoch, seq}. */
  start(cursor) {
    this.stop();
    this.cursor = { ...cursor };
    const stopper = new AbortController();
    this.stopper = stopper;
    // The loop owns itself: it ends when stopper aborts, which stop() does.
    this.run(stopper.signal).catch((err) => {
      if (!stopper.signal.aborted) console.error('poll loop ended', err);
    });
  }

  /** stop ends the loop and aborts the poll in flight. */
  stop() {
    this.stopper?.abort();
    this.stopper = null;
  }

  async run(stop) {
    let failures = 0;
    while (!stop.aborted) {
      try {
        const answer = await this.pollOnce(stop);
        await this.handle(answer, stop);
        if (failures > 0) this.h.health?.(true);
        failures = 0;
      } catch (err) {
        if (stop.aborted) return;
        if (err instanceof HttpError && err.status === 401) {
          this.h.unauthorized();
          return;
        }
        failures++;
        const wait = Math.max(backoffMs(failures), err instanceof HttpError ? err.retryAfterMs : 0);
        this.h.health?.(false, err, wait);
        await sleep(wait, stop);
      }
    }
  }

  async pollOnce(stop) {
    const c = this.cursor;
    const url = new URL(c.url, location.href);
    url.searchParams.set('epoch', String(c.epoch));
    url.searchParams.set('seq', String(c.seq));
    url.searchParams.set('idle', String(Math.max(0, Math.floor(this.idleSeconds()))));
    const signal = AbortSignal.any([stop, AbortSignal.timeout(POLL_TIMEOUT_MS)]);
    // The token rides in a header, not the URL, so it stays out of logs.
    // No cookies: the channel may be another origin and wants only the token.
    const body = await this.api.request('GET', url.href, undefined, {
      signal,
      credentials: 'omit',
      headers: { Authorization: `Bearer ${c.token}` },
    });
    return parseAnswer(body);
  }

  async handle(answer, stop) {
    const c = this.cursor;
    if (answer.type === 'reset' || answer.type === 'moved') {
      if (this.churn++ > 0) await sleep(backoffMs(this.churn - 1), stop);
    } else {
      this.churn = 0;
    }
    switch (answer.type) {
      case 'messages': {
        const fresh = answer.messages.filter((m) => m.seq > c.seq);
        // Advance first: a payload handler that throws must not make the
        // next poll ask for (and re-apply) the same batch forever.
        c.epoch = answer.epoch;
        c.seq = Math.max(c.seq, answer.seq);
        if (fresh.length > 0) this.h.payloads(fresh.map((m) => m.payload));
        return;
      }
      case 'continue':
        return;
      case 'reset':
        // Fill the gap before taking the new cursor: if the fill fails we
        // poll with the old epoch, get reset again and retry the fill.
        await this.h.reset();
        if (stop.aborted) return;
        c.epoch = answer.epoch;
        c.seq = answer.seq;
        return;
      case 'moved': {
        const next = await this.h.moved(answer);
        if (stop.aborted) return;
        Object.assign(c, next);
        return;
      }
    }
  }
}
