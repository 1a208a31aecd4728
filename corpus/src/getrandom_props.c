/* getrandom_props: getrandom(2) fills buffers of several sizes; prints only
   properties (return counts, not all zero, two draws differ), never the bytes. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int main(void) {
  unsigned char first[64], second[64];
  static const size_t sizes[] = {1, 7, 16, 64};
  for (unsigned i = 0; i < 4; i++) {
    memset(first, 0, sizeof first);
    ssize_t got = getrandom(first, sizes[i], 0);
    printf("getrandom(%zu) returned %zd\n", sizes[i], got);
  }
  memset(first, 0, sizeof first);
  memset(second, 0, sizeof second);
  getrandom(first, sizeof first, 0);
  getrandom(second, sizeof second, GRND_NONBLOCK);
  int nonzero = 0;
  for (unsigned i = 0; i < sizeof first; i++) nonzero |= first[i];
  printf("64 random bytes not all zero: %s\n", nonzero ? "yes" : "no");
  printf("two draws differ: %s\n", memcmp(first, second, sizeof first) != 0 ? "yes" : "no");
  unsigned histogram_ones = 0;
  unsigned char big[4096];
  getrandom(big, sizeof big, 0);
  for (unsigned i = 0; i < sizeof big; i++) histogram_ones += __builtin_popcount(big[i]);
  /* 32768 bits: mean 16384, sd 90; a 2000-bit margin is > 20 sd */
  printf("bit balance plausible: %s\n", histogram_ones > 14384 && histogram_ones < 18384 ? "yes" : "no");
  return 0;
}
