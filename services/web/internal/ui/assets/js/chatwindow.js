// One chat window docked in the chat bar: a tab that is always there and a
// panel above it with the conversation, shown unless minimised.

import { el, formatTime, show } from './dom.js';

/** How often "typing" is re-sent while the user keeps typing. */
export const TYPING_RESEND_MS = 3000;
/** How long a peer's "typing…" shows without a fresh signal. */
export const TYPING_SHOW_MS = 6000;

/**
 * ChatWindow draws one conversation. cb: send(text), retry(clientMsgId),
 * typing(bool), older(), minimise(bool), close(), activate(). now is the
 * clock for the typing throttle.
 */
export class ChatWindow {
  constructor(conv, name, cb, now = () => Date.now()) {
    this.conv = conv;
    this.name = name;
    this.cb = cb;
    this.now = now;
    this.minimised = false;
    this.typingTimer = 0;
    this.typingSentAt = 0;
    this.build();
  }

  build() {
    const peer = this.conv.peer;
    this.dot = el('span', { class: 'dot' });
    this.title = el('span', { class: 'name', text: this.name });
    this.more = el('button', { class: 'more link', type: 'button', text: 'Earlier messages', hidden: true, onclick: () => this.cb.older() });
    this.list = el('div', { class: 'msgs' });
    this.typingNote = el('div', { class: 'typing', hidden: true, text: `${this.name} is typing…` });
    this.log = el('div', { class: 'log' }, this.more, this.list, this.typingNote);
    this.input = el('textarea', { rows: 1, maxlength: 4000, placeholder: 'Write a message', 'aria-label': `Message ${this.name}` });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('focus', () => this.cb.activate());
    this.panel = el(
      'div',
      { class: 'panel chat-panel' },
      el('div', { class: 'panel-head', onclick: () => this.setMinimised(true) },
        this.dot.cloneNode(), this.title,
        el('span', { class: 'spacer' }),
        el('button', { class: 'icon min', type: 'button', title: 'Minimise', text: '_' }),
        el('button', { class: 'icon close', type: 'button', title: 'Close', text: '×', onclick: (e) => this.closeClicked(e) })),
      this.log,
      el('div', { class: 'compose' }, this.input),
    );
    this.badge = el('span', { class: 'badge', hidden: true });
    this.tab = el(
      'div',
      { class: 'tab chat-tab', role: 'button', tabindex: 0, onclick: () => this.setMinimised(!this.minimised) },
      this.dot, el('span', { class: 'name', text: this.name }), this.badge,
      el('button', { class: 'icon close', type: 'button', title: 'Close', text: '×', onclick: (e) => this.closeClicked(e) }),
    );
    this.root = el('div', { class: 'chatwin', dataset: { peer } }, this.panel, this.tab);
  }

  closeClicked(e) {
    e.stopPropagation();
    this.cb.close();
  }

  onKey(e) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    this.typingSentAt = 0;
    this.cb.send(text);
  }

  onInput() {
    const now = this.now();
    if (this.input.value.trim() === '') {
      if (this.typingSentAt) this.cb.typing(false);
      this.typingSentAt = 0;
      return;
    }
    // Throttled: one "typing" per TYPING_RESEND_MS keeps the peer's note
    // alive (it fades after TYPING_SHOW_MS) without a request per key.
    if (now - this.typingSentAt >= TYPING_RESEND_MS) {
      this.typingSentAt = now;
      this.cb.typing(true);
    }
  }

  /** setMinimised folds the window to its tab or opens it (and focuses its input). */
  setMinimised(min, focus = true) {
    this.minimised = min;
    this.root.classList.toggle('minimised', min);
    if (!min) {
      this.scrollToEnd();
      if (focus) this.input.focus();
    }
    this.cb.minimise(min);
  }

  setPresence(state) {
    for (const d of this.root.querySelectorAll('.dot')) d.dataset.state = state;
  }

  setUnread(n) {
    this.badge.textContent = String(n);
    show(this.badge, n > 0);
    this.root.classList.toggle('unread', n > 0);
  }

  /** showTyping shows or hides "typing…"; shown, it fades by itself. */
  showTyping(on) {
    clearTimeout(this.typingTimer);
    show(this.typingNote, on);
    if (on) this.typingTimer = setTimeout(() => show(this.typingNote, false), TYPING_SHOW_MS);
    if (on) this.scrollToEnd();
  }

  /** render redraws the messages, keeping the view at the end if it was there. */
  render() {
    const atEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
    const c = this.conv;
    const nodes = [];
    let lastSender = 0;
    const line = (sender, node) => {
      if (sender !== lastSender) nodes.push(el('div', { class: 'from', text: sender === c.me ? 'Me' : this.name }));
      lastSender = sender;
      nodes.push(node);
    };
    for (const m of c.stored) {
      line(m.sender, el('div', {
        class: `msg ${m.sender === c.me ? 'mine' : 'theirs'}`,
        dataset: { id: m.id, seq: m.seq, client: m.clientMsgId || undefined },
        title: formatTime(m.sentAtMs),
        text: m.text,
      }));
    }
    for (const p of c.pending) {
      line(c.me, el('div', {
        class: `msg mine pending${p.error ? ' failed' : ''}`,
        dataset: { client: p.clientMsgId },
        title: p.error || 'Sending…',
        text: p.text,
        onclick: p.error ? () => this.cb.retry(p.clientMsgId) : undefined,
      }));
      if (p.error) nodes.push(el('div', { class: 'error', text: p.error }));
    }
    this.list.replaceChildren(...nodes);
    show(this.more, c.moreBefore);
    if (atEnd) this.scrollToEnd();
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  destroy() {
    clearTimeout(this.typingTimer);
    this.root.remove();
  }
}
