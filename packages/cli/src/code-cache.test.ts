// The ferry bin's V8 code cache (scripts/bundle-cli.mjs writes main.js): a cache made by a run
// that turns V8 flags on (the adaptive and AOT tiers do) must still be accepted by the next run,
// so it is written before the first flag change. A cache V8 rejects is written again by the run
// that rejected it: the file staying untouched across runs is the sign it was accepted.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const FERRY = `${DIST}main.js`;
const HELLO = fileURLToPath(new URL('../../../corpus/bin/hello', import.meta.url));

const cacheFile = (): string | undefined => {
  const name = readdirSync(DIST).find((n) => /^ferry-bundle\.cjs\.[0-9a-f]+\.cache$/.test(n));
  return name && `${DIST}${name}`;
};
const run = (tier: string) => {
  const r = spawnSync(process.execPath, [FERRY, 'run', '--tier', tier, HELLO], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
};

describe('the ferry bin\'s code cache', () => {
  it('is accepted by the runs after an adaptive run wrote or kept it', () => {
    run('adaptive'); // writes the cache if it is missing or was rejected
    const file = cacheFile();
    expect(file).toBeDefined();
    const written = statSync(file!).mtimeMs;
    for (const tier of ['adaptive', 'interp', 'adaptive']) {
      run(tier);
      expect(statSync(file!).mtimeMs, `rewritten by the ${tier} run: V8 rejected it`).toBe(written);
    }
  });
});
