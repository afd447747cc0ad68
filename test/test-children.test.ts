// Every child a test starts on our sources through tsx goes without tap's coverage hooks (test/peers.ts childEnv):
// such a child reports coverage of code transpiled apart from the test's own, under the same file URLs, and tap's
// merge of the two reads as garbage (a CI run once fell to 84.5 % with comment lines counted as missed).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';

const TEST = path.resolve(import.meta.dirname);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The text of each `spawn(process.execPath, …)` call in `text`, up to its closing parenthesis. */
function nodeSpawns(text: string): string[] {
  const calls: string[] = [];
  for (let at = text.indexOf('spawn(process.execPath'); at >= 0; at = text.indexOf('spawn(process.execPath', at + 1)) {
    let depth = 0;
    let end = at + 'spawn'.length;
    for (; end < text.length; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')' && --depth === 0) break;
    }
    calls.push(text.slice(at, end + 1));
  }
  return calls;
}

t.test('the scan finds a call and reads it to its end', async (t) => {
  const calls = nodeSpawns("const a = spawn(process.execPath, ['x'], { env: f(g()) }); spawn(process.execPath, [])");
  t.same(calls, ["spawn(process.execPath, ['x'], { env: f(g()) })", 'spawn(process.execPath, [])']);
});

t.test('each node child of a test runs with childEnv()', async (t) => {
  let seen = 0;
  for (const file of sources(TEST)) {
    if (file === import.meta.filename) continue;
    for (const call of nodeSpawns(readFileSync(file, 'utf8'))) {
      seen++;
      t.match(call, /childEnv\(\)/, `${path.relative(TEST, file)}: ${call.slice(0, 90)}…`);
    }
  }
  t.ok(seen >= 15, `${seen} calls checked`);
});
