// npm run build: src/ compiled to dist/ (tsc -p tsconfig.build.json), then the .proto files the runtime loads copied
// beside the code that loads them. Plain JavaScript, so that it runs where tsx is not installed.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
cpSync(new URL('src/grpc/services/protos', root), new URL('dist/grpc/services/protos', root), { recursive: true });
cpSync(new URL('src/grpc/binlog/protos', root), new URL('dist/grpc/binlog/protos', root), { recursive: true });
cpSync(new URL('src/discovery/protos', root), new URL('dist/discovery/protos', root), { recursive: true });
