// RV64D semantics on T0: the shared FP groups (fp-ops.ts) in double precision against the exact
// reference, plus fld/fsd, fmv.x.d/fmv.d.x, and the conversions between widths (fcvt.s.d rounds in
// every mode and raises NV/OF/UF/NX; fcvt.d.s is exact; NaNs become canonical).
import { describe, expect, it } from 'vitest';
import { DATA, dataDword, program, run } from './harness.js';
import * as ref from './fp-reference.js';
import { describePrecisionOps } from './fp-ops.js';
import { boxed, itMatchesReference, itRaisesEveryFlag, loadF, specialValues, storeResults } from './fp-suite.js';

describePrecisionOps('d');

describe('fcvt.s.d and fcvt.d.s', () => {
  const near = [1e-40, 1e-45, 3e38, 3.5e38, 1e300, 1 / 3, 16777217, 1.401298464324817e-45, 7.006492321624085e-46].map((v) => new BigUint64Array(new Float64Array([v]).buffer)[0]!);
  const doubles = [...specialValues('d'), ...near].map((v) => [v]);
  const seen = itMatchesReference('fcvt.s.d', doubles, true, {
    inputs: 1,
    body: (rm) => `${loadF('fa1', 0)}\nfcvt.s.d fa0, fa1${rm}\n${storeResults(1, true)}`,
    expected: ([a], rm) => {
      const r = ref.convert(ref.D, ref.S, a!, rm);
      return { bits: boxed('s', r.bits), flags: r.flags };
    },
  });
  itRaisesEveryFlag('fcvt.s.d', seen, [ref.NV, ref.OF, ref.UF, ref.NX]);
  itMatchesReference('fcvt.d.s', specialValues('s').map((v) => [boxed('s', v)]), false, {
    inputs: 1,
    body: () => `${loadF('fa1', 0)}\nfcvt.d.s fa0, fa1\n${storeResults(1, true)}`,
    expected: ([a]) => ref.convert(ref.S, ref.D, a! & 0xffff_ffffn, ref.RNE),
  });
});

describe('fld, fsd, fmv.x.d, fmv.d.x', () => {
  const p = program(`
    fld fa0, 3(s1)
    fsd fa0, 17(s1)
    fmv.x.d a0, fa0
    fmv.d.x fa1, a1
    fsd fa1, 32(s1)
    fld fa2, -8(s2)
  `);
  it('move all 64 bits unchanged, at odd offsets, NaN payloads included', async () => {
    const snan = 0x7ff0_0000_0000_0001n;
    const data = new Uint8Array(64);
    new DataView(data.buffer).setBigUint64(3, snan, true);
    new DataView(data.buffer).setBigUint64(40, 0xfff8_dead_beef_0001n, true);
    const r = await run(p, { x: { 9: DATA, 18: DATA + 48n, 11: 0x8000_0000_0000_0000n }, data });
    expect(r.x[10]).toBe(snan);
    expect(r.f[10]).toBe(snan);
    expect(new DataView(r.data.buffer).getBigUint64(17, true)).toBe(snan);
    expect(r.f[11]).toBe(0x8000_0000_0000_0000n);
    expect(dataDword(r.data, 32)).toBe(0x8000_0000_0000_0000n);
    expect(r.f[12]).toBe(0xfff8_dead_beef_0001n);
    expect(r.fflags).toBe(0);
  });
});
