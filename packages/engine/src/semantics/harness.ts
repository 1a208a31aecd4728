// Shared machinery of the per-instruction semantics tests: assemble a program, run it on T0 through
// runSnippet, and batch many input vectors into one run (a snippet costs ~20 ms, a vector ~nothing).
// Invariant: every program is assembled through program() while vitest COLLECTS tests (at describe
// level, never inside an `it`), and program() records the table row of each instruction it holds;
// coverage.test.ts imports every semantics file without running it and checks the union covers ROWS.
import { expect, it } from 'vitest';
import { assemble, decode, instructionLength } from '@ferry/isa-riscv';
import { runSnippet, SNIPPET_DATA, SNIPPET_DATA_SIZE, type SnippetInput, type SnippetResult } from '../snippet.js';
import { SIGNAL } from '../run.js';

/** Row names (InsnRow.name) of every instruction assembled by program(), across all loaded files. */
export const USED_ROW_NAMES = new Set<string>();

export interface Program {
  source: string;
  code: Uint8Array;
  labels: Map<string, bigint>;
}

/** Names of the rows the instructions of `code` decode to (undecodable words, e.g. .word data, are skipped). */
export function rowNamesIn(code: Uint8Array): string[] {
  const names: string[] = [];
  const view = new DataView(code.buffer, code.byteOffset, code.byteLength);
  for (let at = 0; at + 2 <= code.length; ) {
    const size = instructionLength(view.getUint16(at, true));
    if (at + size > code.length) break;
    const word = size === 4 ? view.getUint32(at, true) : view.getUint16(at, true);
    const decoded = decode(word);
    if (decoded) names.push(decoded.row.name);
    at += size;
  }
  return names;
}

/** Assembles `source` followed by an ebreak and records the rows it uses. Call at collection time. */
export function program(source: string): Program {
  if (expect.getState().currentTestName !== undefined) {
    throw new Error('program() must run while tests are collected (describe level), so coverage.test.ts sees it');
  }
  const { bytes, labels } = assemble(`${source}\nebreak`);
  for (const name of rowNamesIn(bytes)) USED_ROW_NAMES.add(name);
  return { source, code: bytes, labels };
}

export type RunInput = Omit<SnippetInput, 'code'>;

/** Runs a program that must end at its ebreak; a trap fails the test with the snippet's message. */
export async function run(p: Program, input: RunInput = {}): Promise<SnippetResult> {
  const r = await runSnippet({ ...input, code: p.code });
  if (r.status !== 128 + SIGNAL.SIGTRAP || r.message !== undefined) {
    throw new Error(`snippet stopped with status ${r.status} (${r.message ?? 'no message'}) running:\n${p.source}`);
  }
  return r;
}

/** Runs a program expected to stop before its ebreak; returns the result as is. */
export const runTrapping = async (p: Program, input: RunInput = {}): Promise<SnippetResult> => await runSnippet({ ...input, code: p.code });

/** Little-endian dword `index` (8-byte units) of the data page. */
export const dataDword = (data: Uint8Array, byteOffset: number): bigint =>
  new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(byteOffset, true);

export const DATA = BigInt(SNIPPET_DATA);

/** A program running `body` once per vector. Register s0 points at the vector's slots: inputs at
 *  0(s0), 8(s0), ... then outputs after them; s0 advances by the slot size between vectors. */
export interface VectorProgram {
  program: Program;
  inputs: number;
  outputs: number;
  count: number;
}

/** `body` may be a function of the vector index, to give each copy its own labels. */
export function vectorProgram(body: string | ((index: number) => string), inputs: number, outputs: number, count: number): VectorProgram {
  const stride = 8 * (inputs + outputs);
  if (count * stride > SNIPPET_DATA_SIZE) throw new Error(`${count} vectors of ${stride} bytes overflow the data page`);
  const lines = [`li s0, ${SNIPPET_DATA}`];
  for (let i = 0; i < count; i++) lines.push(typeof body === 'string' ? body : body(i), `addi s0, s0, ${stride}`);
  return { program: program(lines.join('\n')), inputs, outputs, count };
}

/** Most vectors of `slots` dwords that fit in the data page. */
export const vectorsPerPage = (slots: number): number => Math.floor(SNIPPET_DATA_SIZE / (8 * slots));

/** Runs the vector program over `vectors` (each `inputs` dwords) and returns each vector's outputs. */
export async function runVectors(v: VectorProgram, vectors: readonly (readonly bigint[])[], input: RunInput = {}): Promise<bigint[][]> {
  if (vectors.length !== v.count) throw new Error(`vector program built for ${v.count} vectors, given ${vectors.length}`);
  const stride = 8 * (v.inputs + v.outputs);
  const data = new Uint8Array(SNIPPET_DATA_SIZE);
  const view = new DataView(data.buffer);
  vectors.forEach((vector, i) => {
    if (vector.length !== v.inputs) throw new Error(`vector ${i} has ${vector.length} inputs, expected ${v.inputs}`);
    vector.forEach((value, k) => view.setBigUint64(i * stride + 8 * k, BigInt.asUintN(64, value), true));
  });
  const r = await run(v.program, { ...input, data });
  return vectors.map((_, i) =>
    Array.from({ length: v.outputs }, (_, k) => dataDword(r.data, i * stride + 8 * (v.inputs + k))),
  );
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Hex for failure messages. */
export const hex64 = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

/** Deterministic pseudo-random 64-bit values (xorshift64*), so failures reproduce. */
export function randomValues(seed: bigint, n: number): bigint[] {
  let s = seed | 1n;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    s ^= s >> 12n;
    s ^= BigInt.asUintN(64, s << 25n);
    s ^= s >> 27n;
    out.push(BigInt.asUintN(64, s * 0x2545f4914f6cdd1dn));
  }
  return out;
}

/** 64-bit two's complement helpers for computing expected values from the spec. */
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
export const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
/** A 32-bit result as RV64 holds it: sign-extended, as an unsigned 64-bit pattern. */
export const sext32 = (v: bigint): bigint => u64(s32(v));

/** One `it` per mnemonic: `op rd, rs1, rs2` over every pair, each result checked against `reference`. */
export function itComputesBinaryOps(ops: Readonly<Record<string, (a: bigint, b: bigint) => bigint>>, pairs: readonly (readonly [bigint, bigint])[]): void {
  const perRun = vectorsPerPage(3);
  for (const [name, reference] of Object.entries(ops)) {
    const batches = chunks(pairs, perRun).map((batch) => ({
      batch,
      vp: vectorProgram(`ld a1, 0(s0)\nld a2, 8(s0)\n${name} a0, a1, a2\nsd a0, 16(s0)`, 2, 1, batch.length),
    }));
    it(`${name} over ${pairs.length} operand pairs`, async () => {
      const wrong: string[] = [];
      for (const { batch, vp } of batches) {
        (await runVectors(vp, batch)).forEach(([got], i) => {
          const [a, b] = batch[i]!;
          const want = u64(reference(u64(a), u64(b)));
          if (got !== want) wrong.push(`${name} ${hex64(a)}, ${hex64(b)}: got ${hex64(got!)}, want ${hex64(want)}`);
        });
      }
      expect(wrong.slice(0, 10)).toEqual([]);
    });
  }
}

/** Every ordered pair of `values`. */
export const allPairs = (values: readonly bigint[]): [bigint, bigint][] => values.flatMap((a) => values.map((b) => [a, b] as [bigint, bigint]));

/** Vectors spread over as many programs as the data page needs; run() returns every vector's outputs in order. */
export interface VectorBatches {
  vectors: readonly (readonly bigint[])[];
  run(input?: RunInput): Promise<bigint[][]>;
}

export function vectorBatches(body: string | ((index: number) => string), inputs: number, outputs: number, vectors: readonly (readonly bigint[])[]): VectorBatches {
  const parts = chunks(vectors, vectorsPerPage(inputs + outputs)).map((part) => ({ part, vp: vectorProgram(body, inputs, outputs, part.length) }));
  return {
    vectors,
    async run(input = {}) {
      const out: bigint[][] = [];
      for (const { part, vp } of parts) out.push(...(await runVectors(vp, part, input)));
      return out;
    },
  };
}
