// Our side of every benchmark runs from the compiled package (dist/, `npm run build`; the suite builds it first), as
// an application runs it and as grpc-js runs: plain JavaScript. (Run from the sources through tsx, every closure
// also carries a `name` property that tsx's keepNames adds, which inflates heap and CPU figures.)
export { type Client, createClient, loadService, Server, type ServerCall } from '../dist/index.js';
