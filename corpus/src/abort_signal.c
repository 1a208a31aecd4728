/* abort_signal: prints a line, flushes it, then raise(SIGABRT) with the default
   action; qemu reports exit status 134 (128 + SIGABRT). A handler run first shows
   signal delivery, then the default action is restored. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

static volatile sig_atomic_t handled;
static void on_usr1(int sig) { handled = sig; }

int main(void) {
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  printf("SIGUSR1 handler saw signal %d\n", (int)handled);
  printf("raising SIGABRT now\n");
  fflush(stdout);
  raise(SIGABRT);
  printf("not reached\n");
  return 0;
}
