/* bench_sort: sorts N generated 64-bit keys (in batches of 2^18) with an LSD radix sort and with a
   hand-written quicksort (median of three, insertion sort for small ranges), checks
   both agree and are ordered; prints a checksum. argv[1] = N (default 20000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void radix_sort(uint64_t *keys, uint64_t *scratch, size_t n) {
  for (unsigned shift = 0; shift < 64; shift += 8) {
    size_t counts[257] = {0};
    for (size_t i = 0; i < n; i++) counts[((keys[i] >> shift) & 0xFF) + 1]++;
    for (int b = 0; b < 256; b++) counts[b + 1] += counts[b];
    for (size_t i = 0; i < n; i++) scratch[counts[(keys[i] >> shift) & 0xFF]++] = keys[i];
    memcpy(keys, scratch, n * sizeof keys[0]);
  }
}

static void insertion_sort(uint64_t *a, long lo, long hi) {
  for (long i = lo + 1; i <= hi; i++) {
    uint64_t v = a[i];
    long j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static void swap(uint64_t *a, long i, long j) { uint64_t t = a[i]; a[i] = a[j]; a[j] = t; }

static void quick_sort(uint64_t *a, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    uint64_t pivot = a[mid];
    long i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (j - lo < hi - i) { quick_sort(a, lo, j); lo = i; }
    else { quick_sort(a, i, hi); hi = j; }
  }
  insertion_sort(a, lo, hi);
}

int main(int argc, char **argv) {
  size_t total = argc > 1 ? (size_t)atol(argv[1]) : 20000;
  enum { BATCH = 1 << 18 };
  size_t capacity = total < BATCH ? total : BATCH;
  uint64_t *keys = malloc(capacity * sizeof *keys + 8), *copy = malloc(capacity * sizeof *copy + 8);
  uint64_t *scratch = malloc(capacity * sizeof *scratch + 8);
  uint64_t state = 0x853C49E6748FEA9BULL, checksum = 0, smallest = UINT64_MAX, largest = 0;
  int ordered = 1, agree = 1;
  long batches = 0;
  for (size_t done = 0; done < total; done += capacity, batches++) {
    size_t n = total - done < capacity ? total - done : capacity;
    for (size_t i = 0; i < n; i++) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      uint64_t k = state ^ (state >> 29);
      keys[i] = (i % 5 == 0) ? k % 1000 : k; /* some duplicates and small keys */
    }
    memcpy(copy, keys, n * sizeof *keys);
    radix_sort(keys, scratch, n);
    quick_sort(copy, 0, (long)n - 1);
    for (size_t i = 1; i < n; i++) ordered &= keys[i - 1] <= keys[i];
    agree &= memcmp(keys, copy, n * sizeof *keys) == 0;
    for (size_t i = 0; i < n; i++) checksum = checksum * 31 + (keys[i] >> 7) + i;
    if (keys[0] < smallest) smallest = keys[0];
    if (keys[n - 1] > largest) largest = keys[n - 1];
  }
  printf("n %zu in %ld batches, ordered %s, agree %s\n", total, batches, ordered ? "yes" : "no", agree ? "yes" : "no");
  printf("min %016llx max %016llx\n", (unsigned long long)smallest, (unsigned long long)largest);
  printf("checksum %016llx\n", (unsigned long long)checksum);
  free(keys);
  free(copy);
  free(scratch);
  return !(ordered && agree);
}
