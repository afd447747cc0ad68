import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor/index.js';
import { modelsOfDescriptors } from './descriptor-files.js';
import { generate } from './typescript.js';

// protoc-gen-h2grpc: protoc's plugin protocol (google/protobuf/compiler/plugin.proto). A CodeGeneratorRequest comes in on
// stdin, a CodeGeneratorResponse goes out on stdout; the files are what `h2grpc gen` writes for the same .proto files.

const descriptorTypes = (protobuf as unknown as { descriptor: Record<string, protobuf.Type> }).descriptor;

/** CodeGeneratorResponse.Feature.FEATURE_PROTO3_OPTIONAL: we handle proto3 `optional`. */
const FEATURE_PROTO3_OPTIONAL = 1;

interface CodeGeneratorRequest {
  fileToGenerate: string[];
  parameter: string;
  protoFile: unknown[];
}

/** CodeGeneratorRequest: file_to_generate = 1, parameter = 2, proto_file = 15 (compiler_version, 3, is skipped). */
function decodeRequest(input: Uint8Array): CodeGeneratorRequest {
  const reader = protobuf.Reader.create(input);
  const request: CodeGeneratorRequest = { fileToGenerate: [], parameter: '', protoFile: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1) request.fileToGenerate.push(reader.string());
    else if (field === 2) request.parameter = reader.string();
    else if (field === 15) {
      const file = descriptorTypes.FileDescriptorProto!.decode(reader.bytes());
      request.protoFile.push(descriptorTypes.FileDescriptorProto!.toObject(file, { enums: String }));
    } else reader.skipType(tag & 7);
  }
  return request;
}

/** CodeGeneratorResponse: error = 1, supported_features = 2, file = 15 { name = 1, content = 15 }. */
function encodeResponse(response: { error?: string; files: Array<{ name: string; content: string }> }): Uint8Array {
  const writer = protobuf.Writer.create();
  if (response.error !== undefined) writer.uint32((1 << 3) | 2).string(response.error);
  writer.uint32(2 << 3).uint64(FEATURE_PROTO3_OPTIONAL);
  for (const file of response.files) {
    writer.uint32((15 << 3) | 2).fork();
    writer.uint32((1 << 3) | 2).string(file.name);
    writer.uint32((15 << 3) | 2).string(file.content);
    writer.ldelim();
  }
  return writer.finish();
}

/** Options as protoc passes them (`--h2grpc_opt=runtime=../src/index.js`, buf's `opt:`): comma-separated k=v. */
function parseParameter(parameter: string): { runtime?: string } {
  const options: { runtime?: string } = {};
  for (const pair of parameter.split(',').filter(Boolean)) {
    const [key, value] = pair.split('=', 2).map((s) => s.trim());
    if (key === 'runtime' && value) options.runtime = value;
    else throw new Error(`unknown option "${pair}" (protoc-gen-h2grpc takes runtime=MODULE)`);
  }
  return options;
}

/** One plugin run: request octets in, response octets out (errors are reported in the response, as protoc asks). */
export function runPlugin(input: Uint8Array): Uint8Array {
  try {
    const request = decodeRequest(input);
    const options = parseParameter(request.parameter);
    const files = generate(modelsOfDescriptors(request.protoFile), request.fileToGenerate, options);
    return encodeResponse({ files });
  } catch (err) {
    return encodeResponse({ error: (err as Error).message, files: [] });
  }
}
