// RV64F: single-precision instructions, as thin rows over the shared helpers in fp.ts.
import type { MnemonicOf } from '@ferry/isa-riscv';
import * as fp from './fp.js';
import type { LiftTable } from './operands.js';

export const LIFT_F = {
  flw: fp.fpLoad('s'),
  fsw: fp.fpStore('s'),
  'fmadd.s': fp.fused('s', 0, 0),
  'fmsub.s': fp.fused('s', 0, 1),
  'fnmsub.s': fp.fused('s', 1, 0),
  'fnmadd.s': fp.fused('s', 1, 1),
  'fadd.s': fp.arith('s', 'fadd'),
  'fsub.s': fp.arith('s', 'fsub'),
  'fmul.s': fp.arith('s', 'fmul'),
  'fdiv.s': fp.arith('s', 'fdiv'),
  'fsqrt.s': fp.sqrt('s'),
  'fsgnj.s': fp.signInject('s', 'copy'),
  'fsgnjn.s': fp.signInject('s', 'negate'),
  'fsgnjx.s': fp.signInject('s', 'xor'),
  'fmin.s': fp.minMax('s', 0),
  'fmax.s': fp.minMax('s', 1),
  'fcvt.w.s': fp.toInt('s', 0),
  'fcvt.wu.s': fp.toInt('s', 1),
  'fmv.x.w': fp.moveToInt('s'),
  'feq.s': fp.compare('s', 0),
  'flt.s': fp.compare('s', 1),
  'fle.s': fp.compare('s', 2),
  'fclass.s': fp.classify('s'),
  'fcvt.s.w': fp.fromInt('s', 0),
  'fcvt.s.wu': fp.fromInt('s', 1),
  'fmv.w.x': fp.moveFromInt('s'),
  'fcvt.l.s': fp.toInt('s', 2),
  'fcvt.lu.s': fp.toInt('s', 3),
  'fcvt.s.l': fp.fromInt('s', 2),
  'fcvt.s.lu': fp.fromInt('s', 3),
} satisfies LiftTable<MnemonicOf<'F'>>;
