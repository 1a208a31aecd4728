// `ferry profile <elf> [args..]`: runs the program on the profiling interpreter and reports where
// the time goes: hot functions, dynamic counts of adjacent instruction pairs and triples by row
// and register shape (what superoperators can fuse), executed row pairs across control transfers,
// and exits by kind and by guest pc. A table on stdout, or JSON with --json; the guest's own output
// goes to stderr so the report stays parseable.
import type { CommandModule } from 'yargs';
import { profileProgram, type ExecutionProfile } from '@ferry/engine/profile';
import { SiteIndex, sequenceCounts } from '@ferry/interp';
import { parseDirMapping } from '@ferry/runtime';
import { parseSize } from './options.js';
import { splitAfterProgram } from './run.js';

interface ProfileArgs {
  elf: string;
  args: string[];
  json: boolean;
  top: number;
  dir: string[];
  env: string[];
  mem: string;
  'max-insns'?: string;
}

const VALUE_OPTIONS = new Set(['--top', '--dir', '--env', '--mem', '--max-insns']);

export function splitProfileArguments(argv: string[]): string[] {
  return splitAfterProgram(argv, 'profile', VALUE_OPTIONS);
}

export interface ProfileReport {
  program: string;
  argv: string[];
  instructions: string;
  status: number;
  hotRegions: { name: string; start: string; instructions: number; share: number }[];
  pairs: { pattern: string; count: number; share: number }[];
  triples: { pattern: string; count: number; share: number }[];
  rowPairs: ExecutionProfile['rowPairs'];
  exits: Record<string, number>;
  exitSites: { kind: string; pc: string; count: number }[];
  sites?: { pc: string; count: number; word: number }[];
}

/** The report's data from a profile (the `top` most frequent of each list; every site with sites). */
export function profileReport(program: string, argv: string[], profile: ExecutionProfile, top: number, withSites: boolean): ProfileReport {
  const total = Number(profile.instructions) || 1;
  const index = new SiteIndex(profile.sites);
  const ranked = (length: number) =>
    [...sequenceCounts(index, length)].sort((a, b) => b[1] - a[1]).slice(0, top).map(([pattern, count]) => ({ pattern, count, share: count / total }));
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  return {
    program,
    argv,
    instructions: profile.instructions.toString(),
    status: profile.status,
    hotRegions: profile.hotRegions.slice(0, top).map((r) => ({ name: r.name, start: hex(r.start), instructions: r.instructions, share: r.instructions / total })),
    pairs: ranked(2),
    triples: ranked(3),
    rowPairs: profile.rowPairs.slice(0, top),
    exits: profile.exits,
    exitSites: profile.exitSites.slice(0, top).map((e) => ({ kind: e.kind, pc: hex(e.pc), count: e.count })),
    ...(withSites ? { sites: profile.sites.map((s) => ({ pc: hex(s.pc), count: s.count, word: s.word })) } : {}),
  };
}

const percent = (share: number) => `${(share * 100).toFixed(2)}%`.padStart(8);

export function formatProfile(r: ProfileReport): string {
  const lines = [`${r.program}: ${r.instructions} guest instructions, exit status ${r.status}`, ''];
  const table = (title: string, rows: string[][]) => {
    lines.push(title);
    for (const row of rows) lines.push('  ' + row.join('  '));
    lines.push('');
  };
  table('hot functions (instructions, share)', r.hotRegions.map((h) => [String(h.instructions).padStart(12), percent(h.share), `${h.name} @ ${h.start}`]));
  table('adjacent pairs (executions, share of instructions)', r.pairs.map((p) => [String(p.count).padStart(12), percent(p.share), p.pattern]));
  table('adjacent triples', r.triples.map((p) => [String(p.count).padStart(12), percent(p.share), p.pattern]));
  table('executed row pairs, across control transfers', r.rowPairs.map((p) => [String(p.count).padStart(12), `${p.from} -> ${p.to}`]));
  table('exits by kind', Object.entries(r.exits).sort((a, b) => b[1] - a[1]).map(([k, n]) => [String(n).padStart(12), k]));
  table('exits by guest pc', r.exitSites.map((e) => [String(e.count).padStart(12), e.kind.padEnd(12), e.pc]));
  return lines.join('\n');
}

export const profileCommand: CommandModule<object, ProfileArgs> = {
  command: 'profile <elf> [args..]',
  describe: 'profile a program on the interpreter: hot functions, instruction pairs and triples, exits',
  builder: (y) =>
    y
      .positional('elf', { type: 'string', demandOption: true, describe: 'the guest executable' })
      .positional('args', { type: 'string', array: true, default: [], describe: 'arguments passed to the guest' })
      .option('json', { type: 'boolean', default: false, describe: 'print the profile as JSON (every executed pc included)' })
      .option('top', { type: 'number', default: 20, describe: 'rows per table' })
      .option('dir', { type: 'string', array: true, default: [], describe: 'HOST[:GUEST][:rw] directory visible to the guest' })
      .option('env', { type: 'string', array: true, default: [], describe: 'guest environment variable K=V (the guest starts with only these)' })
      .option('mem', { type: 'string', default: '1G', describe: 'cap on guest memory' })
      .option('max-insns', { type: 'string', describe: 'stop after this many guest instructions' }) as never,
  handler: (argv) => {
    const guestArgs = [...argv.args, ...((argv as unknown as { '--'?: string[] })['--'] ?? [])].map(String);
    const toStderr = { write: (d: Uint8Array) => void process.stderr.write(d) };
    const profile = profileProgram({
      path: argv.elf,
      argv: [argv.elf, ...guestArgs],
      env: argv.env,
      dirs: argv.dir.map(parseDirMapping),
      memLimit: parseSize(argv.mem, '--mem'),
      stdout: toStderr,
      stderr: toStderr,
      ...(argv['max-insns'] !== undefined ? { maxInsns: BigInt(argv['max-insns']) } : {}),
    });
    const report = profileReport(argv.elf, guestArgs, profile, argv.top, argv.json);
    process.stdout.write(argv.json ? JSON.stringify(report) + '\n' : formatProfile(report) + '\n');
  },
};
