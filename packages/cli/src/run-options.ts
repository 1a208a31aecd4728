// The options of `ferry run`, declared once as data: the yargs builder of `run` is made from this
// table, and so is the quick path that parses a plain `ferry run` with yargs's own parser
// (yargs-parser) without loading the rest of yargs (~25-40 ms of start-up on a cold process).
// Invariant: the quick path accepts only command lines on which it gives the handler what yargs
// would (run-options.test.ts checks this); anything else (help, unknown or repeated options, bad
// choices, a missing program) returns undefined and goes through yargs, which reports it.
import type { Options } from 'yargs';
import { Parser } from 'yargs/helpers';
import { TIERS, type Tier } from '@ferry/engine';

interface OptionSpec {
  type: 'string' | 'boolean' | 'number';
  /** Repeatable; each occurrence takes exactly one value (`--dir a --dir b prog`, not `--dir a b`). */
  array?: true;
  default?: string | boolean | readonly string[];
  choices?: readonly string[];
  describe: string;
}

export const RUN_OPTIONS = {
  tier: { type: 'string', choices: TIERS, default: 'adaptive', describe: 'execution tier' },
  strace: { type: 'boolean', default: false, describe: 'print every system call to stderr' },
  stats: { type: 'boolean', default: false, describe: 'print execution statistics to stderr at exit (JIT code then counts its transfers: a little slower)' },
  'stats-json': { type: 'string', describe: 'write execution statistics and peak RSS as JSON to this file at exit' },
  mem: { type: 'string', default: '1G', describe: 'cap on guest memory; mmap/brk beyond it fail with ENOMEM' },
  dir: {
    type: 'string', array: true, default: [],
    describe: 'make a host directory visible to the guest: HOST[:GUEST][:rw] (read-only unless :rw)',
  },
  env: { type: 'string', array: true, default: [], describe: 'set a guest environment variable K=V' },
  'clear-env': { type: 'boolean', default: false, describe: 'start the guest with an empty environment' },
  superops: { type: 'boolean', default: true, describe: 'T0 superoperators (--no-superops: the plain interpreter, for comparison)' },
  coalesce: { type: 'boolean', default: true, describe: 'serve exits in place (--no-coalesce: every exit returns to the engine, for comparison)' },
  check: { type: 'boolean', default: false, describe: 'run the interpreter in lockstep beside --tier baseline|opt (default opt) and stop at the first difference' },
  'check-seed': { type: 'number', describe: 'with --check: seed of the random bytes both machines see (printed in reports)' },
  aot: { type: 'string', describe: 'use this module from ferry aot (adaptive tier unless --tier baseline|opt); a bad one is a warning and a JIT run' },
  'cache-dir': { type: 'string', describe: 'persistent translation cache (default $FERRY_CACHE_DIR): reuse its module for this program, fill it in the background on a miss' },
  'profile-out': { type: 'string', describe: 'write the pcs the run entered to this file (for ferry aot --profile; best with a JIT tier)' },
  'max-insns': { type: 'string', describe: 'stop after this many guest instructions (exit status 124)' },
} as const satisfies Record<string, OptionSpec>;

type RunOptionName = keyof typeof RUN_OPTIONS;
const NAMES = Object.keys(RUN_OPTIONS) as RunOptionName[];
const named = (test: (spec: OptionSpec) => boolean) => NAMES.filter((n) => test(RUN_OPTIONS[n]));

/** The table as yargs options (fresh default arrays each time: a parser may keep them). */
export function yargsRunOptions(): Record<string, Options> {
  return Object.fromEntries(NAMES.map((n) => {
    const spec = RUN_OPTIONS[n] as OptionSpec;
    const d = spec.default;
    return [n, { ...spec, ...(spec.array ? { nargs: 1 } : {}), ...(Array.isArray(d) ? { default: [...d] } : {}) } as Options];
  }));
}

/** Options that take a value (so the word after them is not the guest program). */
export const VALUE_OPTIONS: ReadonlySet<string> = new Set(named((s) => s.type !== 'boolean').map((n) => `--${n}`));

export interface RunArgs {
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
  '--'?: string[];
}

/** Parses `run ...` (guest words already moved behind `--`) as yargs would, or returns undefined
 *  when the command line needs yargs itself: help, an unknown or repeated option, a value outside
 *  an option's choices, or no guest program. */
export function quickRunArgs(words: readonly string[]): RunArgs | undefined {
  if (words[0] !== 'run') return undefined;
  const parsed = Parser(words.slice(1), {
    boolean: named((s) => s.type === 'boolean'),
    string: named((s) => s.type === 'string'),
    number: named((s) => s.type === 'number'),
    array: named((s) => s.array === true),
    narg: Object.fromEntries(named((s) => s.array === true).map((n) => [n, 1])),
    default: Object.fromEntries(Object.entries(yargsRunOptions()).flatMap(([n, o]) => (o.default === undefined ? [] : [[n, o.default]]))),
    configuration: { 'populate--': true, 'camel-case-expansion': false, 'parse-positional-numbers': false },
  });
  const positional = parsed._.map(String);
  if (positional.length === 0) return undefined;
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '_' || key === '--') continue;
    const spec = (RUN_OPTIONS as Record<string, OptionSpec>)[key];
    if (!spec) return undefined;
    if (!spec.array && Array.isArray(value)) return undefined;
    if (spec.choices && !spec.choices.includes(value as string)) return undefined;
    if (spec.type === 'number' && Number.isNaN(value)) return undefined;
  }
  const [elf, ...args] = positional;
  return { ...(parsed as unknown as RunArgs), elf: elf!, args, '--': (parsed['--'] ?? []).map(String) };
}
