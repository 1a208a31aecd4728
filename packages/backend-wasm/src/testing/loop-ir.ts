// IR shared by the structure and local-allocation tests.

/** A loop reading v2 (k = 7 * v0, defined before the loop) early in each iteration, before
 *  temporaries (v8, v10) defined later in it: v2's local must stay reserved across the back edge.
 *  Runs to goto_pc with the loop's last v8. */
export const OUTER_VALUE_LOOP = `
func @outer_value(i64) {
block0(v0: i64):
  v1 = iconst.i64 7
  v2 = mul.i64 v0, v1
  v3 = iconst.i64 0
  jump block1(v3, v3)
block1(v4: i64, v5: i64):
  v6 = add.i64 v5, v2
  v7 = xor.i64 v6, v4
  v8 = add.i64 v7, v7
  v9 = iconst.i64 1
  v10 = add.i64 v4, v9
  v11 = lt_u.i64 v10, v0
  brif v11, block1(v10, v8), block2
block2:
  goto_pc v8
}`;
