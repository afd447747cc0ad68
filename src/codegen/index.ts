// Code generation: .proto files (through protobufjs) or protoc's FileDescriptorProtos in, typed TypeScript modules out.
export { type FileModel, type MessageModel, type EnumModel, type FieldModel, type ServiceModel, type MethodModel } from './model.js';
export { loadProtos, type LoadedProtos } from './proto-files.js';
export { modelsOfDescriptors } from './descriptor-files.js';
export { generate, type GeneratedFile, type GenerateOptions } from './typescript.js';
export { runPlugin } from './plugin.js';
export { descriptorsOf, descriptorsOfRoots, registryOf } from './descriptors.js';
export { protobufJson } from './typescript.js';
