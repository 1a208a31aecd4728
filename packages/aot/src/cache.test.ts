// The translation cache (keys, atomic writes, LRU pruning, the compile lock) and run profiles.
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseElf } from '@ferry/runtime';
import { TranslationCache } from './cache.js';
import { GuestImage } from './guest-image.js';
import { readProfile, writeProfile } from './profile.js';
import { loopProgram } from './testing.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'ferry-aot-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('TranslationCache', () => {
  it('keys differ by content hash, options and version', () => {
    const k = TranslationCache.keyFor('a'.repeat(64), '{}', 'v1');
    expect(TranslationCache.keyFor('b'.repeat(64), '{}', 'v1')).not.toBe(k);
    expect(TranslationCache.keyFor('a'.repeat(64), '{"ir":"opt"}', 'v1')).not.toBe(k);
    expect(TranslationCache.keyFor('a'.repeat(64), '{}', 'v2')).not.toBe(k);
  });

  it('stores whole files by rename and leaves no temporaries, even when two writers race', () => {
    const cache = new TranslationCache(scratch());
    const a = new Uint8Array(1000).fill(1);
    const b = new Uint8Array(1000).fill(2);
    cache.write('k', a);
    cache.write('k', b);
    expect(Buffer.from(cache.read('k')!).equals(b)).toBe(true);
    expect(readdirSync(cache.dir)).toEqual(['k.wasm']);
    expect(cache.read('missing')).toBeUndefined();
  });

  it('deletes least recently used modules past its size limit, never the one just written', () => {
    const cache = new TranslationCache(scratch(), 2500);
    for (const [i, key] of ['old', 'mid', 'new'].entries()) {
      cache.write(key, new Uint8Array(1000));
      const t = new Date(Date.now() - (3 - i) * 60_000);
      utimesSync(cache.pathOf(key), t, t);
    }
    expect(readdirSync(cache.dir).sort()).toEqual(['mid.wasm', 'new.wasm']);
    cache.read('mid'); // a hit makes it the most recently used
    cache.write('newest', new Uint8Array(1000));
    expect(readdirSync(cache.dir).sort()).toEqual(['mid.wasm', 'newest.wasm']);
  });

  it('keeps many modules under the default limit (2 GiB)', () => {
    const cache = new TranslationCache(scratch());
    expect(cache.limitBytes).toBe(2 * 2 ** 30);
    for (const key of ['a', 'b', 'c']) cache.write(key, new Uint8Array(1000));
    expect(readdirSync(cache.dir).sort()).toEqual(['a.wasm', 'b.wasm', 'c.wasm']);
  });

  it('lets one process hold the compile lock for a key, and takes over a stale lock', () => {
    const cache = new TranslationCache(scratch());
    expect(cache.lock('k')).toBe(true);
    expect(cache.lock('k')).toBe(false);
    cache.unlock('k');
    expect(cache.lock('k')).toBe(true);
    const old = new Date(Date.now() - 60 * 60_000);
    utimesSync(join(cache.dir, 'k.lock'), old, old);
    expect(cache.lock('k')).toBe(true);
  });
});

describe('profiles', () => {
  it('round-trip the pcs inside the program and refuse another program', () => {
    const image = new GuestImage(parseElf(loopProgram().elf, 'a.elf'));
    const file = join(scratch(), 'p.json');
    expect(writeProfile(file, image, [image.entry, image.entry + 4n, 0xdead0000n])).toBe(2);
    expect(readProfile(file, image)).toEqual([image.entry, image.entry + 4n]);
    const other = new GuestImage(parseElf(loopProgram('other\n').elf, 'b.elf'));
    expect(() => readProfile(file, other)).toThrow(/recorded running a\.elf, whose code differs from b\.elf/);
    writeFileSync(file, 'not json');
    expect(() => readProfile(file, image)).toThrow(/not a JSON profile/);
  });
});
