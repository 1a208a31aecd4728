// Tests import workspace packages from source, so `vitest` needs no prior `tsc -b`
// (the T0 interpreter artifact is the one thing `npm run build` must have produced).
// `*.ci.test.ts` files need qemu-riscv64 / riscv64 objdump and run only under vitest.ci.config.ts.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkgs = ['util', 'abi', 'isa-riscv', 'ir', 'lift-riscv', 'opt', 'backend-wasm', 'interp', 'runtime', 'engine', 'aot', 'cli'];
// Subpath exports come first: an alias also matches `<key>/...`, and the first match wins.
const subpaths = {
  '@ferry/aot/cache': 'aot/src/cache.ts',
  '@ferry/aot/cache-env': 'aot/src/cache-env.ts',
  '@ferry/backend-wasm/baseline': 'backend-wasm/src/baseline.ts',
  '@ferry/backend-wasm/counters': 'backend-wasm/src/counters.ts',
  '@ferry/engine/check': 'engine/src/check.ts',
  '@ferry/engine/inspect': 'engine/src/inspect.ts',
  '@ferry/engine/profile': 'engine/src/profile.ts',
  '@ferry/engine/snippet': 'engine/src/snippet.ts',
  '@ferry/interp/artifact': 'interp/src/artifact.ts',
};
export const aliases = {
  ...Object.fromEntries(Object.entries(subpaths).map(([id, file]) => [id, fileURLToPath(new URL(`./packages/${file}`, import.meta.url))])),
  ...Object.fromEntries(pkgs.map((p) => [`@ferry/${p}`, fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url))])),
};

export default defineConfig({
  resolve: {
    alias: aliases,
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.ci.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
