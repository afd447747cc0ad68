// HPACK, header compression for HTTP/2 (RFC 7541). It knows nothing of frames or sockets: lists in, octets out.
export { HpackEncoder, type HpackEncoderOptions, type EncodeOptions, DEFAULT_SENSITIVE, DEFAULT_UNINDEXED } from './encoder.js';
export { HpackDecoder, type HpackDecoderOptions } from './decoder.js';
export { HpackError, HeaderListTooLargeError, COMPRESSION_ERROR } from './errors.js';
export { DynamicTable, entrySize, ENTRY_OVERHEAD } from './dynamic-table.js';
export { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table.js';
export { huffmanDecode, huffmanEncode, huffmanLength } from './huffman.js';
export { decodeInteger, encodeInteger, type Cursor } from './integer.js';
export type { HpackEvent, HpackObserver, Representation } from './representation.js';
