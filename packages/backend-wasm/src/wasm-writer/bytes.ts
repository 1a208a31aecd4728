// A growable byte buffer with the encodings a wasm binary needs: LEB128 integers (32-bit ones
// written in place; 64-bit ones by @ferry/util's encoder), IEEE floats, names,
// and size fields reserved as fixed 5-byte LEB128 and patched once the sized content is written
// (the spec allows padded u32 LEBs, which saves copying each section and function body).
import { encodeSLEB128 } from '@ferry/util';

const UTF8 = new TextEncoder();
const NAMES = new Map<string, Uint8Array>();
const PADDED_SIZE_BYTES = 5;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN_BIG = -(2n ** 31n);
const INT32_MAX_BIG = 2n ** 31n - 1n;

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  /** `capacity`: the initial buffer size (it grows as needed). */
  constructor(capacity = 1 << 16) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

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

  /** Unsigned LEB128 of a non-negative integer below 2^32, written in place. */
  u32(value: number): void {
    if (value >= 0 && value < 0x80) return this.byte(value);
    if (!(value >= 0 && value <= 0xffff_ffff && Number.isInteger(value))) throw new RangeError(`u32 LEB128 of ${value}`);
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buffer[this.length++] = v;
  }

  /** Signed LEB128 of an integer in [-2^31, 2^31) (an i32 immediate), written in place. */
  s32(value: number): void {
    if (value >= -0x40 && value < 0x40) return this.byte(value & 0x7f);
    if (!(value >= INT32_MIN && value <= INT32_MAX && Number.isInteger(value))) throw new RangeError(`s32 LEB128 of ${value}`);
    this.ensure(5);
    let v = value | 0;
    for (;;) {
      const low = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (low & 0x40) === 0) || (v === -1 && (low & 0x40) !== 0)) {
        this.buffer[this.length++] = low;
        return;
      }
      this.buffer[this.length++] = low | 0x80;
    }
  }

  /** Signed LEB128 of a 64-bit immediate, wrapped to 64 bits (the same bytes as s32 in i32 range;
   *  compared with bigint bounds: a bigint compared with a number takes V8's slow path). */
  s64(value: bigint): void {
    if (value >= INT32_MIN_BIG && value <= INT32_MAX_BIG) this.s32(Number(value));
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

  /** A name: its UTF-8 length, then the bytes (encodings cached: modules repeat their import names). */
  name(text: string): void {
    let utf8 = NAMES.get(text);
    if (utf8 === undefined) {
      utf8 = UTF8.encode(text);
      if (NAMES.size < 4096) NAMES.set(text, utf8);
    }
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
