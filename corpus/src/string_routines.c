/* string_routines: glibc's optimized string and memory routines (strlen, memcpy,
   memmove, memset, memcmp, strcmp, strchr, strstr, strtok...) on odd sizes and
   alignments, each result checked against a simple byte loop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char arena[4096 + 64];
static unsigned char reference[4096 + 64];

static uint64_t hash_bytes(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) p[i] = (unsigned char)((i * 131 + seed) ^ (i >> 3));
}

int main(void) {
  static const size_t sizes[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 127, 255, 1000, 4095};
  unsigned mismatches = 0;
  uint64_t combined = 0;
  for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
    for (unsigned src_off = 0; src_off < 8; src_off += 3)
      for (unsigned dst_off = 0; dst_off < 8; dst_off += 5) {
        size_t n = sizes[s];
        unsigned char source[4096 + 16];
        fill_pattern(source, sizeof source, (unsigned)n);
        memset(arena, 0xEE, sizeof arena);
        memcpy(arena + dst_off, source + src_off, n);
        memset(reference, 0xEE, sizeof reference);
        for (size_t i = 0; i < n; i++) reference[dst_off + i] = source[src_off + i];
        mismatches += memcmp(arena, reference, sizeof arena) != 0;
        memset(arena + dst_off + 1, 'x', n / 2);
        for (size_t i = 0; i < n / 2; i++) reference[dst_off + 1 + i] = 'x';
        mismatches += memcmp(arena, reference, sizeof arena) != 0;
        combined = combined * 3 + hash_bytes(arena, n + 16);
      }
  printf("memcpy/memset over sizes and alignments: mismatches %u hash %016llx\n", mismatches, (unsigned long long)combined);

  /* memmove in both overlap directions */
  fill_pattern(arena, 300, 5);
  memcpy(reference, arena, 300);
  memmove(arena + 3, arena, 200);
  for (int i = 199; i >= 0; i--) reference[i + 3] = reference[i];
  printf("memmove forward overlap ok: %s\n", memcmp(arena, reference, 300) == 0 ? "yes" : "no");
  memmove(arena, arena + 17, 250);
  for (int i = 0; i < 250; i++) reference[i] = reference[i + 17];
  printf("memmove backward overlap ok: %s\n", memcmp(arena, reference, 300) == 0 ? "yes" : "no");

  char text[256];
  for (unsigned off = 0; off < 8; off++) {
    size_t expected = 37 + off * 11;
    memset(text, 'a' + off, sizeof text);
    text[off + expected] = 0;
    printf("strlen at offset %u = %zu (expected %zu)\n", off, strlen(text + off), expected);
  }
  printf("strcmp: %d %d %d %d\n", strcmp("abc", "abc") == 0, strcmp("abc", "abd") < 0, strcmp("abcd", "abc") > 0,
         strcmp("\xff", "a") > 0);
  printf("strncmp: %d memcmp sign: %d\n", strncmp("ferry-one", "ferry-two", 6), memcmp("\x80", "\x7f", 1) > 0);
  const char *haystack = "the quick brown fox jumps over the lazy dog; the end";
  printf("strstr 'the lazy' at %ld, 'fox' at %ld, 'cat' %s\n", (long)(strstr(haystack, "the lazy") - haystack),
         (long)(strstr(haystack, "fox") - haystack), strstr(haystack, "cat") ? "found" : "absent");
  printf("strchr 'q' at %ld, strrchr 't' at %ld, memchr ';' at %ld\n", (long)(strchr(haystack, 'q') - haystack),
         (long)(strrchr(haystack, 't') - haystack), (long)((const char *)memchr(haystack, ';', 60) - haystack));
  printf("strspn %zu strcspn %zu\n", strspn("aaabbbccc", "ab"), strcspn("hello, world", ",;"));
  char tokens[] = "  alpha,beta;;gamma , delta,,epsilon  ";
  int count = 0;
  for (char *t = strtok(tokens, " ,;"); t; t = strtok(NULL, " ,;")) printf("token %d: %s\n", ++count, t);
  char copy[64];
  strcpy(copy, "ferry");
  strcat(copy, "-");
  char suffix[] = "riscv64-linux";
  volatile size_t suffix_take = 7;
  strncat(copy, suffix, suffix_take);
  printf("strcpy/strcat: %s (%zu)\n", copy, strlen(copy));
  char *dup = strdup(copy);
  dup[0] = 'F';
  printf("strdup: %s vs %s\n", dup, copy);
  free(dup);
  printf("strtol: %ld %ld %lu, atoi %d, strtod %.17g\n", strtol("-12345", NULL, 10), strtol("0x7fff", NULL, 16),
         strtoul("777", NULL, 8), atoi("  42abc"), strtod("3.14159e2", NULL));
  return 0;
}
