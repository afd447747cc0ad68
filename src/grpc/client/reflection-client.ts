import protobuf from 'protobufjs';
import { Client, type ClientOptions } from './client.js';
import type { CallOptions, ClientCall } from './client-call.js';
import { reflectionService } from '../services/index.js';
import { StatusError, Status } from '../call/index.js';

/**
 * Asks a server's reflection service (grpc.reflection.v1) for its services and their schema: a protobufjs root, and
 * the serialized FileDescriptorProtos as the server sent them.
 */
export async function reflect(address: string, options: ClientOptions = {}, callOptions: CallOptions = {}): Promise<{ services: string[]; root: protobuf.Root; files: Uint8Array[] }> {
  // protobufjs's descriptor extension (descriptor.proto's types) is loaded by the first reflect(), not at import
  await import('protobufjs/ext/descriptor/index.js');
  const descriptor = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor;
  const client = new Client(address, reflectionService, options);
  // one deadline for all the questions
  const deadline = callOptions.deadline ?? (callOptions.timeout !== undefined ? Date.now() + callOptions.timeout : undefined);
  try {
    const ask = async (request: Record<string, unknown>) => {
      const call = client.call('ServerReflectionInfo', [request], { ...callOptions, timeout: undefined, deadline }) as ClientCall<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
      for await (const response of call) {
        if (response.error_response) throw new StatusError(response.error_response.error_code, response.error_response.error_message);
        return response;
      }
      throw new StatusError(Status.INTERNAL, 'the reflection service sent no answer');
    };
    const listed = await ask({ list_services: '' });
    const services = (listed.list_services_response.service as Array<{ name: string }>).map((s) => s.name);
    const files = new Map<string, protobuf.Message>();
    const raw = new Map<string, Uint8Array>();
    for (const name of services) {
      const answer = await ask({ file_containing_symbol: name });
      for (const bytes of answer.file_descriptor_response.file_descriptor_proto as Uint8Array[]) {
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
    return { services, root, files: [...raw.values()] };
  } finally {
    client.close();
  }
}
