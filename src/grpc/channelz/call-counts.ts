/**
 * gRFC A14: the calls of a channel, subchannel or server: started, and of those ended, how many with OK and how many
 * with another status; when the last one started (Date.now() ms, 0 before the first).
 */
export class CallCounts {
  callsStarted = 0;
  callsSucceeded = 0;
  callsFailed = 0;
  lastCallStarted = 0;

  started(): void {
    this.callsStarted++;
    this.lastCallStarted = Date.now();
  }

  ended(code: number): void {
    if (code === 0) this.callsSucceeded++;
    else this.callsFailed++;
  }
}
