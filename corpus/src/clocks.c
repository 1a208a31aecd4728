/* clocks: clock_gettime (REALTIME, MONOTONIC, PROCESS_CPUTIME) and gettimeofday,
   printing only properties (monotonic, in range, consistent), never the times. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long nanos(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec real, mono_first, mono, cpu, resolution;
  printf("realtime rc %d\n", clock_gettime(CLOCK_REALTIME, &real));
  printf("realtime after 2020-01-01: %s\n", real.tv_sec > 1577836800 ? "yes" : "no");
  printf("realtime nsec in range: %s\n", real.tv_nsec >= 0 && real.tv_nsec < 1000000000 ? "yes" : "no");
  struct timeval tv;
  printf("gettimeofday rc %d\n", gettimeofday(&tv, NULL));
  long long diff_us = (tv.tv_sec * 1000000LL + tv.tv_usec) - nanos(real) / 1000;
  printf("gettimeofday within 10 s of realtime: %s\n", diff_us > -10000000 && diff_us < 10000000 ? "yes" : "no");
  printf("usec in range: %s\n", tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no");
  time_t now = time(NULL);
  printf("time() within 10 s of realtime: %s\n", now - real.tv_sec < 10 && real.tv_sec - now < 10 ? "yes" : "no");

  clock_gettime(CLOCK_MONOTONIC, &mono_first);
  int monotonic = 1;
  long long previous = nanos(mono_first);
  for (int i = 0; i < 1000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &mono);
    if (nanos(mono) < previous) monotonic = 0;
    previous = nanos(mono);
  }
  printf("monotonic over 1000 reads: %s\n", monotonic ? "yes" : "no");
  printf("monotonic elapsed under 10 s: %s\n", nanos(mono) - nanos(mono_first) < 10000000000LL ? "yes" : "no");
  printf("cputime rc %d, non-negative: %s\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu), nanos(cpu) >= 0 ? "yes" : "no");
  printf("monotonic resolution rc %d, at most 1 ms: %s\n", clock_getres(CLOCK_MONOTONIC, &resolution),
         nanos(resolution) > 0 && nanos(resolution) <= 1000000 ? "yes" : "no");
  return 0;
}
