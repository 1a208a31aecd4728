/* timers: the real-time interval timer (setitimer, getitimer, alarm) and SIGALRM: delivered in a
   loop that makes no system call, waking sigsuspend, and cutting nanosleep short with EINTR and
   the time left. Output is deterministic (counts and flags, not times). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int ticks;
static void on_alarm(int s) { (void)s; ticks++; }

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, 0);

  /* A 10 ms interval timer, counted in a loop with no system call in it. */
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, 0);
  unsigned long spins = 0;
  while (ticks < 5) spins++;
  /* A sixth tick may come before the next lines (the timer keeps running): print what is certain. */
  struct itimerval left;
  getitimer(ITIMER_REAL, &left);
  printf("interval timer: %s ticks in a busy loop (spun: %s), interval %ld us\n", ticks >= 5 ? "5 or more" : "too few", spins > 0 ? "yes" : "no", (long)left.it_interval.tv_usec);
  it = (struct itimerval){{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &it, 0);
  getitimer(ITIMER_REAL, &left);
  printf("disarmed: %ld %ld\n", (long)left.it_value.tv_sec, (long)left.it_value.tv_usec);

  /* sigsuspend with SIGALRM blocked outside it: the one-shot alarm wakes it. */
  sigset_t block, old, none;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &old);
  int before = ticks;
  it.it_value.tv_usec = 20000;
  setitimer(ITIMER_REAL, &it, 0);
  sigemptyset(&none);
  int r = sigsuspend(&none);
  printf("sigsuspend: returned %d (%s), handler ran: %s\n", r, r == -1 && errno == EINTR ? "EINTR" : "?", ticks == before + 1 ? "yes" : "no");
  sigprocmask(SIG_SETMASK, &old, 0);

  /* nanosleep for 5 s, cut short by a 20 ms alarm. */
  it.it_value.tv_usec = 20000;
  setitimer(ITIMER_REAL, &it, 0);
  struct timespec want = {5, 0}, rem = {0, 0};
  r = nanosleep(&want, &rem);
  printf("nanosleep: returned %d (%s), time left over 4 s: %s\n", r, r == -1 && errno == EINTR ? "EINTR" : "?", rem.tv_sec >= 4 ? "yes" : "no");

  /* alarm(): the seconds left of the previous one. */
  alarm(30);
  printf("alarm: %u s left of the previous one\n", alarm(0));
  return 0;
}
