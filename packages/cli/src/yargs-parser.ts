// The full yargs parser of the ferry command line: usage, help, strict command names and the
// failure handler. Loaded only when a command line is not plain enough for a command's quick path
// (ferry.ts), since yargs itself costs tens of milliseconds of start-up.
import yargs, { type Argv, type CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function yargsParser(argv: string[], commands: readonly CommandModule<object, any>[], fail: (message: string) => never): Argv {
  let parser = yargs(argv)
    .scriptName('ferry')
    .usage('$0 <command> [options]\n\nRuns RISC-V RV64GC Linux programs by translating them to WebAssembly.');
  for (const command of commands) parser = parser.command(command);
  return parser
    .demandCommand(1, 'name a command: ferry run <elf>, ferry disasm <elf> (see ferry --help)')
    .strictCommands()
    .parserConfiguration({ 'populate--': true })
    .fail((msg, err) => {
      if (err) throw err;
      fail(msg);
    })
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 100));
}
