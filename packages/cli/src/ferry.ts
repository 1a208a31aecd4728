#!/usr/bin/env node
// `ferry`: the command line. Only argument parsing and printing live here; the work is done by
// the engine, runtime and isa packages. Every user-facing failure is one line on stderr,
// prefixed `ferry:`, and a non-zero exit status; never a stack trace.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FerryError } from '@ferry/util';
import type { CommandModule } from 'yargs';

interface LoadedCommand {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  command: CommandModule<object, any>;
  /** Moves the guest program's own arguments behind `--` (commands that run a guest). */
  split?: (argv: string[]) => string[];
}

/** Each command's module, imported only when that command runs (or for --help): start-up then
 *  loads what `ferry run` needs and nothing of the benchmark harness, AOT compiler or inspectors. */
const COMMANDS: Record<string, () => Promise<LoadedCommand>> = {
  run: async () => {
    const m = await import('./run.js');
    return { command: m.runCommand, split: m.splitGuestArguments };
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

try {
  const words = hideBin(process.argv);
  const name = words[0];
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const loaded = await Promise.all(wanted.map((n) => COMMANDS[n]!()));
  const argv = loaded.reduce((a, l) => (l.split ? l.split(a) : a), words);
  let parser = yargs(argv)
    .scriptName('ferry')
    .usage('$0 <command> [options]\n\nRuns RISC-V RV64GC Linux programs by translating them to WebAssembly.');
  for (const l of loaded) parser = parser.command(l.command);
  await parser
    .demandCommand(1, 'name a command: ferry run <elf>, ferry disasm <elf> (see ferry --help)')
    .strictCommands()
    .parserConfiguration({ 'populate--': true })
    .fail((msg, err) => {
      if (err) throw err;
      fail(msg);
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .parseAsync();
} catch (e) {
  if (e instanceof FerryError) fail(e.message);
  const err = e as Error;
  fail(`internal error: ${err.message}\n${err.stack ?? ''}`);
}
