/* fp_arith: single and double add/sub/mul/div, fused multiply-add (fmaf/fma and the
   negated forms), min/max, sign injection, comparisons and int<->float conversions. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static float add_f(float a, float b) { return a + b; }
NOINLINE static float mul_f(float a, float b) { return a * b; }
NOINLINE static float div_f(float a, float b) { return a / b; }
NOINLINE static double add_d(double a, double b) { return a + b; }
NOINLINE static double sub_d(double a, double b) { return a - b; }
NOINLINE static double mul_d(double a, double b) { return a * b; }
NOINLINE static double div_d(double a, double b) { return a / b; }

static uint32_t bits_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t bits_d(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

int main(void) {
  volatile float fa = 1.1f, fb = 3.3f, ftiny = 1e-30f, fhuge = 3e38f;
  printf("f add %a mul %a div %a\n", add_f(fa, fb), mul_f(fa, fb), div_f(fa, fb));
  printf("f huge*10 %a tiny*tiny %a 1/3 %08" PRIx32 "\n", mul_f(fhuge, 10), mul_f(ftiny, ftiny), bits_f(div_f(1, 3)));
  volatile double da = 0.1, db = 0.2, dc = 0.3;
  printf("d 0.1+0.2 = %.17g (== 0.3? %d)\n", add_d(da, db), add_d(da, db) == dc);
  printf("d sub %a mul %a div %a\n", sub_d(dc, da), mul_d(da, db), div_d(da, db));
  printf("d bits of 1/3: %016" PRIx64 "\n", bits_d(div_d(1, 3)));

  /* fma rounds once: these differ from the separately rounded a*b+c */
  volatile double x = 1.0 + 0x1p-30, y = 1.0 - 0x1p-30, z = -1.0;
  volatile double product = x * y;
  printf("fma(x,y,-1) = %a, rounded x*y then -1 = %a\n", fma(x, y, z), product + z);
  volatile float xf = 1.0f + 0x1p-13f, yf = 1.0f - 0x1p-13f, zf = -1.0f;
  volatile float product_f = xf * yf;
  printf("fmaf(x,y,-1) = %a, rounded x*y then -1 = %a\n", fmaf(xf, yf, zf), product_f + zf);
  printf("fms %a fnmadd %a fnmsub %a\n", fma(x, y, -z), -fma(x, y, z), -fma(x, y, -z));
  printf("fmaf variants %a %a %a\n", fmaf(xf, -yf, zf), -fmaf(xf, yf, -zf), fmaf(-xf, yf, -zf));

  printf("fmin/fmax d: %g %g f: %g %g\n", fmin(da, db), fmax(da, db), fminf(fa, fb), fmaxf(fa, fb));
  printf("copysign %g %g fabs %g neg %g\n", copysign(3.0, -0.0), copysign(-3.0, 1.0), fabs(-da), -db);
  printf("compare: lt %d le %d eq %d gt %d\n", da < db, db <= db, da == db, dc > db);

  volatile double conversions[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 123456.789, -987654.321, 4294967295.9,
                                   9.2233720368547758e18, -9.2233720368547758e18, 1e19, -1e19, 1e30};
  for (unsigned i = 0; i < sizeof conversions / sizeof conversions[0]; i++) {
    double v = conversions[i];
    int64_t as_i64 = (v >= -9.2233720368547758e18 && v < 9.2233720368547758e18) ? (int64_t)v : 0;
    int32_t as_i32 = (v > -2147483649.0 && v < 2147483648.0) ? (int32_t)v : 0;
    uint64_t as_u64 = (v > -1.0 && v < 1.8446744073709552e19) ? (uint64_t)v : 0;
    printf("conv %.17g: i64 %" PRId64 " i32 %d u64 %" PRIu64 " float %a\n", v, as_i64, as_i32, as_u64, (float)v);
  }
  volatile int64_t integers[] = {0, 1, -1, 16777217, 9007199254740993LL, INT64_MAX, INT64_MIN};
  for (unsigned i = 0; i < 7; i++)
    printf("i64 %" PRId64 " -> double %a float %a; u64 -> double %a\n", integers[i], (double)integers[i],
           (float)integers[i], (double)(uint64_t)integers[i]);
  volatile uint32_t u32 = 4294967295u;
  printf("u32 max -> float %a double %a\n", (float)u32, (double)u32);
  printf("float->double->float %a %a\n", (double)fa, (float)(double)fa);

  /* accumulate to check for any drift between steps */
  double sum = 0;
  float sumf = 0;
  for (int i = 1; i <= 1000; i++) { sum += 1.0 / i; sumf += 1.0f / (float)i; }
  printf("harmonic(1000) double %.17g float %.9g\n", sum, sumf);
  return 0;
}
