// IR value types. Guest integer registers are i64; comparisons yield i32 0/1; FP values
// travel as raw bits in i64 unless an op says otherwise.
export const TYPES = ['i32', 'i64', 'f32', 'f64'] as const;
export type Type = (typeof TYPES)[number];
export type ResultType = Type | 'none';
/** A value id: an index into Func.values. */
export type Value = number;
/** A block id: an index into Func.blocks. */
export type BlockId = number;
