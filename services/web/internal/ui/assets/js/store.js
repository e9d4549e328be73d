// What a tab remembers across a reload: which chat windows were open, and
// whether the buddy list was. sessionStorage is per tab, so every tab keeps
// its own layout, as a person expects.

const WINDOWS = 'thriftchat.windows';
const BUDDIES = 'thriftchat.buddylist';

function read(key, fallback) {
  try {
    const v = JSON.parse(sessionStorage.getItem(key) ?? 'null');
    return v ?? fallback;
  } catch {
    // Storage off (privacy mode) or garbage: start afresh.
    return fallback;
  }
}

function write(key, value) {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or storage off: the layout simply is not remembered.
  }
}

/** loadWindows returns [{peer, name, minimised}] as saved, oldest first. */
export function loadWindows() {
  const list = read(WINDOWS, []);
  if (!Array.isArray(list)) return [];
  return list
    .filter((w) => w && Number.isSafeInteger(w.peer) && w.peer > 0)
    .map((w) => ({ peer: w.peer, name: typeof w.name === 'string' ? w.name : '', minimised: w.minimised === true }));
}

/** saveWindows stores the open windows. */
export function saveWindows(list) {
  write(WINDOWS, list);
}

/** buddyListOpen says whether the buddy list was open (it is, at first). */
export function buddyListOpen() {
  return read(BUDDIES, true) !== false;
}

export function saveBuddyListOpen(open) {
  write(BUDDIES, open);
}

/** forget drops everything, on sign-out. */
export function forget() {
  try {
    sessionStorage.removeItem(WINDOWS);
    sessionStorage.removeItem(BUDDIES);
  } catch {
    // Nothing stored, nothing to drop.
  }
}
