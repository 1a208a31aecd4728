/* fp_nan: NaN boxing and canonical NaNs, fmin/fmax with quiet and signalling NaN
   operands, signed zeros, infinities, sqrt, classification (fclass) and bit patterns. */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline, noipa))
static double from_bits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t to_bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float from_bits_f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t to_bits_f(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
NOINLINE static double add(double a, double b) { return a + b; }
NOINLINE static double multiply(double a, double b) { return a * b; }
NOINLINE static float add_f(float a, float b) { return a + b; }
NOINLINE static double minimum(double a, double b) { return fmin(a, b); }
NOINLINE static double maximum(double a, double b) { return fmax(a, b); }
NOINLINE static float minimum_f(float a, float b) { return fminf(a, b); }
NOINLINE static double root(double a) { return sqrt(a); }
NOINLINE static float root_f(float a) { return sqrtf(a); }
NOINLINE static unsigned long fclass(double a) { unsigned long r; __asm__("fclass.d %0, %1" : "=r"(r) : "f"(a)); return r; }
NOINLINE static double widen(float f) { return f; }
NOINLINE static float narrow(double d) { return (float)d; }
/* an fmv.d.x of a float's bits without NaN boxing must read back as the canonical NaN */
NOINLINE static uint32_t unboxed_single(uint64_t raw) {
  float f;
  __asm__("fmv.d.x %0, %1" : "=f"(f) : "r"(raw));
  f = f + 0.0f;
  return to_bits_f(f);
}

static void show_flags(const char *what) {
  printf("  %s flags: invalid=%d\n", what, fetestexcept(FE_INVALID) != 0);
  feclearexcept(FE_ALL_EXCEPT);
}

int main(void) {
  double qnan = from_bits(0x7FF8000000000000ULL), snan = from_bits(0x7FF0000000000001ULL);
  double payload_nan = from_bits(0x7FF800000000BEEFULL), negative_nan = from_bits(0xFFF8000000000000ULL);
  float snan_f = from_bits_f(0x7F800001u), qnan_f = from_bits_f(0x7FC00000u);
  printf("qNaN+1 bits %016" PRIx64 "\n", to_bits(add(qnan, 1.0)));
  printf("payload NaN*2 bits %016" PRIx64 " (canonical)\n", to_bits(multiply(payload_nan, 2.0)));
  printf("-NaN+0 bits %016" PRIx64 "\n", to_bits(add(negative_nan, 0.0)));
  feclearexcept(FE_ALL_EXCEPT);
  printf("sNaN+1 bits %016" PRIx64 "\n", to_bits(add(snan, 1.0)));
  show_flags("sNaN+1");
  printf("sNaNf+1 bits %08" PRIx32 "\n", to_bits_f(add_f(snan_f, 1.0f)));
  show_flags("sNaNf+1");

  printf("fmin(qNaN, 2) = %g, fmax(2, qNaN) = %g\n", minimum(qnan, 2.0), maximum(2.0, qnan));
  show_flags("fmin/fmax qNaN");
  printf("fmin(sNaN, 2) = %g, fmax(sNaN, 3) = %g\n", minimum(snan, 2.0), maximum(snan, 3.0));
  show_flags("fmin/fmax sNaN");
  printf("fmin(qNaN, qNaN) bits %016" PRIx64 "\n", to_bits(minimum(qnan, payload_nan)));
  printf("fminf(sNaN, qNaN) bits %08" PRIx32 "\n", to_bits_f(minimum_f(snan_f, qnan_f)));
  show_flags("fminf sNaN,qNaN");
  printf("fmin(-0, +0) = %g, fmin(+0, -0) = %g, fmax(-0, +0) = %g, fmax(+0, -0) = %g\n", minimum(-0.0, 0.0),
         minimum(0.0, -0.0), maximum(-0.0, 0.0), maximum(0.0, -0.0));

  printf("signed zero: -0+0 = %g, -0+-0 = %g, 0*-1 = %g, 1/-inf = %g, -0 == 0: %d\n", add(-0.0, 0.0), add(-0.0, -0.0),
         multiply(0.0, -1.0), 1.0 / -INFINITY, -0.0 == 0.0);
  printf("sqrt(-0) = %g, sqrt(-1) bits %016" PRIx64 ", sqrt(inf) = %g, sqrt(2) = %.17g\n", root(-0.0),
         to_bits(root(-1.0)), root(INFINITY), root(2.0));
  show_flags("sqrt(-1)");
  printf("sqrtf(2) = %a, sqrtf(-1) bits %08" PRIx32 "\n", root_f(2.0f), to_bits_f(root_f(-1.0f)));
  feclearexcept(FE_ALL_EXCEPT);
  printf("inf-inf bits %016" PRIx64 ", inf*0 bits %016" PRIx64 "\n", to_bits(add(INFINITY, -INFINITY)),
         to_bits(multiply(INFINITY, 0.0)));
  printf("widen sNaNf bits %016" PRIx64 ", narrow payload NaN bits %08" PRIx32 "\n", to_bits(widen(snan_f)),
         to_bits_f(narrow(payload_nan)));
  printf("unboxed single reads as %08" PRIx32 ", boxed 1.5f reads as %08" PRIx32 "\n",
         unboxed_single(0x000000003FC00000ULL), unboxed_single(0xFFFFFFFF3FC00000ULL));
  double classes[] = {-INFINITY, -1.0, -0x1p-1074, -0.0, 0.0, 0x1p-1074, 1.0, INFINITY, snan, qnan};
  printf("fclass:");
  for (unsigned i = 0; i < 10; i++) printf(" %lx", fclass(classes[i]));
  printf("\n");
  printf("isnan %d %d isinf %d signbit(-0) %d signbit(-NaN) %d\n", isnan(qnan), isnan(1.0), isinf(-INFINITY),
         signbit(-0.0) != 0, signbit(negative_nan) != 0);
  printf("comparisons with NaN: < %d > %d == %d != %d\n", qnan < 1, qnan > 1, qnan == qnan, qnan != qnan);
  feclearexcept(FE_ALL_EXCEPT);
  return 0;
}
