// Random differential tests of T0's superoperators and exit coalescing: random instances of every
// chosen superoperator pattern (random registers obeying the pattern's shape, random immediates,
// branches and jumps aimed at the next instruction) run inside a loop whose first pass enters the
// first instance in its middle, under the interpreter with superoperators and without, with
// budgets that end inside sequences too; the final states must be identical. Patterns ending in an
// indirect jump through a register the pattern does not compute, or in an ecall, cannot be aimed
// at random: the corpus runs (every function epilogue) and the cluster tests cover those. Exit clusters
// (back-to-back ecalls, a failing one feeding the next, one ending in a fault or a signal) must
// give identical states with coalescing on and off, in every tier.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePattern, type ParsedPattern } from '@ferry/interp';
import { ROW_BY_NAME, assemble, disassembleBytes, encode } from '@ferry/isa-riscv';
import { patternInstance } from './testing/pattern-instances.js';
import { runSnippet, runSnippetInTier, SNIPPET_CODE, SNIPPET_DATA, type SnippetInput, type SnippetResult } from './snippet.js';

/** The patterns the built interpreter fuses (packages/interp/src/superops.json). */
const SUPEROPS: string[] = (JSON.parse(readFileSync(new URL('../../interp/src/superops.json', import.meta.url), 'utf8')) as { superops: { pattern: string }[] }).superops.map((s) => s.pattern);

/** xorshift64*: reproducible random numbers. */
function rng(seed: bigint) {
  let s = seed || 1n;
  const next = (): bigint => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
  return { next, below: (n: number) => Number(next() % BigInt(n)), pick: <T>(xs: readonly T[]): T => xs[Number(next() % BigInt(xs.length))]! };
}
type Rng = ReturnType<typeof rng>;

const LOOP_REGISTER = 27;
const DATA_POINTER = BigInt(SNIPPET_DATA + 0x800);

/** Words of one random instance of the pattern (any registers but x0, sp and the loop counter). */
function randomInstance(p: ParsedPattern, r: Rng): number[][] | undefined {
  return patternInstance(p, {
    below: r.below,
    registers: (uses) => Array.from({ length: 31 }, (_, i) => i + 1).filter((n) => uses[0]!.file === 'f' || (n !== LOOP_REGISTER && n !== 2)),
  });
}

function bytesOf(words: number[][]): number[] {
  return words.flatMap(([w, size]) => Array.from({ length: size! }, (_, i) => (w! >>> (8 * i)) & 0xff));
}

/** A loop over `instances`, entered the first time at the second instruction of the first one. */
function loopProgram(instances: number[][][]): Uint8Array {
  const body = instances.flatMap(bytesOf);
  const row = (name: string) => ROW_BY_NAME.get(name)!;
  const head = [[encode(row('addi'), { rd: LOOP_REGISTER, rs1: 0, imm: 2 }), 4], [encode(row('jal'), { rd: 0, imm: 4 + instances[0]![0]![1]! }), 4]];
  const tail = [
    [encode(row('addi'), { rd: LOOP_REGISTER, rs1: LOOP_REGISTER, imm: -1 }), 4],
    [encode(row('bne'), { rs1: LOOP_REGISTER, rs2: 0, imm: -(body.length + 4) }), 4],
    [encode(row('ebreak'), {}), 4],
  ];
  return Uint8Array.from([...bytesOf(head), ...body, ...bytesOf(tail)]);
}

function randomRegisters(r: Rng): SnippetInput['x'] {
  const x: Record<number, bigint> = {};
  for (let n = 1; n < 32; n++) if (n !== 2) x[n] = r.pick([DATA_POINTER, DATA_POINTER, r.next(), BigInt(r.below(64)) - 32n, 0x7fffffffn, -1n & 0xffffffffffffffffn]);
  return x;
}

/** The two runs agree; on a difference the message shows the program and what differs. */
function differs(a: SnippetResult, b: SnippetResult, code?: Uint8Array): void {
  const what = (Object.keys(a) as (keyof SnippetResult)[]).filter((k) => k !== 'exitsServedInPlace' && JSON.stringify(a[k], (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)) !== JSON.stringify(b[k], (_, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
  const listing = code ? disassembleBytes(code, BigInt(SNIPPET_CODE)).map((l) => `${l.address.toString(16)}: ${l.text}`).join('\n') : '';
  const registers = what.includes('x') ? a.x.map((v, r) => (v === b.x[r] ? '' : `x${r}: ${v.toString(16)} vs ${b.x[r]!.toString(16)}`)).filter(Boolean).join(', ') : '';
  expect(what, `${listing}\n${registers} ${a.message ?? ''} | ${b.message ?? ''} | insns ${a.instructions} vs ${b.instructions}`).toEqual([]);
}

describe('superoperators: random differential against the plain interpreter', () => {
  const patterns = SUPEROPS.map(parsePattern);
  it('has superoperators to test', () => expect(patterns.length).toBeGreaterThan(0));
  const aimable = (p: ParsedPattern) => randomInstance(p, rng(1n)) !== undefined;
  for (const [n, p] of patterns.entries()) {
    if (!aimable(p)) continue;
    it(p.rows.map((row) => row.name).join(' + '), () => {
      const r = rng(BigInt(n + 1) * 0x9e3779b97f4a7c15n);
      let tested = 0;
      for (let round = 0; round < 6; round++) {
        const instances: number[][][] = [];
        for (let attempt = 0; attempt < 20 && instances.length < 3; attempt++) {
          const first = instances.length === 0 ? p : parsePattern(r.pick(SUPEROPS));
          const words = randomInstance(first, r);
          if (words) instances.push(words);
        }
        if (!instances.length || randomInstance(p, r) === undefined) continue;
        const code = loopProgram(instances);
        const input: SnippetInput = { code, x: randomRegisters(r), f: { 1: r.next(), 2: r.next(), 3: r.next() } };
        // A whole run, and one whose budget ends somewhere inside (fused entries fall back to one instruction).
        for (const maxInsns of [undefined, BigInt(1 + r.below(12))]) {
          const limit = maxInsns === undefined ? {} : { maxInsns };
          differs(runSnippet({ ...input, ...limit, superops: false }), runSnippet({ ...input, ...limit, superops: true }), code);
        }
        tested++;
      }
      expect(tested).toBeGreaterThan(0);
    });
  }
});

describe('exit coalescing: clusters give the same state served in place or exit by exit', () => {
  const clusters: Record<string, string> = {
    'back-to-back getpid and clock_getres': `
      addi a7, zero, 172
      ecall
      addi s1, a0, 0
      addi a7, zero, 172
      ecall
      addi a0, zero, 1
      addi a1, s0, 0
      addi a7, zero, 114
      ecall
      addi a7, zero, 114
      ecall
      ebreak`,
    'a failing syscall feeds the next': `
      addi a0, zero, -1
      addi a7, zero, 57
      ecall
      addi a0, a0, 0
      addi a7, zero, 57
      ecall
      addi s2, a0, 0
      ebreak`,
    'an ecall result that makes the next load fault': `
      addi a0, zero, -1
      addi a7, zero, 57
      ecall
      ld a1, 0(a0)
      addi a7, zero, 172
      ecall
      ebreak`,
    'a signal that ends the program between two ecalls': `
      addi a7, zero, 172
      ecall
      addi a1, zero, 10
      addi a7, zero, 129
      ecall
      addi a7, zero, 172
      ecall
      ebreak`,
    'writes in a loop': `
      addi s3, zero, 50
    loop:
      addi a0, zero, 1
      addi a1, s0, 0
      addi a2, zero, 1
      addi a7, zero, 64
      ecall
      addi s3, s3, -1
      bne s3, zero, loop
      ebreak`,
  };
  for (const [name, source] of Object.entries(clusters)) {
    it(name, async () => {
      const input: SnippetInput = { code: assemble(source).bytes, x: { 8: DATA_POINTER } };
      for (const superops of [true, false]) {
        const exitByExit = runSnippet({ ...input, superops, coalesce: false });
        const coalesced = runSnippet({ ...input, superops, coalesce: true });
        differs(exitByExit, coalesced, input.code);
        expect(exitByExit.exitsServedInPlace).toBe(0);
        expect(coalesced.exitsServedInPlace).toBeGreaterThan(0);
      }
      for (const tier of ['baseline', 'opt', 'adaptive'] as const) {
        const exitByExit = await runSnippetInTier({ ...input, coalesce: false }, tier);
        const coalesced = await runSnippetInTier({ ...input, coalesce: true }, tier);
        differs(exitByExit, coalesced, input.code);
        expect(coalesced.exitsServedInPlace, tier).toBeGreaterThan(0);
      }
    });
  }
});
