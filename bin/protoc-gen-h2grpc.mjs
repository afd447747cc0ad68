#!/usr/bin/env node
// protoc-gen-h2grpc: the protoc / buf plugin, the same generator as `h2grpc gen`.
await import('../dist/protoc-plugin.js');
