// The version an AOT module records and the loader insists on: Ferry's package version plus a
// fingerprint of the ABI (state-block slots, memory layout, exit codes, helper signatures), so
// a module compiled against another layout is refused even when the version number is the same,
// plus the module format (manifest layout, table placement), so caches never serve an old format.
// Invariant: the value is a pure function of this package's version, @ferry/abi's exports and
// AOT_MODULE_FORMAT.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/** The layout of AOT modules and their manifests: bump it with any change to either. */
export const AOT_MODULE_FORMAT = 4;

export const FERRY_AOT_VERSION = `${packageVersion()}+abi.${abiFingerprint()}+format.${AOT_MODULE_FORMAT}`;
