/* A timerfd, a POSIX timer and an itimer, all periodic: each keeps firing after the move. */
#include "state.h"
#include <sys/time.h>
#include <sys/timerfd.h>

static int tfd;
static volatile sig_atomic_t posix_ticks, itimer_ticks;
static long seen_posix, seen_itimer;

static void on_posix(int s) { (void)s; posix_ticks++; }
static void on_alarm(int s) { (void)s; itimer_ticks++; }

static int check(void)
{
    unsigned long long expirations = 0;
    if (read(tfd, &expirations, sizeof expirations) != sizeof expirations && errno != EAGAIN) return fail("timerfd read: %s", strerror(errno));
    int ok = 1;
    /* Every check sleeps 100 ms, each timer fires every 20 ms: none may fall silent. */
    if (posix_ticks == seen_posix) ok = fail("the POSIX timer stopped firing");
    else if (itimer_ticks == seen_itimer) ok = fail("the itimer stopped firing");
    else if (expirations == 0) ok = fail("the timerfd stopped expiring");
    seen_posix = posix_ticks;
    seen_itimer = itimer_ticks;
    return ok;
}

int main(void)
{
    struct itimerspec every = { { 0, 20000000 }, { 0, 20000000 } };
    if ((tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) < 0 || timerfd_settime(tfd, 0, &every, NULL) < 0) die("timerfd");
    struct sigaction sa = { .sa_handler = on_posix, .sa_flags = SA_RESTART };
    sigaction(SIGUSR2, &sa, NULL);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0 || timer_settime(t, 0, &every, NULL) < 0) die("timer_create");
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    if (setitimer(ITIMER_REAL, &it, NULL) < 0) die("setitimer");
    usleep(100000);
    seen_posix = posix_ticks;
    seen_itimer = itimer_ticks;
    run_checks(check);
}
