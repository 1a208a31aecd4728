/* printf_numbers: integer, float and double formatting through glibc printf
   (exercises varargs, integer-to-decimal and floating-point conversion code). */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
  printf("int: %d %d %d %i\n", 0, 42, -42, INT_MAX);
  printf("int min: %d\n", INT_MIN);
  printf("unsigned: %u %x %X %o\n", 4000000000u, 0xdeadbeefu, 0xcafeu, 0755u);
  printf("long: %ld %ld\n", LONG_MAX, LONG_MIN);
  printf("u64: %" PRIu64 " %#" PRIx64 "\n", UINT64_MAX, (uint64_t)0x0123456789abcdefULL);
  printf("width: [%8d] [%-8d] [%08d] [%+d] [% d]\n", 123, 123, -123, 5, 5);
  printf("char: %c%c%c str: %s %.3s [%10s]\n", 'R', 'V', '!', "sixty-four", "truncate", "right");
  float f = 3.14159265f;
  printf("float: %f %.2f %e %g %a\n", f, f, f, f, f);
  double d = 2.718281828459045;
  printf("double: %f %.10f %e %.17g %a\n", d, d, d, d, d);
  printf("small: %g %e %.3e\n", 1e-300, 4.9406564584124654e-324, 1.0 / 3.0);
  printf("large: %g %.0f %e\n", 1e300, 1e22, 1.7976931348623157e308);
  printf("neg: %f %g %.1f\n", -0.0, -1.5, -2.25);
  printf("round: %.0f %.0f %.0f %.0f %.1f\n", 0.5, 1.5, 2.5, -0.5, 0.05);
  printf("pointer-ish: %p\n", (void *)0);
  double values[] = {1.0, 10.0, 0.1, 123456789.125, 1e16, 9007199254740993.0};
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++)
    printf("v[%u] = %.17g / %g / %a\n", i, values[i], values[i], values[i]);
  int n = printf("count me\n");
  printf("printed %d chars\n", n);
  char buf[64];
  int m = snprintf(buf, sizeof buf, "%s-%05.1f-%lld", "snp", 3.14159, -9876543210LL);
  printf("snprintf: %s (%d)\n", buf, m);
  return 0;
}
