/* hello: the smallest guest; prints one greeting line and exits 0. */
#include <stdio.h>

int main(void) {
  puts("Hello from RISC-V!");
  return 0;
}
