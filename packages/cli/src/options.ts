// Parsing of option values shared by commands: memory sizes and guest addresses.
import { FerryError } from '@ferry/util';

/** "512M", "1G", "65536", "64K" -> bytes. */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new FerryError(`${option} ${text}: expected a size such as 512M or 1G`);
  const unit = { '': 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}

/** "0x10078" or "65656" -> bigint. */
export function parseAddress(text: string, option: string): bigint {
  try {
    const v = BigInt(text);
    if (v >= 0n) return v;
  } catch {
    // fall through
  }
  throw new FerryError(`${option} ${text}: expected an address such as 0x10078`);
}
