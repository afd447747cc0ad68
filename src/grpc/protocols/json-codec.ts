import type { MethodDefinition } from '../schema/index.js';
import type { JsonMapping } from './json-mapping.js';

/**
 * The JSON codec of a server (application/grpc+json, application/grpc-web+json, application/json,
 * application/connect+json): @bufbuild/protobuf's ProtoJSON mapping, loaded by the first JSON request so a server
 * that never gets one does not pay for it, and each method's JSON form made once.
 */
export class JsonCodec {
  private mapping: JsonMapping | undefined;
  private loading: Promise<void> | undefined;
  private readonly methods = new Map<MethodDefinition, MethodDefinition>();
  private readonly clientMethods = new Map<MethodDefinition, MethodDefinition>();

  get ready(): boolean {
    return this.mapping !== undefined;
  }

  load(): Promise<void> {
    return (this.loading ??= import('./json-mapping.js').then(({ JsonMapping }) => {
      this.mapping = new JsonMapping();
    }));
  }

  /** The method as a client calls it over JSON: requests written, responses read as JSON (after load()). */
  clientMethod(method: MethodDefinition): MethodDefinition {
    let json = this.clientMethods.get(method);
    if (!json) this.clientMethods.set(method, (json = this.mapping!.clientMethod(method)));
    return json;
  }

  /** The method reading and writing JSON (after load()). */
  method(method: MethodDefinition): MethodDefinition {
    let json = this.methods.get(method);
    if (!json) this.methods.set(method, (json = this.mapping!.serverMethod(method)));
    return json;
  }
}
