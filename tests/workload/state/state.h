/* What every state program shares: it sets up one kind of process state, then checks it every 100 ms for as
 * long as it lives, and appends a line to /var/log/state.log each time the verdict changes or a second passes:
 * "PASS n" or "FAIL n why". A test reads the last lines after a move. Built static to run in busybox containers. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char why[256];

/* Records why a check failed; returns 0 so a check can "return fail(...)". */
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return 0;
}

__attribute__((unused)) static void die(const char *what)
{
    FILE *f = fopen("/var/log/state.log", "a");
    if (f) { fprintf(f, "FAIL 0 setup: %s: %s\n", what, strerror(errno)); fclose(f); }
    exit(1);
}

/* Checks forever; check() returns nonzero when the state is intact. */
static void run_checks(int (*check)(void))
{
    int log = open("/var/log/state.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) exit(1);
    long n = 0;
    int last = -1;
    time_t said = 0;
    for (;;) {
        why[0] = 0;
        int ok = check() ? 1 : 0;
        n++;
        time_t now = time(NULL);
        if (ok != last || now != said) {
            dprintf(log, ok ? "PASS %ld\n" : "FAIL %ld %s\n", n, why);
            last = ok;
            said = now;
        }
        struct timespec t = { 0, 100 * 1000 * 1000 };
        while (nanosleep(&t, &t) < 0 && errno == EINTR) ;
    }
}
