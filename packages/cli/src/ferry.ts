#!/usr/bin/env node
// `ferry`: the command line. Only argument parsing and printing live here; the work is done by
// the engine, runtime and isa packages. Every user-facing failure is one line on stderr,
// prefixed `ferry:`, and a non-zero exit status; never a stack trace. A plain `ferry run` is parsed
// by the run command's quick path (run-options.ts) and never loads yargs itself (start-up).
import { hideBin } from 'yargs/helpers';
import { FerryError } from '@ferry/util';
import type { CommandModule } from 'yargs';

interface LoadedCommand {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  command: CommandModule<object, any>;
  /** Moves the guest program's own arguments behind `--` (commands that run a guest). */
  split?: (argv: string[]) => string[];
  /** The command's arguments parsed without yargs, when the command line is plain enough. */
  quick?: (argv: string[]) => object | undefined;
}

/** Each command's module, imported only when that command runs (or for --help): start-up then
 *  loads what `ferry run` needs and nothing of the benchmark harness, AOT compiler or inspectors. */
const COMMANDS: Record<string, () => Promise<LoadedCommand>> = {
  run: async () => {
    const m = await import('./run.js');
    return { command: m.runCommand, split: m.splitGuestArguments, quick: m.quickRunArgs };
  },
  aot: async () => ({ command: (await import('./aot.js')).aotCommand }),
  disasm: async () => ({ command: (await import('./disasm.js')).disasmCommand }),
  profile: async () => {
    const m = await import('./profile.js');
    return { command: m.profileCommand, split: m.splitProfileArguments };
  },
  lift: async () => ({ command: (await import('./lift.js')).liftCommand }),
  wat: async () => ({ command: (await import('./wat.js')).watCommand }),
  compare: async () => {
    const m = await import('./compare.js');
    return { command: m.compareCommand, split: m.splitCompareArguments };
  },
  bench: async () => ({ command: (await import('./bench.js')).benchCommand }),
};

function fail(message: string): never {
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(1);
}

/** No top-level await: the build runs this file as a classic script with a V8 code cache. */
async function main(): Promise<void> {
  const words = hideBin(process.argv);
  const name = words[0];
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const loaded = await Promise.all(wanted.map((n) => COMMANDS[n]!()));
  const argv = loaded.reduce((a, l) => (l.split ? l.split(a) : a), words);
  const quick = loaded.length === 1 ? loaded[0]!.quick?.(argv) : undefined;
  if (quick) {
    await loaded[0]!.command.handler({ ...quick, _: [name], $0: 'ferry' });
  } else {
    const { yargsParser } = await import('./yargs-parser.js');
    await yargsParser(argv, loaded.map((l) => l.command), fail).parseAsync();
  }
}

main().catch((e: unknown) => {
  if (e instanceof FerryError) fail(e.message);
  const err = e as Error;
  fail(`internal error: ${err.message}\n${err.stack ?? ''}`);
});
