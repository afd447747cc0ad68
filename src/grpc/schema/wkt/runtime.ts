// What the generated well-known-type modules use of the runtime (only this: they sit below src/grpc/index.ts).
export { defineFile, type FileDefinition } from '../file-definition.js';
