// The instruction groups shared by F and D, as test definitions parameterized by precision:
// arithmetic, square root, the four fused forms, integer conversions both ways, min/max, compares,
// fclass and sign injection. rv64f.test.ts and rv64d.test.ts call describePrecisionOps once each.
import { describe } from 'vitest';
import { u64 } from './harness.js';
import * as ref from './fp-reference.js';
import {
  FORMAT, boxed, itMatchesReference, itRaisesEveryFlag, loadF, loadX, pairsOf, specialValues, storeResults, triplesOf, type Precision,
} from './fp-suite.js';

const INT_KINDS = ['w', 'wu', 'l', 'lu'] as const;

/** Integer-valued and near-integer FP operands for conversions to integers. */
function conversionOperands(p: Precision): bigint[] {
  const of = (v: number) => new BigUint64Array(new Float64Array([v]).buffer)[0]!;
  const toP = (v: number) => (p === 'd' ? of(v) : BigInt(new Uint32Array(new Float32Array([v]).buffer)[0]!));
  const numbers = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4, -0.6, 7.75, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32,
    2 ** 63, -(2 ** 63), 2 ** 64, -(2 ** 64), 1e30, -1e30, -1, 2 ** 31 - 0.5, 4294967295.5];
  return [...specialValues(p), ...numbers.map(toP)];
}

const INTEGER_OPERANDS = [0n, 1n, u64(-1n), 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0001n, (1n << 24n) + 1n, (1n << 53n) + 1n,
  (1n << 63n) - 1n, 1n << 63n, u64(-(1n << 53n) - 1n), 0x1234_5678_9abc_def1n, 0xffff_ffff_8000_0001n, 3n, u64(-7n), (1n << 64n) - 2n];

export function describePrecisionOps(p: Precision): void {
  const f = FORMAT[p];
  const unbox = (v: bigint) => (p === 's' ? v & 0xffff_ffffn : v);
  const fpResult = (r: ref.Result): ref.Result => ({ bits: boxed(p, r.bits), flags: r.flags });
  const values = specialValues(p).map((v) => boxed(p, v));
  const pairs = pairsOf(values);

  describe(`${p}: add, sub, mul, div`, () => {
    const ops = { fadd: ref.add, fsub: ref.sub, fmul: ref.mul, fdiv: ref.div } as const;
    for (const [op, compute] of Object.entries(ops)) {
      const seen = itMatchesReference(`${op}.${p}`, pairs, true, {
        inputs: 2,
        body: (rm) => `${loadF('fa1', 0)}\n${loadF('fa2', 1)}\n${op}.${p} fa0, fa1, fa2${rm}\n${storeResults(2, true)}`,
        expected: ([a, b], rm) => fpResult(compute(f, unbox(a!), unbox(b!), rm)),
      });
      const flags = op === 'fdiv' ? [ref.NV, ref.DZ, ref.OF, ref.UF, ref.NX] : op === 'fmul' ? [ref.NV, ref.OF, ref.UF, ref.NX] : [ref.NV, ref.OF, ref.NX];
      itRaisesEveryFlag(`${op}.${p}`, seen, flags); // sums never round a tiny result, so add/sub cannot underflow
    }
  });

  describe(`${p}: sqrt`, () => {
    const seen = itMatchesReference(`fsqrt.${p}`, values.map((v) => [v]), true, {
      inputs: 1,
      body: (rm) => `${loadF('fa1', 0)}\nfsqrt.${p} fa0, fa1${rm}\n${storeResults(1, true)}`,
      expected: ([a], rm) => fpResult(ref.sqrt(f, unbox(a!), rm)),
    });
    itRaisesEveryFlag(`fsqrt.${p}`, seen, [ref.NV, ref.NX]);
  });

  describe(`${p}: fused multiply-add`, () => {
    // A random sample of triples, plus ones that hit inf * 0 + qNaN, exact cancellation and underflow.
    const special = specialValues(p);
    const [plusZero, , inf, , qnan] = special;
    const one = special[15]!, minSub = special[8]!, half = special[19]!, maxNormal = special[13]!;
    const triples = [
      ...triplesOf(values, 240, p === 's' ? 21n : 22n),
      [inf!, plusZero!, qnan!], [one, one, one | (1n << BigInt(f.exponentBits + f.fractionBits))], [minSub, half, plusZero!],
      [maxNormal, maxNormal, one], [minSub, half, minSub],
    ].map((t) => t.map((v) => boxed(p, v)));
    const forms = { fmadd: [false, false], fmsub: [false, true], fnmsub: [true, false], fnmadd: [true, true] } as const;
    for (const [op, [negateProduct, negateAddend]] of Object.entries(forms)) {
      const seen = itMatchesReference(`${op}.${p}`, triples, true, {
        inputs: 3,
        body: (rm) => `${loadF('fa1', 0)}\n${loadF('fa2', 1)}\n${loadF('fa3', 2)}\n${op}.${p} fa0, fa1, fa2, fa3${rm}\n${storeResults(3, true)}`,
        expected: ([a, b, c], rm) => fpResult(ref.fma(f, unbox(a!), unbox(b!), unbox(c!), rm, negateProduct, negateAddend)),
      });
      itRaisesEveryFlag(`${op}.${p}`, seen, [ref.NV, ref.OF, ref.UF, ref.NX]);
    }
  });

  describe(`${p}: conversions to integers`, () => {
    const operands = conversionOperands(p).map((v) => [boxed(p, v)]);
    for (const kind of INT_KINDS) {
      const seen = itMatchesReference(`fcvt.${kind}.${p}`, operands, true, {
        inputs: 1,
        body: (rm) => `${loadF('fa1', 0)}\nfcvt.${kind}.${p} a0, fa1${rm}\n${storeResults(1, false)}`,
        expected: ([a], rm) => ref.toInt(f, unbox(a!), kind, rm),
      });
      itRaisesEveryFlag(`fcvt.${kind}.${p}`, seen, [ref.NV, ref.NX]);
    }
  });

  describe(`${p}: conversions from integers`, () => {
    const operands = INTEGER_OPERANDS.map((v) => [v]);
    for (const kind of INT_KINDS) {
      // fcvt.d.w and fcvt.d.wu are exact: they take no rounding operand.
      const exact = p === 'd' && (kind === 'w' || kind === 'wu');
      const seen = itMatchesReference(`fcvt.${p}.${kind}`, operands, !exact, {
        inputs: 1,
        body: (rm) => `${loadX('a1', 0)}\nfcvt.${p}.${kind} fa0, a1${rm}\n${storeResults(1, true)}`,
        expected: ([a], rm) => fpResult(ref.fromInt(f, a!, kind, rm)),
      });
      if (!exact) itRaisesEveryFlag(`fcvt.${p}.${kind}`, seen, [ref.NX]);
    }
  });

  describe(`${p}: min, max, compares, fclass, sign injection`, () => {
    for (const [op, isMax] of [['fmin', false], ['fmax', true]] as const) {
      const seen = itMatchesReference(`${op}.${p}`, pairs, false, {
        inputs: 2,
        body: () => `${loadF('fa1', 0)}\n${loadF('fa2', 1)}\n${op}.${p} fa0, fa1, fa2\n${storeResults(2, true)}`,
        expected: ([a, b]) => fpResult(ref.minMax(f, unbox(a!), unbox(b!), isMax)),
      });
      itRaisesEveryFlag(`${op}.${p}`, seen, [ref.NV]);
    }
    for (const kind of ['eq', 'lt', 'le'] as const) {
      const seen = itMatchesReference(`f${kind}.${p}`, pairs, false, {
        inputs: 2,
        body: () => `${loadF('fa1', 0)}\n${loadF('fa2', 1)}\nf${kind}.${p} a0, fa1, fa2\n${storeResults(2, false)}`,
        expected: ([a, b]) => ref.compare(f, unbox(a!), unbox(b!), kind),
      });
      itRaisesEveryFlag(`f${kind}.${p}`, seen, [ref.NV]);
    }
    itMatchesReference(`fclass.${p}`, values.map((v) => [v]), false, {
      inputs: 1,
      body: () => `${loadF('fa1', 0)}\nfclass.${p} a0, fa1\n${storeResults(1, false)}`,
      expected: ([a]) => ({ bits: ref.classify(f, unbox(a!)), flags: 0 }),
    });
    const signBit = 1n << BigInt(f.exponentBits + f.fractionBits);
    const inject = {
      fsgnj: (a: bigint, b: bigint) => (a & ~signBit) | (b & signBit),
      fsgnjn: (a: bigint, b: bigint) => (a & ~signBit) | (~b & signBit),
      fsgnjx: (a: bigint, b: bigint) => (a & ~signBit) | ((a ^ b) & signBit),
    };
    for (const [op, compute] of Object.entries(inject)) {
      itMatchesReference(`${op}.${p}`, pairs, false, {
        inputs: 2,
        body: () => `${loadF('fa1', 0)}\n${loadF('fa2', 1)}\n${op}.${p} fa0, fa1, fa2\n${storeResults(2, true)}`,
        expected: ([a, b]) => ({ bits: boxed(p, compute(unbox(a!), unbox(b!))), flags: 0 }), // sign injection never signals, even for sNaN
      });
    }
  });
}
