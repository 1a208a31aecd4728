// Expect tests for lifting: each `.lift` file in ./filetests holds cases
//   ; test: lift
//   <assembly: one or a few instructions, placed at 0x10000>
//   ; expect:
//   <the printed IR of each instruction, lifted with CONSTANT operands, as the JIT tiers lift it>
// Every lifted function must verify. Re-bless after an intended change:
//   FERRY_BLESS=1 npx vitest run packages/lift-riscv
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFiletest, listFiletests, newFunction, printFunc, verify } from '@ferry/ir';
import { assemble, decode, instructionLength } from '@ferry/isa-riscv';
import { FerryError } from '@ferry/util';
import { liftInstruction } from './instruction.js';
import { constantOperands } from './region.js';

const BASE = 0x10000n;

/** Lifts every instruction of the assembled input with constant operands and prints the IR. */
function runLiftFiletest(input: string, directive: string): string {
  if (directive !== 'lift') throw new FerryError(`unknown directive '${directive}': use lift`);
  const { bytes } = assemble(input, BASE);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const printed: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = instructionLength(view.getUint16(at, true));
    const word = size === 4 ? view.getUint32(at, true) : view.getUint16(at, true);
    const d = decode(word);
    const pc = BASE + BigInt(at);
    if (!d) throw new FerryError(`no instruction decodes from 0x${word.toString(16)} at 0x${pc.toString(16)}`);
    const { func, b } = newFunction(d.row.name);
    // Constants made where the lifter first reads them, as the JIT lifts: goldens hold only the
    // constants an instruction uses, and the verifier checks each still dominates its uses.
    liftInstruction(b, d.base, constantOperands(b, { pc, size: size as 2 | 4, word, decoded: d }));
    const errors = verify(func);
    if (errors.length > 0) throw new FerryError(`lifted ${d.row.name} does not verify:\n${errors.join('\n')}`);
    printed.push(printFunc(func));
    at += size;
  }
  return printed.join('\n');
}

const dir = fileURLToPath(new URL('./filetests/', import.meta.url));

describe('lift filetests', () => {
  const files = listFiletests(dir, '.lift');
  it('finds the filetests', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(basename(file), () => {
      const { expected, actual } = checkFiletest(file, runLiftFiletest);
      expect(actual).toBe(expected);
    });
  }
});
