// protoc-gen-h2grpc's entry: reads the whole CodeGeneratorRequest from stdin, writes the response to stdout.
import { runPlugin } from '../codegen/index.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
process.stdout.write(runPlugin(Buffer.concat(chunks)));
