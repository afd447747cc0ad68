// For the docs' recorded calls over an in-memory pair: their frames move a turn of the event loop at a time, with
// no timer involved, so "nothing new for three turns" means the conversation is over, however busy the machine.

/** Resolves once `progress()` (a count of what was recorded) has not changed for three turns of the event loop. */
export async function settled(progress: () => number, maxTurns = 100_000): Promise<void> {
  let last = progress();
  let still = 0;
  for (let turn = 0; turn < maxTurns && still < 3; turn++) {
    await new Promise((r) => setImmediate(r));
    const now = progress();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
