// Run profiles: the guest pcs a run entered translated code or the interpreter at (`ferry run
// --profile-out`), read back by `ferry aot --profile` to add them as leaders static discovery
// may miss (code reached only through computed pointers). A profile names the binary by content
// hash; one recorded from other code is refused with a message, never half-used.
import { readFileSync, writeFileSync } from 'node:fs';
import { compareBigInt, FerryError } from '@ferry/util';
import type { GuestImage } from './guest-image.js';

const FORMAT = 'ferry-profile-1';

interface ProfileFile {
  format: string;
  source: string;
  contentHash: string;
  pcs: string[];
}

export function writeProfile(file: string, image: GuestImage, pcs: Iterable<bigint>): number {
  const inCode = [...new Set(pcs)].filter((pc) => image.isExecutable(pc)).sort(compareBigInt);
  const data: ProfileFile = { format: FORMAT, source: image.path, contentHash: image.contentHash(), pcs: inCode.map((pc) => `0x${pc.toString(16)}`) };
  try {
    writeFileSync(file, JSON.stringify(data) + '\n');
  } catch (e) {
    throw new FerryError(`--profile-out ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return inCode.length;
}

export function readProfile(file: string, image: GuestImage): bigint[] {
  let data: ProfileFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as ProfileFile;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FerryError(`--profile ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read (${code})` : 'not a JSON profile written by ferry run --profile-out'}`);
  }
  if (data?.format !== FORMAT || !Array.isArray(data.pcs)) throw new FerryError(`--profile ${file}: not a profile written by ferry run --profile-out`);
  if (data.contentHash !== image.contentHash()) {
    throw new FerryError(`--profile ${file} was recorded running ${data.source}, whose code differs from ${image.path}`);
  }
  return data.pcs.map((pc) => BigInt(pc));
}
