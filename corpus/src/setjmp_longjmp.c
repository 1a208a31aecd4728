/* setjmp_longjmp: non-local exits across several frames, values preserved in
   volatile locals, nested jump buffers and a longjmp value of 0 becoming 1. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf outer, inner;
static int depth_reached;

__attribute__((noinline, noipa)) static int dive(int depth, int limit) {
  depth_reached = depth;
  if (depth == limit) longjmp(outer, depth * 10);
  if (depth > 1000) return -1; /* never taken: limits are small */
  return dive(depth + 1, limit) + 1;
}

__attribute__((noinline, noipa)) static void jump_with_zero(void) { longjmp(inner, 0); }

int main(void) {
  volatile int attempts = 0;
  int code = setjmp(outer);
  printf("setjmp returned %d (attempt %d)\n", code, attempts);
  if (attempts < 4) {
    attempts++;
    dive(0, attempts * 5);
  }
  printf("deepest frame reached %d\n", depth_reached);

  volatile double carried = 1.5;
  int value = setjmp(inner);
  if (value == 0) {
    carried *= 4;
    jump_with_zero();
  }
  printf("longjmp(0) delivered %d, carried %.2f\n", value, carried);

  /* a tiny exception-style retry loop */
  jmp_buf retry;
  volatile int failures = 0;
  if (setjmp(retry) != 0) printf("recovered from failure %d\n", failures);
  if (failures < 3) {
    failures++;
    longjmp(retry, failures);
  }
  printf("done after %d failures\n", failures);
  return 0;
}
