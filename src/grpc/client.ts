import { Channel, type ChannelOptions } from './channel.js';
import { type CallOptions, UnaryCall, type UnaryResult } from './client-call.js';
import { deadlineFrom } from './deadline.js';
import { DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH } from './message.js';
import type { MethodDefinition, ServiceDefinition } from './schema.js';
import { Status, StatusError } from './status.js';

export interface ClientOptions extends ChannelOptions {
  /** Largest response message accepted. Default 4 MiB. */
  maxReceiveMessageLength?: number;
  /** Largest request message sent. Default unlimited. */
  maxSendMessageLength?: number;
}

/** A stub method: `await client.Calc({ n: 100 }, { timeout: 1000 })`. */
export type StubMethod = (request: any, options?: CallOptions) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A client for one service at one address. Its stub methods are made at run time from the loaded service, one per
 * rpc, named as in the .proto file.
 */
export class Client {
  readonly channel: Channel;

  constructor(
    address: string,
    readonly service: ServiceDefinition,
    private readonly options: ClientOptions = {},
  ) {
    this.channel = new Channel(address, options);
    for (const [name, method] of Object.entries(service.methods)) {
      if (name in this) continue; // never shadow the client's own members
      Object.defineProperty(this, name, {
        value: (request: unknown, callOptions?: CallOptions) => this.unaryCall(method, request, callOptions).then((r) => r.message),
        enumerable: true,
      });
    }
  }

  /** A unary call by method name, resolving with the message and the response's headers and trailers. */
  unary<Res = unknown>(methodName: string, request: unknown, options: CallOptions = {}): Promise<UnaryResult<Res>> {
    const method = this.service.methods[methodName];
    if (!method) return Promise.reject(new StatusError(Status.UNIMPLEMENTED, `${this.service.name} has no method ${methodName}`));
    return this.unaryCall<Res>(method, request, options);
  }

  private unaryCall<Res>(method: MethodDefinition, request: unknown, options: CallOptions = {}): Promise<UnaryResult<Res>> {
    if (method.requestStream || method.responseStream) {
      return Promise.reject(new StatusError(Status.UNIMPLEMENTED, `${method.path} is a streaming method; this client makes unary calls only so far`));
    }
    let bytes: Uint8Array;
    try {
      bytes = method.serialize(request);
    } catch (err) {
      return Promise.reject(new StatusError(Status.INTERNAL, `request does not serialize as ${method.requestType.name}: ${(err as Error).message}`));
    }
    const max = this.options.maxSendMessageLength ?? Infinity;
    if (bytes.length > max) {
      return Promise.reject(new StatusError(Status.RESOURCE_EXHAUSTED, `request message of ${bytes.length} octets is larger than the limit of ${max}`));
    }
    const call = new UnaryCall<Res>(this.channel, method, bytes, options, deadlineFrom(options), this.options.maxReceiveMessageLength ?? DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH);
    return call.promise;
  }

  close(): void {
    this.channel.close();
  }
}

/**
 * A client with one stub per method. The service is only known at run time, so name the methods for the type
 * checker if you like: `createClient<'Calc'>(address, piService)`.
 */
export type ServiceClient<M extends string = string> = Client & Record<M, StubMethod>;

export function createClient<M extends string = string>(address: string, service: ServiceDefinition, options?: ClientOptions): ServiceClient<M> {
  return new Client(address, service, options) as ServiceClient<M>;
}
