import { runConformance } from './test/conformance/run.js';
const r = await runConformance({ impl: 'h2grpc', mode: 'client' });
console.log(r.total, r.passed, r.failed, r.couldNotRun, r.exitCode, r.seconds);
for (const f of r.failures.slice(0, 20)) console.log(f.name, f.detail);
