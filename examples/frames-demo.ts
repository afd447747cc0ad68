// npm run demo:frames: the frames of one gRPC call to pi.PiCalculator/Calc, encoded by h2grpc and decoded
// again octet by octet, without a socket.
import { CLIENT_PREFACE, encodeFrame, type Frame, FrameDecoder, FrameType, frameTypeName, SettingId } from '../src/frames/index.js';
import { HpackDecoder, HpackEncoder } from '../src/hpack/index.js';
import { annotateFieldBlock, annotateFrame, formatAnnotations } from '../src/trace/decode/annotate.js';
import { answerHelp } from './run.js';

answerHelp(import.meta.url);

const hpackOut = new HpackEncoder();
const request: Frame[] = [
  { type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[SettingId.ENABLE_PUSH, 0], [SettingId.INITIAL_WINDOW_SIZE, 1048576]] },
  {
    type: FrameType.HEADERS, streamId: 1, endStream: false, endHeaders: true,
    headerBlock: hpackOut.encode([
      [':method', 'POST'], [':scheme', 'http'], [':path', '/pi.PiCalculator/Calc'], [':authority', '127.0.0.1:8080'],
      ['te', 'trailers'], ['content-type', 'application/grpc'], ['user-agent', 'h2grpc/0.1.0'],
    ]),
  },
  // PiRequest { n: 100 }: protobuf field 1 (varint) = 100, behind gRPC's 5-octet length prefix
  { type: FrameType.DATA, streamId: 1, endStream: true, data: Buffer.from('00000000020864', 'hex') },
];
const wire = Buffer.concat([CLIENT_PREFACE, ...request.map(encodeFrame)]);
console.log(`A client's first ${wire.length} octets of a gRPC call, decoded by a server-side FrameDecoder:\n`);
console.log(`${Buffer.from(CLIENT_PREFACE).toString('hex').replace(/(..)(?!$)/g, '$1 ')}\n  the client preface "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n"\n`);

const decoder = new FrameDecoder({ expectPreface: true });
const hpackIn = new HpackDecoder();
for (let at = 0; at < wire.length; at += 10) {
  decoder.push(wire.subarray(at, at + 10)); // ten octets at a time, as a slow socket might deliver them
  for (let frame = decoder.next(); frame; frame = decoder.next()) {
    console.log(`== ${frameTypeName(frame.type)} on stream ${frame.streamId}`);
    console.log(formatAnnotations(annotateFrame(decoder.lastFrameBytes)));
    if (frame.type === FrameType.HEADERS) {
      console.log('-- its HPACK field block:');
      console.log(formatAnnotations(annotateFieldBlock((frame as { headerBlock: Uint8Array }).headerBlock, hpackIn)));
    }
    if (frame.type === FrameType.DATA) {
      const data = (frame as { data: Uint8Array }).data;
      console.log(`-- gRPC message: compressed flag ${data[0]}, length ${Buffer.from(data).readUInt32BE(1)}, protobuf ${Buffer.from(data.subarray(5)).toString('hex')} = PiRequest { n: ${data[6]} }`);
    }
    console.log();
  }
}
