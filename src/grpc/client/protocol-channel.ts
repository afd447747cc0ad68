import type { HeaderList } from '../../http2/index.js';
import type { CallTransport, ClientStream, ClientStreamHandler } from '../call/index.js';
import type { Channel } from '../channel/index.js';
import { ClientConnectStream, ClientConnectUnaryStream, ClientGrpcJsonStream, ClientGrpcWebStream, type ClientTranslation, JsonCodec } from '../protocols/index.js';
import type { MethodDefinition } from '../schema/index.js';
import type { CallChannel } from './call-config.js';

/** The protocols a client speaks: gRPC (HTTP/2 only), gRPC-Web and Connect (HTTP/2 or HTTP/1.1). */
export type ClientProtocol = 'grpc' | 'grpc-web' | 'connect';

const HALF_DUPLEX_HINT = ' (a bidirectional call over HTTP/1.1 is half-duplex, and some servers refuse it: connect-es answers 505 and closes)';

/** The handler, with `hint` added to why its stream was reset. */
function hinted(handler: ClientStreamHandler, hint: string): ClientStreamHandler {
  return {
    onHeaders: (stream, headers, endStream) => handler.onHeaders(stream, headers, endStream),
    onData: (stream, data, endStream) => handler.onData(stream, data, endStream),
    onReset: (stream, code, reason, retryable) => handler.onReset(stream, code, reason + hint, retryable),
    onClose: (stream) => handler.onClose?.(stream),
    onDrain: (stream) => handler.onDrain?.(stream),
  };
}

/** What a client's calls of one method need when they do not speak gRPC with proto: their channel and their method. */
export interface ProtocolPath {
  channel: CallChannel;
  method: MethodDefinition;
}

/**
 * A client's calls seen through gRPC-Web, Connect or gRPC with JSON, the client's twin of the server's protocol
 * router: each call still speaks gRPC over HTTP/2, to a translating stream (protocols/client-*.ts) opened on the
 * channel's transport in its place. Made once per method: the stream to open (Connect unary or streaming, GET for a
 * method without side effects when asked), and with JSON the method whose serializers write and read ProtoJSON, its
 * mapping loaded before the first call of any method is sent. gRPC with proto never comes here.
 */
export class ProtocolCalls {
  private readonly paths = new Map<MethodDefinition, ProtocolPath>();
  private readonly json: JsonCodec | undefined;

  constructor(
    private readonly channel: Channel,
    private readonly protocol: ClientProtocol,
    private readonly codec: 'proto' | 'json',
    private readonly useGet: boolean,
    /** Bounds a Connect unary body, a trailer envelope and an end-of-stream message as it bounds a message. */
    private readonly maxReceiveMessageLength: number,
    private readonly httpVersion: '2' | '1.1',
  ) {
    this.json = codec === 'json' ? new JsonCodec() : undefined;
  }

  /** The channel and method of a method's calls. */
  path(method: MethodDefinition, noSideEffects: boolean): ProtocolPath {
    let path = this.paths.get(method);
    if (!path) this.paths.set(method, (path = this.make(method, noSideEffects)));
    return path;
  }

  private make(method: MethodDefinition, noSideEffects: boolean): ProtocolPath {
    const unary = !method.requestStream && !method.responseStream;
    const { channel, protocol, codec, json } = this;
    const get = unary && protocol === 'connect' && this.useGet && noSideEffects;
    const max = this.maxReceiveMessageLength;
    // over HTTP/1.1 a bidi call is half-duplex; a server that refuses it (connect-es answers 505 and closes) is named
    const hint = method.requestStream && method.responseStream && this.httpVersion === '1.1' ? HALF_DUPLEX_HINT : undefined;
    const translation = (given: ClientStreamHandler): ClientTranslation => {
      const handler = hint ? hinted(given, hint) : given;
      if (protocol === 'grpc') return new ClientGrpcJsonStream(handler);
      if (protocol === 'grpc-web') return new ClientGrpcWebStream(handler, codec, max);
      return unary ? new ClientConnectUnaryStream(handler, codec, max, get) : new ClientConnectStream(handler, codec, max);
    };
    const callChannel: CallChannel = {
      authority: channel.authority,
      scheme: channel.scheme,
      async getTransport(waitForReady?: boolean): Promise<CallTransport> {
        if (json && !json.ready) await json.load();
        const transport = await channel.getTransport(waitForReady);
        return {
          get acceptingStreams() {
            return transport.acceptingStreams;
          },
          socket: transport.socket,
          request: (headers: HeaderList, handler: ClientStreamHandler): ClientStream => translation(handler).open(transport, headers),
        };
      },
    };
    if (!json) return { channel: callChannel, method };
    // the serializers are asked for only after getTransport, so the mapping has loaded by then
    return {
      channel: callChannel,
      method: {
        ...method,
        serialize: (message) => json.clientMethod(method).serialize(message),
        deserializeResponse: (data) => json.clientMethod(method).deserializeResponse(data),
      },
    };
  }
}
