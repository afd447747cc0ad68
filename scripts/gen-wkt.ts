// Writes src/grpc/schema/wkt/ from src/codegen/well-known.ts (test/codegen.test.ts checks the files are up to date).
import { writeFileSync } from 'node:fs';
import { wellKnownModules } from '../src/codegen/well-known.js';

for (const file of wellKnownModules()) writeFileSync(new URL(`../src/grpc/schema/wkt/${file.name}`, import.meta.url), file.content);
