// DOM helpers. Everything the chat draws goes through el(), which only ever
// creates elements and text nodes: a string child becomes a Text node, so
// message text, names and error strings can never be parsed as HTML.

/**
 * el creates an element. props: class, text, dataset (object), title and
 * other attributes, and on<event> listeners. Children are nodes or strings;
 * null and undefined are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** byId returns the element with the given id, or throws: the page is ours. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
}

/** show sets whether a node is displayed. */
export function show(node, visible) {
  node.hidden = !visible;
}

/** formatTime renders ms since the epoch as the local hour and minute. */
export function formatTime(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}
