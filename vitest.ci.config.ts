// The CI-only checks: live comparisons against tools CI installs (qemu-riscv64, riscv64 objdump).
// They fail, never skip, when a tool is missing. Run with `npm run test:qemu`.
import { defineConfig } from 'vitest/config';
import { aliases } from './vitest.config.js';

export default defineConfig({
  resolve: { alias: aliases },
  test: {
    include: ['packages/*/src/**/*.ci.test.ts', 'scripts/**/*.ci.test.ts', 'bench/**/*.ci.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
