/* libm_funcs: glibc libm results (sin, cos, tan, exp, log, pow, atan2, cbrt, hypot,
   ...) printed exactly with %a and %.17g; libm is pure integer/FP code in the guest. */
#include <math.h>
#include <stdio.h>

typedef double (*unary)(double);
typedef double (*binary)(double, double);

int main(void) {
  const struct { const char *name; unary fn; } unaries[] = {
      {"sin", sin},   {"cos", cos},     {"tan", tan},   {"asin", asin},   {"acos", acos}, {"atan", atan},
      {"exp", exp},   {"exp2", exp2},   {"expm1", expm1}, {"log", log},   {"log2", log2}, {"log10", log10},
      {"log1p", log1p}, {"sinh", sinh}, {"cosh", cosh}, {"tanh", tanh},   {"cbrt", cbrt}, {"sqrt", sqrt},
      {"floor", floor}, {"ceil", ceil}, {"trunc", trunc}, {"round", round}, {"erf", erf}, {"tgamma", tgamma},
  };
  const double inputs[] = {0.5, -0.75, 1.0, 2.0, 10.0, 1e-8, 3.141592653589793};
  for (unsigned f = 0; f < sizeof unaries / sizeof unaries[0]; f++)
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
      double r = unaries[f].fn(inputs[i]);
      printf("%s(%g) = %a = %.17g\n", unaries[f].name, inputs[i], r, r);
    }
  const struct { const char *name; binary fn; } binaries[] = {
      {"pow", pow}, {"atan2", atan2}, {"hypot", hypot}, {"fmod", fmod}, {"remainder", remainder}, {"fdim", fdim},
  };
  const double pairs[][2] = {{2, 10}, {-3, 0.5}, {0.5, -2}, {10, 3}, {1e10, 1e-10}, {-0.0, -1}};
  for (unsigned f = 0; f < sizeof binaries / sizeof binaries[0]; f++)
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
      double r = binaries[f].fn(pairs[i][0], pairs[i][1]);
      printf("%s(%g, %g) = %a = %.17g\n", binaries[f].name, pairs[i][0], pairs[i][1], r, r);
    }
  printf("sinf(1) = %a, expf(1) = %a, logf(10) = %a, powf(2, 0.5) = %a\n", sinf(1.0f), expf(1.0f), logf(10.0f),
         powf(2.0f, 0.5f));
  int exponent;
  double mantissa = frexp(1234.5, &exponent);
  printf("frexp(1234.5) = %a * 2^%d, ldexp(1, -1074) = %a, modf parts:", mantissa, exponent, ldexp(1.0, -1074));
  double whole, fraction = modf(-3.75, &whole);
  printf(" %g %g\n", whole, fraction);
  double sum = 0;
  for (int i = 1; i <= 2000; i++) sum += sin(i * 0.001) * exp(-i * 0.0005) + log(i) / sqrt(i);
  printf("series sum %.17g %a\n", sum, sum);
  return 0;
}
