import { fileURLToPath } from 'node:url';
import { lazyService, loadService } from '../schema/index.js';

// gRFC A14 channelz: grpc.channelz.v1.Channelz as grpc-proto ships it (grpc/channelz/v1/channelz.proto). The
// handlers that answer it live with the data they read, in channelz/.

/** The path of channelz.proto (grpc.channelz.v1) as shipped. */
export const CHANNELZ_PROTO = fileURLToPath(new URL('./protos/channelz.proto', import.meta.url));
/** grpc.channelz.v1.Channelz, for server.addService(channelzService, channelzHandlers(registry)). */
export const channelzService = lazyService('grpc.channelz.v1.Channelz', () => loadService(CHANNELZ_PROTO, 'grpc.channelz.v1.Channelz'));
