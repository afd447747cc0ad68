#!/usr/bin/env node
// The h2grpc command: runs src/cli/main.ts through tsx (the project has no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
