// The hpack-test-case corpus: every case of every story of every implementation decodes to the expected headers,
// and every story round-trips through our encoder and decoder, one pair per story with state carried along. The part
// kept in the repository always runs; the whole corpus too when ../shared/vectors has it.
import t, { type Test } from 'tap';
import { HpackDecoder, HpackEncoder } from '../src/hpack/index.js';
import { REQUIRE_PEERS } from './peers.js';
import { caseFields, CORPUS, hasCorpus, loadStories, type Story, SUBSET } from './vectors.js';

function checkStories(t: Test, stories: Story[]): void {
  const encoded = stories.filter((s) => s.implementation !== 'raw-data');

  t.test('decode every case of every encoded story', async (t) => {
    let cases = 0;
    for (const story of encoded) {
      const decoder = new HpackDecoder();
      let failed = '';
      for (const c of story.cases) {
        if (c.header_table_size !== undefined) decoder.setMaxTableSize(c.header_table_size);
        try {
          const got = decoder.decode(Buffer.from(c.wire!, 'hex'));
          const want = caseFields(c);
          if (JSON.stringify(got) !== JSON.stringify(want)) failed ||= `case ${c.seqno}: got ${JSON.stringify(got).slice(0, 200)}`;
        } catch (err) {
          failed ||= `case ${c.seqno}: ${(err as Error).message}`;
        }
        cases++;
      }
      t.equal(failed, '', `${story.file} (${story.cases.length} cases)`);
    }
    t.comment(`${cases} cases decoded`);
  });

  t.test('round-trip every story through our encoder and decoder', async (t) => {
    for (const story of stories) {
      const encoder = new HpackEncoder();
      const decoder = new HpackDecoder();
      let failed = '';
      let octets = 0;
      for (const c of story.cases) {
        if (c.header_table_size !== undefined && c.header_table_size !== decoder.table.maxSize) {
          decoder.setMaxTableSize(c.header_table_size);
          encoder.setMaxTableSize(c.header_table_size);
        }
        const want = caseFields(c);
        const block = encoder.encode(want);
        octets += block.length;
        const got = decoder.decode(block);
        if (JSON.stringify(got) !== JSON.stringify(want)) failed ||= `case ${c.seqno}`;
        if (encoder.table.size !== decoder.table.size) failed ||= `case ${c.seqno}: tables differ`;
      }
      t.equal(failed, '', `${story.file}: ${story.cases.length} cases in ${octets} octets`);
    }
  });
}

t.test('the part of hpack-test-case in test/fixtures', async (t) => {
  const stories = loadStories(SUBSET);
  const implementations = new Set(stories.map((s) => s.implementation));
  t.equal(implementations.size, 6, `raw-data and five encoders (${[...implementations].join(', ')})`);
  t.equal(stories.length, 12, 'two stories of each');
  checkStories(t, stories);
});

t.test('the whole corpus (../shared/vectors/hpack-test-case)', async (t) => {
  if (!hasCorpus) {
    if (REQUIRE_PEERS) t.fail(`the HPACK corpus is missing at ${CORPUS}`);
    else t.comment(`SKIP: the whole corpus is not at ${CORPUS}; the part in test/fixtures was checked`);
    return;
  }
  const stories = loadStories(CORPUS);
  const encoded = stories.filter((s) => s.implementation !== 'raw-data');
  t.ok(encoded.length >= 150, `found ${encoded.length} encoded stories`);
  checkStories(t, stories);
});
