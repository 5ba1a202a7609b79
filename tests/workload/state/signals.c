/* A signal handler, a blocked signal left pending, and an ignored one: all three as they were after the move. */
#include "state.h"

static volatile sig_atomic_t handled;
static void on_usr1(int s) { (void)s; handled++; }

static int check(void)
{
    sigset_t pending;
    sigpending(&pending);
    if (!sigismember(&pending, SIGUSR2)) return fail("the pending SIGUSR2 is lost");
    struct sigaction sa;
    sigaction(SIGHUP, NULL, &sa);
    if (sa.sa_handler != SIG_IGN) return fail("SIGHUP is no longer ignored");
    long before = handled;
    kill(getpid(), SIGUSR1);
    if (handled != before + 1) return fail("the SIGUSR1 handler did not run");
    return 1;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGHUP, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGUSR2);
    run_checks(check);
}
