// Client message ids: the key that makes a retried send idempotent.

/**
 * newClientMsgId returns a random UUID. crypto.randomUUID exists only in
 * secure contexts (https, localhost); a dev box reached over plain http on
 * a LAN address falls back to getRandomValues, which exists everywhere.
 */
export function newClientMsgId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
