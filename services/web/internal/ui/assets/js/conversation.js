// One conversation as this tab knows it: the messages loaded so far (from
// history, the long-poll and the gap fill, which overlap), the sends still
// in flight, and the read marks. Pure data, no DOM, so it is tested alone.

/** peerOf returns the other party of a message for user me, or 0. */
export function peerOf(me, m) {
  if (m.sender === me) return m.recipient;
  if (m.recipient === me) return m.sender;
  return 0;
}

/** peerOfConversation returns the other party of "d:<a>:<b>" for me, or 0. */
export function peerOfConversation(me, conversation) {
  const match = /^d:(\d+):(\d+)$/.exec(conversation);
  if (!match) return 0;
  const a = Number(match[1]);
  const b = Number(match[2]);
  if (a === me) return b;
  if (b === me) return a;
  return 0;
}

/** Conversation is the tab's copy of one direct conversation. */
export class Conversation {
  constructor(me, peer) {
    this.me = me;
    this.peer = peer;
    /** Stored messages by seq, ascending. */
    this.stored = [];
    this.byId = new Set();
    /** Sends not yet acknowledged, oldest first: {clientMsgId, text, error}. */
    this.pending = [];
    /** My read mark: seq of the last message I read. */
    this.readSeq = 0;
    // What boot said about messages this tab never loaded: the newest seq
    // then and how many of the peer's were unread up to it.
    this.bootSeq = 0;
    this.bootUnread = 0;
    /** History: whether older messages exist and whether a page was loaded. */
    this.moreBefore = false;
    this.loaded = false;
  }

  /** fromSummary takes boot's view of the conversation. */
  fromSummary(s) {
    this.readSeq = Math.max(this.readSeq, s.readSeq);
    this.bootSeq = Math.max(this.bootSeq, s.last?.seq ?? 0);
    this.bootUnread = s.unread;
  }

  /**
   * add takes a stored message and reports "new", "acked" (it settles one
   * of our pending sends) or "dup" (already here).
   */
  add(m) {
    if (this.byId.has(m.id)) return 'dup';
    this.byId.add(m.id);
    let result = 'new';
    if (m.sender === this.me && m.clientMsgId) {
      const i = this.pending.findIndex((p) => p.clientMsgId === m.clientMsgId);
      if (i >= 0) {
        this.pending.splice(i, 1);
        result = 'acked';
      }
    }
    // Messages come mostly in order; walk from the end.
    let at = this.stored.length;
    while (at > 0 && this.stored[at - 1].seq > m.seq) at--;
    this.stored.splice(at, 0, m);
    return result;
  }

  /** addPending records a send in flight. */
  addPending(clientMsgId, text) {
    this.pending.push({ clientMsgId, text, error: '' });
  }

  /** failPending marks a send as failed with a reason for people ('' clears it). */
  failPending(clientMsgId, error) {
    const p = this.pending.find((x) => x.clientMsgId === clientMsgId);
    if (p) p.error = error;
    return p;
  }

  /** newestSeq is the highest seq this tab knows of, loaded or not. */
  newestSeq() {
    const last = this.stored.at(-1);
    return Math.max(this.bootSeq, last ? last.seq : 0);
  }

  oldestSeq() {
    return this.stored[0]?.seq ?? 0;
  }

  newestSentAtMs() {
    return this.stored.at(-1)?.sentAtMs ?? 0;
  }

  /**
   * unread counts the peer's messages after my read mark: boot's count for
   * the part never loaded, plus the loaded ones after it.
   */
  unread() {
    const floor = Math.max(this.readSeq, this.bootSeq);
    let n = this.readSeq >= this.bootSeq ? 0 : this.bootUnread;
    for (let i = this.stored.length - 1; i >= 0 && this.stored[i].seq > floor; i--) {
      if (this.stored[i].sender === this.peer) n++;
    }
    return n;
  }

  /** markRead moves my read mark; it reports whether it moved. */
  markRead(seq) {
    if (seq <= this.readSeq) return false;
    this.readSeq = seq;
    return true;
  }
}
