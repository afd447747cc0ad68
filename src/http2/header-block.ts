import { connectionError, ErrorCode } from '../frames/index.js';

/**
 * A field block arriving in a HEADERS frame and CONTINUATION frames (RFC 9113 §4.3, §6.10). Its size is bounded,
 * so an endless run of CONTINUATION frames cannot exhaust memory (the "CONTINUATION flood" of 2024).
 */
export class HeaderBlock {
  private readonly fragments: Uint8Array[] = [];
  private size = 0;

  constructor(
    readonly streamId: number,
    readonly endStream: boolean,
    private readonly limit: number,
  ) {}

  add(fragment: Uint8Array): void {
    this.size += fragment.length;
    if (this.size > this.limit) throw connectionError(ErrorCode.ENHANCE_YOUR_CALM, `header block above ${this.limit} octets`);
    this.fragments.push(fragment);
  }

  /** The whole block, joined once. */
  join(): Uint8Array {
    return Buffer.concat(this.fragments, this.size);
  }
}
