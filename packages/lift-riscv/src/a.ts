// RV64A on a single hart: LR sets a reservation on its address; SC succeeds (stores, rd = 0) only
// while that reservation is held, then always drops it (rd = 1 on failure). AMOs are
// load, operate, store, rd = loaded value; .w forms operate on 32 bits and sign-extend into rd.
// aq/rl order nothing more on one hart.
import type { Builder, Value } from '@ferry/ir';
import type { MnemonicOf } from '@ferry/isa-riscv';
import { setRd, sext32, x } from './common.js';
import type { LiftTable, Operands } from './operands.js';

type Width = 32 | 64;
const loadKind = (w: Width): 's32' | '64' => (w === 32 ? 's32' : '64');

const loadReserved = (w: Width) => (b: Builder, o: Operands) => {
  const address = x(b, o.rs1);
  const value = b.load(loadKind(w), address, o.pc);
  b.setSlot('reservationAddress', address);
  b.setSlot('reservationValid', b.i64(1));
  setRd(b, o, value);
};

const storeConditional = (w: Width) => (b: Builder, o: Operands) => {
  const address = x(b, o.rs1);
  const held = b.cmp('ne', b.getSlot('reservationValid'), b.i64(0));
  const same = b.cmp('eq', b.getSlot('reservationAddress'), address);
  const doStore = b.createBlock();
  const join = b.createBlock(['i64']);
  b.brif(b.bin('and', held, same), doStore, join, [], [b.i64(1)]);
  b.switchTo(doStore);
  b.store(w, address, x(b, o.rs2), o.pc);
  b.jump(join, [b.i64(0)]);
  b.switchTo(join);
  b.setSlot('reservationValid', b.i64(0));
  setRd(b, o, b.param(join, 0));
};

/** The value an AMO stores, from the loaded value (sign-extended for .w) and rs2. */
type Combine = (b: Builder, loaded: Value, operand: Value) => Value;
const amo = (w: Width, combine: Combine) => (b: Builder, o: Operands) => {
  const address = x(b, o.rs1);
  const loaded = b.load(loadKind(w), address, o.pc);
  const operand = w === 32 ? sext32(b, x(b, o.rs2)) : x(b, o.rs2);
  b.store(w, address, combine(b, loaded, operand), o.pc);
  setRd(b, o, loaded);
};
// Sign extension of 32-bit values preserves both signed and unsigned order, so .w min/max can
// compare the extended 64-bit values.
const pick = (cmp: 'lt_s' | 'gt_s' | 'lt_u' | 'gt_u'): Combine => (b, a, c) => b.select(b.cmp(cmp, a, c), a, c);
const swap: Combine = (_b, _a, c) => c;
const op = (name: 'add' | 'xor' | 'and' | 'or'): Combine => (b, a, c) => b.bin(name, a, c);

export const LIFT_A = {
  'lr.w': loadReserved(32),
  'sc.w': storeConditional(32),
  'amoswap.w': amo(32, swap),
  'amoadd.w': amo(32, op('add')),
  'amoxor.w': amo(32, op('xor')),
  'amoand.w': amo(32, op('and')),
  'amoor.w': amo(32, op('or')),
  'amomin.w': amo(32, pick('lt_s')),
  'amomax.w': amo(32, pick('gt_s')),
  'amominu.w': amo(32, pick('lt_u')),
  'amomaxu.w': amo(32, pick('gt_u')),
  'lr.d': loadReserved(64),
  'sc.d': storeConditional(64),
  'amoswap.d': amo(64, swap),
  'amoadd.d': amo(64, op('add')),
  'amoxor.d': amo(64, op('xor')),
  'amoand.d': amo(64, op('and')),
  'amoor.d': amo(64, op('or')),
  'amomin.d': amo(64, pick('lt_s')),
  'amomax.d': amo(64, pick('gt_s')),
  'amominu.d': amo(64, pick('lt_u')),
  'amomaxu.d': amo(64, pick('gt_u')),
} satisfies LiftTable<MnemonicOf<'A'>>;
