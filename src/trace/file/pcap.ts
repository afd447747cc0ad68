// A trace as a pcap file: the connection's octets in synthetic TCP/IPv4 segments (with a handshake and a close), so
// that Wireshark and tshark decode it as HTTP/2 and gRPC (decode the server port as HTTP/2).
import { entryOctets, type TraceEntry, type TraceHeader } from './trace-file.js';

const LINKTYPE_RAW = 101; // IPv4 packets with no link-layer header

interface Endpoint { ip: number[]; port: number }

function parseEndpoint(text: string | undefined, fallback: Endpoint): Endpoint {
  const m = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(text ?? '');
  return m ? { ip: m.slice(1, 5).map(Number), port: Number(m[5]) } : fallback;
}

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i < buf.length; i += 2) sum += (buf[i]! << 8) | (buf[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function segment(from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(from.port, 0);
  tcp.writeUInt16BE(to.port, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4; // header of 5 words
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14); // window
  const pseudo = Buffer.concat([Buffer.from(from.ip), Buffer.from(to.ip), Buffer.from([0, 6]), Buffer.alloc(2), tcp, payload]);
  pseudo.writeUInt16BE(20 + payload.length, 10);
  tcp.writeUInt16BE(checksum(pseudo), 16);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64; // TTL
  ip[9] = 6; // TCP
  Buffer.from(from.ip).copy(ip, 12);
  Buffer.from(to.ip).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  return Buffer.concat([ip, tcp, payload]);
}

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

/** The pcap file for a trace. The server is at `local` or `remote` of the header depending on the role. */
export function traceToPcap(header: TraceHeader, entries: TraceEntry[]): Buffer {
  const localIsClient = header.role === 'client';
  const here = parseEndpoint(header.local, { ip: [127, 0, 0, 1], port: localIsClient ? 50000 : 8080 });
  const there = parseEndpoint(header.remote, { ip: [127, 0, 0, 1], port: localIsClient ? 8080 : 50000 });
  const client = localIsClient ? here : there;
  const server = localIsClient ? there : here;
  const start = Date.parse(header.started) || 0;
  const packets: Array<{ t: number; data: Buffer }> = [];
  let clientSeq = 1000;
  let serverSeq = 5000;
  const push = (t: number, data: Buffer) => packets.push({ t, data });
  // the three-way handshake, so that dissectors see the connection open
  push(0, segment(client, server, clientSeq - 1, 0, SYN, Buffer.alloc(0)));
  push(0, segment(server, client, serverSeq - 1, clientSeq, SYN | ACK, Buffer.alloc(0)));
  push(0, segment(client, server, clientSeq, serverSeq, ACK, Buffer.alloc(0)));
  let last = 0;
  for (const entry of entries) {
    const payload = entryOctets(entry);
    const fromClient = (entry.dir === 'out') === localIsClient;
    if (fromClient) {
      push(entry.t, segment(client, server, clientSeq, serverSeq, PSH | ACK, payload));
      clientSeq += payload.length;
    } else {
      push(entry.t, segment(server, client, serverSeq, clientSeq, PSH | ACK, payload));
      serverSeq += payload.length;
    }
    last = entry.t;
  }
  push(last, segment(client, server, clientSeq, serverSeq, FIN | ACK, Buffer.alloc(0)));
  push(last, segment(server, client, serverSeq, clientSeq + 1, FIN | ACK, Buffer.alloc(0)));
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(262144, 16); // snaplen
  global.writeUInt32LE(LINKTYPE_RAW, 20);
  const records = packets.map(({ t, data }) => {
    const ms = start + t;
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(ms / 1000), 0);
    record.writeUInt32LE(Math.floor((ms % 1000) * 1000), 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    return Buffer.concat([record, data]);
  });
  return Buffer.concat([global, ...records]);
}

/** The server's port in the pcap (for `tshark -d tcp.port==PORT,http2`). */
export function serverPort(header: TraceHeader): number {
  const localIsClient = header.role === 'client';
  return parseEndpoint(localIsClient ? header.remote : header.local, { ip: [], port: 8080 }).port;
}
