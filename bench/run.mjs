// `npm run bench [-- options]`: runs `ferry bench` from the built CLI (packages/cli/dist) with
// the same options; see bench/README.md. Exits with the harness's status.
// Invariant: measures the code last built by `npm run build`; says so when that build is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'cli', 'dist', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write(`bench: ${cli} is missing: run npm run build first\n`);
  process.exit(1);
}
const run = spawnSync(process.execPath, [cli, 'bench', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (run.error) {
  process.stderr.write(`bench: cannot start node: ${run.error.message}\n`);
  process.exit(1);
}
process.exit(run.status ?? 1);
