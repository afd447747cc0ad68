// The byte-level examples in docs/frames.md and docs/hpack.md, produced by the code itself.
// `npm run docs` writes them into the docs; test/docs.test.ts fails when a doc no longer matches the code.
import { encodeFrame, ErrorCode, type Frame, FrameDecoder, FrameType, SettingId } from '../src/frames/index.js';
import { encodeInteger, HpackDecoder, HpackEncoder, huffmanEncode, huffmanLength } from '../src/hpack/index.js';
import { annotateFieldBlock, annotateFrame, formatAnnotations } from '../src/trace/decode/annotate.js';
import { callExamples } from './doc-calls.js';
import { walkthroughExamples } from './doc-walkthrough.js';

const frame = (f: Frame) => formatAnnotations(annotateFrame(encodeFrame(f)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** A gRPC request's header list, as the pi client sends it. */
const piRequest: Array<[string, string]> = [
  [':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1:8080'],
  ['te', 'trailers'], ['content-type', 'application/grpc'], ['user-agent', 'h2grpc/0.1.0'], ['grpc-timeout', '5S'],
];
/** PiRequest { n: 100 } as protobuf: field 1, varint 100. */
const piMessage = Buffer.from('0000000002' + '0864', 'hex');

function decoderError(bytes: Uint8Array): string {
  const decoder = new FrameDecoder();
  decoder.push(bytes);
  try {
    decoder.next();
    return 'no error';
  } catch (err) {
    const e = err as { message: string; scope: string };
    return `${e.scope} error ${e.message}`;
  }
}

function integer(value: number, prefix: number): string {
  const out = new Uint8Array(8);
  return `${value} with a ${prefix}-bit prefix: ${hex(out.subarray(0, encodeInteger(out, 0, value, prefix, 0)))}`;
}

function huffman(s: string): string {
  const out = new Uint8Array(huffmanLength(s));
  huffmanEncode(s, out, 0);
  return `${JSON.stringify(s)} (${s.length} octets) Huffman-coded in ${out.length} octets: ${hex(out)}`;
}

function blocks(lists: Array<Array<[string, string]>>, options = {}): string {
  const encoder = new HpackEncoder(options);
  const decoder = new HpackDecoder();
  return lists.map((list, i) => {
    const block = encoder.encode(list);
    const table = decoder.table;
    const body = formatAnnotations(annotateFieldBlock(block, decoder));
    const entries = table.entries().map(([n, v], j) => `  [${62 + j}] ${n}: ${v}`).join('\n');
    return `block ${i + 1}: ${block.length} octets\n${body}\ndynamic table after block ${i + 1} (${table.size} octets):\n${entries || '  (empty)'}`;
  }).join('\n\n');
}

export const examples: Record<string, () => string | Promise<string>> = {
  ...callExamples,
  ...walkthroughExamples,
  'frame-settings': () => frame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[SettingId.MAX_CONCURRENT_STREAMS, 100], [SettingId.INITIAL_WINDOW_SIZE, 1048576], [SettingId.MAX_HEADER_LIST_SIZE, 16384]] }),
  'frame-settings-ack': () => frame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }),
  'frame-headers': () => frame({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true, headerBlock: new HpackEncoder().encode(piRequest) }),
  'frame-headers-priority': () => frame({ type: FrameType.HEADERS, streamId: 3, endStream: true, endHeaders: true, headerBlock: Buffer.from('82', 'hex'), padding: 2, priority: { streamDependency: 1, exclusive: true, weight: 16 } }),
  'frame-data': () => frame({ type: FrameType.DATA, streamId: 1, endStream: true, data: piMessage }),
  'frame-data-padded': () => frame({ type: FrameType.DATA, streamId: 1, endStream: false, data: piMessage, padding: 4 }),
  'frame-priority': () => frame({ type: FrameType.PRIORITY, streamId: 5, priority: { streamDependency: 3, exclusive: false, weight: 201 } }),
  'frame-rst-stream': () => frame({ type: FrameType.RST_STREAM, streamId: 1, errorCode: ErrorCode.CANCEL }),
  'frame-push-promise': () => frame({ type: FrameType.PUSH_PROMISE, streamId: 1, endHeaders: true, promisedStreamId: 2, headerBlock: Buffer.from('8287', 'hex') }),
  'frame-ping': () => frame({ type: FrameType.PING, streamId: 0, ack: false, data: Buffer.from('h2grpc!!') }),
  'frame-ping-ack': () => frame({ type: FrameType.PING, streamId: 0, ack: true, data: Buffer.from('h2grpc!!') }),
  'frame-goaway': () => frame({ type: FrameType.GOAWAY, streamId: 0, lastStreamId: 7, errorCode: ErrorCode.NO_ERROR, debugData: Buffer.from('shutdown') }),
  'frame-window-update': () => frame({ type: FrameType.WINDOW_UPDATE, streamId: 0, increment: 983041 }),
  'frame-continuation': () => {
    const block = new HpackEncoder().encode(piRequest);
    return [
      frame({ type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: false, headerBlock: block.subarray(0, 20) }),
      frame({ type: FrameType.CONTINUATION, streamId: 1, endHeaders: true, headerBlock: block.subarray(20) }),
    ].join('\n\n');
  },
  'frame-errors': () => [
    ['PING of 4 octets', '000004060000000000' + '00000000'],
    ['WINDOW_UPDATE of 0 on stream 1', '000004080000000001' + '00000000'],
    ['DATA with Pad Length 5 in 3 octets', '000003000800000001' + '050000'],
    ['SETTINGS on stream 1', '000000040000000001'],
    ['SETTINGS_INITIAL_WINDOW_SIZE of 2^31', '000006040000000000' + '000480000000'],
  ].map(([what, bytes]) => `${what}:\n  ${bytes!.replace(/(..)(?!$)/g, '$1 ')}\n  -> ${decoderError(Buffer.from(bytes!, 'hex'))}`).join('\n'),
  'hpack-integers': () => [integer(10, 5), integer(1337, 5), integer(42, 8), integer(4096, 5)].join('\n'),
  'hpack-huffman': () => [huffman('www.example.com'), huffman('application/grpc'), huffman('/pi.PiCalculator/Calc'), huffman('307')].join('\n'),
  'hpack-grpc-request': () => blocks([piRequest, piRequest]),
  'hpack-representations': () => blocks([[
    [':method', 'GET'],
    ['custom-key', 'custom-value'],
    ['content-length', '42'],
    ['authorization', 'Bearer t0k3n'],
  ]]),
  'hpack-eviction': () => {
    const encoder = new HpackEncoder({ maxTableSize: 110 });
    const decoder = new HpackDecoder();
    const lists: Array<Array<[string, string]>> = [[['x-first', 'one']], [['x-second', 'two']], [['x-third', 'three']]];
    return lists.map((list, i) => {
      const body = formatAnnotations(annotateFieldBlock(encoder.encode(list), decoder));
      const entries = decoder.table.entries().map(([n, v], j) => `  [${62 + j}] ${n}: ${v}`).join('\n');
      return `block ${i + 1}:\n${body}\ndynamic table (${decoder.table.size} of ${decoder.table.maxSize} octets):\n${entries}`;
    }).join('\n\n');
  },
};

const BLOCK = /(<!-- example: ([a-z0-9-]+) -->\n```text\n)[\s\S]*?^```$/gm;

/** Replaces every `<!-- example: id -->` block of `doc` with the example's current output. */
export async function renderDoc(doc: string): Promise<string> {
  const outputs = new Map<string, string>();
  for (const [, , id] of doc.matchAll(BLOCK)) {
    const example = examples[id!];
    if (!example) throw new Error(`unknown example "${id}"`);
    outputs.set(id!, await example());
  }
  return doc.replace(BLOCK, (_m, open: string, id: string) => `${open}${outputs.get(id)}\n\`\`\``);
}
