/* brk_mmap: grows and shrinks the heap with sbrk, maps/unmaps anonymous memory with
   mmap/munmap, changes protection with mprotect, and maps a file privately.
   Prints only properties (never addresses), so output is layout-independent. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  printf("page size %ld\n", page);

  char *start = sbrk(0);
  char *grown = sbrk(3 * page + 100);
  printf("sbrk returned old break: %s\n", grown == start ? "yes" : "no");
  char *end = sbrk(0);
  printf("break advanced by %ld\n", (long)(end - start));
  memset(grown, 0xA5, 3 * page + 100);
  unsigned sum = 0;
  for (long i = 0; i < 3 * page + 100; i++) sum += (unsigned char)grown[i];
  printf("heap fill sum %u\n", sum);
  sbrk(-(3 * page + 100));
  printf("break restored: %s\n", sbrk(0) == start ? "yes" : "no");

  size_t length = 16 * (size_t)page;
  unsigned char *map = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap ok: %s, page aligned: %s\n", map != MAP_FAILED ? "yes" : "no", ((uintptr_t)map % page) == 0 ? "yes" : "no");
  int zero = 1;
  for (size_t i = 0; i < length; i++) zero &= map[i] == 0;
  printf("fresh mapping zeroed: %s\n", zero ? "yes" : "no");
  for (size_t i = 0; i < length; i++) map[i] = (unsigned char)(i * 7);
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = 0; i < length; i++) hash = (hash ^ map[i]) * 1099511628211ULL;
  printf("mapping hash %016llx\n", (unsigned long long)hash);

  printf("mprotect read-only: %d\n", mprotect(map, page, PROT_READ));
  printf("still readable: %u\n", map[5]);
  printf("mprotect read-write: %d\n", mprotect(map, page, PROT_READ | PROT_WRITE));
  map[5] = 99;
  printf("writable again: %u\n", map[5]);

  printf("munmap middle: %d\n", munmap(map + 4 * page, 4 * page));
  printf("munmap rest: %d %d\n", munmap(map, 4 * page), munmap(map + 8 * page, 8 * page));

  int result = munmap((void *)((uintptr_t)map + 1), page);
  printf("munmap unaligned: %d errno=EINVAL? %s\n", result, errno == EINVAL ? "yes" : "no");

  /* many small mappings, released in reverse */
  void *maps[32];
  for (int i = 0; i < 32; i++) {
    maps[i] = mmap(NULL, (size_t)(i + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ((char *)maps[i])[(size_t)(i + 1) * page - 1] = (char)i;
  }
  int last_bytes_ok = 1, unmapped_ok = 1;
  for (int i = 31; i >= 0; i--) {
    last_bytes_ok &= ((char *)maps[i])[(size_t)(i + 1) * page - 1] == (char)i;
    unmapped_ok &= munmap(maps[i], (size_t)(i + 1) * page) == 0;
  }
  printf("32 mappings: last bytes ok %s, unmapped ok %s\n", last_bytes_ok ? "yes" : "no", unmapped_ok ? "yes" : "no");

  /* a big mapping touched sparsely */
  size_t big = 64u << 20;
  unsigned char *large = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned long touched = 0;
  for (size_t off = 0; off < big; off += 1 << 20) { large[off] = 1; touched += large[off]; }
  printf("64 MiB mapping touched %lu pages sparsely, munmap %d\n", touched, munmap(large, big));
  return 0;
}
