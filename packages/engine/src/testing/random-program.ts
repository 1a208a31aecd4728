// Seeded random RV64GC programs for the differential test across tiers. Instructions are drawn
// from the isa table itself (every row that neither leaves straight-line flow nor reads clocks),
// operands chosen per syntax token and checked by the test assembler (a pick it rejects is drawn
// again). Straight-line runs, counted loops and forward branches are mixed. Invariants: s0 points
// into the middle of the snippet data page and sp a quarter into it, s1 is the loop counter and t6 the atomic address
// register; none is ever a destination, so every access stays in the data page and every loop ends;
// frm is only ever written with valid modes, so dynamic-rounding ops stay legal.
// Two more kinds of line make the programs cover what the T0 interpreter fuses and what the
// generated code serves in place: random instances of the superoperator patterns (superops.json;
// memory bases s0 or sp, destinations never a reserved register, emitted as raw words with their
// disassembly in a comment), and clusters of system calls whose results do not depend on the tier
// (getpid, getuid, gettid, a close(-1) that fails), back to back or around other instructions.
import { readFileSync } from 'node:fs';
import { parsePattern, type ParsedPattern } from '@ferry/interp';
import { assemble, disassembleWord, FP_REGISTER_NAMES, INT_REGISTER_NAMES, ROWS, syntaxTokens, type InsnRow } from '@ferry/isa-riscv';
import { SNIPPET_DATA, SNIPPET_DATA_SIZE, type SnippetInput } from '../snippet.js';
import { patternInstance, type RegisterUse } from './pattern-instances.js';

/** mulberry32: small, fast, good enough for test generation. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE = 8; // s0
const COUNTER = 9; // s1
const STACK = 2; // sp
const ATOMIC = 31; // t6
const RESERVED = new Set([BASE, COUNTER, STACK, ATOMIC]);
const BASE_ADDRESS = SNIPPET_DATA + SNIPPET_DATA_SIZE / 2;
const STACK_ADDRESS = SNIPPET_DATA + SNIPPET_DATA_SIZE / 4;

/** Rows a random program may use: no control transfer, no exit, no clock CSR (checked per pick). */
const CANDIDATES: readonly InsnRow[] = ROWS.filter((r) => !r.flags.endsBlock && !r.flags.exits && !syntaxTokens(r.syntax).includes('target'));

const INTERESTING_X = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen];
const INTERESTING_F = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff4000000000000n, 0x0000000000000001n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0x43e0000000000000n,
  // NaN-boxed singles: 1.0, -0.0, inf, qNaN, sNaN, smallest subnormal, 2^31; and an improperly boxed one.
  0xffffffff3f800000n, 0xffffffff80000000n, 0xffffffff7f800000n, 0xffffffff7fc00000n, 0xffffffff7fa00000n, 0xffffffff00000001n,
  0xffffffff4f000000n, 0x000000003f800000n,
];

/** The T0 interpreter's superoperator patterns (packages/interp/src/superops.json). */
const SUPEROPS: readonly ParsedPattern[] = (JSON.parse(readFileSync(new URL('../../../interp/src/superops.json', import.meta.url), 'utf8')) as { superops: { pattern: string }[] })
  .superops.map((s) => parsePattern(s.pattern));

/** Registers a pattern's symbol may name in a random program: a memory base is s0 (never also a
 *  destination), a destination is never reserved, an x register is never x0 (the pattern says). */
function allowedRegisters(uses: readonly RegisterUse[]): number[] {
  if (uses[0]!.file === 'f') return Array.from({ length: 32 }, (_, n) => n);
  const written = uses.some((u) => u.slot === 'rd');
  if (uses.some((u) => u.base)) return written ? [] : [BASE];
  return Array.from({ length: 31 }, (_, i) => i + 1).filter((n) => !written || !RESERVED.has(n));
}

/** A row that writes sp itself (c.addi16sp), which a random program keeps fixed. */
const writesStackPointer = (row: InsnRow) => row.fields.rd === STACK;

/** System calls whose results are the same in every tier (a7 number; a0 argument or none). */
const STEADY_SYSCALLS: readonly { nr: number; a0?: number }[] = [{ nr: 172 }, { nr: 173 }, { nr: 174 }, { nr: 178 }, { nr: 57, a0: -1 }];

export interface RandomProgram extends SnippetInput {
  seed: number;
  source: string;
}

export interface ProgramShape {
  /** Approximate number of instructions in the program text. */
  instructions: number;
}

export function randomProgram(seed: number, shape: ProgramShape): RandomProgram {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const bits64 = () => BigInt(int(2 ** 32)) << 32n | BigInt(int(2 ** 32));
  const destX = () => {
    for (;;) {
      const r = int(32);
      if (!RESERVED.has(r)) return r;
    }
  };
  const x = () => INT_REGISTER_NAMES[int(32)]!;
  const f = () => FP_REGISTER_NAMES[int(32)]!;

  function operand(token: string): string | undefined {
    switch (token) {
      case 'rd': return INT_REGISTER_NAMES[int(8) === 0 ? 0 : destX()];
      case 'rs1': case 'rs2': return x();
      case 'fd': case 'fs1': case 'fs2': case 'fs3': return f();
      case 'imm': return String(random() < 0.5 ? int(64) - 32 : int(4096) - 2048);
      case 'shamt': return String(int(64));
      case 'upper': return '0x' + int(0x100000).toString(16);
      case 'rm': return pick(['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn', 'dyn']);
      case 'csr': return 'fflags';
      case 'zimm': return String(int(5));
      case 'pred': case 'succ': return pick(['rw', 'r', 'w', 'iorw']);
      case 'imm(rs1)': {
        // Mostly 8-byte aligned, sometimes not; always inside the data page (s0 is its middle).
        const room = random() < 0.5 ? 256 : SNIPPET_DATA_SIZE / 2;
        const offset = random() < 0.8 ? int(room / 8) * 8 : int(room - 8);
        return `${random() < 0.5 ? offset : -offset}(s0)`;
      }
      case '(rs1)': return `(${INT_REGISTER_NAMES[ATOMIC]})`;
      default: return undefined;
    }
  }

  /** One random instruction line (and the set-up line an atomic needs). */
  function instruction(): string[] {
    for (let attempt = 0; attempt < 50; attempt++) {
      const row = pick(CANDIDATES);
      const tokens = syntaxTokens(row.syntax);
      const parts = tokens.map((t) => operand(t));
      if (parts.some((p) => p === undefined)) continue;
      // Destinations must not be the reserved registers (the generic pick may land on one).
      if (tokens[0] === 'rd' && RESERVED.has(INT_REGISTER_NAMES.indexOf(parts[0]!))) continue;
      // CSR writes through a register go to fflags only (frm must stay a valid mode); frm and
      // fcsr are written with immediates 0..4 or read.
      // (csrrsi could set frm to a reserved 5..7, so it only ever names fflags and fcsr.)
      if (tokens.includes('csr')) parts[tokens.indexOf('csr')] = row.name === 'csrrw' ? 'fflags' : row.name === 'csrrsi' ? pick(['fflags', 'fcsr']) : pick(['fflags', 'frm', 'fcsr']);
      if (tokens.includes('csr') && !tokens.includes('zimm') && parts[tokens.indexOf('csr')] !== 'fflags') parts[tokens.indexOf('rs1')] = 'zero';
      const name = row.suffix === 'aqrl' ? row.name + pick(['', '.aq', '.rl', '.aqrl']) : row.name;
      const text = tokens.length ? `${name} ${parts.join(',')}` : name;
      const atomic = tokens.includes('(rs1)');
      const lines = atomic ? [`addi t6,s0,${(int(256) - 128) * 8}`, text] : [text];
      try {
        assemble(lines.join('\n'));
        return lines;
      } catch {
        continue;
      }
    }
    return ['addi a0,a0,1'];
  }

  /** A random superoperator instance as .half/.word lines (the disassembly in a comment). */
  function fused(): string[] | undefined {
    const pattern = pick(SUPEROPS);
    if (pattern.rows.some(writesStackPointer)) return undefined;
    const words = patternInstance(pattern, {
      below: int,
      registers: allowedRegisters,
      // Memory offsets keep the access inside the data page (s0 is its middle, sp a quarter in).
      immediateRange: (row) => (row.flags.load || row.flags.store ? { min: -1024, max: 1016 } : undefined),
    });
    return words?.map(([word, size]) => `${size === 2 ? '.half' : '.word'} ${'0x' + word.toString(16)} # ${disassembleWord(word, 0n)}`);
  }

  /** One to three system calls with steady results, with the ecall's a0 result kept in a0. */
  function syscalls(): string[] {
    const lines: string[] = [];
    for (let n = 1 + int(3); n > 0; n--) {
      const call = pick(STEADY_SYSCALLS);
      if (call.a0 !== undefined) lines.push(`addi a0,zero,${call.a0}`);
      lines.push(`addi a7,zero,${call.nr}`, 'ecall');
      if (random() < 0.3) lines.push(...instruction());
    }
    return lines;
  }

  const lines: string[] = [];
  let emitted = 0;
  let label = 0;
  while (emitted < shape.instructions) {
    const kind = random();
    const length = 3 + int(12);
    const body: string[] = [];
    for (let i = 0; i < length; i++) {
      const what = random();
      const extra = what < 0.12 ? fused() : what < 0.15 ? syscalls() : undefined;
      body.push(...(extra ?? instruction()));
    }
    if (kind < 0.25) {
      const l = `loop${label++}`;
      lines.push(`addi s1,zero,${1 + int(6)}`, `${l}:`, ...body, 'addi s1,s1,-1', `bne s1,zero,${l}`);
      emitted += body.length + 3;
    } else if (kind < 0.4) {
      const l = `skip${label++}`;
      lines.push(`${pick(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'])} ${x()},${x()},${l}`, ...body, `${l}:`);
      emitted += body.length + 1;
    } else {
      lines.push(...body);
      emitted += body.length;
    }
  }
  lines.push('ebreak');
  const source = lines.join('\n');
  const { bytes } = assemble(source, 0x10000n);

  const xs: Record<number, bigint> = {};
  for (let r = 1; r < 32; r++) xs[r] = random() < 0.5 ? pick(INTERESTING_X) : bits64();
  xs[BASE] = BigInt(BASE_ADDRESS);
  xs[STACK] = BigInt(STACK_ADDRESS);
  const fs: Record<number, bigint> = {};
  for (let r = 0; r < 32; r++) fs[r] = random() < 0.6 ? pick(INTERESTING_F) : bits64();
  const data = new Uint8Array(SNIPPET_DATA_SIZE);
  for (let i = 0; i < data.length; i++) data[i] = int(256);
  return { seed, source, code: bytes, x: xs, f: fs, frm: int(5), fflags: int(32), data, maxInsns: 100_000n };
}
