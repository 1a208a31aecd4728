/* fp_rounding: every dynamic rounding mode (fesetround) applied to arithmetic,
   rint/lrint/llrint/nearbyint, float<->int casts and printf's own rounding; plus
   the static-rounding-mode conversion instructions (fcvt with rtz/rne/rdn/rup/rmm). */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static const int modes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
static const char *const mode_names[] = {"nearest", "towardzero", "downward", "upward"};

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static double divide(double a, double b) { return a / b; }
NOINLINE static float divide_f(float a, float b) { return a / b; }
NOINLINE static double add(double a, double b) { return a + b; }
NOINLINE static double root(double a) { return sqrt(a); }
NOINLINE static float narrow(double a) { return (float)a; }
NOINLINE static double from_int(int64_t i) { return (double)i; }

#define FCVT_L_D(rm)                                                              \
  NOINLINE static int64_t fcvt_l_d_##rm(double v) {                                \
    int64_t r;                                                                     \
    __asm__ volatile("fcvt.l.d %0, %1, " #rm : "=r"(r) : "f"(v));                  \
    return r;                                                                      \
  }
FCVT_L_D(rne) FCVT_L_D(rtz) FCVT_L_D(rdn) FCVT_L_D(rup) FCVT_L_D(rmm)
NOINLINE static int64_t fcvt_w_s_dyn(float v) { int64_t r; __asm__ volatile("fcvt.w.s %0, %1" : "=r"(r) : "f"(v)); return r; }
NOINLINE static int64_t fcvt_wu_d_rtz(double v) { int64_t r; __asm__ volatile("fcvt.wu.d %0, %1, rtz" : "=r"(r) : "f"(v)); return r; }

int main(void) {
  volatile double samples[] = {2.5, 3.5, -2.5, -3.5, 0.4999999999999999, 1e15 + 0.5, -7.75, 1.0000000000000002};
  unsigned count = sizeof samples / sizeof samples[0];
  for (int m = 0; m < 4; m++) {
    printf("== %s: fesetround %d, fegetround matches: %s\n", mode_names[m], fesetround(modes[m]),
           fegetround() == modes[m] ? "yes" : "no");
    printf("1/3 = %a, -1/3 = %a, 2/3f = %a\n", divide(1, 3), divide(-1, 3), divide_f(2, 3));
    printf("1 + 2^-53 = %a, -1 - 2^-53 = %a\n", add(1, 0x1p-53), add(-1, -0x1p-53));
    printf("sqrt(2) = %a, narrow(0.1) = %a, (double)(2^53+1) = %a\n", root(2), narrow(0.1), from_int((1LL << 53) + 1));
    for (unsigned i = 0; i < count; i++) {
      double v = samples[i];
      printf("  %.17g: rint %.17g nearbyint %.17g lrint %ld llrint %lld cast %lld rintf %a\n", v, rint(v), nearbyint(v),
             lrint(v), llrint(v), (long long)v, rintf((float)v));
    }
    printf("  printf %%.0f of 0.5 1.5 2.5: %.0f %.0f %.0f; %%.2f of 1.005: %.2f\n", 0.5, 1.5, 2.5, 1.005);
    printf("  fcvt.w.s dyn 2.5f -> %" PRId64 ", -2.5f -> %" PRId64 "\n", fcvt_w_s_dyn(2.5f), fcvt_w_s_dyn(-2.5f));
  }
  fesetround(FE_TONEAREST);
  printf("== static rounding modes (fcvt.l.d)\n");
  for (unsigned i = 0; i < count; i++) {
    double v = samples[i];
    printf("  %.17g: rne %" PRId64 " rtz %" PRId64 " rdn %" PRId64 " rup %" PRId64 " rmm %" PRId64 "\n", v,
           fcvt_l_d_rne(v), fcvt_l_d_rtz(v), fcvt_l_d_rdn(v), fcvt_l_d_rup(v), fcvt_l_d_rmm(v));
  }
  printf("== saturation\n");
  volatile double extremes[] = {1e300, -1e300, NAN, INFINITY, -INFINITY, 9.3e18, -9.3e18};
  for (unsigned i = 0; i < 7; i++)
    printf("  %g: fcvt.l.d rtz %" PRId64 " fcvt.wu.d rtz %" PRId64 "\n", extremes[i], fcvt_l_d_rtz(extremes[i]),
           fcvt_wu_d_rtz(extremes[i]));
  printf("  fcvt.wu.d rtz -1.0 -> %" PRId64 ", 4294967295.7 -> %" PRId64 "\n", fcvt_wu_d_rtz(-1.0), fcvt_wu_d_rtz(4294967295.7));
  return 0;
}
