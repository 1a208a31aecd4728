/* mulh: the high halves of 64x64 products (mulh, mulhu, mulhsu via __int128) and
   mulw's 32-bit wrap with sign extension, over a grid of edge-case operands. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noipa))
NOINLINE static int64_t high_signed(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }
NOINLINE static uint64_t high_unsigned(uint64_t a, uint64_t b) {
  return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
NOINLINE static int64_t high_signed_unsigned(int64_t a, uint64_t b) {
  return (int64_t)(((__int128)a * (unsigned __int128)b) >> 64);
}
NOINLINE static int64_t low_product(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
NOINLINE static int32_t mul_word(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }

int main(void) {
  volatile int64_t values[] = {0, 1, -1, 2, -2, 3, INT64_MAX, INT64_MIN, 0x00000000FFFFFFFFLL, 0x7FFFFFFF80000000LL,
                               (int64_t)0x8000000000000001ULL, 0x123456789ABCDEFLL, -0x123456789ABCDEFLL};
  unsigned n = sizeof values / sizeof values[0];
  uint64_t fold = 0;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) {
      int64_t a = values[i], b = values[j];
      int64_t hs = high_signed(a, b);
      uint64_t hu = high_unsigned((uint64_t)a, (uint64_t)b);
      int64_t hsu = high_signed_unsigned(a, (uint64_t)b);
      int64_t lo = low_product(a, b);
      printf("%016" PRIx64 " * %016" PRIx64 ": mulh %016" PRIx64 " mulhu %016" PRIx64 " mulhsu %016" PRIx64
             " mul %016" PRIx64 "\n", (uint64_t)a, (uint64_t)b, (uint64_t)hs, hu, (uint64_t)hsu, (uint64_t)lo);
      fold = fold * 31 + (uint64_t)hs + hu * 3 + (uint64_t)hsu * 5;
    }
  printf("fold %016" PRIx64 "\n", fold);
  volatile int32_t words[] = {0, 1, -1, 65536, INT32_MAX, INT32_MIN, 46341, -46341};
  for (unsigned i = 0; i < 8; i++) printf("mulw %d * %d = %d\n", words[i], words[(i + 3) % 8], mul_word(words[i], words[(i + 3) % 8]));
  return 0;
}
