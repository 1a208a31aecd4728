// `ferry compare <elf> [args..]`: runs one guest program in every Ferry tier (and qemu-riscv64
// when installed), each as a child process through the benchmark harness's measuring code,
// checks that stdout and exit status are identical everywhere, and prints one table (wall time,
// guest instructions, MIPS, compile time, compiled units, exits) marking the slowest and fastest.
// Invariant: a run whose output differs from the first tier's is reported, and makes the exit
// status 1; its time is still shown but never marked fastest.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { FerryError } from '@ferry/util';
import { parseTierList } from './bench.js';
import { paths } from './bench/corpus.js';
import { readFerryStats } from './bench/ferry-stats.js';
import { type Invocation, type Sample, measureOnce, outputMismatch } from './bench/measure.js';
import { Progress } from './bench/progress.js';
import { median, mips } from './bench/stats.js';
import { findOnPath } from './bench/subjects.js';
import { formatMs, NA } from './bench/tables.js';
import { splitAfterProgram } from './run.js';

const VALUE_OPTIONS = new Set(['--tiers', '--reps', '--env', '--dir', '--stdin', '--timeout']);

/** `ferry compare [options] prog a b` -> guest words after `--` (see splitAfterProgram). */
export function splitCompareArguments(argv: string[]): string[] {
  return splitAfterProgram(argv, 'compare', VALUE_OPTIONS);
}

interface CompareArgs {
  elf: string;
  args: string[];
  tiers?: string;
  reps: number;
  env: string[];
  dir: string[];
  stdin?: string;
  qemu: boolean;
  timeout: number;
}

interface Row {
  name: string;
  samples: Sample[];
  error?: string;
}

function guestEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new FerryError(`--env ${pair}: expected KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

async function measureRow(name: string, invocation: (statsJson: string) => Invocation, reps: number, timeoutMs: number, progress: Progress): Promise<Row> {
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-compare-'));
  const row: Row = { name, samples: [] };
  try {
    for (let rep = 0; rep < reps; rep++) {
      progress.step(`${name} run ${rep + 1}/${reps}`);
      row.samples.push(await measureOnce(invocation(join(scratch, `stats-${rep}.json`)), timeoutMs));
    }
  } catch (e) {
    row.error = (e as Error).message;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return row;
}

function renderTable(rows: readonly Row[], reference: Sample | undefined): string {
  const walls = rows.map((r) => (r.error ? undefined : median(r.samples.map((s) => s.wallMs))));
  const matching = rows.map((r) => !r.error && r.samples.every((s) => !reference || outputMismatch(s, reference) === undefined));
  const ranked = walls.map((w, i) => (w !== undefined && matching[i] ? w : undefined));
  const defined = ranked.filter((w): w is number => w !== undefined);
  const fastest = defined.length > 1 ? Math.min(...defined) : undefined;
  const slowest = defined.length > 1 ? Math.max(...defined) : undefined;
  const header = ['run', 'wall ms', 'guest insns', 'MIPS', 'compile ms', 'compiled', 'exits', 'output', ''];
  const lines = rows.map((row, i) => {
    const last = row.samples.at(-1);
    const numbers = readFerryStats(last?.ferryStats);
    const runMs = median(row.samples.map((s) => readFerryStats(s.ferryStats).runMs).filter((v): v is number => v !== undefined));
    const rate = mips(numbers.instructions, runMs);
    const mark = ranked[i] !== undefined && ranked[i] === fastest ? '← fastest' : ranked[i] !== undefined && ranked[i] === slowest ? '← slowest' : '';
    return [
      row.name, formatMs(walls[i]), numbers.instructions === undefined ? NA : String(numbers.instructions),
      rate === undefined ? NA : rate.toFixed(1), formatMs(numbers.compileMs), numbers.compiledUnits === undefined ? NA : String(numbers.compiledUnits),
      numbers.exits === undefined ? NA : String(numbers.exits), row.error ? 'ERROR' : matching[i] ? 'same' : 'DIFFERS', mark,
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const format = (cells: string[]) => cells.map((cell, c) => (c === 0 || c >= 7 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  return [format(header), ...lines.map(format)].join('\n') + '\n';
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <elf> [args..]',
  describe: 'run a program in every tier (and qemu-riscv64), check identical output, compare speed',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments passed to the guest' })
      .option('tiers', { type: 'string', describe: 'comma-separated tiers (default: all)' })
      .option('reps', { type: 'number', default: 1, describe: 'runs per tier (the table shows the median wall time)' })
      .option('env', { type: 'string', array: true, default: [], describe: 'guest environment variable K=V (the guest environment is otherwise empty)' })
      .option('dir', { type: 'string', array: true, default: [], describe: 'host directory for the guest, as in ferry run (HOST[:GUEST][:rw])' })
      .option('stdin', { type: 'string', describe: 'file fed to the guest standard input' })
      .option('qemu', { type: 'boolean', default: true, describe: 'also run under qemu-riscv64 when installed (--no-qemu to skip)' })
      .option('timeout', { type: 'number', default: 900, describe: 'seconds one run may take' }) as never,
  handler: async (argv) => {
    const tiers = parseTierList(argv.tiers);
    if (tiers.length === 0) throw new FerryError('--tiers: name at least one tier');
    if (!(argv.reps >= 1) || !Number.isInteger(argv.reps)) throw new FerryError(`--reps ${argv.reps}: expected a whole number ≥ 1`);
    const guestArgs = [...argv.args, ...((argv as unknown as { '--'?: string[] })['--'] ?? [])].map(String);
    const env = guestEnv(argv.env);
    const stdin = argv.stdin === undefined ? undefined : readFileSync(argv.stdin);
    const base = { env, cwd: process.cwd(), stdin };
    const timeoutMs = argv.timeout * 1000;
    const rows: Row[] = [];
    const progress = new Progress(process.stderr, !process.stderr.isTTY, 'compare');
    for (const tier of tiers) {
      const ferryArgs = (statsJson: string) => [
        paths.cliMain, 'run', '--tier', tier, '--stats-json', statsJson, '--clear-env',
        ...argv.env.flatMap((kv) => ['--env', kv]), ...argv.dir.flatMap((d) => ['--dir', d]), argv.elf, ...guestArgs,
      ];
      rows.push(await measureRow(tier, (statsJson) => ({ ...base, command: process.execPath, args: ferryArgs(statsJson), statsJsonPath: statsJson }), argv.reps, timeoutMs, progress));
    }
    const qemu = argv.qemu ? findOnPath('qemu-riscv64') : undefined;
    if (qemu) rows.push(await measureRow('qemu-riscv64', () => ({ ...base, command: qemu, args: [argv.elf, ...guestArgs] }), argv.reps, timeoutMs, progress));
    progress.done();
    const referenceRow = rows.find((r) => !r.error && r.samples.length > 0);
    const reference = referenceRow?.samples[0];
    process.stdout.write(renderTable(rows, reference));
    let failed = false;
    for (const row of rows) {
      if (row.error) {
        process.stdout.write(`${row.name}: ${row.error}\n`);
        failed = true;
        continue;
      }
      for (const sample of row.samples) {
        const mismatch = reference ? outputMismatch(sample, reference) : undefined;
        if (mismatch) {
          process.stdout.write(`${row.name}: differs from ${referenceRow?.name ?? 'the first run'}: ${mismatch}\n`);
          failed = true;
          break;
        }
      }
    }
    if (reference) process.stdout.write(`exit status ${reference.status}, ${reference.stdout.length} bytes of stdout${failed ? '' : ', identical in every run'}\n`);
    if (failed) process.exitCode = 1;
  },
};
