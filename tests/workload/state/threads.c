/* Many threads, each counting: all of them still run after the move. */
#include "state.h"
#include <pthread.h>

#define THREADS 32
static volatile long counts[THREADS];
static long last[THREADS];

static void *count(void *arg)
{
    volatile long *c = arg;
    for (;;) { (*c)++; usleep(5000); }
    return NULL;
}

static int check(void)
{
    for (int i = 0; i < THREADS; i++) {
        if (counts[i] == last[i]) return fail("thread %d stopped counting", i);
        last[i] = counts[i];
    }
    return 1;
}

int main(void)
{
    for (int i = 0; i < THREADS; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, count, (void *)&counts[i])) die("pthread_create");
    }
    usleep(50000);
    run_checks(check);
}
