// `ferry run`'s quick path against yargs: on every command line the quick path accepts, the run
// handler gets the same program, guest arguments and option values yargs would give it; command
// lines it must leave to yargs (help, unknown or repeated options, bad choices) are refused.
import { describe, expect, it } from 'vitest';
import { quickRunArgs, RUN_OPTIONS, type RunArgs } from './run-options.js';
import { runCommand, splitGuestArguments } from './run.js';
import { yargsParser } from './yargs-parser.js';

const KEYS = ['elf', 'args', '--', ...Object.keys(RUN_OPTIONS)] as const;

/** What yargs hands the run handler for these words (undefined: yargs refused them). */
async function viaYargs(words: string[]): Promise<Partial<RunArgs> | undefined> {
  let captured: Partial<RunArgs> | undefined;
  const capture = { ...runCommand, handler: (argv: Partial<RunArgs>) => void (captured = argv) };
  const refuse = (message: string): never => {
    throw new Error(message);
  };
  try {
    await yargsParser(words, [capture], refuse).exitProcess(false).parseAsync();
  } catch {
    return undefined;
  }
  return captured;
}

/** The values the handler reads; it reads the guest's words after `--` as strings, absent as none. */
const pick = (argv: Partial<RunArgs>) => ({
  ...Object.fromEntries(KEYS.map((k) => [k, argv[k as keyof RunArgs] ?? undefined])),
  '--': (argv['--'] ?? []).map(String),
});

const PLAIN: string[][] = [
  ['run', 'prog'],
  ['run', 'prog', 'a', '-v', '--x', '--tier', 'opt'],
  ['run', '--tier', 'baseline', '--stats', 'prog', '1'],
  ['run', '--tier=opt', 'prog'],
  ['run', '--tier', 'adaptive', 'prog', '--', 'a'],
  ['run', '--no-superops', '--no-coalesce', 'prog'],
  ['run', '--dir', '/tmp:/data:rw', '--dir', 'x', 'prog'],
  ['run', '--dir=/tmp', '--env', 'A=1', 'prog', 'b'],
  ['run', '--env', 'A=1', '--env', 'B=2', '--clear-env', 'prog'],
  ['run', '--mem', '64M', '--max-insns', '1000', '--stats-json', 'f.json', 'prog'],
  ['run', '--check', '--check-seed', '7', 'prog'],
  ['run', '--aot', 'x.wasm', '--cache-dir', 'd', '--profile-out', 'p', 'prog'],
  ['run', '--stats=false', '--strace', 'prog'],
  ['run', '123', '45'],
];

const LEFT_TO_YARGS: string[][] = [
  ['run'],
  ['run', '--help'],
  ['run', '--tier', 'bogus', 'prog'],
  ['run', '--tier', 'interp', '--tier', 'opt', 'prog'],
  ['run', '-x', 'prog'],
  ['run', '--statsJson', 'f', 'prog'],
  ['run', '--check-seed', 'seven', 'prog'],
  ['disasm', 'prog'],
];

describe('ferry run quick path', () => {
  it.each(PLAIN.map((words) => ({ words })))('gives the handler what yargs gives it: $words', async ({ words }) => {
    const argv = splitGuestArguments(words);
    const quick = quickRunArgs(argv);
    expect(quick, 'the quick path should accept this plain command line').toBeDefined();
    const yargs = await viaYargs(argv);
    expect(yargs).toBeDefined();
    expect(pick(quick!)).toEqual(pick(yargs!));
  });

  it.each(LEFT_TO_YARGS.map((words) => ({ words })))('leaves $words to yargs', ({ words }) => {
    expect(quickRunArgs(splitGuestArguments(words))).toBeUndefined();
  });

  it('derives the options that take a value from the table', async () => {
    const { VALUE_OPTIONS } = await import('./run-options.js');
    expect([...VALUE_OPTIONS].sort()).toEqual(
      ['--aot', '--cache-dir', '--check-seed', '--dir', '--env', '--max-insns', '--mem', '--profile-out', '--stats-json', '--tier'],
    );
  });
});
