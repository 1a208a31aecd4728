// Verifier rules that text cannot express (the parser rejects or normalizes them), checked on IR
// built or mutated directly: duplicate definitions, ValueInfo disagreements, immediate JS types,
// missing targets, unknown ops; and the message of verifyOrThrow.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '@ferry/abi';
import { newFunction, type OpName } from './index.js';
import { verify, verifyOrThrow } from './verifier.js';

function small() {
  const { func, b } = newFunction('t', ['i64']);
  const pc = b.param(0, 0);
  const one = b.i64(1);
  const sum = b.bin('add', pc, one);
  b.gotoPc(sum);
  return { func, b, pc, one, sum };
}

describe('verifier', () => {
  it('accepts builder output', () => {
    expect(verify(small().func)).toEqual([]);
  });

  it('rejects a function without blocks', () => {
    const { func } = newFunction('t');
    func.blocks.length = 0;
    expect(verify(func)).toEqual(['@t: the function has no blocks']);
  });

  it('rejects a value defined twice and a result whose ValueInfo disagrees', () => {
    const { func, one } = small();
    func.blocks[0]!.insts[1]!.result = one;
    expect(verify(func)).toContain('@t block0: `v1 = add.i64 v0, v1`: v1 is already defined in block0');
    const fresh = small();
    fresh.func.values[fresh.sum] = { type: 'i32', block: 0 };
    expect(verify(fresh.func)).toContain('@t block0: `v2 = add.i64 v0, v1`: v2 has type i32, but the op produces i64');
    fresh.func.values[fresh.sum] = { type: 'i64', block: 3 };
    expect(verify(fresh.func)).toContain('@t block0: `v2 = add.i64 v0, v1`: v2 is recorded as defined in block3');
  });

  it('rejects missing and spurious results and undefined operands', () => {
    const { func } = small();
    func.blocks[0]!.insts[1]!.result = -1;
    expect(verify(func)).toEqual([
      '@t block0: `add.i64 v0, v1`: add.i64 produces i64 but has no result value',
      '@t block0: `goto_pc v2?`: operand 1 (v2?) has no definition',
    ]);
  });

  it('checks the JS type of immediates', () => {
    const { func } = small();
    func.blocks[0]!.insts[0]!.imm = 1; // a number where iconst.i64 needs a bigint
    expect(verify(func)).toEqual(['@t block0: `v1 = iconst.i64 1`: iconst.i64 needs a 64-bit bigint immediate, got 1']);
    const other = small();
    other.func.blocks[0]!.insts[1]!.imm = 4;
    expect(verify(other.func)).toEqual(['@t block0: `v2 = add.i64 4, v0, v1`: add.i64 takes no immediate, got 4']);
  });

  it('rejects missing branch targets, targets out of range and unknown ops', () => {
    const { func, b } = newFunction('t', ['i64']);
    const next = b.createBlock();
    b.jump(next);
    b.switchTo(next);
    b.exit(ExitCode.ecall, b.param(0, 0));
    func.blocks[0]!.insts[0]!.targets = [];
    expect(verify(func)).toEqual(['@t block0: `jump`: jump takes 1 target, got 0']);
    func.blocks[0]!.insts[0]!.targets = [{ block: 9, args: [] }];
    expect(verify(func)).toEqual(['@t block0: `jump block9`: target block9 does not exist']);
    func.blocks[1]!.insts[0]!.op = 'frobnicate' as OpName;
    func.blocks[0]!.insts[0]!.targets = [{ block: 1, args: [] }];
    expect(verify(func)).toEqual([
      '@t block1: `frobnicate 1, v0`: the block does not end with a terminator',
      '@t block1: `frobnicate 1, v0`: unknown op frobnicate',
    ]);
  });

  it('verifyOrThrow lists every problem with its context', () => {
    const { func } = small();
    func.blocks[0]!.insts.pop();
    expect(() => verifyOrThrow(func, 'after pass dce')).toThrow(
      'IR verification of @t failed after pass dce:\n  @t block0: `v2 = add.i64 v0, v1`: the block does not end with a terminator',
    );
    expect(() => verifyOrThrow(small().func)).not.toThrow();
  });
});
