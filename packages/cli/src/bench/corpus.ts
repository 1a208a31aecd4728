// Typed access to the guest corpus through scripts/corpus-lib.mjs (the one implementation of
// how a manifest entry is run), plus where the repository and its build outputs live.
// Invariant: paths are derived from this file's location in the checkout
// (packages/cli/{src,dist}/bench/), so the harness measures the tree it belongs to.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

export interface RunSpec {
  args: string[];
  stdin?: string;
  env?: string[];
  tmpdir?: boolean;
}

export interface CorpusEntry {
  name: string;
  purpose: string;
  bench: boolean;
  runs: Record<string, RunSpec>;
  wasm: boolean;
}

export interface PreparedRun {
  /** Full guest argv; argv[0] is "corpus/bin/<name>", relative to the repository root. */
  argv: string[];
  env: Record<string, string>;
  stdin: Buffer | undefined;
  tmpdir: string | undefined;
  cleanup(): void;
}

export interface ExpectedRun {
  stdout: Buffer;
  stderr: Buffer | undefined;
  status: number;
}

export interface CorpusLib {
  repoRoot: string;
  loadManifest(): CorpusEntry[];
  prepareRun(entry: CorpusEntry, variant: string): PreparedRun;
  readExpected(name: string, variant: string): ExpectedRun;
}

/** Root of the checkout this module belongs to. */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');

export const paths = {
  cliMain: join(repoRoot, 'packages', 'cli', 'dist', 'main.js'),
  wasiRunner: join(repoRoot, 'bench', 'wasi-run.mjs'),
  buildScript: join(repoRoot, 'corpus', 'build.sh'),
  guest: (name: string) => join(repoRoot, 'corpus', 'bin', name),
  host: (name: string) => join(repoRoot, 'corpus', 'build', 'host', name),
  wasm: (name: string) => join(repoRoot, 'corpus', 'build', 'wasm', `${name}.wasm`),
};

let cached: Promise<CorpusLib> | undefined;

/** Loads scripts/corpus-lib.mjs once (plain ESM, imported at run time by absolute URL). */
export function loadCorpusLib(): Promise<CorpusLib> {
  cached ??= import(pathToFileURL(join(repoRoot, 'scripts', 'corpus-lib.mjs')).href) as Promise<CorpusLib>;
  return cached;
}

/** The run variant of a size name: "small" is the manifest's "default", "full" is "full". */
export function variantOf(size: 'small' | 'full'): string {
  return size === 'small' ? 'default' : 'full';
}
