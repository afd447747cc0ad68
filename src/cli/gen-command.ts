import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate, loadProtos } from '../codegen/index.js';
import { UsageError } from './errors.js';

// `h2grpc gen [--out DIR] [-I PATH]... [--runtime MODULE] FILE.proto...`: typed TypeScript modules from .proto files.

export const GEN_USAGE = `usage: h2grpc gen [--out DIR] [-I PATH]... [--runtime MODULE] FILE.proto...

Writes one TypeScript module per .proto file (message interfaces, enums, typed service definitions).
  -o, --out DIR       where to write (default: the current directory); a file's module keeps its path
                      relative to its include path: -I protos protos/shop/cart.proto -> DIR/shop/cart.ts
  -I, --proto_path P  where imports are searched, as with protoc (repeatable; default: the current directory)
  --runtime MODULE    the module generated code imports h2grpc from (default: h2grpc)`;

/** Runs the command; resolves with the exit status. */
export function genCommand(args: string[]): number {
  let out = '.';
  let runtime: string | undefined;
  const includes: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '-o' || arg === '--out') out = value();
    else if (arg.startsWith('--out=')) out = arg.slice(6);
    else if (arg === '-I' || arg === '--proto_path') includes.push(value());
    else if (arg.startsWith('-I')) includes.push(arg.slice(2));
    else if (arg.startsWith('--proto_path=')) includes.push(arg.slice(13));
    else if (arg === '--runtime') runtime = value();
    else if (arg === '-h' || arg === '--help') {
      console.log(GEN_USAGE);
      return 0;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg}`);
    else files.push(arg);
  }
  if (!files.length) throw new UsageError('no .proto files given');
  const loaded = loadProtos(files, includes);
  for (const file of generate(loaded.files, loaded.requested, { runtime })) {
    const target = path.join(out, file.name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    console.log(target);
  }
  return 0;
}
