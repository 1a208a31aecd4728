// The version an AOT module records and the loader insists on: Ferry's package version plus a
// fingerprint of the ABI (state-block slots, memory layout, exit codes, helper signatures), so
// a module compiled against another layout is refused even when the version number is the same,
// plus the module format (manifest layout, table placement), plus a fingerprint of the code that
// translates (the sources of every package from the decoder to this one), so neither a cache nor
// --aot ever serves a module that an older translator made (a codegen fix would not reach it).
// Invariant: the value is a pure function of this package's version, @ferry/abi's exports,
// AOT_MODULE_FORMAT and the translating packages' sources (their built JavaScript where a
// package ships without sources).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as abi from '@ferry/abi';

function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function abiFingerprint(): string {
  const names = Object.keys(abi).sort();
  const data = JSON.stringify(
    names.map((n) => [n, (abi as Record<string, unknown>)[n]]),
    (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : typeof value === 'function' ? undefined : value),
  );
  return createHash('sha256').update(data).digest('hex').slice(0, 12);
}

/** Packages whose code decides what an AOT module holds (the engine: links, page lists). */
const TRANSLATING_PACKAGES = ['abi', 'isa-riscv', 'ir', 'lift-riscv', 'opt', 'backend-wasm', 'engine', 'aot'];

/** Set by scripts/bundle-cli.mjs (esbuild `define`), so the bundled CLI does not hash sources at
 *  every run that touches AOT code (~10 ms); elsewhere (tests, the packages' dist) it is unset. */
declare const __FERRY_TRANSLATOR_FINGERPRINT__: string | undefined;

export function translatorFingerprint(): string {
  const packages = fileURLToPath(new URL('../../', import.meta.url));
  const hash = createHash('sha256');
  const walk = (dir: string, ext: RegExp): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'filetests' && entry.name !== 'testing') walk(path, ext);
      } else if (ext.test(entry.name) && !/\.test\.|\.d\.ts$/.test(entry.name)) {
        hash.update(`${path.slice(packages.length)}\0`).update(readFileSync(path)).update('\0');
      }
    }
  };
  for (const name of TRANSLATING_PACKAGES) {
    const src = join(packages, name, 'src');
    const dist = join(packages, name, 'dist');
    if (existsSync(src)) walk(src, /\.ts$/);
    else if (existsSync(dist)) walk(dist, /\.js$/);
  }
  return hash.digest('hex').slice(0, 12);
}

/** The layout of AOT modules and their manifests: bump it with any change to either. */
export const AOT_MODULE_FORMAT = 4;

export const FERRY_AOT_VERSION = `${packageVersion()}+abi.${abiFingerprint()}+format.${AOT_MODULE_FORMAT}+code.${typeof __FERRY_TRANSLATOR_FINGERPRINT__ === 'string' ? __FERRY_TRANSLATOR_FINGERPRINT__ : translatorFingerprint()}`;
