/* args_env_auxv: prints argv and (sorted) envp as the loader laid them out, and checks auxv
   entries through getauxval (page size, HWCAP letters, AT_RANDOM, AT_PHDR...). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

extern char **environ;

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv, char **envp) {
  printf("argc = %d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d] = \"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
  printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
  /* qemu-user hands the environment over in reverse order, so print it sorted */
  int n = 0;
  while (envp[n]) n++;
  qsort(envp, n, sizeof envp[0], compare_strings);
  for (int i = 0; i < n; i++) printf("envp (sorted) %d = \"%s\"\n", i, envp[i]);
  printf("getenv(\"FERRY_MODE\") = %s\n", getenv("FERRY_MODE") ? getenv("FERRY_MODE") : "(unset)");
  printf("envp count = %d, environ == envp: %s\n", n, environ == envp ? "yes" : "no");
  /* argv strings, then envp strings follow each other on the initial stack */
  printf("envp follows argv: %s\n", envp == argv + argc + 1 ? "yes" : "no");

  printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
  unsigned long hwcap = getauxval(AT_HWCAP);
  printf("AT_HWCAP has:");
  for (const char *p = "IMAFDC"; *p; p++) printf(" %c=%lu", *p, (hwcap >> (*p - 'A')) & 1);
  printf("\n");
  const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
  printf("AT_RANDOM non-null: %s\n", random ? "yes" : "no");
  if (random) {
    int nonzero = 0;
    for (int i = 0; i < 16; i++) nonzero |= random[i];
    printf("AT_RANDOM bytes readable (any nonzero: %s)\n", nonzero ? "yes" : "no");
  }
  printf("AT_PHDR non-null: %s\n", getauxval(AT_PHDR) ? "yes" : "no");
  printf("AT_PHENT = %lu\n", getauxval(AT_PHENT));
  printf("AT_PHNUM > 0: %s\n", getauxval(AT_PHNUM) > 0 ? "yes" : "no");
  printf("AT_ENTRY non-null: %s\n", getauxval(AT_ENTRY) ? "yes" : "no");
  printf("AT_UID/AT_EUID equal: %s\n", getauxval(AT_UID) == getauxval(AT_EUID) ? "yes" : "no");
  printf("AT_SECURE = %lu\n", getauxval(AT_SECURE));
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN non-null: %s\n", execfn ? "yes" : "no");
  printf("stack is 16-byte aligned: %s\n", ((uintptr_t)argv & 7) == 0 ? "yes" : "no");
  return 0;
}
