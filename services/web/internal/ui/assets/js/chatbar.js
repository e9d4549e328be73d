// The chat bar: every conversation this tab knows, the windows docked
// along the bottom, and the paths in and out — messages from the long-poll
// and the gap fill, history, sends, typing and read marks.

import { HttpError } from './api.js';
import { ChatWindow } from './chatwindow.js';
import { Conversation, peerOf, peerOfConversation } from './conversation.js';
import { newClientMsgId } from './ids.js';
import { deliver } from './outbox.js';
import { parsePage } from './protocol.js';
import { loadWindows, saveWindows } from './store.js';

/** At most this many windows stay docked; opening another closes the oldest. */
export const MAX_WINDOWS = 4;
const HISTORY_PAGE = 50;

/**
 * ChatBar owns the conversations and windows of one signed-in tab.
 * deps: {me, api, buddies, root, onUnauthorized, onUnread(total)}.
 */
export class ChatBar {
  constructor(deps) {
    Object.assign(this, deps);
    this.convs = new Map();
    this.windows = new Map();
    // Aborts sends, history loads and retries in flight when the session ends.
    this.stopper = new AbortController();
    this.bootNewestMs = 0;
    this.onVisible = () => {
      if (document.visibilityState === 'visible') for (const peer of this.windows.keys()) this.readIfActive(peer);
    };
    document.addEventListener('visibilitychange', this.onVisible);
  }

  conv(peer) {
    let c = this.convs.get(peer);
    if (!c) {
      c = new Conversation(this.me.id, peer);
      this.convs.set(peer, c);
    }
    return c;
  }

  /** applyRecent takes boot's recent conversations: unread counts and read marks. */
  applyRecent(recent) {
    for (const r of recent) {
      this.conv(r.peer).fromSummary(r);
      this.bootNewestMs = Math.max(this.bootNewestMs, r.last?.sentAtMs ?? 0);
      this.updateUnread(r.peer);
    }
  }

  /** restore reopens the windows this tab had before a reload. */
  restore() {
    for (const w of loadWindows()) this.open(w.peer, { minimised: w.minimised, name: w.name, focus: false });
  }

  /** open shows (or un-minimises) the window for peer and loads its history. */
  open(peer, { minimised = false, name = '', focus = true } = {}) {
    let w = this.windows.get(peer);
    if (!w) {
      if (this.windows.size >= MAX_WINDOWS) this.close(this.windows.keys().next().value);
      const conv = this.conv(peer);
      w = new ChatWindow(conv, this.buddies.name(peer) || name || `#${peer}`, {
        send: (text) => this.send(peer, text),
        retry: (id) => this.retry(peer, id),
        typing: (on) => this.sendTyping(peer, on),
        older: () => this.loadHistory(peer, conv.oldestSeq()),
        minimise: () => this.changed(peer),
        close: () => this.close(peer),
        activate: () => this.readIfActive(peer),
      });
      this.windows.set(peer, w);
      this.root.append(w.root);
      w.setPresence(this.buddies.state(peer));
      w.render();
      if (!conv.loaded) this.loadHistory(peer, 0);
    }
    w.setMinimised(minimised, focus);
  }

  close(peer) {
    const w = this.windows.get(peer);
    if (!w) return;
    w.destroy();
    this.windows.delete(peer);
    this.save();
  }

  /** changed re-saves the layout and marks read what is now in view. */
  changed(peer) {
    this.save();
    this.readIfActive(peer);
  }

  save() {
    saveWindows([...this.windows].map(([peer, w]) => ({ peer, name: w.name, minimised: w.minimised })));
  }

  async loadHistory(peer, before) {
    const conv = this.conv(peer);
    try {
      const q = new URLSearchParams({ peer, before, after: -1, limit: HISTORY_PAGE });
      const page = parsePage(await this.api.get(`/api/history?${q}`, { signal: this.stopper.signal }));
      for (const m of page.messages) conv.add(m);
      // Only the first (newest) page says whether anything older exists
      // before the whole window; an older page says it for itself.
      if (before === 0 || page.messages.length > 0) conv.moreBefore = page.moreBefore;
      conv.loaded = true;
    } catch (err) {
      if (this.fatal(err)) return;
      console.warn('history', peer, err);
    }
    this.windows.get(peer)?.render();
    this.updateUnread(peer);
    this.readIfActive(peer);
  }

  /** receive takes one stored message from any path; duplicates are dropped. */
  receive(m) {
    const peer = peerOf(this.me.id, m);
    if (!peer) return;
    const conv = this.conv(peer);
    const result = conv.add(m);
    if (result === 'dup') return;
    if (m.sender === peer) {
      this.windows.get(peer)?.showTyping(false);
      // A new message pops its window up in the bar, minimised, as a tab.
      if (!this.windows.has(peer) && m.seq > conv.readSeq) this.open(peer, { minimised: true, focus: false });
    }
    this.windows.get(peer)?.render();
    this.updateUnread(peer);
    this.readIfActive(peer);
  }

  /** payload applies one parsed long-poll payload. */
  payload(p) {
    if (p.kind === 'message') {
      this.receive(p.message);
    } else if (p.kind === 'typing') {
      if (p.to === this.me.id) this.windows.get(p.from)?.showTyping(p.typing);
    } else if (p.kind === 'read') {
      const peer = peerOfConversation(this.me.id, p.conversation);
      // Only my own marks come here: read in another of my tabs.
      if (!peer || p.user !== this.me.id) return;
      this.conv(peer).markRead(p.seq);
      this.updateUnread(peer);
    }
  }

  /** fillGap fetches every message since the newest this tab has seen. */
  async fillGap() {
    let since = this.bootNewestMs;
    for (const c of this.convs.values()) since = Math.max(since, c.newestSentAtMs());
    for (let round = 0; round < 20; round++) {
      const q = new URLSearchParams({ since, limit: 200 });
      const page = parsePage(await this.api.get(`/api/since?${q}`, { signal: this.stopper.signal }));
      for (const m of page.messages) this.receive(m);
      const last = page.messages.at(-1);
      if (!page.more || !last) return;
      // Step back one ms: the next page may hold more messages of the
      // same instant, and duplicates are dropped anyway.
      since = last.sentAtMs - 1 > since ? last.sentAtMs - 1 : last.sentAtMs;
    }
  }

  send(peer, text) {
    const id = newClientMsgId();
    this.conv(peer).addPending(id, text);
    this.windows.get(peer)?.render();
    this.deliver(peer, id, text);
  }

  retry(peer, id) {
    const p = this.conv(peer).failPending(id, '');
    if (!p) return;
    this.windows.get(peer)?.render();
    this.deliver(peer, id, p.text);
  }

  /** deliver sends a pending message and settles it in its window. */
  deliver(peer, id, text) {
    const render = () => this.windows.get(peer)?.render();
    deliver(this.api, this.stopper.signal, { to: peer, text, clientMsgId: id }, {
      stored: (m) => this.receive(m),
      failed: (reason) => {
        this.conv(peer).failPending(id, reason);
        render();
      },
      fatal: (err) => this.fatal(err),
    });
  }

  sendTyping(peer, typing) {
    this.api.post('/api/typing', { to: peer, typing }, { signal: this.stopper.signal }).catch((err) => this.fatal(err));
  }

  /** readIfActive marks peer's conversation read when its window is in view. */
  readIfActive(peer) {
    const w = this.windows.get(peer);
    if (!w || w.minimised || document.visibilityState !== 'visible') return;
    const conv = this.conv(peer);
    const seq = conv.newestSeq();
    if (!conv.markRead(seq)) return;
    this.updateUnread(peer);
    this.api.post('/api/read', { peer, seq }, { signal: this.stopper.signal }).catch((err) => this.fatal(err));
  }

  updateUnread(peer) {
    const n = this.conv(peer).unread();
    this.windows.get(peer)?.setUnread(n);
    this.buddies.setUnread(peer, n);
    let total = 0;
    for (const c of this.convs.values()) total += c.unread();
    this.onUnread(total);
  }

  /** presenceChanged redraws the presence dots of open windows. */
  presenceChanged() {
    for (const [peer, w] of this.windows) w.setPresence(this.buddies.state(peer));
  }

  /** fatal reports (and handles) errors that end the session. */
  fatal(err) {
    if (err instanceof HttpError && err.status === 401) {
      this.onUnauthorized();
      return true;
    }
    return this.stopper.signal.aborted;
  }

  /** destroy ends everything in flight and removes the windows. */
  destroy() {
    this.stopper.abort();
    document.removeEventListener('visibilitychange', this.onVisible);
    for (const w of this.windows.values()) w.destroy();
    this.windows.clear();
  }
}
