/* unbuffered_writes: stdout set to _IONBF so every printf/putchar becomes its own
   write(2); thousands of tiny writes (a stress case for syscall exits). */
#include <stdio.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int row = 0; row < 40; row++) {
    for (int col = 0; col < 25; col++) {
      putchar("0123456789abcdef"[(row * col) & 15]);
    }
    printf(" row %d\n", row);
  }
  for (int i = 0; i < 300; i++) printf("%d%c", i, i % 20 == 19 ? '\n' : ' ');
  fputs("done\n", stdout);
  return 0;
}
