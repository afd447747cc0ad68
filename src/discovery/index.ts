// Service discovery on etcd v3: h2grpc's own etcd client, a registrar for servers and the etcd:/// resolver.
export { EtcdClient, LeaseKeeper, prefixEnd, Watcher, type EtcdOptions, type KeyValue, type WatchEvent } from './etcd-client.js';
export { endpointEntry, register, Registrar, type RegisterOptions } from './registrar.js';
export { etcdResolver } from './etcd-resolver.js';
