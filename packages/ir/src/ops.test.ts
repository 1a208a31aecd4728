// Round-trips every op of the op table (and every abi helper through call_helper), generated from
// OPS so a new op is covered as soon as it is added: build a small function with the builder,
// verify it, print it, parse the text back, and check the reprint and the parsed structure.
import { describe, expect, it } from 'vitest';
import { ExitCode, HELPERS, StateSlot, type HelperName } from '@ferry/abi';
import { assertNever } from '@ferry/util';
import { targetCount } from './cfg.js';
import { newFunction, type Func, type Inst } from './func.js';
import { guestAccessOf, OPS, type ImmKind, type OpName } from './ops.js';
import { parseFunc } from './parser.js';
import { printFunc } from './printer.js';
import type { Type } from './types.js';
import { verify } from './verifier.js';

/** A sample immediate of each kind, chosen to exercise signs and names. */
function sampleImmediate(kind: ImmKind, helper: HelperName | undefined): Inst['imm'] {
  switch (kind) {
    case 'none':
      return undefined;
    case 'i32':
      return -123456789;
    case 'i64':
      return -(1n << 40n) - 3n;
    case 'slot':
      return Object.keys(StateSlot).at(-1);
    case 'helper':
      return helper;
    case 'exit':
      return ExitCode.untranslated;
    case 'pageCache':
      return 3;
    default:
      return assertNever(kind, 'immediate kind');
  }
}

/** A function whose entry block takes the op's operands (plus an i64 pc) and applies the op once. */
function functionUsing(op: OpName, helper?: HelperName): Func {
  const info = OPS[op];
  const argTypes: readonly Type[] = helper ? HELPERS[helper].params : info.args === 'variadic' ? [] : info.args;
  const { func, b } = newFunction(`use_${op}${helper ? `_${helper}` : ''}`, [...argTypes, 'i64']);
  const args = argTypes.map((_, i) => b.param(0, i));
  const pc = b.param(0, argTypes.length);
  const targets = Array.from({ length: targetCount(op) }, () => {
    const entry = b.current;
    const block = b.createBlock(['i64']);
    b.switchTo(block);
    b.exit(ExitCode.none, b.param(block, 0));
    b.switchTo(entry);
    return { block, args: [pc] };
  });
  b.emit(op, args, sampleImmediate(info.imm, helper), targets.length > 0 ? targets : undefined);
  if (!b.terminated) b.exit(ExitCode.none, pc);
  return func;
}

type Case = [label: string, op: OpName, helper: HelperName | undefined];
const cases: Case[] = (Object.keys(OPS) as OpName[]).flatMap((op): Case[] =>
  OPS[op].imm === 'helper' ? (Object.keys(HELPERS) as HelperName[]).map((h): Case => [`${op} ${h}`, op, h]) : [[op, op, undefined]],
);

describe('every op round-trips through text', () => {
  it.each(cases)('%s', (_, op, helper) => {
    const func = functionUsing(op, helper);
    expect(verify(func)).toEqual([]);
    const text = printFunc(func);
    const parsed = parseFunc(text);
    expect(verify(parsed)).toEqual([]);
    expect(printFunc(parsed)).toBe(text);
    // Same structure: ops, immediates (with their JS types), operand counts, value types.
    expect(parsed.blocks.length).toBe(func.blocks.length);
    func.blocks.forEach((block, i) => {
      const other = parsed.blocks[i]!;
      expect(other.params.map((p) => parsed.typeOf(p))).toEqual(block.params.map((p) => func.typeOf(p)));
      expect(other.insts.map((x) => [x.op, x.imm, x.args.length, x.targets?.length ?? 0])).toEqual(
        block.insts.map((x) => [x.op, x.imm, x.args.length, x.targets?.length ?? 0]),
      );
      expect(other.insts.map((x) => (x.result < 0 ? 'none' : parsed.typeOf(x.result)))).toEqual(
        block.insts.map((x) => (x.result < 0 ? 'none' : func.typeOf(x.result))),
      );
    });
  });
});

describe('guestAccessOf', () => {
  it('gives every load and store its size and kind, and nothing to other ops', () => {
    expect(['load.u8', 'load.s16', 'load.u32', 'load.64', 'store.8', 'store.32'].map(guestAccessOf)).toEqual([
      { bytes: 1, store: false }, { bytes: 2, store: false }, { bytes: 4, store: false }, { bytes: 8, store: false },
      { bytes: 1, store: true }, { bytes: 4, store: true },
    ]);
    const accesses = (Object.keys(OPS) as OpName[]).filter((op) => guestAccessOf(op));
    expect(accesses).toEqual((Object.keys(OPS) as OpName[]).filter((op) => op.startsWith('load.') || op.startsWith('store.')));
    expect(guestAccessOf('add.i64')).toBeUndefined();
  });
});
