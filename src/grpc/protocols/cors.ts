import { headerValue, type HeaderList } from '../../http2/index.js';

// CORS (fetch.spec.whatwg.org#http-cors-protocol) for browsers calling over gRPC-Web or Connect: the preflight
// answered, and every response telling the page which of its headers it may read.

/** The server's `cors` option: which origins' pages may call it over gRPC-Web or Connect, and how. */
export interface CorsOptions {
  /** The origins allowed to call: a list, '*' for any, or a test. */
  origins: readonly string[] | '*' | ((origin: string) => boolean);
  /** Request headers allowed besides those the protocols use (default: any the preflight asks for). */
  allowHeaders?: readonly string[];
  /**
   * Response metadata a page may read besides the protocols' own headers: each name is exposed as it is and as
   * `trailer-NAME`, the form Connect unary gives trailing metadata. Default none (the browser hides them).
   */
  exposeHeaders?: readonly string[];
  /** How long (seconds) a browser may cache a preflight; default 7200. */
  maxAge?: number;
  /** Access-Control-Allow-Credentials: cookies and client certificates come along. */
  credentials?: boolean;
}

/** The response headers a page must be able to read for each protocol's client to work. */
export const EXPOSED_HEADERS = 'grpc-status, grpc-message, grpc-status-details-bin, grpc-encoding, grpc-accept-encoding, connect-content-encoding, connect-accept-encoding, content-encoding, accept-encoding';

const ALLOWED_HEADERS = ['content-type', 'connect-protocol-version', 'connect-timeout-ms', 'connect-content-encoding', 'connect-accept-encoding', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'x-grpc-web', 'x-user-agent'];

export function originAllowed(options: CorsOptions, origin: string): boolean {
  if (options.origins === '*') return true;
  if (typeof options.origins === 'function') return options.origins(origin);
  return options.origins.includes(origin);
}

/** What every response to an allowed origin carries. */
export function corsHeaders(options: CorsOptions | undefined, request: HeaderList): HeaderList {
  const origin = options && headerValue(request, 'origin');
  if (!options || !origin || !originAllowed(options, origin)) return [];
  const out: HeaderList = [['access-control-allow-origin', origin], ['vary', 'origin'], ['access-control-expose-headers', exposedHeaders(options)]];
  if (options.credentials) out.push(['access-control-allow-credentials', 'true']);
  return out;
}

/** Access-Control-Expose-Headers: the protocols' headers, then the application's and their `trailer-` forms. */
function exposedHeaders(options: CorsOptions): string {
  if (!options.exposeHeaders || options.exposeHeaders.length === 0) return EXPOSED_HEADERS;
  const names = options.exposeHeaders.map((h) => h.toLowerCase());
  return [EXPOSED_HEADERS, ...names, ...names.map((h) => `trailer-${h}`)].join(', ');
}

/** The answer to a preflight (OPTIONS with access-control-request-method): 204 with what may come, or 403. */
export function preflight(options: CorsOptions | undefined, request: HeaderList): HeaderList {
  const origin = headerValue(request, 'origin');
  const method = headerValue(request, 'access-control-request-method');
  if (!options || !origin || !originAllowed(options, origin) || (method !== 'POST' && method !== 'GET')) return [[':status', '403']];
  const asked = (headerValue(request, 'access-control-request-headers') ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const allowed = options.allowHeaders ? [...ALLOWED_HEADERS, ...options.allowHeaders.map((h) => h.toLowerCase())] : undefined;
  const headers = allowed ? asked.filter((h) => allowed.includes(h)) : asked;
  const out: HeaderList = [[':status', '204'], ['access-control-allow-origin', origin], ['vary', 'origin'], ['access-control-allow-methods', 'GET, POST']];
  if (headers.length > 0) out.push(['access-control-allow-headers', headers.join(', ')]);
  out.push(['access-control-max-age', String(options.maxAge ?? 7200)]);
  if (options.credentials) out.push(['access-control-allow-credentials', 'true']);
  return out;
}
