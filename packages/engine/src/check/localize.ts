// Naming the first diverging instruction once a lockstep boundary shows a difference: a fresh
// interpreter machine replays the program (same inputs) up to the start of the suspect interval,
// then steps it one instruction at a time (budget 1), noting for every differing location the
// last instruction in the interval that wrote it (destination register, store address, or a
// change of value). The earliest of those writers is the first instruction whose result the
// checked tier got wrong. Invariant: the replay is the interpreter alone; it never touches the
// machines of the check itself.
import { decode, disassemble, syntaxTokens, type Decoded } from '@ferry/isa-riscv';
import { INT_REGISTER_NAMES, FP_REGISTER_NAMES } from '@ferry/isa-riscv';
import type { Machine } from '@ferry/runtime';
import { hex } from '@ferry/util';
import { describeAddress } from '../describe.js';
import type { Difference, Location } from './compare.js';
import type { InterpSide } from './sides.js';

export interface Culprit {
  /** Retired-instruction count before the instruction ran. */
  instret: bigint;
  pc: bigint;
  /** `0x10abc <main+0x1c>: add a0,a0,a1`. */
  text: string;
  /** The differing locations this instruction was the last writer of. */
  wrote: Location[];
}

export const locationName = (where: Location): string => {
  switch (where.kind) {
    case 'x': return INT_REGISTER_NAMES[where.index]!;
    case 'f': return FP_REGISTER_NAMES[where.index]!;
    case 'memory': return `mem[${hex(where.address)}]`;
    default: return where.kind;
  }
};

interface Step {
  instret: bigint;
  pc: bigint;
  decoded: Decoded | undefined;
}

/** Whether the instruction at this step (machine state before it) targets the location. */
function targets(step: Step, before: Machine, where: Location): boolean {
  const d = step.decoded;
  if (!d) return false;
  const first = syntaxTokens(d.row.syntax)[0];
  switch (where.kind) {
    case 'x': return first === 'rd' && d.rd === where.index;
    case 'f': return first === 'fd' && d.rd === where.index;
    case 'fflags': return d.row.flags.fp === true;
    case 'pc': return d.row.flags.endsBlock === true;
    case 'memory': {
      if (!d.row.flags.store) return false;
      const atomic = d.base.startsWith('amo') || d.base.startsWith('sc.');
      const address = Number(BigInt.asUintN(64, before.state.x(d.rs1) + (atomic ? 0n : BigInt(d.imm))));
      return where.address >= address && where.address < address + 8;
    }
    default: return false;
  }
}

function valueOf(machine: Machine, where: Location): bigint | undefined {
  const s = machine.state;
  switch (where.kind) {
    case 'x': return s.x(where.index);
    case 'f': return s.f(where.index);
    case 'fflags': return BigInt(s.fflags);
    case 'frm': return BigInt(s.frm);
    case 'pc': return undefined; // pc changes every step: only control transfers count
    case 'instret': return undefined;
    case 'memory':
      try {
        return BigInt(machine.memory.read8(where.address));
      } catch {
        return undefined;
      }
  }
}

/**
 * Replays the program on `replay` (fresh, at entry) to instret `from`, then steps it to `to`,
 * and returns the earliest last-writer of the differing locations (undefined if none wrote one).
 */
export function findCulprit(replay: InterpSide, from: bigint, to: bigint, differences: readonly Difference[]): Culprit | undefined {
  const machine = replay.machine;
  const state = machine.state;
  while (state.instret < from) {
    const ended = replay.serve(replay.run(from - state.instret));
    if (ended) return undefined;
  }
  const locations = differences.map((d) => d.where).filter((w) => w.kind !== 'instret');
  const lastWriter = new Map<Location, Step>();
  while (state.instret < to) {
    const pc = state.pc;
    let decoded: Decoded | undefined;
    try {
      decoded = decode(machine.memory.fetchSlow(pc));
    } catch {
      decoded = undefined;
    }
    const step: Step = { instret: state.instret, pc, decoded };
    const before = locations.map((w) => valueOf(machine, w));
    const targeted = locations.map((w) => targets(step, machine, w));
    const outcome = replay.run(1n);
    locations.forEach((w, i) => {
      if (targeted[i] || valueOf(machine, w) !== before[i]) lastWriter.set(w, step);
    });
    if (replay.serve(outcome)) break;
    if ('code' in outcome && state.instret === step.instret) break; // nothing retired: stuck
  }
  let culprit: Step | undefined;
  for (const step of lastWriter.values()) if (!culprit || step.instret < culprit.instret) culprit = step;
  if (!culprit) return undefined;
  const wrote = locations.filter((w) => lastWriter.get(w) === culprit);
  const text = culprit.decoded ? disassemble(culprit.decoded, culprit.pc).replace('\t', ' ') : '(undecodable)';
  return { instret: culprit.instret, pc: culprit.pc, text: `${describeAddress(machine, culprit.pc)}: ${text}`, wrote };
}
