// The AOT manifest: a custom section `ferry.aot`, the module's last, holding what the loader checks
// before trusting the code (Ferry's version + ABI fingerprint, the translation options, sha256 of
// the guest's executable segments and of the module's bytes before it) and, per entry in ascending
// pc order, the guest pc, its size and its pages; entry i's function is table slot i (see
// table-placement.ts). Decoding copies typed arrays: no per-entry objects or strings.
// Layout: "FAOT", format u8, strings (LEB128 length + UTF-8) version, options, source; content
// hash, code hash (32 bytes each); u32 entry count n, u32 page count; the arrays of
// ManifestEntries, little-endian: pcs (n x u64), insns (n x u32), pageStart (n + 1 x u32), pages (f64).
// Invariant: decodeManifest(encodeManifest(m)) deep-equals m, and any malformed or truncated
// input raises AotFormatError, never returns a partial manifest.
import { decodeULEB128, encodeULEB128 } from '@ferry/util';
import { AOT_MODULE_FORMAT } from './version.js';

export const MANIFEST_SECTION = 'ferry.aot';
const MAGIC = [0x46, 0x41, 0x4f, 0x54]; // "FAOT"


/** One translation, as the compiler describes it (encodeManifest sorts them by pc). */
export interface ManifestEntry {
  pc: bigint;
  insns: number;
  pages: readonly number[];
}

/** The entries as the loader holds them: entry i is at pcs[i] (ascending), covers insns[i]
 *  instructions and was made from pages[pageStart[i]] .. pages[pageStart[i + 1] - 1]. */
export interface ManifestEntries {
  pcs: BigUint64Array;
  insns: Uint32Array;
  pageStart: Uint32Array;
  pages: Float64Array;
}

export interface AotManifest {
  /** Ferry's version and ABI fingerprint (see version.ts). */
  version: string;
  /** Translation options, canonical JSON. */
  options: string;
  /** sha256 (hex) of the guest's executable segments (GuestImage.contentHash). */
  contentHash: string;
  /** sha256 (hex) of the module's bytes before the manifest section: with V8's lazy validation
   *  (see load.ts) the check that the code is the code ferry aot wrote. */
  codeHash: string;
  /** The ELF the module was made from (informational). */
  source: string;
  entries: ManifestEntries;
}

/** The file is not a well-formed AOT module; the message says what is wrong. */
export class AotFormatError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const byPc = (a: ManifestEntry, b: ManifestEntry) => (a.pc < b.pc ? -1 : a.pc > b.pc ? 1 : 0);

/** Entries in the loader's form, sorted by pc (table slot i is then the i-th by pc). */
export function manifestEntries(list: readonly ManifestEntry[]): ManifestEntries {
  const sorted = [...list].sort(byPc);
  const pageCount = sorted.reduce((n, e) => n + e.pages.length, 0);
  const entries: ManifestEntries = {
    pcs: new BigUint64Array(sorted.length),
    insns: new Uint32Array(sorted.length),
    pageStart: new Uint32Array(sorted.length + 1),
    pages: new Float64Array(pageCount),
  };
  let at = 0;
  sorted.forEach((e, i) => {
    if (i > 0 && e.pc === sorted[i - 1]!.pc) throw new Error(`internal error: two manifest entries for pc ${e.pc}`);
    entries.pcs[i] = e.pc;
    entries.insns[i] = e.insns;
    entries.pageStart[i] = at;
    for (const p of [...e.pages].sort((a, b) => a - b)) entries.pages[at++] = p;
  });
  entries.pageStart[sorted.length] = at;
  return entries;
}

function pushString(out: number[], text: string): void {
  const bytes = utf8.encode(text);
  out.push(...encodeULEB128(bytes.length));
  for (const b of bytes) out.push(b);
}

export function encodeManifest(m: AotManifest): Uint8Array {
  const out: number[] = [...MAGIC, AOT_MODULE_FORMAT];
  pushString(out, m.version);
  pushString(out, m.options);
  pushString(out, m.source);
  for (const hash of [m.contentHash, m.codeHash]) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`internal error: hash ${hash} is not sha256 hex`);
    for (let i = 0; i < 64; i += 2) out.push(parseInt(hash.slice(i, i + 2), 16));
  }
  const { pcs, insns, pageStart, pages } = m.entries;
  if (!LITTLE_ENDIAN) throw new Error('AOT manifests are little-endian; this host is not');
  for (let i = 1; i < pcs.length; i++) if (pcs[i]! <= pcs[i - 1]!) throw new Error('internal error: manifest pcs are not ascending');
  const counts = Uint32Array.of(pcs.length, pages.length);
  const arrays = [counts, pcs, insns, pageStart, pages];
  const result = new Uint8Array(out.length + arrays.reduce((n, a) => n + a.byteLength, 0));
  result.set(out);
  let at = out.length;
  for (const a of arrays) (result.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at), (at += a.byteLength));
  return result;
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u8(): number {
    if (this.at >= this.bytes.length) throw new AotFormatError('manifest is truncated');
    return this.bytes[this.at++]!;
  }
  /** An unsigned LEB128 up to 2^53 - 1, as a number. */
  leb(): number {
    let result = 0;
    for (let scale = 1; ; scale *= 128) {
      if (this.at >= this.bytes.length) throw new AotFormatError('manifest is truncated');
      const b = this.bytes[this.at++]!;
      result += (b & 0x7f) * scale;
      if (!(b & 0x80)) break;
      if (scale > 2 ** 45) throw new AotFormatError(`manifest number at byte ${this.at} is out of range`);
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new AotFormatError(`manifest number at byte ${this.at} is out of range`);
    return result;
  }
  count(what: string, max: number): number {
    const v = this.leb();
    if (v > max) throw new AotFormatError(`manifest ${what} ${v} is out of range`);
    return v;
  }
  bytesOf(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new AotFormatError('manifest is truncated');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  /** The next n bytes in a buffer of their own (aligned for typed arrays; a Buffer's slice would
   *  share the file's). */
  copyOf(n: number): ArrayBuffer {
    const copy = new Uint8Array(n);
    copy.set(this.bytesOf(n));
    return copy.buffer;
  }
  string(): string {
    const bytes = this.bytesOf(this.count('string length', this.bytes.length));
    try {
      return fromUtf8.decode(bytes);
    } catch {
      throw new AotFormatError('manifest holds a string that is not UTF-8');
    }
  }
}

export function decodeManifest(bytes: Uint8Array): AotManifest {
  const r = new Reader(bytes);
  for (const b of MAGIC) if (r.u8() !== b) throw new AotFormatError('manifest does not start with FAOT');
  const format = r.u8();
  if (format !== AOT_MODULE_FORMAT) throw new AotFormatError(`manifest format ${format}, this Ferry reads format ${AOT_MODULE_FORMAT}`);
  const version = r.string();
  const options = r.string();
  const source = r.string();
  const hexOf = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  const contentHash = hexOf(r.bytesOf(32));
  const codeHash = hexOf(r.bytesOf(32));
  // The arrays, copied out of the file (which need not align them) into typed arrays.
  if (!LITTLE_ENDIAN) throw new AotFormatError('AOT manifests are little-endian; this host is not');
  const [n, pageCount] = new Uint32Array(r.copyOf(8)) as unknown as [number, number];
  if (r.at + n * 16 + 4 + pageCount * 8 !== bytes.length) throw new AotFormatError(`manifest is truncated or has trailing garbage (${n} entries and ${pageCount} pages in ${bytes.length - r.at} bytes)`);
  const pcs = new BigUint64Array(r.copyOf(n * 8));
  const insns = new Uint32Array(r.copyOf(n * 4));
  const pageStart = new Uint32Array(r.copyOf((n + 1) * 4));
  const pages = new Float64Array(r.copyOf(pageCount * 8));
  for (let i = 1; i < n; i++) if (pcs[i]! <= pcs[i - 1]!) throw new AotFormatError(`manifest entry ${i} has pc ${pcs[i]}, not above the one before`);
  if (pageStart[0] !== 0 || pageStart[n] !== pageCount) throw new AotFormatError('manifest page ranges do not cover its pages');
  for (let i = 0; i < n; i++) if (pageStart[i + 1]! < pageStart[i]!) throw new AotFormatError(`manifest entry ${i} has a negative page range`);
  for (let k = 0; k < pageCount; k++) if (!Number.isSafeInteger(pages[k]) || pages[k]! < 0) throw new AotFormatError(`manifest page ${pages[k]} is not a page number`);
  return { version, options, contentHash, codeHash, source, entries: { pcs, insns, pageStart, pages } };
}

/** The bytes of a wasm custom section holding `payload`. */
export function customSection(name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = utf8.encode(name);
  const body = [...encodeULEB128(nameBytes.length), ...nameBytes];
  const size = encodeULEB128(body.length + payload.length);
  const out = new Uint8Array(1 + size.length + body.length + payload.length);
  out[0] = 0;
  out.set(size, 1);
  out.set(body, 1 + size.length);
  out.set(payload, 1 + size.length + body.length);
  return out;
}

/** Finds the named custom section's payload by walking the module's section headers (without
 *  compiling it). Throws AotFormatError if the file is not a complete wasm module. */
export function findCustomSection(module: Uint8Array, name: string): Uint8Array | undefined {
  return locateCustomSection(module, name)?.payload;
}

/** The named custom section's payload and where its header starts (the last such section). */
export function locateCustomSection(module: Uint8Array, name: string): { payload: Uint8Array; start: number; end: number } | undefined {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (module.length < 8 || header.some((b, i) => module[i] !== b)) throw new AotFormatError('not a WebAssembly module (bad magic or version)');
  let at = 8;
  let found: { payload: Uint8Array; start: number; end: number } | undefined;
  while (at < module.length) {
    const sectionStart = at;
    const id = module[at++]!;
    let size: { value: bigint; next: number };
    try {
      size = decodeULEB128(module, at);
    } catch {
      throw new AotFormatError(`truncated section header at byte ${at}`);
    }
    const start = size.next;
    const end = start + Number(size.value);
    if (end > module.length) throw new AotFormatError(`section ${id} at byte ${at - 1} runs past the end of the file (truncated?)`);
    if (id === 0) {
      let sectionName: string;
      let payload: number;
      try {
        const n = decodeULEB128(module, start);
        payload = n.next + Number(n.value);
        if (payload > end) throw new Error('name too long');
        sectionName = fromUtf8.decode(module.subarray(n.next, payload));
      } catch {
        throw new AotFormatError(`malformed custom section name at byte ${start}`);
      }
      if (sectionName === name) found = { payload: module.subarray(payload, end), start: sectionStart, end };
    }
    at = end;
  }
  return found;
}
