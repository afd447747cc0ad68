import { fromBinary, fromJsonString, type Registry, toBinary, toJsonString } from '@bufbuild/protobuf';
import type protobuf from 'protobufjs';
import { descriptorsOfRoots, registryOf } from '../../codegen/index.js';
import type { MethodDefinition } from '../schema/index.js';

// ProtoJSON (protobuf.dev/programming-guides/json) for a method's messages, through @bufbuild/protobuf's mapping over
// the schema's descriptors: JSON in is read into the binary form the handler's types decode, and a response is
// encoded in binary, then printed as JSON. Loaded by the first JSON request (json-codec.ts).

/** A registry of every type of one schema root, made once per root. */
export class JsonMapping {
  private readonly registries = new Map<protobuf.Root, Registry>();

  private registry(type: protobuf.Type): Registry {
    let registry = this.registries.get(type.root);
    if (!registry) this.registries.set(type.root, (registry = registryOf(descriptorsOfRoots([type.root]))));
    return registry;
  }

  /** The method with JSON as its wire form on the server's side: requests read as JSON, responses written so. */
  serverMethod(method: MethodDefinition): MethodDefinition {
    const { registry, request, response, text } = this.types(method);
    return {
      ...method,
      deserialize: (data) => {
        const json = text.decode(data);
        return method.deserialize(toBinary(request, fromJsonString(request, json.trim() === '' ? '{}' : json, { registry })));
      },
      serializeResponse: (message) => Buffer.from(toJsonString(response, fromBinary(response, method.serializeResponse(message)), { registry })),
    };
  }

  /** The method with JSON as its wire form on the client's side: requests written as JSON, responses read so. */
  clientMethod(method: MethodDefinition): MethodDefinition {
    const { registry, request, response, text } = this.types(method);
    return {
      ...method,
      serialize: (message) => Buffer.from(toJsonString(request, fromBinary(request, method.serialize(message)), { registry })),
      deserializeResponse: (data) => {
        const json = text.decode(data);
        return method.deserializeResponse(toBinary(response, fromJsonString(response, json.trim() === '' ? '{}' : json, { registry, ignoreUnknownFields: true })));
      },
    };
  }

  private types(method: MethodDefinition) {
    const registry = this.registry(method.requestType);
    const request = registry.getMessage(method.requestType.fullName.slice(1));
    const response = this.registry(method.responseType).getMessage(method.responseType.fullName.slice(1));
    if (!request || !response) throw new Error(`the schema of ${method.path} lacks its message types`);
    return { registry, request, response, text: new TextDecoder('utf-8', { fatal: true }) };
  }
}
