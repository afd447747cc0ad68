import { Duplex } from 'node:stream';

/**
 * Two Duplex streams joined back to back: what one writes, the other reads. A client and a server connection can
 * run over it in one process with no socket, which makes runs repeatable (docs, traces, tests).
 */
export function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
      destroy(error, callback) {
        const peer = other();
        if (!peer.destroyed) peer.destroy();
        callback(error);
      },
    });
  sides.push(make(() => sides[1]!), make(() => sides[0]!));
  return [sides[0]!, sides[1]!];
}
