// CI only (minutes per glibc program): every corpus program AOT-compiled (through the translation
// cache in $FERRY_CACHE_DIR, else a temp directory, so reruns are fast) and run from its module
// gives the recorded output, with exit coalescing on and off; for the benchmarks, the AOT coverage from static discovery alone
// and with a profile of an earlier run is printed, and the profiled one must reach 95%.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCaptured, type PreloadedCode, type Tier } from '@ferry/engine';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, readExpected, repoRoot, ferryRunOptions } from '../../../scripts/corpus-lib.mjs';
import { CACHE_DIR_ENV, TranslationCache } from './cache.js';
import { DEFAULT_TRANSLATION_OPTIONS, describeOptions } from './options.js';
import { writeProfile } from './profile.js';
import { GuestImage } from './guest-image.js';
import { checkAotModule } from './load.js';

interface Entry { name: string; bench?: boolean; runs: Record<string, unknown> }

const cache = new TranslationCache(process.env[CACHE_DIR_ENV] || mkdtempSync(join(tmpdir(), 'ferry-aot-ci-')));
const scratch = mkdtempSync(join(tmpdir(), 'ferry-aot-ci-work-'));

const FERRY = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));

/** Runs `ferry aot` in a child process: compiling takes a minute or more of synchronous work,
 *  which inside the test worker would starve vitest's own messaging. */
function ferryAot(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FERRY, 'aot', '--quiet', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ferry aot ${args.join(' ')}: status ${code}: ${Buffer.concat(err).toString()}`))));
  });
}

async function moduleFor(image: GuestImage, profile: bigint[] = []): Promise<PreloadedCode> {
  const options = describeOptions(DEFAULT_TRANSLATION_OPTIONS);
  const key = TranslationCache.keyFor(image.contentHash(), options + (profile.length ? '+profile' : ''));
  let bytes = cache.read(key);
  if (!bytes) {
    const out = join(scratch, `${key}.wasm`);
    const profileArgs: string[] = [];
    if (profile.length) {
      const file = join(scratch, `${key}.profile.json`);
      writeProfile(file, image, profile);
      profileArgs.push('--profile', file);
    }
    await ferryAot([image.elf.path, '-o', out, ...profileArgs]);
    cache.write(key, (bytes = readFileSync(out)));
  }
  const load = await checkAotModule(bytes, cache.pathOf(key), image);
  if (!load.ok) throw new Error(load.problem);
  return load.preloaded;
}

async function run(entry: Entry, tier: Tier, preloaded?: PreloadedCode, entryPcs?: Set<bigint>, coalesce = true) {
  const prepared = prepareRun(entry, 'default');
  try {
    return await runCaptured({
      ...ferryRunOptions(entry, prepared),
      tier,
      coalesce,
      ...(preloaded ? { preloaded } : {}),
      ...(entryPcs ? { entryPcs } : {}),
      ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
    });
  } finally {
    prepared.cleanup();
  }
}

const coverage = (r: Awaited<ReturnType<typeof run>>) => Number(r.stats.perTier.aot?.instructions ?? 0) / Number(r.stats.instructions);

/** AOT-compiling a static glibc program takes a minute or more on CI's two cores, so CI runs a
 *  representative set (start-up, self-modifying code, signals, FP, and two benchmarks with the
 *  coverage check); FERRY_AOT_CORPUS=all runs every program. */
const SUBSET = new Set(['hello', 'self_modify', 'abort_signal', 'fp_flags', 'bench_sha256', 'bench_sort']);
const selected = (name: string) => process.env.FERRY_AOT_CORPUS === 'all' || SUBSET.has(name);

describe('corpus from AOT modules', () => {
  for (const entry of (loadManifest() as Entry[]).filter((e) => selected(e.name))) {
    it(entry.name, { timeout: 1_200_000 }, async () => {
      const image = GuestImage.read(join(repoRoot, 'corpus', 'bin', entry.name));
      const expected = readExpected(entry.name, 'default');
      const result = await run(entry, 'aot', await moduleFor(image));
      expect(result.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
      expect(result.status).toBe(expected.status);
      // The same with every exit returning to the engine (--no-coalesce).
      const exitByExit = await run(entry, 'aot', await moduleFor(image), undefined, false);
      expect(exitByExit.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
      expect(exitByExit.status).toBe(expected.status);
      if (!entry.bench) return;
      const profile = new Set<bigint>();
      await run(entry, 'adaptive', undefined, profile);
      const profiled = await run(entry, 'aot', await moduleFor(image, [...profile]));
      expect(profiled.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
      console.log(`${entry.name}: AOT coverage ${(100 * coverage(result)).toFixed(1)}% static, ${(100 * coverage(profiled)).toFixed(1)}% with a profile`);
      expect(coverage(profiled)).toBeGreaterThanOrEqual(0.95);
    });
  }
});
