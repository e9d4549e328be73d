// The sign-in page. In dev mode the web tier lists demo users and signs in
// as any of them; otherwise a person arrives through their site's chat link
// (a "#token=" URL) and this page only says so.

import { HttpError } from './api.js';
import { el, byId, show } from './dom.js';

/**
 * showSignIn draws the sign-in card. note explains why it is shown;
 * onSignedIn runs after a demo sign-in succeeds.
 */
export async function showSignIn(api, note, onSignedIn) {
  const card = byId('signin');
  const list = byId('demo-users');
  const text = byId('signin-note');
  list.replaceChildren();
  text.textContent = note;
  show(card, true);
  let users;
  try {
    users = await api.get('/api/demo/users');
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 403)) {
      text.textContent = `${note} Open the chat from your site to sign in.`.trim();
    } else {
      text.textContent = 'The chat is unreachable right now. Reload to try again.';
    }
    return;
  }
  if (!note) text.textContent = 'Demo mode: pick someone to be.';
  list.replaceChildren(
    ...(Array.isArray(users) ? users : [])
      .filter((u) => u && Number.isSafeInteger(u.id) && typeof u.name === 'string')
      .map((u) =>
        el('li', {},
          el('button', {
            type: 'button',
            class: 'demo-user',
            dataset: { user: u.id },
            text: u.name,
            onclick: async (e) => {
              const button = e.currentTarget;
              button.disabled = true;
              try {
                await api.post('/api/demo/login', { user: u.id });
                show(card, false);
                onSignedIn();
              } catch (err) {
                text.textContent = `Could not sign in: ${err.message}`;
                button.disabled = false;
              }
            },
          }))),
  );
}
