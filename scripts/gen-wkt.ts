// Writes src/grpc/wkt/ from src/codegen/well-known.ts (test/codegen.test.ts checks the files are up to date).
import { writeFileSync } from 'node:fs';
import { wellKnownModules } from '../src/codegen/well-known.js';

for (const file of wellKnownModules()) writeFileSync(new URL(`../src/grpc/wkt/${file.name}`, import.meta.url), file.content);
