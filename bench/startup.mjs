// Start-up to the first call, as an application pays it: plain node, the compiled package (dist/, `npm run build`)
// or grpc-js with proto-loader, load bench.proto, make one unary call, exit.
//   node bench/startup.mjs ours|grpc-js PORT
const [kind, port] = process.argv.slice(2);
const proto = new URL('./bench.proto', import.meta.url).pathname;
const body = Buffer.alloc(16);
if (kind === 'ours') {
  const { createClient, loadService } = await import('../dist/index.js');
  const client = createClient(`127.0.0.1:${port}`, loadService(proto, 'bench.Bench'));
  await client.Unary({ body });
} else {
  const grpc = await import('@grpc/grpc-js');
  const protoLoader = await import('@grpc/proto-loader');
  const Bench = grpc.loadPackageDefinition(protoLoader.loadSync(proto, { keepCase: true })).bench.Bench;
  const client = new Bench(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  await new Promise((resolve, reject) => client.Unary({ body }, (e, r) => (e ? reject(e) : resolve(r))));
}
process.exit(0);
