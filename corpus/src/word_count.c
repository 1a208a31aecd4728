/* word_count: reads stdin to EOF (like wc) and prints lines, words, bytes, the
   longest line and a per-letter histogram of the most common letters. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
  long lines = 0, words = 0, bytes = 0, line_length = 0, longest = 0;
  long letters[26] = {0};
  int in_word = 0, c;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n') {
      lines++;
      if (line_length > longest) longest = line_length;
      line_length = 0;
    } else {
      line_length++;
    }
    if (isspace(c)) in_word = 0;
    else if (!in_word) { in_word = 1; words++; }
    if (isalpha(c)) letters[tolower(c) - 'a']++;
  }
  printf("%ld lines, %ld words, %ld bytes, longest line %ld\n", lines, words, bytes, longest);
  for (int round = 0; round < 5; round++) {
    int best = 0;
    for (int i = 1; i < 26; i++) if (letters[i] > letters[best]) best = i;
    printf("letter '%c': %ld\n", 'a' + best, letters[best]);
    letters[best] = -1;
  }
  return 0;
}
