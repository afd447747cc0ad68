import type { HeaderList } from '../../http2/index.js';

// Which protocol a request speaks, from its method and content-type (connect-go and Envoy route the same way), and
// its headers as gRPC over HTTP/2 names them, so the server's one path takes it from there.

export interface Route {
  protocol: 'grpc' | 'grpc-web' | 'connect';
  codec: 'proto' | 'json';
  /** gRPC-Web's text mode: base64 both ways. */
  text: boolean;
  /** Connect unary (POST application/proto or application/json, or GET): the body is the message itself. */
  unary: boolean;
  /** The response's content-type. */
  contentType: string;
}

const GRPC = /^application\/grpc(-web(-text)?)?(\+(proto|json))?$/;
const CONNECT_STREAM = /^application\/connect\+(proto|json)$/;
const CONNECT_UNARY = /^application\/(proto|json)$/;

/** The route of a POST by its content-type (parameters such as charset ignored), or undefined for none we speak. */
export function routeOf(contentType: string): Route | undefined {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  let m = GRPC.exec(type);
  if (m) {
    const codec = m[4] === 'json' ? 'json' : 'proto';
    return { protocol: m[1] ? 'grpc-web' : 'grpc', codec, text: m[2] !== undefined, unary: false, contentType: type };
  }
  if ((m = CONNECT_STREAM.exec(type))) return { protocol: 'connect', codec: m[1] as 'proto' | 'json', text: false, unary: false, contentType: type };
  if ((m = CONNECT_UNARY.exec(type))) return { protocol: 'connect', codec: m[1] as 'proto' | 'json', text: false, unary: true, contentType: type };
  return undefined;
}

/** A Connect GET (connectrpc.com/docs/protocol#unary-get-request): the message and how it is encoded, from the query. */
export interface ConnectGet {
  path: string;
  route: Route;
  message: Uint8Array;
  compression: string | undefined;
}

export function connectGet(pathWithQuery: string): ConnectGet | string {
  const q = pathWithQuery.indexOf('?');
  if (q < 0) return 'a Connect GET carries its message in the query (?message=…&encoding=…)';
  const query = new URLSearchParams(pathWithQuery.slice(q + 1));
  const encoding = query.get('encoding');
  if (encoding !== 'proto' && encoding !== 'json') return `a Connect GET needs encoding=proto or encoding=json, not ${JSON.stringify(encoding)}`;
  const connect = query.get('connect');
  if (connect !== null && connect !== 'v1') return `connect=${connect}: only v1 is known`;
  const text = query.get('message') ?? '';
  const message = query.get('base64') === '1' ? Buffer.from(text, 'base64url') : Buffer.from(text, 'utf8');
  const route: Route = { protocol: 'connect', codec: encoding, text: false, unary: true, contentType: `application/${encoding}` };
  return { path: pathWithQuery.slice(0, q), route, message, compression: query.get('compression') ?? undefined };
}

/** Connect's header names and gRPC's: what each protocol calls the request's compression and the accepted ones. */
const RENAMED = {
  unary: { 'content-encoding': 'grpc-encoding', 'accept-encoding': 'grpc-accept-encoding' } as Record<string, string>,
  stream: { 'connect-content-encoding': 'grpc-encoding', 'connect-accept-encoding': 'grpc-accept-encoding' } as Record<string, string>,
};

/** The request's headers as a gRPC request over HTTP/2 carries them; a string says what is wrong with them. */
export function grpcHeaders(headers: HeaderList, route: Route, get?: ConnectGet): HeaderList | string {
  if (route.protocol !== 'connect') return headers;
  const renamed = route.unary ? RENAMED.unary : RENAMED.stream;
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    if (name === 'content-type') out.push([name, 'application/grpc']);
    else if (name === ':path' && get) out.push([name, get.path]);
    else if (name === 'connect-timeout-ms') {
      // Connect: at most 10 digits of milliseconds; gRPC's grpc-timeout takes 8, so longer ones go in seconds
      if (!/^\d{1,10}$/.test(value)) return `connect-timeout-ms ${JSON.stringify(value)} is not 1 to 10 digits`;
      const ms = Number(value);
      out.push(['grpc-timeout', ms < 1e8 ? `${ms}m` : `${Math.ceil(ms / 1000)}S`]);
    } else if (renamed[name]) out.push([renamed[name]!, value]);
    else if (name === 'connect-protocol-version' || name.startsWith('connect-') || name === 'content-length') continue;
    else if (route.unary && (name === 'grpc-encoding' || name === 'grpc-accept-encoding')) continue;
    else out.push([name, value]);
  }
  if (get?.compression) out.push(['grpc-encoding', get.compression]);
  return out;
}
