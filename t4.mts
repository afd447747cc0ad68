import { file_kitchen, KitchenService, type Kitchen } from './test/fixtures/codegen/gen/kitchen.js';
import { loadProto, TO_OBJECT } from './src/index.js';
const m = KitchenService.methods.Echo!;
const empty = m.deserialize(m.serialize({})) as Kitchen;
console.log(empty);
const full = { scalars: { f_int64: '-9007199254740993', f_uint64: 18446744073709551615n.toString(), f_bytes: Buffer.from('hi'), f_bool: true }, mood: 'HAPPY', color: 2, items: [{ name: 'a', count: 3 }], ids: [1, '2'], by_name: { x: { name: 'x' } }, labels: { '5': 'five' }, maybe: 0, point: { x: 1 }, at: { seconds: 1, nanos: 2 }, doc: { fields: { a: { numberValue: 1 } } }, big: { value: '7' }, mask: { paths: ['a.b'] }, value: { stringValue: 's' } };
const bytes = m.serialize(full);
const root = loadProto(['test/fixtures/codegen/kitchen.proto'].map(f => f));
