/* clock_pairs: clock_gettime(CLOCK_MONOTONIC) calls in back-to-back pairs around
   small units of work (the pattern timing code produces); prints only whether
   every interval was non-negative and a checksum of the work. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec before, after;
  uint64_t work = 0x9E3779B97F4A7C15ULL;
  long negative = 0, pairs = 0;
  long long total_ns = 0;
  for (int i = 0; i < 3000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &before);
    for (int j = 0; j < 20; j++) work = work * 6364136223846793005ULL + (uint64_t)i;
    clock_gettime(CLOCK_MONOTONIC, &after);
    long long delta = (after.tv_sec - before.tv_sec) * 1000000000LL + (after.tv_nsec - before.tv_nsec);
    if (delta < 0) negative++;
    total_ns += delta;
    pairs++;
  }
  printf("pairs %ld, negative intervals %ld\n", pairs, negative);
  printf("total measured under 60 s: %s\n", total_ns < 60000000000LL ? "yes" : "no");
  printf("work checksum %016llx\n", (unsigned long long)work);
  return 0;
}
