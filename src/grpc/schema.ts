import protobuf from 'protobufjs';

/**
 * Messages are plain objects with the field names of the .proto file (protobufjs `keepCase`): `{ n: 100 }`,
 * `{ biz_err_code: 1 }`. 64-bit integers are strings, enums their names, missing scalars their defaults.
 */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

export interface MethodDefinition {
  name: string;
  /** "/package.Service/Method" */
  path: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
  serialize(message: unknown): Uint8Array;
  deserialize(data: Uint8Array): unknown;
  serializeResponse(message: unknown): Uint8Array;
  deserializeResponse(data: Uint8Array): unknown;
}

export interface ServiceDefinition {
  /** "package.Service" */
  name: string;
  methods: Record<string, MethodDefinition>;
  root: protobuf.Root;
}

/** Loads .proto files with protobufjs, keeping the field names as written. */
export function loadProto(files: string | string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

function serializer(type: protobuf.Type): (message: unknown) => Uint8Array {
  return (message) => {
    const object = message instanceof protobuf.Message ? message : type.fromObject(message as Record<string, unknown>);
    return type.encode(object).finish();
  };
}

function deserializer(type: protobuf.Type): (data: Uint8Array) => unknown {
  return (data) => type.toObject(type.decode(data), TO_OBJECT);
}

/** A service of a loaded root, e.g. service(root, 'pi.PiCalculator'). */
export function serviceDefinition(root: protobuf.Root, name: string): ServiceDefinition {
  const service = root.lookupService(name);
  const fullName = service.fullName.replace(/^\./, '');
  const methods: Record<string, MethodDefinition> = {};
  for (const method of service.methodsArray) {
    const requestType = method.resolvedRequestType!;
    const responseType = method.resolvedResponseType!;
    methods[method.name] = {
      name: method.name,
      path: `/${fullName}/${method.name}`,
      requestType,
      responseType,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      serialize: serializer(requestType),
      deserialize: deserializer(requestType),
      serializeResponse: serializer(responseType),
      deserializeResponse: deserializer(responseType),
    };
  }
  return { name: fullName, methods, root };
}

/** loadProto and serviceDefinition in one step. */
export function loadService(files: string | string[], name: string): ServiceDefinition {
  return serviceDefinition(loadProto(files), name);
}
