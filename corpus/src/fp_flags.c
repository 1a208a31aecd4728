/* fp_flags: accrued exception flags (fflags) set by operations and read back with
   fetestexcept: inexact, invalid, divide-by-zero, overflow, underflow; also shows that
   flags are sticky until feclearexcept and that exact operations leave them clear. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static double divide(double a, double b) { return a / b; }
NOINLINE static double multiply(double a, double b) { return a * b; }
NOINLINE static float multiply_f(float a, float b) { return a * b; }
NOINLINE static double subtract(double a, double b) { return a - b; }
NOINLINE static double root(double a) { return sqrt(a); }
NOINLINE static int to_int(double a) { return (int)a; }
NOINLINE static long to_long(double a) { return (long)a; }
NOINLINE static int less(double a, double b) { return a < b; }
NOINLINE static int equal(double a, double b) { return a == b; }

static void show(const char *what) {
  int f = fetestexcept(FE_ALL_EXCEPT);
  printf("%-28s:%s%s%s%s%s%s\n", what, f & FE_INEXACT ? " inexact" : "", f & FE_INVALID ? " invalid" : "",
         f & FE_DIVBYZERO ? " divbyzero" : "", f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "",
         f ? "" : " none");
  feclearexcept(FE_ALL_EXCEPT);
}

int main(void) {
  volatile double result;
  volatile int int_result;
  feclearexcept(FE_ALL_EXCEPT);
  show("start");
  result = divide(1.0, 4.0); show("1/4 (exact)");
  result = divide(1.0, 3.0); show("1/3");
  result = divide(1.0, 0.0); show("1/0");
  result = divide(0.0, 0.0); show("0/0");
  result = divide(-5.0, 0.0); show("-5/0");
  result = multiply(1e308, 10.0); show("1e308*10");
  result = multiply(1e-308, 1e-10); show("1e-308*1e-10");
  result = multiply(0x1p-1022, 0.5); show("min normal * 0.5 (exact)");
  result = multiply_f(1e38f, 1e10f); show("float 1e38*1e10");
  result = multiply_f(1e-38f, 1e-10f); show("float 1e-38*1e-10");
  result = subtract(INFINITY, INFINITY); show("inf-inf");
  result = root(-1.0); show("sqrt(-1)");
  result = root(4.0); show("sqrt(4)");
  result = root(2.0); show("sqrt(2)");
  int_result = to_int(3.7); show("(int)3.7");
  int_result = to_int(3.0); show("(int)3.0");
  int_result = to_int(1e20); show("(int)1e20");
  int_result = (int)to_long(NAN); show("(long)NaN");
  int_result = less(NAN, 1.0); show("NaN < 1 (signalling compare)");
  int_result = equal(NAN, 1.0); show("NaN == 1 (quiet compare)");
  result = multiply(INFINITY, 0.0); show("inf*0");
  result = fma(INFINITY, 0.0, 1.0); show("fma(inf,0,1)");

  /* sticky: accumulate several, then clear only some */
  divide(1.0, 3.0);
  divide(1.0, 0.0);
  printf("sticky both set: %d\n", fetestexcept(FE_INEXACT | FE_DIVBYZERO) == (FE_INEXACT | FE_DIVBYZERO));
  feclearexcept(FE_DIVBYZERO);
  show("after clearing divbyzero");
  feraiseexcept(FE_OVERFLOW | FE_UNDERFLOW);
  show("feraiseexcept over|under");
  fexcept_t saved;
  divide(0.0, 0.0);
  fegetexceptflag(&saved, FE_ALL_EXCEPT);
  feclearexcept(FE_ALL_EXCEPT);
  fesetexceptflag(&saved, FE_INVALID);
  show("restored invalid");
  (void)result;
  (void)int_result;
  return 0;
}
