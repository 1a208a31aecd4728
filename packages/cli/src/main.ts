#!/usr/bin/env node
// `ferry`: the command line. Only argument parsing and printing live here; the work is done by
// the engine, runtime and isa packages. Every user-facing failure is one line on stderr,
// prefixed `ferry:`, and a non-zero exit status; never a stack trace.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { FerryError } from '@ferry/util';
import { aotCommand } from './aot.js';
import { benchCommand } from './bench.js';
import { compareCommand, splitCompareArguments } from './compare.js';
import { disasmCommand } from './disasm.js';
import { liftCommand } from './lift.js';
import { watCommand } from './wat.js';
import { profileCommand, splitProfileArguments } from './profile.js';
import { runCommand, splitGuestArguments } from './run.js';

function fail(message: string): never {
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(1);
}

try {
  await yargs(splitProfileArguments(splitCompareArguments(splitGuestArguments(hideBin(process.argv)))))
    .scriptName('ferry')
    .usage('$0 <command> [options]\n\nRuns RISC-V RV64GC Linux programs by translating them to WebAssembly.')
    .command(runCommand)
    .command(aotCommand)
    .command(disasmCommand)
    .command(profileCommand)
    .command(liftCommand)
    .command(watCommand)
    .command(compareCommand)
    .command(benchCommand)
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
