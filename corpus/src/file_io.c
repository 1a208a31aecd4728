/* file_io: openat/read/write/lseek/fstat/getdents64/unlink/mkdir inside the directory
   given as argv[1] (the path itself is never printed, so output does not depend on it). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_sorted(int dirfd, const char *label) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY);
  DIR *dir = fdopendir(fd);
  char *names[64];
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL && count < 64) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    char kind = entry->d_type == DT_DIR ? 'd' : entry->d_type == DT_REG ? 'f' : '?';
    char *item = malloc(strlen(entry->d_name) + 3);
    sprintf(item, "%c:%s", kind, entry->d_name);
    names[count++] = item;
  }
  closedir(dir);
  qsort(names, count, sizeof names[0], compare_names);
  printf("%s (%d entries):", label, count);
  for (int i = 0; i < count; i++) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: file_io DIR\n"); return 2; }
  int dirfd = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (dirfd < 0) { perror("open dir"); return 1; }

  int fd = openat(dirfd, "data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) { perror("openat data.txt"); return 1; }
  const char *text = "line one\nline two\nline three\n";
  ssize_t written = write(fd, text, strlen(text));
  printf("wrote %zd bytes\n", written);
  off_t pos = lseek(fd, 0, SEEK_CUR);
  printf("position after write: %lld\n", (long long)pos);
  printf("lseek SEEK_SET 5 -> %lld\n", (long long)lseek(fd, 5, SEEK_SET));
  char buf[128] = {0};
  ssize_t got = read(fd, buf, 8);
  printf("read %zd bytes: \"%.*s\"\n", got, (int)got, buf);
  printf("lseek SEEK_END -6 -> %lld\n", (long long)lseek(fd, -6, SEEK_END));
  got = read(fd, buf, sizeof buf);
  printf("tail read %zd: \"%.*s\"\n", got, (int)got - 1, buf);
  printf("read at EOF: %zd\n", read(fd, buf, sizeof buf));
  /* extend with a hole, then check size */
  lseek(fd, 100, SEEK_SET);
  write(fd, "Z", 1);
  struct stat st;
  fstat(fd, &st);
  printf("fstat: size=%lld regular=%d mode=%o\n", (long long)st.st_size, S_ISREG(st.st_mode), st.st_mode & 0777);
  pread(fd, buf, 4, 50);
  printf("hole bytes are zero: %s\n", buf[0] == 0 && buf[3] == 0 ? "yes" : "no");
  close(fd);

  printf("mkdir sub: %d\n", mkdirat(dirfd, "sub", 0755));
  int result = mkdirat(dirfd, "sub", 0755);
  printf("mkdir sub again: %d errno=EEXIST? %s\n", result, errno == EEXIST ? "yes" : "no");
  int subfd = openat(dirfd, "sub", O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < 5; i++) {
    char name[32];
    snprintf(name, sizeof name, "file%d.bin", i);
    int f = openat(subfd, name, O_CREAT | O_WRONLY, 0600);
    for (int j = 0; j <= i; j++) write(f, name, strlen(name));
    close(f);
  }
  struct stat sub_stat;
  fstatat(subfd, "file3.bin", &sub_stat, 0);
  printf("file3.bin size=%lld mode=%o\n", (long long)sub_stat.st_size, sub_stat.st_mode & 0777);
  fstatat(dirfd, "sub", &sub_stat, 0);
  printf("sub is dir: %d\n", S_ISDIR(sub_stat.st_mode));
  list_sorted(dirfd, "top");
  list_sorted(subfd, "sub");

  printf("unlink file2.bin: %d\n", unlinkat(subfd, "file2.bin", 0));
  result = openat(subfd, "file2.bin", O_RDONLY);
  printf("open removed file: %d errno=ENOENT? %s\n", result, errno == ENOENT ? "yes" : "no");
  list_sorted(subfd, "sub after unlink");
  result = unlinkat(dirfd, "sub", AT_REMOVEDIR);
  printf("rmdir non-empty: %d errno=ENOTEMPTY? %s\n", result, errno == ENOTEMPTY ? "yes" : "no");
  for (int i = 0; i < 5; i++) {
    char name[32];
    snprintf(name, sizeof name, "file%d.bin", i);
    unlinkat(subfd, name, 0);
  }
  close(subfd);
  printf("rmdir empty: %d\n", unlinkat(dirfd, "sub", AT_REMOVEDIR));

  /* stdio on top of the same syscalls */
  int cwd_fd = openat(dirfd, "stdio.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  FILE *out = fdopen(cwd_fd, "w");
  for (int i = 0; i < 1000; i++) fprintf(out, "%d\n", i * i);
  fclose(out);
  FILE *in = fdopen(openat(dirfd, "stdio.txt", O_RDONLY), "r");
  long sum = 0, value;
  int lines = 0;
  while (fscanf(in, "%ld", &value) == 1) { sum += value; lines++; }
  fclose(in);
  printf("stdio round trip: %d lines, sum %ld\n", lines, sum);
  unlinkat(dirfd, "stdio.txt", 0);
  unlinkat(dirfd, "data.txt", 0);
  list_sorted(dirfd, "top at end");
  close(dirfd);
  return 0;
}
