// Start-up of `ferry run corpus/bin/hello` in each tier and with an AOT module, against `node -e 0`
// and qemu-riscv64: median and minimum wall time over N runs (default 15) of each, interleaved so
// a burst of load on the machine hits every configuration alike, plus median CPU (user+sys) where
// /usr/bin/time is installed (CPU time is steadier than wall time on a busy machine).
// Usage: node scripts/measure-startup.mjs [--runs N] [--aot FILE] [--compare-cli MAIN_JS]
// (--aot: a module made by `ferry aot` for hello; --compare-cli: another build of the CLI, e.g. an
// older one, run in its default tier beside this one). Needs `npm run build`; prints a markdown table.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(option('--runs') ?? 15);
const aot = option('--aot');
const compareCli = option('--compare-cli');
const ferry = ['packages/cli/dist/main.js', 'run'];
const hello = 'corpus/bin/hello';

const subjects = [
  ['node -e 0', ['node', '-e', '0']],
  ['qemu-riscv64', ['qemu-riscv64', hello]],
  ['ferry run (default tier)', ['node', ...ferry, hello]],
  ...(compareCli ? [[`${compareCli} run (default tier)`, ['node', compareCli, 'run', hello]]] : []),
  ['ferry run --tier interp', ['node', ...ferry, '--tier', 'interp', hello]],
  ['ferry run --tier adaptive', ['node', ...ferry, '--tier', 'adaptive', hello]],
  ['ferry run --tier baseline', ['node', ...ferry, '--tier', 'baseline', hello]],
  ...(aot ? [[`ferry run --aot ${aot}`, ['node', ...ferry, '--aot', aot, hello]]] : []),
];
const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function once([command, ...rest]) {
  const argv = timeTool ? [timeTool, '-f', 'cpu %U %S', command, ...rest] : [command, ...rest];
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8' });
  const wall = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined };
}

const samples = subjects.map(() => []);
for (const [, argv] of subjects) once(argv); // warm the file cache
for (let i = 0; i < runs; i++) subjects.forEach(([, argv], s) => samples[s].push(once(argv)));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const qemu = median(samples[1].map((x) => x.wall));
console.log(`| command | median wall ms | min wall ms | median CPU ms | ÷ qemu (median wall) |`);
console.log(`|---|---:|---:|---:|---:|`);
subjects.forEach(([name], s) => {
  const walls = samples[s].map((x) => x.wall);
  const cpus = samples[s].map((x) => x.cpu).filter((x) => x !== undefined);
  const cpu = cpus.length ? median(cpus).toFixed(0) : 'n/a';
  console.log(`| ${name} | ${median(walls).toFixed(0)} | ${Math.min(...walls).toFixed(0)} | ${cpu} | ${(median(walls) / qemu).toFixed(1)} |`);
});
