/* An eventfd with a count in it, a signalfd with a signal pending in it, and an inotify watch that still reports. */
#include "state.h"
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

static int efd, sfd, ifd;

static int check(void)
{
    uint64_t v;
    if (read(efd, &v, sizeof v) != sizeof v || v != 42) return fail("the eventfd count is lost");
    v = 42;
    if (write(efd, &v, sizeof v) != sizeof v) return fail("eventfd write: %s", strerror(errno));
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si || si.ssi_signo != SIGUSR1) return fail("the pending SIGUSR1 is lost from the signalfd");
    kill(getpid(), SIGUSR1);
    int f = open("/var/watched/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f < 0) return fail("open: %s", strerror(errno));
    close(f);
    char buf[4096];
    usleep(10000);
    if (read(ifd, buf, sizeof buf) <= 0) return fail("the inotify watch reports nothing");
    return 1;
}

int main(void)
{
    uint64_t v = 42;
    if ((efd = eventfd(0, EFD_NONBLOCK)) < 0 || write(efd, &v, sizeof v) != sizeof v) die("eventfd");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if ((sfd = signalfd(-1, &set, SFD_NONBLOCK)) < 0) die("signalfd");
    kill(getpid(), SIGUSR1);
    mkdir("/var/watched", 0755);
    if ((ifd = inotify_init1(IN_NONBLOCK)) < 0 || inotify_add_watch(ifd, "/var/watched", IN_CLOSE_WRITE) < 0) die("inotify");
    run_checks(check);
}
