// `ferry aot <elf> -o <out.wasm>`: translate a guest binary ahead of time into one wasm module
// (static discovery plus an optional profile from `ferry run --profile-out`), with a progress
// bar on stderr and a summary (functions, regions, guest bytes covered, wasm size, time).
// With --cache-dir (or FERRY_CACHE_DIR) and no -o, the module goes into the translation cache,
// where `ferry run --cache-dir` finds it.
import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import {
  type AotResult, CACHE_DIR_ENV, compileAot, DEFAULT_REGION_LIMITS, describeOptions, GuestImage, readProfile,
  TranslationCache, type TranslationOptions,
} from '@ferry/aot';
import { FerryError } from '@ferry/util';

interface AotArgs {
  elf: string;
  output?: string;
  profile?: string;
  ir: TranslationOptions['ir'];
  wasm: TranslationOptions['wasm'];
  'cache-dir'?: string;
  quiet: boolean;
}

const BAR_WIDTH = 30;

/** A progress bar on a terminal, one line per phase elsewhere. */
function progressReporter(quiet: boolean): { report: (phase: string, done: number, total: number) => void; end: () => void } {
  const live = process.stderr.isTTY === true;
  let lastPhase = '';
  return {
    report: (phase, done, total) => {
      if (quiet) return;
      if (live) {
        const filled = Math.round((BAR_WIDTH * done) / Math.max(1, total));
        const what = phase === 'lift' ? `lifting regions ${done}/${total}` : 'compiling the module (binaryen)';
        process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${what}`);
      } else if (phase !== lastPhase) {
        process.stderr.write(`ferry aot: ${phase === 'lift' ? `lifting ${total} regions` : 'compiling the module'}\n`);
      }
      lastPhase = phase;
    },
    end: () => {
      if (live && !quiet) process.stderr.write('\r\x1b[K');
    },
  };
}

export function formatSummary(result: AotResult, output: string): string {
  const s = result.summary;
  const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  return [
    `wrote ${output}`,
    `functions        ${s.functions}`,
    `regions          ${s.regions} (${s.leaders} entry points; jump tables ${s.jumpTables.found} with ${s.jumpTables.targets} targets, ${s.jumpTables.unbounded} without a recognised bound)`,
    `guest code       ${s.guestInsns} instructions, ${kib(s.guestBytes)} of ${kib(s.executableBytes)} executable (${pct(s.guestBytes, s.executableBytes)}); ${s.compiledInsns} compiled counting shared code`,
    `wasm size        ${kib(s.wasmBytes)}`,
    `time             ${(s.ms.total / 1000).toFixed(1)} s (discovery ${(s.ms.discover / 1000).toFixed(1)} s, lifting ${(s.ms.lift / 1000).toFixed(1)} s, wasm codegen ${(s.ms.compile / 1000).toFixed(1)} s)`,
  ].join('\n');
}

export const aotCommand: CommandModule<object, AotArgs> = {
  command: 'aot <elf>',
  describe: 'translate a RISC-V executable ahead of time into a wasm module (run it with ferry run --aot)',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .option('output', { alias: 'o', type: 'string', describe: 'the wasm file to write' })
      .option('profile', { type: 'string', describe: 'also translate the code a run entered (a file from ferry run --profile-out)' })
      .option('ir', { choices: ['quick', 'opt', 'none'] as const, default: 'quick' as const, describe: 'IR passes per region: one quick round, the full opt pipeline, or none' })
      .option('wasm', { choices: ['direct', 'quick', 'O2', 'none'] as const, default: 'direct' as const, describe: 'how the module is made: the JIT tiers\' own wasm writer (direct: no binaryen, with branch hints), or binaryen with a quick pass list, -O2 or no passes' })
      .option('cache-dir', { type: 'string', describe: `store the module in this translation cache (default $${CACHE_DIR_ENV}) when no -o is given` })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress bar or summary' }) as never,
  handler: async (argv) => {
    const cacheDir = argv['cache-dir'] ?? process.env[CACHE_DIR_ENV];
    if (argv.output === undefined && !cacheDir) throw new FerryError(`ferry aot ${argv.elf}: say where the module goes: -o FILE.wasm, or --cache-dir DIR`);
    const image = GuestImage.read(argv.elf);
    const translation: TranslationOptions = { ir: argv.ir, wasm: argv.wasm, limits: DEFAULT_REGION_LIMITS };
    const profile = argv.profile === undefined ? [] : readProfile(argv.profile, image);
    const progress = progressReporter(argv.quiet);
    let result: AotResult;
    try {
      result = await compileAot(image, { translation, profile, onProgress: progress.report });
    } finally {
      progress.end();
    }
    let output: string;
    if (argv.output !== undefined) {
      output = argv.output;
      try {
        writeFileSync(output, result.binary);
      } catch (e) {
        throw new FerryError(`-o ${output}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    } else {
      const cache = new TranslationCache(cacheDir!);
      output = cache.write(TranslationCache.keyFor(result.manifest.contentHash, describeOptions(translation)), result.binary);
    }
    if (!argv.quiet) process.stderr.write(formatSummary(result, output) + '\n');
  },
};
