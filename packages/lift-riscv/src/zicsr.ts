// Zicsr for user mode: fflags, frm, fcsr (read-write) and cycle, time, instret (read-only; cycle
// reads the retired-instruction count, as a fixed-rate guest clock). Any other CSR, and any write
// to a read-only one, is an illegal instruction. csrrs/csrrc with rs1 = x0 (or a zero immediate)
// do not write. The CSR number may be a run-time value (T0), so selection is data flow, not a switch;
// a constant fflags, frm or fcsr access with a constant source register (the JIT's: glibc's
// frflags/fsflags pairs) touches only its own fields.
import { CSR } from '@ferry/abi';
import type { Builder, Value } from '@ferry/ir';
import type { MnemonicOf } from '@ferry/isa-riscv';
import { constantField, illegalIf, setRd, x } from './common.js';
import type { LiftTable, Operands } from './operands.js';

type Update = 'write' | 'set' | 'clear';

/** source with the update applied to old. */
function updatedValue(b: Builder, update: Update, old: Value, source: Value): Value {
  if (update === 'write') return source;
  return update === 'set' ? b.bin('or', old, source) : b.bin('and', old, b.bin('xor', source, b.i64(-1n)));
}

/** A constant fflags, frm or fcsr access: reads and writes only the fields the CSR holds. */
function floatCsrOp(b: Builder, o: Operands, csr: number, update: Update, immediateSource: boolean, writes: boolean): void {
  const fflags = csr === CSR.frm ? undefined : b.getSlot('fflags');
  const frm = csr === CSR.fflags ? undefined : b.getSlot('frm');
  const old = fflags === undefined ? frm! : frm === undefined ? fflags : b.bin('or', b.bin('shl', frm, b.i64(5)), fflags);
  if (writes) {
    const source = immediateSource ? b.emit('extend_u.i32', [o.rs1]) : x(b, o.rs1);
    const updated = updatedValue(b, update, old, source);
    if (fflags !== undefined) b.setSlot('fflags', b.bin('and', updated, b.i64(0x1f)));
    if (frm !== undefined) b.setSlot('frm', b.bin('and', csr === CSR.fcsr ? b.bin('shr_u', updated, b.i64(5)) : updated, b.i64(7)));
  }
  setRd(b, o, old);
}

function csrOp(update: Update, immediateSource: boolean) {
  return (b: Builder, o: Operands) => {
    const csr = o.imm;
    const knownCsr = constantField(b.func, csr);
    const knownSource = constantField(b.func, o.rs1);
    if ((knownCsr === BigInt(CSR.fflags) || knownCsr === BigInt(CSR.frm) || knownCsr === BigInt(CSR.fcsr)) && knownSource !== undefined) {
      return floatCsrOp(b, o, Number(knownCsr), update, immediateSource, update === 'write' || knownSource !== 0n);
    }
    const is = (n: number) => b.cmp('eq', csr, b.i64(n));
    const isFflags = is(CSR.fflags);
    const isFrm = is(CSR.frm);
    const isFcsr = is(CSR.fcsr);
    const isCounter = b.bin('or', is(CSR.cycle), is(CSR.instret));
    const isTime = is(CSR.time);
    const known = [isFrm, isFcsr, isCounter, isTime].reduce((acc, c) => b.bin('or', acc, c), isFflags);
    const writes = update === 'write' ? b.i32(1) : b.cmp('ne', o.rs1, b.i32(0));
    const readOnly = b.bin('or', isCounter, isTime);
    illegalIf(b, b.bin('or', b.unary('eqz', known), b.bin('and', writes, readOnly)), o);

    const source = immediateSource ? b.emit('extend_u.i32', [o.rs1]) : x(b, o.rs1);
    const fflags = b.getSlot('fflags');
    const frm = b.getSlot('frm');
    const fcsr = b.bin('or', b.bin('shl', frm, b.i64(5)), fflags);
    const counter = b.getSlot('instret');
    const plain = b.select(isFflags, fflags, b.select(isFrm, frm, b.select(isFcsr, fcsr, counter)));

    // time is the only CSR whose read calls out; do that on its own path.
    const timePath = b.createBlock();
    const join = b.createBlock(['i64']);
    b.brif(isTime, timePath, join, [], [plain]);
    b.switchTo(timePath);
    b.jump(join, [b.helper('read_time')]);
    b.switchTo(join);
    const old = b.param(join, 0);

    const updated = updatedValue(b, update, old, source);
    const flagsField = b.bin('and', updated, b.i64(0x1f));
    const frmField = b.bin('and', b.select(isFcsr, b.bin('shr_u', updated, b.i64(5)), updated), b.i64(7));
    const writeFlags = b.bin('and', writes, b.bin('or', isFflags, isFcsr));
    const writeFrm = b.bin('and', writes, b.bin('or', isFrm, isFcsr));
    b.setSlot('fflags', b.select(writeFlags, flagsField, fflags));
    b.setSlot('frm', b.select(writeFrm, frmField, frm));
    setRd(b, o, old);
  };
}

export const LIFT_ZICSR = {
  csrrw: csrOp('write', false),
  csrrs: csrOp('set', false),
  csrrc: csrOp('clear', false),
  csrrwi: csrOp('write', true),
  csrrsi: csrOp('set', true),
  csrrci: csrOp('clear', true),
} satisfies LiftTable<MnemonicOf<'Zicsr'>>;

