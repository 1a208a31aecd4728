// `ferry run <elf> [args..]`: run a guest program; its exit status becomes Ferry's.
import { writeFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { runProgram } from '@ferry/engine';
import { FerryError } from '@ferry/util';
import { parseDirMapping } from '@ferry/runtime';
import { planAotRun } from './aot-run.js';
import { parseSize } from './options.js';
import { type RunArgs, VALUE_OPTIONS, yargsRunOptions } from './run-options.js';

export { quickRunArgs } from './run-options.js';

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

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <elf> [args..]',
  describe: 'run a RISC-V RV64GC Linux static executable',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments passed to the guest' })
      .options(yargsRunOptions()) as never,
  handler: async (argv) => {
    const base = argv['clear-env'] ? [] : Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
    const overrides = new Set(argv.env.map((kv) => kv.split('=')[0]));
    const env = [...base.filter((kv) => !overrides.has(kv.split('=')[0])), ...argv.env];
    const guestArgs = [...argv.args, ...(argv['--'] ?? [])].map(String);
    if (argv.check) return runCheckCommand(argv, env, guestArgs);
    const plan = await planAotRun(argv);
    const result = await runProgram({
      ...machineOptions(argv, env, guestArgs),
      tier: plan.tier,
      ...(plan.preloaded ? { preloaded: plan.preloaded } : {}),
      ...(plan.entryPcs ? { entryPcs: plan.entryPcs } : {}),
      superops: argv.superops,
      coalesce: argv.coalesce,
      countTransfers: argv.stats,
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
  const tier = argv.tier === 'interp' || argv.tier === 'adaptive' ? 'opt' : argv.tier;
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
