// RV64M: multiply and divide. Division by zero and signed overflow do not trap on RISC-V:
//   x / 0 = -1 (all ones), x % 0 = x;  MIN / -1 = MIN, MIN % -1 = 0.
// IR div/rem are undefined for those inputs, so the divisor is first replaced by 1 where the
// spec's answer differs (overflow: MIN / 1 = MIN and MIN % 1 = 0 are exactly right), then the
// zero case is selected explicitly.
import type { Builder, Value } from '@ferry/ir';
import type { MnemonicOf } from '@ferry/isa-riscv';
import { fromI32Signed, low32, setRd, x } from './common.js';
import type { LiftTable, Operands } from './operands.js';

type Kind = 'div_s' | 'div_u' | 'rem_s' | 'rem_u';

/** Spec-exact division of a by d (both i32 or both i64). */
function divide(b: Builder, kind: Kind, a: Value, d: Value, bits: 32 | 64): Value {
  const mk = (v: bigint) => (bits === 64 ? b.i64(v) : b.i32(Number(BigInt.asIntN(32, v))));
  const zero = mk(0n);
  const one = mk(1n);
  const isZero = b.cmp('eq', d, zero);
  let safe = b.select(isZero, one, d);
  if (kind === 'div_s' || kind === 'rem_s') {
    const min = mk(-(1n << BigInt(bits - 1)));
    const overflow = b.bin('and', b.cmp('eq', a, min), b.cmp('eq', d, mk(-1n)));
    safe = b.select(overflow, one, safe);
  }
  const q = b.bin(kind, a, safe);
  const byZero = kind === 'div_s' || kind === 'div_u' ? mk(-1n) : a;
  return b.select(isZero, byZero, q);
}

const div64 = (kind: Kind) => (b: Builder, o: Operands) => setRd(b, o, divide(b, kind, x(b, o.rs1), x(b, o.rs2), 64));
const div32 = (kind: Kind) => (b: Builder, o: Operands) =>
  setRd(b, o, fromI32Signed(b, divide(b, kind, low32(b, x(b, o.rs1)), low32(b, x(b, o.rs2)), 32)));
const high = (op: 'mulh_s.i64' | 'mulh_u.i64' | 'mulh_su.i64') => (b: Builder, o: Operands) =>
  setRd(b, o, b.emit(op, [x(b, o.rs1), x(b, o.rs2)]));

export const LIFT_M = {
  mul: (b, o) => setRd(b, o, b.bin('mul', x(b, o.rs1), x(b, o.rs2))),
  mulh: high('mulh_s.i64'),
  mulhsu: high('mulh_su.i64'),
  mulhu: high('mulh_u.i64'),
  div: div64('div_s'),
  divu: div64('div_u'),
  rem: div64('rem_s'),
  remu: div64('rem_u'),
  mulw: (b, o) => setRd(b, o, fromI32Signed(b, b.bin('mul', low32(b, x(b, o.rs1)), low32(b, x(b, o.rs2))))),
  divw: div32('div_s'),
  divuw: div32('div_u'),
  remw: div32('rem_s'),
  remuw: div32('rem_u'),
} satisfies LiftTable<MnemonicOf<'M'>>;
