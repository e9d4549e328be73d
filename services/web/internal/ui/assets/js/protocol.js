// Parsers for what the servers send: long-poll answers, their payloads and
// the API's messages and buddy lists. Each turns untrusted JSON into a
// plain object of known shape or throws a ProtocolError, so the rest of the
// UI never sees a half-formed value. Unknown payload kinds parse to null:
// a newer web tier may send kinds this page does not know yet.

/** ProtocolError is a server answer of the wrong shape. */
export class ProtocolError extends Error {
  constructor(what) {
    super(`protocol: ${what}`);
    this.name = 'ProtocolError';
  }
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function int(v, what, min = 0) {
  if (!Number.isSafeInteger(v) || v < min) throw new ProtocolError(`${what} is not an integer >= ${min}`);
  return v;
}

function str(v, what) {
  if (typeof v !== 'string') throw new ProtocolError(`${what} is not a string`);
  return v;
}

/** parseMessage checks one stored chat message. */
export function parseMessage(m) {
  if (!isObject(m)) throw new ProtocolError('message is not an object');
  return {
    id: str(m.id, 'message.id'),
    conversation: str(m.conversation, 'message.conversation'),
    seq: int(m.seq, 'message.seq', 1),
    sender: int(m.sender, 'message.sender', 1),
    recipient: int(m.recipient, 'message.recipient', 1),
    text: str(m.text, 'message.text'),
    sentAtMs: int(m.sentAtMs ?? 0, 'message.sentAtMs'),
    clientMsgId: m.clientMsgId === undefined || m.clientMsgId === null ? '' : str(m.clientMsgId, 'message.clientMsgId'),
  };
}

/** parsePayload checks one queued payload; null for kinds it does not know. */
export function parsePayload(p) {
  if (!isObject(p)) throw new ProtocolError('payload is not an object');
  switch (p.kind) {
    case 'message':
      return { kind: 'message', message: parseMessage(p.message) };
    case 'typing':
      return { kind: 'typing', from: int(p.from, 'typing.from', 1), to: int(p.to, 'typing.to', 1), typing: p.typing === true };
    case 'read':
      return { kind: 'read', user: int(p.user, 'read.user', 1), conversation: str(p.conversation, 'read.conversation'), seq: int(p.seq, 'read.seq') };
    default:
      return null;
  }
}

/**
 * parseAnswer checks a long-poll answer body. A "messages" answer keeps
 * its payloads raw (each parsed on its own later, so that one bad payload
 * does not cost the batch).
 */
export function parseAnswer(a) {
  if (!isObject(a)) throw new ProtocolError('answer is not an object');
  switch (a.type) {
    case 'messages': {
      if (!Array.isArray(a.messages)) throw new ProtocolError('messages is not a list');
      const messages = a.messages.map((m, i) => {
        if (!isObject(m)) throw new ProtocolError(`messages[${i}] is not an object`);
        return { seq: int(m.seq, `messages[${i}].seq`, 1), payload: m.payload };
      });
      return { type: 'messages', epoch: int(a.epoch, 'epoch'), seq: int(a.seq, 'seq'), messages };
    }
    case 'continue':
    case 'reset':
      return { type: a.type, epoch: int(a.epoch, 'epoch'), seq: int(a.seq, 'seq') };
    case 'moved':
      return { type: 'moved', owner: typeof a.owner === 'string' ? a.owner : '', url: typeof a.url === 'string' ? a.url : '' };
    default:
      throw new ProtocolError(`unknown answer type ${typeof a.type === 'string' ? JSON.stringify(a.type.slice(0, 40)) : typeof a.type}`);
  }
}

const STATES = new Set(['active', 'idle', 'offline', 'unknown']);

/** parseBuddies checks a buddy list (whole or changes). */
export function parseBuddies(b) {
  if (!isObject(b)) throw new ProtocolError('buddies is not an object');
  if (!Array.isArray(b.buddies)) throw new ProtocolError('buddies.buddies is not a list');
  return {
    version: int(b.version ?? 0, 'buddies.version'),
    full: b.full === true,
    buddies: b.buddies.map((x) => {
      if (!isObject(x)) throw new ProtocolError('buddy is not an object');
      return {
        id: int(x.id, 'buddy.id', 1),
        name: str(x.name, 'buddy.name'),
        state: STATES.has(x.state) ? x.state : 'unknown',
        lastActiveMs: Number.isSafeInteger(x.lastActiveMs) ? x.lastActiveMs : 0,
      };
    }),
  };
}

/** parseBoot checks the boot answer: who we are and where to poll. */
export function parseBoot(b) {
  if (!isObject(b) || !isObject(b.user)) throw new ProtocolError('boot is not an object');
  const recent = Array.isArray(b.recent) ? b.recent : [];
  return {
    user: { id: int(b.user.id, 'user.id', 1), name: str(b.user.name, 'user.name') },
    token: str(b.token, 'token'),
    csrf: str(b.csrf, 'csrf'),
    pollUrl: str(b.pollUrl, 'pollUrl') || '/poll',
    epoch: int(b.epoch ?? 0, 'epoch'),
    seq: int(b.seq ?? 0, 'seq'),
    buddies: parseBuddies(b.buddies ?? { buddies: [] }),
    recent: recent.filter(isObject).map((r) => ({
      conversation: str(r.conversation, 'recent.conversation'),
      peer: int(r.peer, 'recent.peer', 1),
      peerName: typeof r.peerName === 'string' ? r.peerName : '',
      last: r.last ? parseMessage(r.last) : null,
      unread: int(r.unread ?? 0, 'recent.unread'),
      readSeq: int(r.readSeq ?? 0, 'recent.readSeq'),
    })),
  };
}

/** parsePage checks a history or since page. */
export function parsePage(p) {
  if (!isObject(p) || !Array.isArray(p.messages)) throw new ProtocolError('page has no messages');
  return {
    messages: p.messages.map(parseMessage),
    moreBefore: p.moreBefore === true,
    moreAfter: p.moreAfter === true,
    more: p.more === true,
  };
}

/**
 * tokenFromFragment returns the token of a "#token=..." URL fragment (as a
 * host application's chat link carries it), or "" when there is none.
 */
export function tokenFromFragment(hash) {
  if (typeof hash !== 'string' || !hash.startsWith('#')) return '';
  const token = new URLSearchParams(hash.slice(1)).get('token') ?? '';
  return token.length <= 512 ? token : '';
}
