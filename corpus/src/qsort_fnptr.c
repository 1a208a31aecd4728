/* qsort_fnptr: qsort and bsearch with several comparators, plus dispatch through a
   table of function pointers (indirect calls via jalr). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char name[12]; int age; double score; } Person;

static int by_int_ascending(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int by_int_descending(const void *a, const void *b) { return by_int_ascending(b, a); }
static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int by_score_then_name(const void *a, const void *b) {
  const Person *p = a, *q = b;
  if (p->score != q->score) return p->score < q->score ? 1 : -1;
  return strcmp(p->name, q->name);
}

static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * b; }
static long op_max(long a, long b) { return a > b ? a : b; }
static long op_xor(long a, long b) { return a ^ b; }

int main(void) {
  int numbers[200];
  unsigned seed = 7;
  for (int i = 0; i < 200; i++) { seed = seed * 1103515245u + 12345u; numbers[i] = (int)(seed >> 8) % 1000 - 500; }
  qsort(numbers, 200, sizeof numbers[0], by_int_ascending);
  printf("ascending first/last: %d %d, median %d\n", numbers[0], numbers[199], numbers[100]);
  int sorted = 1;
  for (int i = 1; i < 200; i++) sorted &= numbers[i - 1] <= numbers[i];
  printf("sorted: %s\n", sorted ? "yes" : "no");
  int key = numbers[137];
  int *found = bsearch(&key, numbers, 200, sizeof numbers[0], by_int_ascending);
  printf("bsearch found %d: %s\n", key, found && *found == key ? "yes" : "no");
  qsort(numbers, 200, sizeof numbers[0], by_int_descending);
  printf("descending first 5: %d %d %d %d %d\n", numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]);

  const char *words[] = {"riscv", "wasm", "ferry", "qemu", "binaryen", "lift", "opt", "abi", "elf", "node"};
  qsort(words, 10, sizeof words[0], by_string);
  printf("words:");
  for (int i = 0; i < 10; i++) printf(" %s", words[i]);
  printf("\n");

  Person people[] = {{"ann", 31, 88.5}, {"bob", 25, 92.0}, {"cy", 40, 88.5}, {"dee", 19, 70.25}, {"al", 50, 92.0}};
  qsort(people, 5, sizeof people[0], by_score_then_name);
  for (int i = 0; i < 5; i++) printf("%d. %s %d %.2f\n", i + 1, people[i].name, people[i].age, people[i].score);

  long (*const operations[])(long, long) = {op_add, op_sub, op_mul, op_max, op_xor};
  const char *names[] = {"add", "sub", "mul", "max", "xor"};
  long accumulator = 1;
  for (int i = 0; i < 50; i++) {
    int which = (i * 7 + 3) % 5;
    accumulator = operations[which](accumulator, i + 1) % 1000003;
  }
  printf("function table accumulator: %ld\n", accumulator);
  for (int i = 0; i < 5; i++) printf("%s(12, 5) = %ld\n", names[i], operations[i](12, 5));
  return 0;
}
