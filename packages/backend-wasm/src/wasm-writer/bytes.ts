// A growable byte buffer with the encodings a wasm binary needs: LEB128 integers (the encoders of
// @ferry/util, memoized for the small values that recur in generated code), IEEE floats, names,
// and size fields reserved as fixed 5-byte LEB128 and patched once the sized content is written
// (the spec allows padded u32 LEBs, which saves copying each section and function body).
import { encodeSLEB128, encodeULEB128 } from '@ferry/util';

/** Encodings of recently used values (local indices, offsets, masks): cleared when it grows large. */
const ulebMemo = new Map<number, number[]>();
const slebMemo = new Map<number, number[]>();
const MEMO_LIMIT = 8192;

function memoized(memo: Map<number, number[]>, value: number, encode: (v: number) => number[]): number[] {
  let bytes = memo.get(value);
  if (bytes === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    bytes = encode(value);
    memo.set(value, bytes);
  }
  return bytes;
}

const UTF8 = new TextEncoder();
const PADDED_SIZE_BYTES = 5;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buffer[this.length++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    this.ensure(bs.length);
    for (let i = 0; i < bs.length; i++) this.buffer[this.length++] = bs[i]!;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(value: number): void {
    if (value >= 0 && value < 0x80) this.byte(value);
    else this.bytes(memoized(ulebMemo, value, encodeULEB128));
  }

  /** Signed LEB128 of an integer in [-2^31, 2^31) (an i32 immediate). */
  s32(value: number): void {
    if (value >= -0x40 && value < 0x40) this.byte(value & 0x7f);
    else this.bytes(memoized(slebMemo, value, encodeSLEB128));
  }

  /** Signed LEB128 of a 64-bit immediate, wrapped to 64 bits (the same bytes as s32 in i32 range). */
  s64(value: bigint): void {
    if (value >= INT32_MIN && value <= INT32_MAX) this.s32(Number(value));
    else this.bytes(encodeSLEB128(BigInt.asIntN(64, value)));
  }

  f32(value: number): void {
    this.ensure(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** A name: its UTF-8 length, then the bytes. */
  name(text: string): void {
    const utf8 = UTF8.encode(text);
    this.u32(utf8.length);
    this.bytes(utf8);
  }

  /** Reserves a size field for what follows; returns the handle for patchSize. */
  reserveSize(): number {
    this.ensure(PADDED_SIZE_BYTES);
    const at = this.length;
    this.length += PADDED_SIZE_BYTES;
    return at;
  }

  /** Writes into the reserved field the number of bytes written after it. */
  patchSize(at: number): void {
    let size = this.length - at - PADDED_SIZE_BYTES;
    for (let i = 0; i < PADDED_SIZE_BYTES - 1; i++, size >>>= 7) this.buffer[at + i] = (size & 0x7f) | 0x80;
    this.buffer[at + PADDED_SIZE_BYTES - 1] = size & 0x7f;
  }

  /** Starts over, keeping the buffer. */
  reset(): void {
    this.length = 0;
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
