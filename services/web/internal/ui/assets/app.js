// The chat UI's entry point. It signs in (a "#token=" chat link or the demo
// sign-in), boots the session from the web tier, then runs three loops for
// as long as the session lasts: the long-poll to the user's channel, the
// buddy list refresh, and whatever sends are in flight in the chat bar.

import { Api, HttpError } from './js/api.js';
import { backoffMs, sleep } from './js/backoff.js';
import { BuddyList } from './js/buddies.js';
import { ChatBar } from './js/chatbar.js';
import { byId, show } from './js/dom.js';
import { Idle } from './js/idle.js';
import { Poller } from './js/poller.js';
import { parseBoot, parseBuddies, parsePayload, tokenFromFragment } from './js/protocol.js';
import { showSignIn } from './js/signin.js';
import { buddyListOpen, forget, saveBuddyListOpen } from './js/store.js';

/** The buddy list is pulled about this often (±20%); ?buddyRefresh=<s> overrides it. */
const BUDDY_REFRESH_MS = 15000;

const cursorOf = (b) => ({ url: b.pollUrl, token: b.token, epoch: b.epoch, seq: b.seq });

class App {
  constructor() {
    this.api = new Api();
    this.idle = new Idle();
    this.session = null;
    const seconds = Number(new URLSearchParams(location.search).get('buddyRefresh'));
    this.buddyRefreshMs = seconds >= 1 && seconds <= 600 ? seconds * 1000 : BUDDY_REFRESH_MS;
    this.buddies = new BuddyList(
      {
        list: byId('buddies'),
        empty: byId('buddies-empty'),
        count: byId('online-count'),
        panel: byId('buddy-panel'),
        tab: byId('buddy-tab'),
        hide: byId('buddy-hide'),
      },
      { onOpen: (id) => this.session?.chatbar.open(id), onToggle: saveBuddyListOpen },
    );
    byId('signout').addEventListener('click', () => this.signOut());
    // A chat link opened in a tab that already shows the chat changes only
    // the fragment; take it as a fresh start.
    window.addEventListener('hashchange', () => {
      if (/[#&]token=/.test(location.hash)) this.start();
    });
  }

  async start() {
    const note = await this.takeFragmentToken();
    await this.boot(note);
  }

  /**
   * takeFragmentToken trades a "#token=" chat link for a session cookie;
   * it returns what to tell the person if the link did not work.
   */
  async takeFragmentToken() {
    if (!/[#&]token=/.test(location.hash)) return '';
    const token = tokenFromFragment(location.hash);
    // Off the address bar and out of history before anything else happens.
    history.replaceState(null, '', location.pathname + location.search);
    try {
      await this.api.post('/api/session', { token });
      return '';
    } catch (err) {
      return `That chat link did not work (${err.message}).`;
    }
  }

  /**
   * boot asks who we are; it retries until the web tier answers. Without a
   * session it shows the sign-in page with note.
   */
  async boot(note = '') {
    for (let attempt = 1; ; attempt++) {
      try {
        this.begin(parseBoot(await this.api.get('/api/boot')));
        if (note) this.status(note);
        return;
      } catch (err) {
        if (err instanceof HttpError && err.status === 401) {
          this.signedOut(note);
          return;
        }
        const wait = backoffMs(attempt);
        this.status(`Cannot reach the chat (${err.message}); retrying in ${Math.ceil(wait / 1000)} s.`);
        await sleep(wait);
      }
    }
  }

  /** begin starts a session from a boot answer. */
  begin(b) {
    this.end();
    this.status('');
    this.api.csrf = b.csrf;
    byId('me').textContent = b.user.name;
    byId('home-title').textContent = `Hi, ${b.user.name}`;
    show(byId('signout'), true);
    show(byId('home'), true);
    show(byId('chatbar'), true);
    this.buddies.apply(b.buddies);
    this.buddies.setOpen(buddyListOpen());
    const chatbar = new ChatBar({
      me: b.user,
      api: this.api,
      buddies: this.buddies,
      root: byId('windows'),
      onUnauthorized: () => this.expire(chatbar),
      onUnread: (n) => {
        document.title = n > 0 ? `(${n}) thriftchat` : 'thriftchat';
      },
    });
    const poller = new Poller(this.api, this.pollHandlers(chatbar), () => this.idle.seconds());
    const session = { me: b.user, chatbar, poller, timer: 0 };
    this.session = session;
    chatbar.applyRecent(b.recent);
    chatbar.restore();
    poller.start(cursorOf(b));
    this.scheduleBuddies(session);
  }

  pollHandlers(chatbar) {
    return {
      payloads: (list) => {
        for (const raw of list) {
          try {
            const p = parsePayload(raw);
            if (p) chatbar.payload(p);
          } catch (err) {
            console.warn('payload dropped', err);
          }
        }
      },
      reset: () => chatbar.fillGap(),
      moved: async () => {
        const b = parseBoot(await this.api.get('/api/boot'));
        if (b.user.id !== this.session?.me.id) {
          // Another tab signed in as someone else: start over as them.
          this.begin(b);
          return cursorOf(b);
        }
        this.api.csrf = b.csrf;
        // The new owner's cursor starts after whatever it already queued.
        await chatbar.fillGap();
        return cursorOf(b);
      },
      unauthorized: () => this.expire(chatbar),
      health: (ok, err, wait) =>
        this.status(ok ? '' : `Connection trouble (${err.message}); retrying in ${Math.ceil(wait / 1000)} s.`),
    };
  }

  scheduleBuddies(session) {
    const wait = this.buddyRefreshMs * (0.8 + Math.random() * 0.4);
    session.timer = setTimeout(() => this.refreshBuddies(session), wait);
  }

  async refreshBuddies(session) {
    try {
      const update = await this.api.get(`/api/buddies?since=${this.buddies.version}`);
      if (this.session !== session) return;
      this.buddies.apply(parseBuddies(update));
      session.chatbar.presenceChanged();
    } catch (err) {
      if (err instanceof HttpError && err.status === 401) {
        this.expire(session.chatbar);
        return;
      }
      console.warn('buddy list', err);
    }
    if (this.session === session) this.scheduleBuddies(session);
  }

  /** expire ends the session a 401 came from, once, however many loops saw it. */
  expire(chatbar) {
    if (this.session?.chatbar === chatbar) this.signedOut('Your chat session has ended.');
  }

  /** end stops the current session's loops and windows. */
  end() {
    const s = this.session;
    if (!s) return;
    this.session = null;
    s.poller.stop();
    s.chatbar.destroy();
    clearTimeout(s.timer);
    this.buddies.apply({ version: 0, full: true, buddies: [] });
  }

  signedOut(note) {
    this.end();
    this.api.csrf = '';
    byId('me').textContent = '';
    document.title = 'thriftchat';
    show(byId('signout'), false);
    show(byId('home'), false);
    show(byId('chatbar'), false);
    this.status('');
    showSignIn(this.api, note, () => this.boot());
  }

  async signOut() {
    try {
      await this.api.post('/api/logout', {});
    } catch (err) {
      console.warn('logout', err);
    }
    forget();
    this.signedOut('You signed out.');
  }

  status(text) {
    const node = byId('status');
    node.textContent = text;
    show(node, text !== '');
  }
}

new App().start();
