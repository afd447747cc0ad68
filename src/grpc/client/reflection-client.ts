import protobuf from 'protobufjs';
import { Client, type ClientOptions } from './client.js';
import type { CallOptions, ClientCall } from './client-call.js';
import { reflectionService, reflectionV1alphaService } from '../services/index.js';
import { StatusError, Status } from '../call/index.js';

type Reflected = { services: string[]; root: protobuf.Root; files: Uint8Array[] };

/** How long the stream's status is awaited once every answer is in; a server that does not end it is cancelled. */
const STATUS_AFTER_ANSWERS_MS = 1000;

/**
 * Asks a server's reflection service (grpc.reflection.v1, or v1alpha when v1 is UNIMPLEMENTED: grpc-go before 1.45
 * serves only v1alpha) for its services and their schema: a protobufjs root, and the serialized
 * FileDescriptorProtos as the server sent them.
 */
export async function reflect(address: string, options: ClientOptions = {}, callOptions: CallOptions = {}): Promise<Reflected> {
  // protobufjs's descriptor extension (descriptor.proto's types) is loaded by the first reflect(), not at import
  await import('protobufjs/ext/descriptor/index.js');
  // one deadline for all the questions, v1alpha's too when v1 is refused
  const deadline = callOptions.deadline ?? (callOptions.timeout !== undefined ? Date.now() + callOptions.timeout : undefined);
  const asked = { ...callOptions, timeout: undefined, deadline };
  // closed at the end only: a client closes its channel, which may be the one `options` shares
  const clients = [new Client(address, reflectionService, options)];
  try {
    return await reflectWith(clients[0]!, asked);
  } catch (err) {
    if (!(err instanceof StatusError && err.code === Status.UNIMPLEMENTED)) throw err;
    clients.push(new Client(address, reflectionV1alphaService, options));
    return await reflectWith(clients[1]!, asked);
  } finally {
    for (const client of clients) client.close();
  }
}

/**
 * The questions to one reflection service on one stream, as grpcurl asks them (ServerReflectionInfo is a
 * bidirectional stream: one answer per request, in order): the list of services, then the file of each.
 */
async function reflectWith(client: Client, callOptions: CallOptions): Promise<Reflected> {
  const descriptor = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor;
  let listed: (services: string[]) => void = () => {};
  const servicesListed = new Promise<string[]>((resolve) => (listed = resolve));
  async function* questions() {
    yield { list_services: '' };
    for (const name of await servicesListed) yield { file_containing_symbol: name };
  }
  const call = client.call('ServerReflectionInfo', questions(), callOptions) as ClientCall<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const answers = call[Symbol.asyncIterator]();
  const answer = async () => {
    const next = await answers.next();
    if (next.done) throw new StatusError(Status.INTERNAL, 'the reflection service sent fewer answers than it was asked for');
    const response = next.value;
    if (response.error_response) throw new StatusError(response.error_response.error_code, response.error_response.error_message);
    return response;
  };
  try {
    const services = ((await answer()).list_services_response.service as Array<{ name: string }>).map((s) => s.name);
    listed(services);
    const files = new Map<string, protobuf.Message>();
    const raw = new Map<string, Uint8Array>();
    for (let i = 0; i < services.length; i++) {
      for (const bytes of (await answer()).file_descriptor_response.file_descriptor_proto as Uint8Array[]) {
        const file = descriptor.FileDescriptorProto!.decode(bytes) as protobuf.Message & { name: string };
        if (!files.has(file.name)) {
          files.set(file.name, file);
          raw.set(file.name, bytes);
        }
      }
    }
    const set = descriptor.FileDescriptorSet!.create({ file: [...files.values()] });
    const root = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
    root.resolveAll();
    // the stream's status after the last answer, awaited a short while: the answers are all in, so its outcome
    // (or anything more the server sends) changes nothing; a stream not ended by then is cancelled below
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([answers.next().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, STATUS_AFTER_ANSWERS_MS)))]);
    clearTimeout(timer);
    return { services, root, files: [...raw.values()] };
  } finally {
    // the questions end (a failed list leaves none to ask); a stream not yet ended is cancelled (RST_STREAM CANCEL)
    listed([]);
    call.cancel();
    await answers.return(undefined).catch(() => {});
  }
}
