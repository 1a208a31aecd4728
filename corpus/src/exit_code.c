/* exit_code: runs atexit handlers and flushes stdio, then exits with status 42. */
#include <stdio.h>
#include <stdlib.h>

static void first_handler(void) { printf("atexit handler registered first runs last\n"); }
static void second_handler(void) { printf("atexit handler registered second runs first\n"); }

int main(void) {
  atexit(first_handler);
  atexit(second_handler);
  printf("about to exit with 42 (buffered output must be flushed)\n");
  exit(42);
}
