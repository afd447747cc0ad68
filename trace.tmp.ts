import { runConformance } from './test/conformance/run.js';
const r = await runConformance({ impl: 'h2grpc', mode: 'client', config: 'h2grpc-client-protocols.yaml', run: process.argv.slice(2), trace: true });
console.log(r.output.slice(0, 8000));
