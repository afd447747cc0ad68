/** RFC 7541 §6: the ways a field line (or a table size update) is represented in a field block. */
export type Representation =
  | 'indexed' // §6.1: the whole field is a table entry
  | 'incremental' // §6.2.1: a literal that is added to the dynamic table
  | 'without-indexing' // §6.2.2: a literal that is not added
  | 'never-indexed' // §6.2.3: a literal that no intermediary may add either
  | 'size-update'; // §6.3: a dynamic table size update

/**
 * One representation chosen by the encoder or read by the decoder, reported to an optional observer: what a
 * trace prints beside each HEADERS frame. `octets` is where it lies in the field block.
 */
export interface HpackEvent {
  representation: Representation;
  name: string;
  value: string;
  /** For 'indexed', the entry; for literals, the index of the name (0 when the name is a literal too). */
  index: number;
  huffmanName: boolean;
  huffmanValue: boolean;
  /** For 'size-update', the new maximum size. */
  maxSize?: number;
  /** Entries evicted by this representation, oldest first. */
  evicted: Array<[string, string]>;
  /** The dynamic table's size in octets after this representation. */
  tableSize: number;
  /** Offsets of the representation in the block: [start, end). */
  start: number;
  end: number;
}

/** Told each representation decoded or encoded (tracing). */
export type HpackObserver = (event: HpackEvent) => void;
