// High halves of 64x64 -> 128-bit products, which wasm (MVP) lacks, as small internal functions:
// mulh_u from four 32x32 partial products; the signed forms correct it:
//   mulh_s(a, b)  = mulh_u(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)
//   mulh_su(a, b) = mulh_u(a, b) - (a < 0 ? b : 0)
import type { ExpressionRef, ModuleBuilder, MulhKind } from './builder.js';

/** Adds mulh_<kind>; the signed forms call mulh_u, which the caller must have added first. */
export function addMulhFunction(mb: ModuleBuilder, kind: MulhKind): void {
  const m = mb.m;
  const i64 = mb.types.i64;
  const a = () => m.local.get(0, i64);
  const b = () => m.local.get(1, i64);
  if (kind !== 'u') {
    const zero = m.i64.const(0n);
    const negA = m.select(m.i64.lt_s(a(), zero), b(), m.i64.const(0n));
    let r = m.i64.sub(m.call('mulh_u', [a(), b()], i64), negA);
    if (kind === 's') r = m.i64.sub(r, m.select(m.i64.lt_s(b(), m.i64.const(0n)), a(), m.i64.const(0n)));
    mb.addFunction(`mulh_${kind}`, [i64, i64], i64, [], r);
    return;
  }
  const lo = (v: ExpressionRef) => m.i64.and(v, m.i64.const(0xffffffffn));
  const hi = (v: ExpressionRef) => m.i64.shr_u(v, m.i64.const(32n));
  // locals: 2 = lo*lo, 3 = cross term u, 4 = cross term v
  const t = m.local.set(2, m.i64.mul(lo(a()), lo(b())));
  const u = m.local.set(3, m.i64.add(m.i64.mul(hi(a()), lo(b())), hi(m.local.get(2, i64))));
  const v = m.local.set(4, m.i64.add(m.i64.mul(lo(a()), hi(b())), lo(m.local.get(3, i64))));
  const result = m.i64.add(
    m.i64.add(m.i64.mul(hi(a()), hi(b())), hi(m.local.get(3, i64))),
    hi(m.local.get(4, i64)),
  );
  mb.addFunction('mulh_u', [i64, i64], i64, [i64, i64, i64], m.block(null, [t, u, v, result], i64));
}
