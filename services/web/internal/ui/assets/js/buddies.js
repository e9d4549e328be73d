// The buddy list: friends with their presence, refreshed by polling the web
// tier (presence is pulled, never pushed), drawn in the chat bar's corner.

import { el, show } from './dom.js';

/** isOnline is true for the states that count as "available to chat". */
export const isOnline = (state) => state === 'active' || state === 'idle';

/**
 * applyBuddies returns the buddy map after an update: a full list replaces
 * it, a partial one changes only the buddies it names.
 */
export function applyBuddies(current, update) {
  const next = update.full ? new Map() : new Map(current);
  for (const b of update.buddies) next.set(b.id, b);
  return next;
}

/** sortBuddies orders the online (active and idle) by name, then the rest by name. */
export function sortBuddies(buddies) {
  const byName = (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id;
  const list = [...buddies];
  return [...list.filter((b) => isOnline(b.state)).sort(byName), ...list.filter((b) => !isOnline(b.state)).sort(byName)];
}

/** BuddyList holds the friends and draws them. */
export class BuddyList {
  /**
   * nodes: {list, empty, count, panel, tab, hide}; onOpen(id) opens a chat;
   * onToggle(open) remembers whether the panel is open.
   */
  constructor(nodes, { onOpen, onToggle }) {
    this.nodes = nodes;
    this.onOpen = onOpen;
    this.onToggle = onToggle;
    this.buddies = new Map();
    this.version = 0;
    this.unread = new Map();
    // What the list last drew: redrawing an unchanged list every refresh
    // would replace the row under the pointer mid-click.
    this.drawn = '';
    nodes.tab.addEventListener('click', () => this.setOpen(nodes.panel.hidden));
    nodes.hide.addEventListener('click', () => this.setOpen(false));
  }

  /** apply takes a parsed buddy list (whole or changes) and redraws. */
  apply(update) {
    this.buddies = applyBuddies(this.buddies, update);
    this.version = update.version;
    this.render();
  }

  get(id) {
    return this.buddies.get(id);
  }

  name(id) {
    return this.buddies.get(id)?.name ?? '';
  }

  state(id) {
    return this.buddies.get(id)?.state ?? 'unknown';
  }

  /** setUnread shows a badge for a friend (0 hides it). */
  setUnread(id, n) {
    if ((this.unread.get(id) ?? 0) === n) return;
    if (n > 0) this.unread.set(id, n);
    else this.unread.delete(id);
    this.render();
  }

  setOpen(open) {
    show(this.nodes.panel, open);
    this.nodes.tab.classList.toggle('open', open);
    this.onToggle(open);
  }

  render() {
    const sorted = sortBuddies(this.buddies.values());
    const drawn = JSON.stringify(sorted.map((b) => [b.id, b.name, b.state, this.unread.get(b.id) ?? 0]));
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    const online = sorted.filter((b) => isOnline(b.state)).length;
    this.nodes.count.textContent = String(online);
    show(this.nodes.empty, online === 0);
    this.nodes.list.replaceChildren(
      ...sorted.map((b) => {
        const unread = this.unread.get(b.id) ?? 0;
        return el(
          'li',
          {
            class: `buddy ${isOnline(b.state) ? b.state : 'offline'}`,
            dataset: { user: b.id, state: b.state },
            title: b.state === 'idle' ? `${b.name} is idle` : b.name,
            onclick: () => this.onOpen(b.id),
          },
          el('span', { class: 'dot' }),
          el('span', { class: 'name', text: b.name }),
          unread > 0 ? el('span', { class: 'badge', text: unread }) : null,
        );
      }),
    );
  }
}
