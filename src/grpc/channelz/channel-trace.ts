/** gRFC A14 ChannelTraceEvent.Severity. */
export type TraceSeverity = 'CT_INFO' | 'CT_WARNING' | 'CT_ERROR';

/** A subchannel or channel an event is about (ChannelTraceEvent's child_ref). */
export interface ChildRef {
  kind: 'channel' | 'subchannel';
  id: number;
  name: string;
}

/** One event of a trace: what happened, how bad, when (Date.now() ms), and the child it concerns, if one. */
export interface TraceEvent {
  description: string;
  severity: TraceSeverity;
  timestamp: number;
  child?: ChildRef;
}

/**
 * gRFC A14 ChannelTrace: the recent events of a channel or subchannel (created, its connectivity changes, children
 * created and deleted). Only the last `max` are kept (a ring: memory stays bounded however long the channel lives);
 * `logged` counts every one, as num_events_logged.
 */
export class ChannelTrace {
  readonly created = Date.now();
  logged = 0;
  private readonly ring: TraceEvent[] = [];
  private next = 0;

  constructor(private readonly max: number) {}

  add(description: string, severity: TraceSeverity = 'CT_INFO', child?: ChildRef): void {
    this.logged++;
    if (this.max <= 0) return;
    const event: TraceEvent = { description, severity, timestamp: Date.now(), child };
    if (this.ring.length < this.max) this.ring.push(event);
    else this.ring[this.next] = event;
    this.next = (this.next + 1) % this.max;
  }

  /** The events kept, oldest first. */
  get events(): TraceEvent[] {
    return this.ring.length < this.max ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }
}
