// Table tests for the UI's pure modules, run in Chromium by ui_js_test.go:
// run() resolves to [{name, error}] with error "" for a pass.

import { backoffMs, parseRetryAfter, BASE_MS, CAP_MS } from '/js/backoff.js';
import { applyBuddies, sortBuddies, isOnline } from '/js/buddies.js';
import { Conversation, peerOf, peerOfConversation } from '/js/conversation.js';
import { newClientMsgId } from '/js/ids.js';
import { parseAnswer, parseBoot, parseBuddies, parsePayload, ProtocolError, tokenFromFragment } from '/js/protocol.js';
import { sendError } from '/js/outbox.js';
import { HttpError, NetworkError, isRetryable } from '/js/api.js';
import { ChatWindow, TYPING_RESEND_MS } from '/js/chatwindow.js';
import { Idle } from '/js/idle.js';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function eq(got, want, what = 'value') {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`);
}

function throwsProtocol(fn, what) {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return;
    throw new Error(`${what}: threw ${err}, want ProtocolError`);
  }
  throw new Error(`${what}: did not throw`);
}

const msg = (seq, sender, extra = {}) => ({
  id: `m${seq}`, conversation: 'd:1:2', seq, sender, recipient: 3 - sender, text: `t${seq}`, sentAtMs: 1000 + seq, clientMsgId: '', ...extra,
});

test('backoff grows, is capped and jittered within [half, full]', () => {
  for (const [n, ceiling] of [[1, BASE_MS], [2, 2 * BASE_MS], [3, 4 * BASE_MS], [8, CAP_MS], [40, CAP_MS], [0, BASE_MS], [-3, BASE_MS]]) {
    eq(backoffMs(n, () => 0), ceiling / 2, `n=${n} low`);
    eq(backoffMs(n, () => 0.999999), ceiling, `n=${n} high`);
  }
});

test('Retry-After as seconds, date, or junk', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  for (const [v, want] of [[null, 0], ['', 0], ['3', 3000], [' 7 ', 7000], ['-1', 0], ['abc', 0], ['99999', 3600000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000], ['Wed, 31 Dec 2025 23:00:00 GMT', 0]]) {
    eq(parseRetryAfter(v, now), want, `Retry-After ${v}`);
  }
});

test('poll answers of every type parse', () => {
  eq(parseAnswer({ type: 'messages', epoch: 3, seq: 9, messages: [{ seq: 9, payload: { kind: 'x' } }] }),
    { type: 'messages', epoch: 3, seq: 9, messages: [{ seq: 9, payload: { kind: 'x' } }] });
  eq(parseAnswer({ type: 'continue', epoch: 3, seq: 9 }), { type: 'continue', epoch: 3, seq: 9 });
  eq(parseAnswer({ type: 'reset', epoch: 4, seq: 0 }), { type: 'reset', epoch: 4, seq: 0 });
  eq(parseAnswer({ type: 'moved', owner: 'channel2' }), { type: 'moved', owner: 'channel2', url: '' });
});

test('malformed poll answers are protocol errors', () => {
  const bad = [null, 7, 'x', [], {}, { type: 'nope' }, { type: 'messages', epoch: 1, seq: 1 },
    { type: 'messages', epoch: 1, seq: 1, messages: [null] }, { type: 'messages', epoch: 1, seq: 1, messages: [{ seq: 0 }] },
    { type: 'continue', epoch: -1, seq: 0 }, { type: 'reset', epoch: 1.5, seq: 0 }, { type: 'reset', epoch: 1, seq: '2' },
    { type: 'continue', epoch: 2 ** 60, seq: 0 }];
  bad.forEach((a, i) => throwsProtocol(() => parseAnswer(a), `answer ${i} ${JSON.stringify(a)}`));
});

test('payloads parse; unknown kinds are null; bad ones throw', () => {
  eq(parsePayload({ kind: 'message', message: msg(1, 1) }).message.seq, 1);
  eq(parsePayload({ kind: 'typing', from: 2, to: 1, typing: true }), { kind: 'typing', from: 2, to: 1, typing: true });
  eq(parsePayload({ kind: 'typing', from: 2, to: 1, typing: 'yes' }).typing, false);
  eq(parsePayload({ kind: 'read', user: 1, conversation: 'd:1:2', seq: 4 }), { kind: 'read', user: 1, conversation: 'd:1:2', seq: 4 });
  eq(parsePayload({ kind: 'presence', user: 1 }), null);
  for (const p of [null, [], { kind: 'message' }, { kind: 'message', message: { ...msg(1, 1), text: 5 } },
    { kind: 'message', message: { ...msg(1, 1), seq: 0 } }, { kind: 'typing', from: 0, to: 1 }, { kind: 'read', user: 1, seq: 1 }]) {
    throwsProtocol(() => parsePayload(p), JSON.stringify(p));
  }
});

test('a message without clientMsgId or sentAtMs still parses', () => {
  const m = parsePayload({ kind: 'message', message: { id: 'a', conversation: 'd:1:2', seq: 1, sender: 1, recipient: 2, text: '' } }).message;
  eq([m.clientMsgId, m.sentAtMs], ['', 0]);
});

test('boot and buddies parse with defaults; unknown states become unknown', () => {
  const b = parseBoot({ user: { id: 1, name: 'alice' }, token: 't', csrf: 'c', pollUrl: '', buddies: { version: 2, full: true,
    buddies: [{ id: 2, name: 'bob', state: 'dancing' }] }, recent: [null, { conversation: 'd:1:2', peer: 2, unread: 2, readSeq: 1, last: msg(3, 2) }] });
  eq([b.pollUrl, b.epoch, b.seq, b.buddies.buddies[0].state, b.recent.length, b.recent[0].unread], ['/poll', 0, 0, 'unknown', 1, 2]);
  throwsProtocol(() => parseBoot({ user: { id: 0, name: 'x' }, token: 't', csrf: 'c' }), 'user id 0');
  throwsProtocol(() => parseBoot({ user: { id: 1, name: 'x' }, csrf: 'c' }), 'no token');
  throwsProtocol(() => parseBuddies({ version: 1 }), 'no list');
});

test('fragment tokens', () => {
  for (const [hash, want] of [['', ''], ['#', ''], ['#token=abc', 'abc'], ['#x=1&token=a%2Bb', 'a+b'], ['token=abc', ''],
    ['#token=' + 'x'.repeat(600), '']]) {
    eq(tokenFromFragment(hash), want, hash.slice(0, 20));
  }
});

test('buddy updates replace when full and merge otherwise', () => {
  const a = { id: 1, name: 'alice', state: 'active' };
  const b = { id: 2, name: 'bob', state: 'idle' };
  let m = applyBuddies(new Map(), { full: true, buddies: [a, b] });
  m = applyBuddies(m, { full: false, buddies: [{ ...b, state: 'offline' }] });
  eq([...m.values()].map((x) => x.state), ['active', 'offline']);
  m = applyBuddies(m, { full: true, buddies: [b] });
  eq([...m.keys()], [2]);
});

test('buddies sort online first, then by name without case', () => {
  const list = [{ id: 5, name: 'erin', state: 'offline' }, { id: 3, name: 'Carol', state: 'idle' }, { id: 2, name: 'bob', state: 'active' },
    { id: 4, name: 'dave', state: 'unknown' }, { id: 1, name: 'alice', state: 'offline' }];
  eq(sortBuddies(list).map((b) => b.name), ['bob', 'Carol', 'alice', 'dave', 'erin']);
  eq(['active', 'idle', 'offline', 'unknown'].map(isOnline), [true, true, false, false]);
});

test('conversation keeps order, drops duplicates, settles pending sends', () => {
  const c = new Conversation(1, 2);
  eq([c.add(msg(2, 2)), c.add(msg(1, 1)), c.add(msg(2, 2)), c.add(msg(3, 2))], ['new', 'new', 'dup', 'new']);
  eq(c.stored.map((m) => m.seq), [1, 2, 3]);
  c.addPending('cid-1', 'hello');
  c.addPending('cid-2', 'again');
  eq(c.add(msg(4, 1, { clientMsgId: 'cid-1' })), 'acked');
  eq(c.pending.map((p) => p.clientMsgId), ['cid-2']);
  // The same clientMsgId from the other party is not our send.
  eq(c.add(msg(5, 2, { clientMsgId: 'cid-2' })), 'new');
  eq(c.pending.length, 1);
  c.failPending('cid-2', 'nope');
  eq(c.pending[0].error, 'nope');
  eq([c.oldestSeq(), c.newestSeq(), c.newestSentAtMs()], [1, 5, 1005]);
});

test('unread counts boot unread plus newer messages from the peer', () => {
  const c = new Conversation(1, 2);
  c.fromSummary({ readSeq: 3, unread: 2, last: msg(5, 2) });
  eq(c.unread(), 2, 'boot');
  c.add(msg(4, 2)); // already counted by boot
  c.add(msg(6, 2));
  c.add(msg(7, 1)); // mine
  eq(c.unread(), 3, 'after live');
  eq(c.markRead(7), true);
  eq(c.markRead(6), false, 'never back');
  eq(c.unread(), 0, 'read');
  c.add(msg(8, 2));
  eq(c.unread(), 1, 'new after read');
});

test('peers of messages and conversation ids', () => {
  eq([peerOf(1, msg(1, 1)), peerOf(1, msg(1, 2)), peerOf(9, msg(1, 2))], [2, 2, 0]);
  eq(['d:1:2', 'd:2:10', 'd:3:4', 'g:1:2', 'd:1'].map((c) => peerOfConversation(2, c)), [1, 10, 0, 0, 0]);
});

test('client message ids are distinct v4 UUIDs', () => {
  const ids = new Set(Array.from({ length: 50 }, newClientMsgId));
  eq(ids.size, 50);
  for (const id of ids) if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) throw new Error(id);
});

test('which errors are retried, and what a refused send says', () => {
  eq([new NetworkError('x'), new HttpError(503), new HttpError(500), new HttpError(429), new HttpError(400), new HttpError(403), new Error('x')]
    .map(isRetryable), [true, true, true, true, false, false, false]);
  eq(sendError(new HttpError(403, { error: 'not friends' })), 'Not sent: you can only chat with friends.');
  eq(sendError(new HttpError(400, { error: 'text too long' })), 'Not sent: text too long.');
  eq(sendError(new NetworkError('x')), 'Not sent. Click to retry.');
});

test('idle seconds grow with time and reset on input', () => {
  let now = 1000000;
  const target = new EventTarget();
  const idle = new Idle(target, () => now);
  now += 2500;
  eq(idle.seconds(), 2.5);
  target.dispatchEvent(new Event('keydown'));
  eq(idle.seconds(), 0);
  now += 61000;
  eq(idle.seconds(), 61);
});

test('typing is sent at most once per resend interval, and stopped when cleared', () => {
  let now = 5000;
  const calls = [];
  const sent = [];
  const w = new ChatWindow(new Conversation(1, 2), 'bob', {
    typing: (on) => calls.push(on), send: (text) => sent.push(text), activate() {}, minimise() {},
  }, () => now);
  const type = (value, dt) => {
    now += dt;
    w.input.value = value;
    w.input.dispatchEvent(new Event('input'));
  };
  type('h', 0);
  type('he', 100);
  type('hel', TYPING_RESEND_MS - 200);
  eq(calls, [true], 'throttled');
  type('hell', 200);
  eq(calls, [true, true], 'resent after the interval');
  type('', 10);
  eq(calls, [true, true, false], 'cleared');
  type('', 10);
  eq(calls.length, 3, 'no repeat of stop');
  type('hi', 10);
  w.input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
  eq(sent, ['hi']);
  eq(w.input.value, '');
  type('x', 10);
  eq(calls, [true, true, false, true, true], 'a send starts a new throttle window');
});

/** run runs every test and reports each. */
export async function run() {
  const out = [];
  for (const { name, fn } of tests) {
    try {
      await fn();
      out.push({ name, error: '' });
    } catch (err) {
      out.push({ name, error: String(err?.stack ?? err) });
    }
  }
  return out;
}

/**
 * check feeds a raw poll body through the parsers as the poller does; it
 * returns "" when the body is accepted or rejected cleanly, and a
 * description of anything else (a crash of the wrong kind).
 */
export function check(body) {
  let data;
  try {
    data = JSON.parse(body);
  } catch {
    return '';
  }
  try {
    const a = parseAnswer(data);
    if (a.type === 'messages') {
      for (const m of a.messages) {
        try {
          parsePayload(m.payload);
        } catch (err) {
          if (!(err instanceof ProtocolError)) return `payload: ${err}`;
        }
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) return `answer: ${err}`;
  }
  return '';
}
