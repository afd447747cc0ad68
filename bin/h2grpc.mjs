#!/usr/bin/env node
// The h2grpc command: the compiled CLI (npm run build writes dist/; npm install and npm pack run it).
await import('../dist/cli.js');
