// RV64D: double-precision instructions, plus the conversions between the two widths.
import type { MnemonicOf } from '@ferry/isa-riscv';
import * as fp from './fp.js';
import type { LiftTable } from './operands.js';

export const LIFT_D = {
  fld: fp.fpLoad('d'),
  fsd: fp.fpStore('d'),
  'fmadd.d': fp.fused('d', 0, 0),
  'fmsub.d': fp.fused('d', 0, 1),
  'fnmsub.d': fp.fused('d', 1, 0),
  'fnmadd.d': fp.fused('d', 1, 1),
  'fadd.d': fp.arith('d', 'fadd'),
  'fsub.d': fp.arith('d', 'fsub'),
  'fmul.d': fp.arith('d', 'fmul'),
  'fdiv.d': fp.arith('d', 'fdiv'),
  'fsqrt.d': fp.sqrt('d'),
  'fsgnj.d': fp.signInject('d', 'copy'),
  'fsgnjn.d': fp.signInject('d', 'negate'),
  'fsgnjx.d': fp.signInject('d', 'xor'),
  'fmin.d': fp.minMax('d', 0),
  'fmax.d': fp.minMax('d', 1),
  'fcvt.s.d': fp.doubleToSingle,
  'fcvt.d.s': fp.singleToDouble,
  'feq.d': fp.compare('d', 0),
  'flt.d': fp.compare('d', 1),
  'fle.d': fp.compare('d', 2),
  'fclass.d': fp.classify('d'),
  'fcvt.w.d': fp.toInt('d', 0),
  'fcvt.wu.d': fp.toInt('d', 1),
  'fcvt.d.w': fp.fromInt('d', 0),
  'fcvt.d.wu': fp.fromInt('d', 1),
  'fcvt.l.d': fp.toInt('d', 2),
  'fcvt.lu.d': fp.toInt('d', 3),
  'fmv.x.d': fp.moveToInt('d'),
  'fcvt.d.l': fp.fromInt('d', 2),
  'fcvt.d.lu': fp.fromInt('d', 3),
  'fmv.d.x': fp.moveFromInt('d'),
} satisfies LiftTable<MnemonicOf<'D'>>;
