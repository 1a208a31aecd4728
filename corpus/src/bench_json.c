/* bench_json: generates a JSON-like document of N records, then tokenizes and
   parses it with a recursive-descent parser into a tree, and walks the tree
   (sums numbers, counts strings/keys, hashes string contents).
   argv[1] = number of records (default 500). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } Kind;
typedef struct Node {
  Kind kind;
  double number;
  char *text;              /* string value or object key */
  struct Node *child, *next;
} Node;

typedef struct { const char *p; long nodes; } Parser;

static Node *new_node(Parser *ps, Kind kind) {
  Node *n = calloc(1, sizeof *n);
  n->kind = kind;
  ps->nodes++;
  return n;
}
static void skip_space(Parser *ps) { while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r') ps->p++; }

static char *parse_string_raw(Parser *ps) {
  ps->p++; /* opening quote */
  const char *start = ps->p;
  size_t length = 0;
  while (*ps->p != '"') { if (*ps->p == '\\') ps->p++; ps->p++; length++; }
  char *out = malloc(length + 1), *o = out;
  for (const char *s = start; s < ps->p; s++) {
    if (*s == '\\') { s++; *o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s; }
    else *o++ = *s;
  }
  *o = 0;
  ps->p++;
  return out;
}

static Node *parse_value(Parser *ps);

static Node *parse_container(Parser *ps, Kind kind, char close) {
  Node *node = new_node(ps, kind), **tail = &node->child;
  ps->p++;
  skip_space(ps);
  if (*ps->p == close) { ps->p++; return node; }
  for (;;) {
    skip_space(ps);
    char *key = NULL;
    if (kind == J_OBJECT) {
      key = parse_string_raw(ps);
      skip_space(ps);
      ps->p++; /* colon */
    }
    Node *value = parse_value(ps);
    if (kind == J_OBJECT) {
      /* the key is a string node placed just before its value in the child list */
      Node *key_node = new_node(ps, J_STRING);
      key_node->text = key;
      *tail = key_node;
      tail = &key_node->next;
    }
    *tail = value;
    tail = &value->next;
    skip_space(ps);
    if (*ps->p == ',') { ps->p++; continue; }
    ps->p++; /* close */
    return node;
  }
}

static Node *parse_value(Parser *ps) {
  skip_space(ps);
  char c = *ps->p;
  if (c == '{') return parse_container(ps, J_OBJECT, '}');
  if (c == '[') return parse_container(ps, J_ARRAY, ']');
  if (c == '"') { Node *n = new_node(ps, J_STRING); n->text = parse_string_raw(ps); return n; }
  if (c == 't' || c == 'f') { Node *n = new_node(ps, J_BOOL); n->number = c == 't'; ps->p += c == 't' ? 4 : 5; return n; }
  if (c == 'n') { ps->p += 4; return new_node(ps, J_NULL); }
  Node *n = new_node(ps, J_NUMBER);
  char *end;
  n->number = strtod(ps->p, &end);
  ps->p = end;
  return n;
}

typedef struct { double sum; long strings, arrays, objects, bools; uint64_t hash; int depth; } Stats;

static void walk(const Node *n, Stats *s, int depth) {
  if (depth > s->depth) s->depth = depth;
  switch (n->kind) {
    case J_NUMBER: s->sum += n->number; break;
    case J_BOOL: s->bools += (long)n->number; break;
    case J_STRING:
      s->strings++;
      for (const char *c = n->text; *c; c++) s->hash = (s->hash ^ (uint8_t)*c) * 1099511628211ULL;
      break;
    case J_ARRAY: s->arrays++; break;
    case J_OBJECT: s->objects++; break;
    case J_NULL: break;
  }
  for (const Node *c = n->child; c; c = c->next) walk(c, s, depth + 1);
}

static void release(Node *n) {
  while (n) {
    Node *next = n->next;
    release(n->child);
    free(n->text);
    free(n);
    n = next;
  }
}

typedef struct { char *data; size_t length, capacity; } Buffer;
static void append(Buffer *b, const char *text) {
  size_t n = strlen(text);
  if (b->length + n + 1 > b->capacity) {
    b->capacity = (b->length + n + 1) * 2;
    b->data = realloc(b->data, b->capacity);
  }
  memcpy(b->data + b->length, text, n + 1);
  b->length += n;
}

int main(int argc, char **argv) {
  long records = argc > 1 ? atol(argv[1]) : 500;
  static const char *const names[] = {"ada", "grace", "linus", "barbara", "ken", "dennis", "margaret", "alan"};
  Buffer doc = {0};
  char item[512];
  uint32_t x = 1234567u;
  append(&doc, "{\"version\": 3, \"records\": [\n");
  for (long i = 0; i < records; i++) {
    x = x * 1664525u + 1013904223u;
    snprintf(item, sizeof item,
             "%s {\"id\": %ld, \"name\": \"%s \\\"%c\\\"\", \"score\": %d.%02u, \"active\": %s, \"tags\": [\"t%u\", \"x\\ty\", %u, "
             "null], \"pos\": {\"x\": %d, \"y\": -%u.5e-1, \"nested\": [[1, 2], [3, [4, {\"deep\": true}]]]}}\n",
             i ? "," : "", i, names[x % 8], 'A' + (int)(x >> 5) % 26, (int)(x >> 8) % 1000, (x >> 3) % 100,
             (x & 16) ? "true" : "false", x % 7, x % 1000, (int)(x >> 20) % 500 - 250, (x >> 11) % 90);
    append(&doc, item);
  }
  append(&doc, "], \"end\": \"done\"}");
  Stats total = {0};
  long nodes = 0;
  for (int pass = 0; pass < 2; pass++) {
    Parser ps = {doc.data, 0};
    Node *root = parse_value(&ps);
    Stats s = {0};
    s.hash = 1469598103934665603ULL;
    walk(root, &s, 0);
    total = s;
    nodes = ps.nodes;
    release(root);
  }
  printf("document %zu bytes, %ld nodes, depth %d\n", doc.length, nodes, total.depth);
  printf("objects %ld arrays %ld strings %ld true %ld\n", total.objects, total.arrays, total.strings, total.bools);
  printf("number sum %.6f\n", total.sum);
  printf("string hash %016llx\n", (unsigned long long)total.hash);
  free(doc.data);
  return 0;
}
