// RFC 7541 Appendix A: the static table, indices 1..61.
/** RFC 7541 Appendix A: the static table, index 1 first (STATIC_TABLE[0] is index 1). */
export const STATIC_TABLE: ReadonlyArray<readonly [name: string, value: string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** The static table's 61 entries. */
export const STATIC_TABLE_LENGTH = STATIC_TABLE.length;

/** name -> the first static index with that name. */
const staticNameIndex = new Map<string, number>();
/** name -> value -> static index: exact matches, looked up without building a key string. */
const staticFieldIndex = new Map<string, Map<string, number>>();
STATIC_TABLE.forEach(([name, value], i) => {
  if (!staticNameIndex.has(name)) staticNameIndex.set(name, i + 1);
  let values = staticFieldIndex.get(name);
  if (!values) staticFieldIndex.set(name, (values = new Map()));
  values.set(value, i + 1);
});

/** The static index of exactly (name, value), or 0. */
export function staticFieldIndexOf(name: string, value: string): number {
  return staticFieldIndex.get(name)?.get(value) ?? 0;
}

/** The first static index with this name, or 0. */
export function staticNameIndexOf(name: string): number {
  return staticNameIndex.get(name) ?? 0;
}
