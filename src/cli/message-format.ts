import { createRegistry, type DescMessage, fromBinary, type JsonValue, type Message, type Registry, toBinary } from '@bufbuild/protobuf';
import { fromText, toText } from '@bufbuild/protobuf/txtpb';
import { EmptySchema } from '@bufbuild/protobuf/wkt';
import { descriptorsOfRoots, registryOf } from '../codegen/index.js';
import { richStatusRoot, statusName, type StatusError } from '../grpc/index.js';
import type { HeaderList } from '../http2/index.js';
import { LocalError } from './errors.js';
import { ProtoJson, type ProtoJsonOptions, template } from './proto-json.js';

// Messages in and out in the format --format names: ProtoJSON (json, the default) or protobuf's text format (text,
// several messages separated by the record separator 0x1E, as grpcurl reads and writes them); --msg-template; and a
// status from the server (ERROR: … or --format-error) with its details (google.rpc.Status in
// grpc-status-details-bin) in the same format: "fieldViolations", "2s", as grpcurl prints them.

/** grpcurl's separator of text-format messages. */
export const RECORD_SEPARATOR = '\x1e';

let rpcRegistry: Registry | undefined;

/** google.rpc.Status and the standard error details, with the well-known types they use. */
function rpcTypes(): Registry {
  rpcRegistry ??= registryOf(descriptorsOfRoots([richStatusRoot()]));
  return rpcRegistry;
}

export class MessageFormat {
  private readonly json: ProtoJson;
  /** The schema's types and google.rpc's: what details and Any fields may name. */
  private readonly registry: Registry;
  private printed = 0;

  constructor(
    schema: Registry,
    readonly format: 'json' | 'text',
    private readonly options: ProtoJsonOptions & { separators?: boolean } = {},
  ) {
    this.registry = createRegistry(rpcTypes(), EmptySchema, schema);
    this.json = new ProtoJson(this.registry, options);
  }

  /** Every message of `text` (-d, a file, standard input) encoded; `source` names it in errors. */
  encode(desc: DescMessage, text: string, source: string): Uint8Array[] {
    if (this.format === 'json') return this.json.encode(desc, text, source);
    if (text.trim() === '') return [];
    return text.split(RECORD_SEPARATOR).map((part, i, all) => {
      try {
        return toBinary(desc, fromText(desc, part, { registry: this.registry }));
      } catch (err) {
        const which = all.length > 1 ? ` (message ${i + 1})` : '';
        throw new LocalError(`${source}${which}: not a ${desc.typeName} in text format: ${(err as Error).message}`);
      }
    });
  }

  /** One response message for standard output. In text format, each after the first behind a record separator. */
  decode(desc: DescMessage, bytes: Uint8Array): string {
    if (this.format === 'json') return this.json.decode(desc, bytes);
    const text = this.text(desc, fromBinary(desc, bytes));
    return this.options.separators && this.printed++ > 0 ? `${RECORD_SEPARATOR}${text}` : text;
  }

  /** --msg-template: every field of `desc`, defaults shown. */
  template(desc: DescMessage): string {
    const message = template(desc, this.registry);
    if (this.format === 'text') return this.text(desc, message);
    return JSON.stringify(new ProtoJson(this.registry, { emitDefaults: true }).jsonOf(desc, message), null, 2);
  }

  private text(desc: DescMessage, message: Message): string {
    return toText(desc, message, { registry: this.registry }).replace(/\n$/, '');
  }

  /**
   * A status from the server as grpcurl prints it: `ERROR:` with Code, Message and each detail numbered, or (with
   * --format-error) the google.rpc.Status itself. Details are read from the trailers the call received.
   */
  status(err: StatusError, trailers: HeaderList | undefined, formatError: boolean): string {
    const desc = this.registry.getMessage('google.rpc.Status')!;
    const anyDesc = this.registry.getMessage('google.protobuf.Any')!;
    const raw = trailers?.find(([k]) => k === 'grpc-status-details-bin')?.[1];
    let status: Message & { details: Array<Message & { typeUrl: string; value: Uint8Array }> } | undefined;
    if (raw !== undefined) {
      try {
        status = fromBinary(desc, Buffer.from(raw, 'base64')) as typeof status;
      } catch {
        status = undefined; // not a google.rpc.Status: the code and message of the trailers alone
      }
    }
    const details = status?.details ?? [];
    const detailJson = (any: Message & { typeUrl: string; value: Uint8Array }): JsonValue => {
      try {
        return this.json.jsonOf(anyDesc, any);
      } catch {
        const name = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
        return { '@type': any.typeUrl, '@error': `${name} is not recognized; see @value for raw binary message data`, '@value': Buffer.from(any.value).toString('base64') };
      }
    };
    const detailText = (any: Message & { typeUrl: string; value: Uint8Array }): string => {
      if (this.format === 'text') return this.text(anyDesc, any);
      return JSON.stringify(detailJson(any), null, 2);
    };
    if (formatError) {
      if (this.format === 'text') {
        const lines = [`code: ${err.code}`];
        if (err.details) lines.push(`message: ${JSON.stringify(err.details)}`);
        for (const d of details) lines.push('details: {', ...this.text(anyDesc, d).split('\n').map((l) => `  ${l}`), '}');
        return lines.join('\n');
      }
      const out: { [key: string]: JsonValue } = { code: err.code };
      if (err.details || this.options.emitDefaults) out.message = err.details;
      if (details.length || this.options.emitDefaults) out.details = details.map(detailJson);
      return JSON.stringify(out, null, 2);
    }
    const lines = [`ERROR:`, `  Code: ${statusName(err.code)}`, `  Message: ${err.details}`];
    if (details.length) {
      lines.push('  Details:');
      details.forEach((d, i) => {
        const prefix = `  ${i + 1})`;
        detailText(d).split('\n').forEach((line, n) => lines.push(`${n === 0 ? prefix : ' '.repeat(prefix.length)}\t${line}`));
      });
    } else if (err.errorDetails.length) {
      // details decoded by the client without trailers to read them from (reflection's own calls)
      lines.push('  Details:', ...err.errorDetails.map((d, i) => `  ${i + 1})\t${JSON.stringify(d)}`));
    }
    return lines.join('\n');
  }
}
