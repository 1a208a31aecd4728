// Tiny guest programs for the AOT tests, assembled in memory (no cross toolchain, no libc), so a
// whole-binary AOT compile takes a fraction of a second. Each names its expected exit status.
// Invariant: the code segment is RWX, so a program may rewrite its own (AOT-translated) code.
import { createHash } from 'node:crypto';
import { assemble } from '@ferry/isa-riscv';
import { buildElf } from '@ferry/runtime';
import { customSection, decodeManifest, encodeManifest, findCustomSection, MANIFEST_SECTION } from './manifest.js';

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x20000;

export interface TestProgram {
  elf: Uint8Array;
  /** Exit status a correct run ends with. */
  status: number;
  stdout: string;
}

function program(source: string, status: number, stdout = '', data = new Uint8Array(0)): TestProgram {
  const { bytes, labels } = assemble(source, BigInt(CODE_BASE));
  const symbols = [...labels].filter(([name]) => !name.startsWith('.')).map(([name, value]) => ({ name, value: Number(value), size: 0, type: 'func' as const }));
  const segments = [{ flags: 7, vaddr: CODE_BASE, data: bytes }];
  if (data.length) segments.push({ flags: 6, vaddr: DATA_BASE, data });
  return { elf: buildElf({ entry: CODE_BASE, segments, symbols, textSection: { start: CODE_BASE, end: CODE_BASE + bytes.length } }), status, stdout };
}

/** Calls a function in a loop, writes a message, exits with the sum (7 * 6 = 42). */
export function loopProgram(message = 'aot ok\n'): TestProgram {
  const text = new TextEncoder().encode(message);
  return program(`
    _start:
      li s0, 0
      li s1, 7
    .loop:
      jal ra, six
      add s0, s0, a0
      addi s1, s1, -1
      bnez s1, .loop
      li a0, 1
      li a1, ${DATA_BASE}
      li a2, ${text.length}
      li a7, 64
      ecall
      mv a0, s0
      li a7, 93
      ecall
    six:
      li a0, 6
      ret
  `, 42, message, text);
}

/** A nested loop of 2 x 12M iterations, long enough for budget exits inside it (at its loop
 *  headers, which are no function entry or return point); exits with 42. */
export function longLoopProgram(): TestProgram {
  return program(`
    _start:
      li s1, 2
    .outer:
      li t0, 12000000
    .inner:
      addi t0, t0, -1
      bnez t0, .inner
      addi s1, s1, -1
      bnez s1, .outer
      li a0, 42
      li a7, 93
      ecall
  `, 42);
}

/** The encoding of `addi a0, zero, 40` (li a0, 40), stored over f's first instruction. */
const LI_A0_FORTY = (40 << 20) | (10 << 7) | 0x13;

/** Calls f (returns 1), overwrites f's first instruction with `li a0, 40` by an ordinary store
 *  (no fence.i), calls f again: 41 if the translation of f was invalidated, 2 if stale code ran. */
export function selfModifyingProgram(): TestProgram {
  const source = (f: number) => `
    _start:
      li s0, 0
      jal ra, f
      add s0, s0, a0
      li t0, ${f}
      li t2, ${LI_A0_FORTY}
      sw t2, 0(t0)
      jal ra, f
      add s0, s0, a0
      mv a0, s0
      li a7, 93
      ecall
    f:
      addi a0, zero, 1
      ret
  `;
  return programStoringIntoF(source, 41);
}

/** Overwrites f (addi a0, zero, 1 -> 40) before its first call, then exits with f's result:
 *  an AOT translation of f made from the old bytes must be dropped though never run. */
export function overwriteBeforeFirstCallProgram(): TestProgram {
  const source = (f: number) => `
    _start:
      li t0, ${f}
      li t2, ${LI_A0_FORTY}
      sw t2, 0(t0)
      jal ra, f
      li a7, 93
      ecall
    f:
      addi a0, zero, 1
      ret
  `;
  return programStoringIntoF(source, 40);
}

/** A program whose text names the address of its own label f: a first pass with a placeholder
 *  address (which assembles to the same length: lui + addi) finds f. */
function programStoringIntoF(source: (f: number) => string, status: number): TestProgram {
  const f = Number(assemble(source(CODE_BASE + 0x123), BigInt(CODE_BASE)).labels.get('f')!);
  return program(source(f), status);
}

/** A dispatch loop through a gcc-style jump table (bound check `bltu k, idx`, then auipc+addi
 *  for the table, `ld` of an absolute entry, `jr`): 400000 rounds over four cases that add 1, 2,
 *  3 and 4 to a0, round i taking case i % 4; exits with the sum mod 256 (1000000 % 256 = 64). */
export function switchLoopProgram(): TestProgram {
  const source = (table: bigint, cases: readonly bigint[]) => `
    _start:
      li a0, 0
      li s1, 400000
    .loop:
      andi t0, s1, 3
      li t1, 3
      bltu t1, t0, .done
    .jump:
      auipc t2, 0
      addi t2, t2, ${table}
      slli t0, t0, 3
      add t0, t0, t2
      ld t0, 0(t0)
      jr t0
    .c0:
      addi a0, a0, 4
      j .next
    .c1:
      addi a0, a0, 1
      j .next
    .c2:
      addi a0, a0, 2
      j .next
    .c3:
      addi a0, a0, 3
    .next:
      addi s1, s1, -1
      bnez s1, .loop
    .done:
      andi a0, a0, 255
      li a7, 93
      ecall
    .table:
      .dword ${cases.join(', ')}
  `;
  // Two passes: the first places the labels (sizes do not depend on the values).
  const { labels } = assemble(source(0n, [0n, 0n, 0n, 0n]), BigInt(CODE_BASE));
  const at = (l: string) => labels.get(l)!;
  return program(source(at('.table') - at('.jump'), ['.c0', '.c1', '.c2', '.c3'].map(at)), 64);
}

/** What only a Ferry bug could write: the module with its first function type's form byte
 *  broken, so V8 cannot decode it, and a manifest whose code hash matches the broken bytes. */
export function undecodableModule(binary: Uint8Array): Uint8Array {
  const payload = findCustomSection(binary, MANIFEST_SECTION)!;
  const broken = Uint8Array.from(binary.subarray(0, binary.length - customSection(MANIFEST_SECTION, payload).length));
  if (broken[8] !== 1) throw new Error('internal error: the module does not start with its type section');
  broken[broken.indexOf(0x60, 9)] = 0x00;
  const codeHash = createHash('sha256').update(broken).digest('hex');
  return Uint8Array.from([...broken, ...customSection(MANIFEST_SECTION, encodeManifest({ ...decodeManifest(payload), codeHash }))]);
}
