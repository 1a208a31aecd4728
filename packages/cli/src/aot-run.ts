// The AOT side of `ferry run`: --aot FILE (load a module, falling back to the JIT with one
// warning if it is corrupt, truncated or made for other code or another Ferry), --cache-dir DIR
// / FERRY_CACHE_DIR (reuse a cached module; on a miss, fill the cache in a background process,
// or in the foreground for --tier aot), and --profile-out FILE (record the pcs the run entered).
// Invariant: nothing here can make a run wrong: every problem with a module means running
// without it, and the ELF is parsed again (and @ferry/aot loaded) only when one of these is used.
import { fileURLToPath } from 'node:url';
import { CACHE_DIR_ENV } from '@ferry/aot/cache-env';
import type { AotStart } from '@ferry/aot';
import type { PreloadedCode, Tier } from '@ferry/engine';

export interface AotRunArgs {
  elf: string;
  tier: Tier;
  aot?: string;
  'cache-dir'?: string;
  'profile-out'?: string;
}

export interface AotRunPlan {
  tier: Tier;
  /** The module, still compiling (undefined when it turns out unusable: a warning says why). */
  preloaded?: Promise<PreloadedCode | undefined>;
  entryPcs?: Set<bigint>;
  /** Writes the profile, if asked for; returns lines for stderr. */
  finish(): void;
}

const warn = (message: string) => process.stderr.write(`ferry: warning: ${message}\n`);

/** Set FERRY_CACHE_BACKGROUND=0 to keep a cache miss from starting a background compile. */
async function compileInBackground(elf: string, dir: string): Promise<void> {
  if (process.env.FERRY_CACHE_BACKGROUND === '0') return;
  const { spawn } = await import('node:child_process');
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'aot', elf, '--cache-dir', dir, '--quiet'], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

export async function planAotRun(args: AotRunArgs): Promise<AotRunPlan> {
  const cacheDir = args['cache-dir'] ?? process.env[CACHE_DIR_ENV];
  const wantsCache = cacheDir !== undefined && cacheDir !== '' && args.tier !== 'interp';
  const plan: AotRunPlan = { tier: args.tier, finish: () => undefined };
  if (args.aot === undefined && !wantsCache && args.tier !== 'aot' && args['profile-out'] === undefined) return plan;

  // The rest of the AOT package (discovery, lifting, manifests) loads only for runs that use it.
  const {
    compileAot, DEFAULT_TRANSLATION_OPTIONS, describeOptions, GuestImage, startAotFile, startAotModule, TranslationCache, writeProfile,
  } = await import('@ferry/aot');
  const image = GuestImage.read(args.elf);
  // Preloaded code needs a tier with a code cache: --aot alone means the adaptive tier (also when
  // the compile, still running, fails: the JIT runs the program then).
  const use = (start: AotStart): void => {
    if (!start.ok) {
      warn(`${start.problem}; running without it (JIT)`);
      return;
    }
    plan.tier = plan.tier === 'interp' ? 'adaptive' : plan.tier;
    plan.preloaded = start.loaded.then((load) => (load.ok ? load.preloaded : (warn(`${load.problem}; running without it (JIT)`), undefined)));
  };
  if (args.aot !== undefined) {
    use(startAotFile(args.aot, image));
  } else if (wantsCache || args.tier === 'aot') {
    const cache = new TranslationCache(cacheDir || TranslationCache.defaultDir());
    const key = TranslationCache.keyFor(image.contentHash(), describeOptions(DEFAULT_TRANSLATION_OPTIONS));
    let bytes = cache.read(key);
    if (!bytes && args.tier === 'aot' && cache.lock(key)) {
      try {
        const result = await compileAot(image, { translation: DEFAULT_TRANSLATION_OPTIONS });
        cache.write(key, result.binary);
        bytes = result.binary;
      } finally {
        cache.unlock(key);
      }
    } else if (!bytes && cache.lock(key)) {
      cache.unlock(key); // the background process takes it again
      await compileInBackground(args.elf, cache.dir);
    }
    if (bytes) use(startAotModule(bytes, cache.pathOf(key), image));
  }
  const profileOut = args['profile-out'];
  if (profileOut !== undefined) {
    const entryPcs = (plan.entryPcs = new Set<bigint>());
    plan.finish = () => {
      writeProfile(profileOut, image, entryPcs);
    };
  }
  return plan;
}
