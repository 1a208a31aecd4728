// `ferry run <elf> [args..]`: run a guest program; its exit status becomes Ferry's.
import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { runProgram, TIERS, type Tier } from '@ferry/engine';
import { FerryError } from '@ferry/util';
import { parseDirMapping } from '@ferry/runtime';
import { planAotRun } from './aot-run.js';
import { parseSize } from './options.js';

/** Options of `run` that take a value (so the word after them is not the guest program). */
const VALUE_OPTIONS = new Set(['--tier', '--mem', '--dir', '--env', '--max-insns', '--stats-json', '--aot', '--cache-dir', '--profile-out', '--check-seed']);

/** Everything after the guest program belongs to the guest, even words that look like options:
 *  `ferry run --stats prog -v x` passes `-v x` to prog. Returns argv with those words after `--`.
 *  `valueOptions` are the command's options that take a value (the next word is not the program). */
export function splitAfterProgram(argv: string[], command: string, valueOptions: ReadonlySet<string>): string[] {
  if (argv[0] !== command) return argv;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return argv;
    if (word.startsWith('-')) {
      if (valueOptions.has(word)) i++;
      continue;
    }
    return [...argv.slice(0, i + 1), '--', ...argv.slice(i + 1)];
  }
  return argv;
}

export function splitGuestArguments(argv: string[]): string[] {
  return splitAfterProgram(argv, 'run', VALUE_OPTIONS);
}

interface RunArgs {
  elf: string;
  args: string[];
  strace: boolean;
  stats: boolean;
  'stats-json'?: string;
  mem: string;
  dir: string[];
  env: string[];
  'clear-env': boolean;
  'max-insns'?: string;
  tier: Tier;
  aot?: string;
  'cache-dir'?: string;
  'profile-out'?: string;
  superops: boolean;
  coalesce: boolean;
  check: boolean;
  'check-seed'?: number;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <elf> [args..]',
  describe: 'run a RISC-V RV64GC Linux static executable',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments passed to the guest' })
      .option('tier', { choices: TIERS, default: 'interp' as const, describe: 'execution tier' })
      .option('strace', { type: 'boolean', default: false, describe: 'print every system call to stderr' })
      .option('stats', { type: 'boolean', default: false, describe: 'print execution statistics to stderr at exit' })
      .option('stats-json', { type: 'string', describe: 'write execution statistics and peak RSS as JSON to this file at exit' })
      .option('mem', { type: 'string', default: '1G', describe: 'cap on guest memory; mmap/brk beyond it fail with ENOMEM' })
      .option('dir', {
        type: 'string', array: true, default: [],
        describe: 'make a host directory visible to the guest: HOST[:GUEST][:rw] (read-only unless :rw)',
      })
      .option('env', { type: 'string', array: true, default: [], describe: 'set a guest environment variable K=V' })
      .option('clear-env', { type: 'boolean', default: false, describe: 'start the guest with an empty environment' })
      .option('superops', { type: 'boolean', default: true, describe: 'T0 superoperators (--no-superops: the plain interpreter, for comparison)' })
      .option('coalesce', { type: 'boolean', default: true, describe: 'serve exits in place (--no-coalesce: every exit returns to the engine, for comparison)' })
      .option('check', { type: 'boolean', default: false, describe: 'run the interpreter in lockstep beside --tier baseline|opt (default opt) and stop at the first difference' })
      .option('check-seed', { type: 'number', describe: 'with --check: seed of the random bytes both machines see (printed in reports)' })
      .option('aot', { type: 'string', describe: 'use this module from ferry aot (adaptive tier unless --tier baseline|opt); a bad one is a warning and a JIT run' })
      .option('cache-dir', { type: 'string', describe: 'persistent translation cache (default $FERRY_CACHE_DIR): reuse its module for this program, fill it in the background on a miss' })
      .option('profile-out', { type: 'string', describe: 'write the pcs the run entered to this file (for ferry aot --profile; best with a JIT tier)' })
      .option('max-insns', { type: 'string', describe: 'stop after this many guest instructions (exit status 124)' }) as never,
  handler: async (argv) => {
    const base = argv['clear-env'] ? [] : Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
    const overrides = new Set(argv.env.map((kv) => kv.split('=')[0]));
    const env = [...base.filter((kv) => !overrides.has(kv.split('=')[0])), ...argv.env];
    const guestArgs = [...argv.args, ...((argv as unknown as { '--'?: string[] })['--'] ?? [])].map(String);
    if (argv.check) return runCheckCommand(argv, env, guestArgs);
    const plan = await planAotRun(argv);
    const result = await runProgram({
      ...machineOptions(argv, env, guestArgs),
      tier: plan.tier,
      ...(plan.preloaded ? { preloaded: plan.preloaded } : {}),
      ...(plan.entryPcs ? { entryPcs: plan.entryPcs } : {}),
      superops: argv.superops,
      coalesce: argv.coalesce,
    });
    plan.finish();
    if (result.message) process.stderr.write(`ferry: ${argv.elf}: ${result.message}\n`);
    if (argv.stats) process.stderr.write(result.stats.format() + '\n');
    if (argv['stats-json'] !== undefined) {
      // maxRSS is in KiB; uptime includes Node start-up and loading Ferry, wallMs does not.
      const usage = process.resourceUsage();
      const record = { ...result.stats.toJSON(), tier: argv.tier, status: result.status, maxRssKiB: usage.maxRSS, processUptimeMs: process.uptime() * 1000 };
      writeFileSync(argv['stats-json'], JSON.stringify(record) + '\n');
    }
    process.exitCode = result.status;
  },
};

/** What every run of the guest shares: program, arguments, environment, files, limits. */
function machineOptions(argv: RunArgs, env: string[], guestArgs: string[]) {
  return {
    path: argv.elf,
    argv: [argv.elf, ...guestArgs],
    env,
    dirs: argv.dir.map(parseDirMapping),
    memLimit: parseSize(argv.mem, '--mem'),
    strace: argv.strace,
    ...(argv['max-insns'] !== undefined ? { maxInsns: BigInt(argv['max-insns']) } : {}),
  };
}

/** `run --check`: lockstep against the interpreter; a divergence report goes to stderr. */
async function runCheckCommand(argv: RunArgs, env: string[], guestArgs: string[]): Promise<void> {
  const tier = argv.tier === 'interp' ? 'opt' : argv.tier;
  if (tier !== 'baseline' && tier !== 'opt') throw new FerryError(`--check compares the interpreter with --tier baseline or opt, not ${tier}`);
  const { runChecked } = await import('@ferry/engine/check');
  const result = await runChecked({
    ...machineOptions(argv, env, guestArgs),
    tier,
    ...(argv['check-seed'] !== undefined ? { seed: argv['check-seed'] } : {}),
  });
  if (result.divergence) process.stderr.write(`ferry: --check: ${result.divergence.report}\n`);
  else if (result.message) process.stderr.write(`ferry: ${argv.elf}: ${result.message}\n`);
  if (argv.stats || !result.divergence) process.stderr.write(`ferry: --check: ${tier} agreed with the interpreter at ${result.boundaries} boundaries over ${result.instructions} instructions\n`);
  process.exitCode = result.status;
}
