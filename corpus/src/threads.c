/* threads: POSIX threads run by Ferry one at a time: creation and join with results, a mutex
   under contention (each worker holds it across a long computation, so slices end inside the
   critical section and the others sleep on the futex), a condition variable ping-pong, a barrier,
   a semaphore, thread-local storage, pthread_exit, C11 atomics, and gettid per thread. Output is
   deterministic whatever the interleaving. */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WORKERS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long shared_total;
static __thread unsigned long long local_count;
static atomic_int atomic_hits;
static pid_t tids[WORKERS];

static unsigned long long work(unsigned long long seed, int rounds) {
  unsigned long long x = seed;
  for (int i = 0; i < rounds; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x >> 40;
}

static void *worker(void *arg) {
  long id = (long)arg;
  tids[id] = (pid_t)syscall(SYS_gettid);
  for (int i = 0; i < 50; i++) {
    pthread_mutex_lock(&lock);
    shared_total += work((unsigned long long)(id * 1000 + i), 20000); /* long critical section */
    pthread_mutex_unlock(&lock);
    local_count++;
    atomic_fetch_add(&atomic_hits, 1);
  }
  return (void *)(local_count * 100 + id);
}

/* Condition-variable ping-pong: two threads take turns 1000 times. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn, volleys;

static void *player(void *arg) {
  int me = (int)(long)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&turn_lock);
    while (turn != me) pthread_cond_wait(&turn_changed, &turn_lock);
    volleys++;
    turn = 1 - me;
    pthread_cond_broadcast(&turn_changed);
    pthread_mutex_unlock(&turn_lock);
  }
  return NULL;
}

static pthread_barrier_t barrier;
static int before_barrier, seen_after[WORKERS];

static void *barrier_member(void *arg) {
  long id = (long)arg;
  __atomic_add_fetch(&before_barrier, 1, __ATOMIC_SEQ_CST);
  pthread_barrier_wait(&barrier);
  seen_after[id] = __atomic_load_n(&before_barrier, __ATOMIC_SEQ_CST);
  return NULL;
}

static sem_t items;
static int consumed;

static void *consumer(void *arg) {
  (void)arg;
  for (int i = 0; i < 10; i++) {
    sem_wait(&items);
    consumed++;
  }
  pthread_exit((void *)(long)consumed);
}

int main(void) {
  pthread_t threads[WORKERS];
  for (long i = 0; i < WORKERS; i++) pthread_create(&threads[i], NULL, worker, (void *)i);
  unsigned long long expected = 0;
  for (long i = 0; i < WORKERS; i++)
    for (int r = 0; r < 50; r++) expected += work((unsigned long long)(i * 1000 + r), 20000);
  for (long i = 0; i < WORKERS; i++) {
    void *result;
    pthread_join(threads[i], &result);
    printf("worker %ld returned %ld\n", i, (long)result);
  }
  printf("mutex total %s (%llu)\n", shared_total == expected ? "matches" : "WRONG", shared_total);
  printf("atomic hits %d, main's thread-local count %llu\n", atomic_load(&atomic_hits), local_count);
  int distinct = 1;
  for (int i = 0; i < WORKERS; i++)
    for (int j = 0; j < i; j++) distinct &= tids[i] != tids[j];
  pid_t main_tid = (pid_t)syscall(SYS_gettid);
  for (int i = 0; i < WORKERS; i++) distinct &= tids[i] != main_tid;
  printf("thread ids distinct: %s, main's is the pid: %s\n", distinct ? "yes" : "no", main_tid == getpid() ? "yes" : "no");

  pthread_t a, b;
  pthread_create(&a, NULL, player, (void *)0L);
  pthread_create(&b, NULL, player, (void *)1L);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("volleys %d\n", volleys);

  pthread_barrier_init(&barrier, NULL, WORKERS);
  for (long i = 0; i < WORKERS; i++) pthread_create(&threads[i], NULL, barrier_member, (void *)i);
  for (long i = 0; i < WORKERS; i++) pthread_join(threads[i], NULL);
  int all = 1;
  for (int i = 0; i < WORKERS; i++) all &= seen_after[i] == WORKERS;
  printf("barrier: every member saw %d arrivals: %s\n", WORKERS, all ? "yes" : "no");

  sem_init(&items, 0, 0);
  pthread_t c;
  pthread_create(&c, NULL, consumer, NULL);
  for (int i = 0; i < 10; i++) sem_post(&items);
  void *got;
  pthread_join(c, &got);
  printf("consumer took %ld items\n", (long)got);
  return 0;
}
