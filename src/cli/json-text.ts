// JSON text (RFC 8259) read with the position of every value and key, so that a message that does not fit its schema
// can be reported at a line and column. A text may hold several values one after another (a client stream's
// requests, as grpcurl reads them). Duplicate keys in one object are an error, as protobuf's JSON parsers make them.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a value is, and where its members are. */
export interface JsonPosition {
  /** Offset of the value's first character. */
  start: number;
  /** For a member of an object: the offset of its key. */
  keyStart?: number;
  members?: Map<string | number, JsonPosition>;
  /** For a number: its text (a 64-bit integer past 2^53 keeps its exact digits here). */
  raw?: string;
}

export interface JsonDocument {
  value: Json;
  position: JsonPosition;
}

/** A mistake in a JSON text, at an offset. */
export class JsonTextError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

/** "line L, column C" (both from 1) of an offset in text. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Every JSON value in the text, in order (whitespace between them). */
export function parseJsonValues(text: string): JsonDocument[] {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (reason: string, at = i): never => {
    throw new JsonTextError(reason, at);
  };
  const describe = () => (i >= text.length ? 'the end of the text' : `"${text[i]}"`);
  const string = (): string => {
    const start = i;
    i++; // the opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('a string is not closed', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('a \\u escape needs four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail(`"\\${e ?? ''}" is not an escape JSON has`);
        }
      } else if (c.charCodeAt(0) < 0x20) {
        fail('a control character inside a string must be escaped');
      } else {
        out += c;
        i++;
      }
    }
  };
  const value = (): JsonDocument => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const object: { [key: string]: Json } = {};
      const members = new Map<string | number, JsonPosition>();
      ws();
      if (text[i] === '}') {
        i++;
        return { value: object, position: { start, members } };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a key in quotes, found ${describe()}`);
        const keyStart = i;
        const key = string();
        if (members.has(key)) fail(`the key "${key}" appears twice in one object`, keyStart);
        ws();
        if (text[i] !== ':') fail(`expected ":" after the key "${key}", found ${describe()}`);
        i++;
        const member = value();
        object[key] = member.value;
        members.set(key, { ...member.position, keyStart });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { value: object, position: { start, members } };
        }
        fail(`expected "," or "}" in an object, found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const array: Json[] = [];
      const members = new Map<string | number, JsonPosition>();
      ws();
      if (text[i] === ']') {
        i++;
        return { value: array, position: { start, members } };
      }
      for (;;) {
        const item = value();
        members.set(array.length, item.position);
        array.push(item.value);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { value: array, position: { start, members } };
        }
        fail(`expected "," or "]" in an array, found ${describe()}`);
      }
    }
    if (c === '"') return { value: string(), position: { start } };
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { value: v, position: { start } };
      }
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      i += number[0].length;
      return { value: Number(number[0]), position: { start, raw: number[0] } };
    }
    return fail(`expected a JSON value, found ${describe()}`);
  };
  const documents: JsonDocument[] = [];
  for (ws(); i < text.length; ws()) documents.push(value());
  return documents;
}
