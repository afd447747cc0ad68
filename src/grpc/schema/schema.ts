import protobuf from 'protobufjs';

/**
 * Messages are plain objects with the field names of the .proto file (protobufjs `keepCase`): `{ n: 100 }`,
 * `{ biz_err_code: 1 }`. 64-bit integers are strings, enums their names, missing scalars their defaults.
 */
export const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, oneofs: true };

/** A method: its path, types, kind, and how its messages are (de)serialized. */
export interface MethodDefinition {
  name: string;
  /** "/package.Service/Method" */
  path: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  requestStream: boolean;
  responseStream: boolean;
  /** `option idempotency_level` (descriptor.proto): Connect serves a GET only for NO_SIDE_EFFECTS. */
  idempotency?: 'NO_SIDE_EFFECTS' | 'IDEMPOTENT';
  serialize(message: unknown): Uint8Array;
  deserialize(data: Uint8Array): unknown;
  serializeResponse(message: unknown): Uint8Array;
  deserializeResponse(data: Uint8Array): unknown;
}

/** A service: its full name, its methods by name, and the protobufjs root its types live in. */
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

const LONG_KEYS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** A field holding (or leading to) a map whose keys are 64-bit integers. */
interface LongKeyPath {
  name: string;
  /** Set when this field is such a map: whether its keys are unsigned. */
  unsigned?: boolean;
  /** How the field holds messages: one, a list, or a map's values. */
  holds: 'one' | 'list' | 'map';
  /** Messages below the field (its values, or the field's own message) that hold such maps. */
  inner?: LongKeyPath[];
}

const isLongKeyMap = (field: protobuf.Field) => field instanceof protobuf.MapField && LONG_KEYS.has(field.keyType);
const messageOf = (field: protobuf.Field) => (field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined);

/**
 * The fields of `type` that lead to maps keyed by 64-bit integers, or undefined if none do. protobufjs's toObject
 * leaves those keys as its internal 8-character hashes; the runtime gives them as decimal strings, like every key.
 */
function longKeyPaths(type: protobuf.Type): LongKeyPath[] | undefined {
  // the types reachable from `type`, then those that hold such a map or lead to one (until nothing changes)
  const reachable = new Set<protobuf.Type>();
  const visit = (t: protobuf.Type) => {
    if (reachable.has(t)) return;
    reachable.add(t);
    for (const field of t.fieldsArray) if (messageOf(field)) visit(messageOf(field)!);
  };
  visit(type);
  const marked = new Set<protobuf.Type>();
  for (let changed = true; changed;) {
    changed = false;
    for (const t of reachable) {
      if (!marked.has(t) && t.fieldsArray.some((f) => isLongKeyMap(f) || (messageOf(f) && marked.has(messageOf(f)!)))) {
        marked.add(t);
        changed = true;
      }
    }
  }
  if (!marked.has(type)) return undefined;
  // the paths of each marked type, shared (a recursive type's paths refer to themselves)
  const built = new Map<protobuf.Type, LongKeyPath[]>();
  const build = (t: protobuf.Type): LongKeyPath[] => {
    let paths = built.get(t);
    if (paths) return paths;
    paths = [];
    built.set(t, paths);
    for (const field of t.fieldsArray) {
      const inner = messageOf(field) && marked.has(messageOf(field)!) ? build(messageOf(field)!) : undefined;
      if (!isLongKeyMap(field) && !inner) continue;
      const path: LongKeyPath = { name: field.name, holds: field.map ? 'map' : field.repeated ? 'list' : 'one', inner };
      if (field instanceof protobuf.MapField && LONG_KEYS.has(field.keyType)) path.unsigned = field.keyType === 'uint64' || field.keyType === 'fixed64';
      paths.push(path);
    }
    return paths;
  };
  return build(type);
}

function fixLongKeys(object: Record<string, unknown>, paths: LongKeyPath[]): void {
  for (const path of paths) {
    const value = object[path.name];
    if (value === null || typeof value !== 'object') continue;
    if (path.unsigned !== undefined) {
      const fixed: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const bits = key.length === 8 && !/^-?\d+$/.test(key) ? protobuf.util.LongBits.fromHash(key) : undefined;
        fixed[bits ? bits.toLong(path.unsigned).toString() : key] = v;
      }
      object[path.name] = fixed;
      if (path.inner) for (const v of Object.values(fixed)) if (v && typeof v === 'object') fixLongKeys(v as Record<string, unknown>, path.inner);
    } else if (path.inner) {
      const items = path.holds === 'one' ? [value] : path.holds === 'list' ? (value as unknown[]) : Object.values(value);
      for (const item of items) if (item && typeof item === 'object') fixLongKeys(item as Record<string, unknown>, path.inner);
    }
  }
}

function deserializer(type: protobuf.Type): (data: Uint8Array) => unknown {
  const paths = longKeyPaths(type);
  if (!paths) return (data) => type.toObject(type.decode(data), TO_OBJECT);
  return (data) => {
    const object = type.toObject(type.decode(data), TO_OBJECT);
    fixLongKeys(object, paths);
    return object;
  };
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
      ...idempotency(method.options?.['idempotency_level']),
      serialize: serializer(requestType),
      deserialize: deserializer(requestType),
      serializeResponse: serializer(responseType),
      deserializeResponse: deserializer(responseType),
    };
  }
  return { name: fullName, methods, root };
}

function idempotency(level: unknown): Pick<MethodDefinition, 'idempotency'> {
  return level === 'NO_SIDE_EFFECTS' || level === 'IDEMPOTENT' ? { idempotency: level } : {};
}

/** loadProto and serviceDefinition in one step. */
export function loadService(files: string | string[], name: string): ServiceDefinition {
  return serviceDefinition(loadProto(files), name);
}

/**
 * A ServiceDefinition whose schema is loaded on first use: the services the library ships (health, reflection) cost
 * nothing at import, which is most of a program's start-up otherwise.
 */
export function lazyService(name: string, load: () => ServiceDefinition): ServiceDefinition {
  let loaded: ServiceDefinition | undefined;
  const get = () => (loaded ??= load());
  return {
    name,
    get methods() {
      return get().methods;
    },
    get root() {
      return get().root;
    },
  };
}
