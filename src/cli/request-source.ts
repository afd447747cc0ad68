import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DescMethod } from '@bufbuild/protobuf';
import { LocalError } from './errors.js';
import { JsonTextError, parseJsonValues } from './json-text.js';
import { type MessageFormat, RECORD_SEPARATOR } from './message-format.js';

// The request messages of `call`, from -d: a literal, @FILE, or standard input (@ or @-). A unary or
// server-streaming method takes one message (none is an empty one), all read before the call, and more than one is
// refused as grpcurl refuses it; a client or bidi stream sends each message as soon as standard input completes it.

export interface Requests {
  requests: AsyncIterable<Uint8Array> | Uint8Array[];
  /** The mistake in standard input that ended the stream, if one did (the call then failed for it). */
  failure(): LocalError | undefined;
  /** How many messages went out (so far). */
  count(): number;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text of -d and the name its errors give it. */
function literalOrFile(data: string): { text: string; source: string } {
  if (!data.startsWith('@')) return { text: data, source: '-d' };
  const file = data.slice(1);
  try {
    return { text: readFileSync(file, 'utf8'), source: file };
  } catch {
    throw new LocalError(`-d @${file}: no such file`);
  }
}

export async function requestSource(data: string | undefined, method: DescMethod, messages: MessageFormat): Promise<Requests> {
  const stdin = data === '@' || data === '@-';
  const streaming = method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming';
  if (streaming && stdin) return streamed(method, messages);
  const { text, source } = stdin ? { text: await readStdin(), source: 'standard input' } : literalOrFile(data ?? '');
  const encoded = messages.encode(method.input, text, source);
  if (!streaming) {
    if (encoded.length > 1) {
      const kind = method.methodKind === 'unary' ? 'a unary' : 'a server-streaming';
      throw new LocalError(`${source}: too many input messages: ${method.parent.typeName}/${method.name} is ${kind} method and takes one request, not ${encoded.length}`);
    }
    if (encoded.length === 0) encoded.push(new Uint8Array(0)); // as grpcurl: no input is an empty request
  }
  return { requests: encoded, failure: () => undefined, count: () => encoded.length };
}

/** A client stream's messages from standard input, each sent once it is complete (JSON values, or text up to 0x1E). */
function streamed(method: DescMethod, messages: MessageFormat): Requests {
  let failed: LocalError | undefined;
  let sent = 0;
  const encode = (text: string, source: string) => {
    try {
      const out = messages.encode(method.input, text, source);
      sent += out.length;
      return out;
    } catch (err) {
      failed = err as LocalError;
      throw err;
    }
  };
  async function* json() {
    let pending = '';
    let line = 0;
    let startLine = 1;
    for await (const text of createInterface({ input: process.stdin })) {
      line++;
      if (!pending) startLine = line;
      pending += `${text}\n`;
      try {
        parseJsonValues(pending);
      } catch (err) {
        if (err instanceof JsonTextError && err.offset >= pending.trimEnd().length - 1) continue; // not complete yet
      }
      yield* encode(pending, `standard input (from line ${startLine})`);
      pending = '';
    }
    if (pending.trim()) yield* encode(pending, `standard input (from line ${startLine})`);
  }
  async function* text() {
    let pending = '';
    let index = 0;
    for await (const chunk of process.stdin) {
      pending += (chunk as Buffer).toString('utf8');
      let at: number;
      while ((at = pending.indexOf(RECORD_SEPARATOR)) >= 0) {
        yield* encode(pending.slice(0, at), `standard input (message ${++index})`);
        pending = pending.slice(at + 1);
      }
    }
    // a separator at the very end is followed by one more (empty) message, as grpcurl reads it
    if (pending.trim()) yield* encode(pending, `standard input (message ${++index})`);
    else if (index > 0) {
      sent++;
      yield new Uint8Array(0);
    }
  }
  return { requests: messages.format === 'json' ? json() : text(), failure: () => failed, count: () => sent };
}
