/* getpid_loop: getpid/getppid/getuid in a tight loop (cheap syscalls back to back),
   printing only that the answers were stable and positive. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  pid_t first = getpid();
  long changed = 0, calls = 0;
  for (int i = 0; i < 20000; i++) {
    if (getpid() != first) changed++;
    calls++;
  }
  uid_t uid = getuid();
  long uid_changed = 0;
  for (int i = 0; i < 2000; i++) {
    if (getuid() != uid) uid_changed++;
    if (geteuid() != geteuid()) uid_changed++;
    (void)getppid();
  }
  printf("getpid calls %ld, positive %s, changed %ld\n", calls, first > 0 ? "yes" : "no", changed);
  printf("uid stable: %s\n", uid_changed == 0 ? "yes" : "no");
  return 0;
}
