// What is measured: the reference columns (Q qemu-riscv64, W the wasm32-wasi build under
// node:wasi, N the host gcc build) and one column per Ferry tier, how each runs one corpus
// entry as a child process, and whether it can run here at all.
// Invariant: a column whose tool or build is missing is "not available" with the reason;
// nothing is substituted for it. Children get exactly the entry's environment.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type CorpusEntry, type PreparedRun, paths, repoRoot } from './corpus.js';
import type { Invocation } from './measure.js';

export type ColumnKind = 'reference' | 'tier';

export interface Column {
  /** "Q", "W", "N" or a tier name. */
  id: string;
  kind: ColumnKind;
  label: string;
}

export const REFERENCE_COLUMNS: readonly Column[] = [
  { id: 'Q', kind: 'reference', label: 'qemu-riscv64 on the RV64GC ELF' },
  { id: 'W', kind: 'reference', label: 'clang wasm32-wasi -O2 under node:wasi' },
  { id: 'N', kind: 'reference', label: 'host gcc -O2' },
];

export function tierColumns(tiers: readonly string[]): Column[] {
  return tiers.map((tier) => ({ id: tier, kind: 'tier', label: `ferry run --tier ${tier}` }));
}

export type Availability = { available: true } | { available: false; reason: string };

/** Absolute path of an executable found on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const qemuPath = findOnPath('qemu-riscv64');

/** First line of `qemu-riscv64 --version`, or undefined when qemu cannot run. */
export function qemuVersion(): string | undefined {
  if (!qemuPath) return undefined;
  const probe = spawnSync(qemuPath, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.split('\n')[0] : undefined;
}

export function availability(column: Column, entry: CorpusEntry): Availability {
  switch (column.id) {
    case 'Q':
      return qemuPath ? { available: true } : { available: false, reason: 'qemu-riscv64 is not installed (apt-get install qemu-user)' };
    case 'W':
      if (!entry.wasm) return { available: false, reason: `${entry.name} is not built for wasm32-wasi (manifest wasm: false)` };
      return existsSync(paths.wasm(entry.name)) ? { available: true } : { available: false, reason: `no ${paths.wasm(entry.name)} (clang --target=wasm32-wasi with wasi-libc missing?)` };
    case 'N':
      return existsSync(paths.host(entry.name)) ? { available: true } : { available: false, reason: `no ${paths.host(entry.name)} (gcc missing, or the program is not portable)` };
    default:
      return existsSync(paths.cliMain) ? { available: true } : { available: false, reason: `no ${paths.cliMain}: run npm run build` };
  }
}

/** `--env K=V` words giving the guest exactly `env`. */
function envWords(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
}

/** The translation cache of the aot column: its modules are made before the timed runs (see
 *  prepareAot), so those measure runs from a module, not the offline translation. */
export const AOT_BENCH_CACHE = join(tmpdir(), 'ferry-bench-aot-cache');

/** Translates a benchmark's program into AOT_BENCH_CACHE unless it is there already (untimed
 *  for the runs). Returns the ms the translation took (0 on a hit), or an error message. */
export async function prepareAot(entry: CorpusEntry): Promise<{ ms: number } | { error: string }> {
  const { DEFAULT_TRANSLATION_OPTIONS, GuestImage, TranslationCache, describeOptions } = await import('@ferry/aot');
  const key = TranslationCache.keyFor(GuestImage.read(paths.guest(entry.name)).contentHash(), describeOptions(DEFAULT_TRANSLATION_OPTIONS));
  if (new TranslationCache(AOT_BENCH_CACHE).read(key)) return { ms: 0 };
  const start = performance.now();
  const run = spawnSync(process.execPath, [paths.cliMain, 'aot', paths.guest(entry.name), '--cache-dir', AOT_BENCH_CACHE, '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0) return { error: `ferry aot failed (status ${run.status}): ${(run.stderr ?? '').trim().split('\n').pop()}` };
  return { ms: performance.now() - start };
}

/** The child process that runs one prepared corpus run in `column`. */
export function invocationFor(column: Column, prepared: PreparedRun, entry: CorpusEntry, statsJsonPath: string): Invocation {
  const base = { env: prepared.env, cwd: repoRoot, stdin: prepared.stdin };
  const [, ...guestArgs] = prepared.argv;
  switch (column.id) {
    case 'Q':
      return { ...base, command: qemuPath ?? 'qemu-riscv64', args: prepared.argv };
    case 'W': {
      const dirs = prepared.tmpdir ? ['--dir', prepared.tmpdir] : [];
      return { ...base, command: process.execPath, args: ['--no-warnings', paths.wasiRunner, ...dirs, paths.wasm(entry.name), ...prepared.argv] };
    }
    case 'N':
      return { ...base, command: paths.host(entry.name), args: guestArgs };
    default: {
      // Every word after the program is the guest's (see splitGuestArguments): no `--` here.
      const dirs = prepared.tmpdir ? ['--dir', `${prepared.tmpdir}:${prepared.tmpdir}:rw`] : [];
      const aot = column.id === 'aot' ? ['--cache-dir', AOT_BENCH_CACHE] : [];
      const ferry = ['run', '--tier', column.id, ...aot, '--stats-json', statsJsonPath, '--clear-env', ...envWords(prepared.env), ...dirs];
      return { ...base, command: process.execPath, args: [paths.cliMain, ...ferry, ...prepared.argv], statsJsonPath };
    }
  }
}

/**
 * Builds the host and wasm32-wasi versions of `entries` that are missing, with corpus/build.sh
 * run on a scratch copy of corpus/ (so the committed guest binaries are never rewritten), and
 * copies the outputs into corpus/build/. Returns what went wrong, or undefined.
 */
export function ensureReferenceBuilds(entries: readonly CorpusEntry[], log: (line: string) => void): string | undefined {
  const missing = entries.filter((e) => !existsSync(paths.host(e.name)) || (e.wasm && !existsSync(paths.wasm(e.name))));
  if (missing.length === 0) return undefined;
  const names = missing.map((e) => e.name);
  log(`building host and wasm references: ${names.join(' ')}`);
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-build-'));
  try {
    const corpus = join(scratch, 'corpus');
    mkdirSync(corpus);
    cpSync(join(repoRoot, 'corpus', 'src'), join(corpus, 'src'), { recursive: true });
    copyFileSync(join(repoRoot, 'corpus', 'manifest.json'), join(corpus, 'manifest.json'));
    copyFileSync(paths.buildScript, join(corpus, 'build.sh'));
    const run = spawnSync('bash', [join(corpus, 'build.sh'), ...names], { encoding: 'utf8' });
    for (const name of names) {
      for (const [built, target] of [[join(corpus, 'build', 'host', name), paths.host(name)], [join(corpus, 'build', 'wasm', `${name}.wasm`), paths.wasm(name)]] as const) {
        if (existsSync(built) && !existsSync(target)) {
          mkdirSync(join(target, '..'), { recursive: true });
          copyFileSync(built, target);
        }
      }
    }
    if (run.status !== 0) return `corpus/build.sh ${names.join(' ')} failed: ${(run.stderr || run.stdout || String(run.error)).trim().split('\n').slice(-3).join(' / ')}`;
    return undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
