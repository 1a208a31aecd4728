/* deep_recursion: non-tail recursion tens of thousands of frames deep (stack growth),
   mutual recursion and Ackermann; results depend on every frame being preserved. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline, noipa)) static uint64_t sum_down(uint64_t n, volatile char *trail) {
  char frame[48];
  frame[n % 48] = (char)n;
  if (n == 0) return 0;
  uint64_t below = sum_down(n - 1, frame);
  return below + n + (uint64_t)(unsigned char)frame[n % 48] + (trail ? 0 : 1);
}

__attribute__((noinline, noipa)) static int is_even(unsigned n);
__attribute__((noinline, noipa)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
__attribute__((noinline, noipa)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static unsigned ackermann(unsigned m, unsigned n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

static uint64_t fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  printf("sum_down(30000) = %llu\n", (unsigned long long)sum_down(30000, 0));
  printf("is_even(50001) = %d, is_odd(50001) = %d\n", is_even(50001), is_odd(50001));
  printf("ackermann(2, 300) = %u\n", ackermann(2, 300));
  printf("ackermann(3, 6) = %u\n", ackermann(3, 6));
  printf("fib(25) = %llu\n", (unsigned long long)fib(25));
  return 0;
}
