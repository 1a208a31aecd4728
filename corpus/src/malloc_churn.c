/* malloc_churn: many malloc/realloc/free calls of varied sizes (small bins, large
   mmap-backed blocks) with content checks; prints a checksum of surviving data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static uint32_t rng_state = 12345;
static uint32_t next_random(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

int main(void) {
  unsigned char *blocks[SLOTS] = {0};
  size_t sizes[SLOTS] = {0};
  unsigned long allocations = 0, frees = 0, reallocs = 0, corrupt = 0;
  for (int round = 0; round < 6000; round++) {
    uint32_t r = next_random();
    int slot = r % SLOTS;
    if (blocks[slot]) {
      /* verify the fill pattern before touching the block again */
      for (size_t i = 0; i < sizes[slot]; i += 61)
        if (blocks[slot][i] != (unsigned char)(slot + i)) corrupt++;
      if ((r >> 9) % 3 == 0) {
        size_t new_size = 1 + (next_random() % 3000);
        unsigned char *grown = realloc(blocks[slot], new_size);
        for (size_t i = sizes[slot]; i < new_size; i++) grown[i] = (unsigned char)(slot + i);
        blocks[slot] = grown;
        sizes[slot] = new_size;
        reallocs++;
      } else {
        free(blocks[slot]);
        blocks[slot] = NULL;
        frees++;
      }
    } else {
      size_t size = (r >> 20) % 8 == 0 ? 60000 + next_random() % 140000 : 1 + next_random() % 1024;
      blocks[slot] = malloc(size);
      sizes[slot] = size;
      for (size_t i = 0; i < size; i++) blocks[slot][i] = (unsigned char)(slot + i);
      allocations++;
    }
  }
  uint64_t checksum = 0;
  size_t live_bytes = 0;
  int aligned = 1;
  for (int slot = 0; slot < SLOTS; slot++) {
    if (!blocks[slot]) continue;
    if ((uintptr_t)blocks[slot] % 16 != 0) aligned = 0;
    for (size_t i = 0; i < sizes[slot]; i++) checksum = checksum * 31 + blocks[slot][i];
    live_bytes += sizes[slot];
    free(blocks[slot]);
  }
  void *zeroed = calloc(1000, 8);
  int all_zero = 1;
  for (int i = 0; i < 8000; i++) all_zero &= ((unsigned char *)zeroed)[i] == 0;
  free(zeroed);
  printf("allocations=%lu frees=%lu reallocs=%lu corrupt=%lu\n", allocations, frees, reallocs, corrupt);
  printf("live bytes at end=%zu checksum=%016llx\n", live_bytes, (unsigned long long)checksum);
  printf("16-byte aligned: %s, calloc zeroed: %s\n", aligned ? "yes" : "no", all_zero ? "yes" : "no");
  return corrupt != 0;
}
