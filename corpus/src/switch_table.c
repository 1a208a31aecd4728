/* switch_table: a dense switch that gcc lowers to a jump table (indirect jump through
   a table of addresses), driven by a data-dependent selector sequence. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline, noipa)) static uint64_t step(unsigned selector, uint64_t value) {
  switch (selector) {
    case 0: return value + 1;
    case 1: return value * 3;
    case 2: return value ^ 0x5555;
    case 3: return value - 7;
    case 4: return value << 2;
    case 5: return value >> 1;
    case 6: return value | 0x100;
    case 7: return value & 0xffffff;
    case 8: return value * value;
    case 9: return ~value;
    case 10: return value + 0x1234567;
    case 11: return value / 3;
    case 12: return value % 1000003;
    case 13: return (value << 7) | (value >> 57);
    case 14: return value + (value >> 3);
    case 15: return value - (value << 1);
    default: return value ^ selector;
  }
}

__attribute__((noinline, noipa)) static const char *classify(int c) {
  switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return "vowel";
    case 'b': case 'c': case 'd': case 'f': case 'g': case 'h': return "early consonant";
    case 'j': case 'k': case 'l': case 'm': case 'n': return "middle consonant";
    case 'p': case 'q': case 'r': case 's': case 't': return "late consonant";
    case 'v': case 'w': case 'x': case 'y': case 'z': return "tail consonant";
    default: return "other";
  }
}

int main(void) {
  uint64_t value = 1;
  unsigned histogram[17] = {0};
  for (unsigned i = 0; i < 100000; i++) {
    unsigned selector = (unsigned)((value >> 11) ^ i) % 17;
    histogram[selector]++;
    value = step(selector, value);
  }
  printf("final value %016llx\n", (unsigned long long)value);
  for (int i = 0; i < 17; i++) printf("case %2d taken %u times\n", i, histogram[i]);
  const char *text = "ferry runs riscv!";
  for (const char *p = text; *p; p++) printf("%c: %s\n", *p, classify(*p));
  return 0;
}
