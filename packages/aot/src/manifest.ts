// The AOT manifest: a wasm custom section named `ferry.aot` appended to the compiled module,
// holding what the loader must check before trusting the code (Ferry's version with an ABI
// fingerprint, the translation options, the sha256 of the guest's executable segments) and the
// map from guest pc to the export holding its translation (with the pages it was made from).
// Layout (LEB128 = unsigned LEB128): magic "FAOT", format u8, then strings (LEB128 length +
// UTF-8) version, options, source; 32 hash bytes; LEB128 entry count; per entry (pcs ascending)
// LEB128 pc delta, export name string, LEB128 insns, LEB128 page count, pages (first, then deltas).
// Invariant: decodeManifest(encodeManifest(m)) deep-equals m, and any malformed or truncated
// input raises AotFormatError, never returns a partial manifest.
import { decodeULEB128, encodeULEB128 } from '@ferry/util';

export const MANIFEST_SECTION = 'ferry.aot';
const MAGIC = [0x46, 0x41, 0x4f, 0x54]; // "FAOT"
const FORMAT = 1;

export interface ManifestEntry {
  pc: bigint;
  exportName: string;
  insns: number;
  pages: number[];
}

export interface AotManifest {
  /** Ferry's version and ABI fingerprint (see version.ts). */
  version: string;
  /** Translation options, canonical JSON. */
  options: string;
  /** sha256 (hex) of the guest's executable segments (GuestImage.contentHash). */
  contentHash: string;
  /** The ELF the module was made from (informational). */
  source: string;
  entries: ManifestEntry[];
}

/** The file is not a well-formed AOT module; the message says what is wrong. */
export class AotFormatError extends Error {}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function pushString(out: number[], text: string): void {
  const bytes = utf8.encode(text);
  out.push(...encodeULEB128(bytes.length));
  for (const b of bytes) out.push(b);
}

export function encodeManifest(m: AotManifest): Uint8Array {
  const out: number[] = [...MAGIC, FORMAT];
  pushString(out, m.version);
  pushString(out, m.options);
  pushString(out, m.source);
  if (!/^[0-9a-f]{64}$/.test(m.contentHash)) throw new Error(`internal error: content hash ${m.contentHash} is not sha256 hex`);
  for (let i = 0; i < 64; i += 2) out.push(parseInt(m.contentHash.slice(i, i + 2), 16));
  const entries = [...m.entries].sort((a, b) => (a.pc < b.pc ? -1 : a.pc > b.pc ? 1 : 0));
  out.push(...encodeULEB128(entries.length));
  let pc = 0n;
  for (const e of entries) {
    out.push(...encodeULEB128(e.pc - pc));
    pc = e.pc;
    pushString(out, e.exportName);
    out.push(...encodeULEB128(e.insns));
    const pages = [...e.pages].sort((a, b) => a - b);
    out.push(...encodeULEB128(pages.length));
    let page = 0;
    for (const p of pages) (out.push(...encodeULEB128(p - page)), (page = p));
  }
  return Uint8Array.from(out);
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u8(): number {
    if (this.at >= this.bytes.length) throw new AotFormatError('manifest is truncated');
    return this.bytes[this.at++]!;
  }
  leb(): bigint {
    try {
      const { value, next } = decodeULEB128(this.bytes, this.at);
      this.at = next;
      return value;
    } catch {
      throw new AotFormatError('manifest is truncated');
    }
  }
  count(what: string, max: number): number {
    const v = this.leb();
    if (v > BigInt(max)) throw new AotFormatError(`manifest ${what} ${v} is out of range`);
    return Number(v);
  }
  bytesOf(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new AotFormatError('manifest is truncated');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
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
  if (format !== FORMAT) throw new AotFormatError(`manifest format ${format}, this Ferry reads format ${FORMAT}`);
  const version = r.string();
  const options = r.string();
  const source = r.string();
  const contentHash = [...r.bytesOf(32)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const n = r.count('entry count', bytes.length);
  const entries: ManifestEntry[] = [];
  let pc = 0n;
  for (let i = 0; i < n; i++) {
    pc += r.leb();
    const exportName = r.string();
    const insns = r.count('instruction count', 1 << 30);
    const pageCount = r.count('page count', bytes.length);
    const pages: number[] = [];
    let page = 0;
    for (let k = 0; k < pageCount; k++) pages.push((page += r.count('page', 1 << 30)));
    entries.push({ pc, exportName, insns, pages });
  }
  if (r.at !== bytes.length) throw new AotFormatError(`manifest has ${bytes.length - r.at} bytes of trailing garbage`);
  return { version, options, contentHash, source, entries };
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
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (module.length < 8 || header.some((b, i) => module[i] !== b)) throw new AotFormatError('not a WebAssembly module (bad magic or version)');
  let at = 8;
  let found: Uint8Array | undefined;
  while (at < module.length) {
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
      if (sectionName === name) found = module.subarray(payload, end);
    }
    at = end;
  }
  return found;
}
