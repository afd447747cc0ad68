// A tiny DNS server on 127.0.0.1 for resolver tests (RFC 1035 §4.1): answers A and AAAA queries for one name.
import dgram from 'node:dgram';
import net from 'node:net';

export interface DnsServer {
  port: number;
  queries: number;
  close(): void;
}

/** Answers `name` with `addresses` (A for IPv4 ones, AAAA for IPv6 ones), NXDOMAIN for any other name. */
export async function dnsServer(name: string, addresses: string[]): Promise<DnsServer> {
  const socket = dgram.createSocket('udp4');
  const state: DnsServer = { port: 0, queries: 0, close: () => socket.close() };
  socket.on('message', (query, from) => {
    state.queries++;
    // the question: labels, then QTYPE and QCLASS
    let at = 12;
    const labels: string[] = [];
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
      at += 1 + query[at]!;
    }
    const qtype = query.readUInt16BE(at + 1);
    const question = query.subarray(12, at + 5);
    const family = qtype === 1 ? 4 : qtype === 28 ? 6 : 0;
    const known = labels.join('.').toLowerCase() === name;
    const answers = known ? addresses.filter((a) => net.isIP(a) === family) : [];
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // ID
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, recursion available, NOERROR or NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const records = answers.map((a) => {
      const rdata = family === 4 ? Buffer.from(a.split('.').map(Number)) : ipv6Bytes(a);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6); // TTL
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...records]), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  return state;
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}
