/* page-guard: keeps a lazily restored container from ever reading a page that did not arrive.
 *
 *   page-guard DIR RUNC NAME -- criu lazy-pages ...
 *   page-guard bridge|connect|listen PORT SECONDS ...   (see page-bridge.c: one program to install, not two)
 *
 * A lazily restored process's missing pages are registered with userfaultfds that `criu lazy-pages` holds. When the
 * last reference to one closes, the kernel unregisters its ranges and missing pages read as zeros. So:
 *  - the front (this process, the daemon's parent) runs the daemon and holds a pidfd_getfd duplicate of every
 *    userfaultfd the daemon holds, letting go of one only when the daemon, alive and not exiting, let go of it (that
 *    process's pages all arrived);
 *  - the keeper (a child of the front, in a session of its own) holds a duplicate of every userfaultfd the front holds.
 * The daemon ending with 0 means every page arrived: the front writes "done" to DIR/page-guard.state and ends with 0.
 * Any other end of the daemon, or of the front, before that: faulting threads block instead of reading zeros, the
 * keeper freezes the container (runc pause), writes "frozen ..." to the state file, and holds the userfaultfds until
 * the container is gone (whoever decides deletes it). A keeper that dies while the front lives is started again.
 * Events go to DIR/page-guard.log, one line each, with the wall clock in milliseconds. Needs Linux 5.6 (pidfd_getfd). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "page-bridge.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#define KCMP_FILE 0
#define PF_EXITING 0x4
#define MAX_HELD 1024
#define SCAN_MS 5

static const char *dir, *runc, *name;
static int log_fd = -1;
static int held[MAX_HELD];
static int n_held;
static const char *role = "front";

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void say(const char *fmt, ...)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%lld %s %d ", now_ms(), role, (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    if (write(log_fd, line, n) < 0) { /* nothing else to tell it to */ }
}

/* The state file, replaced whole: a reader sees the old line or the new one. */
static void set_state(const char *fmt, ...)
{
    char path[4096], tmp[4096], line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0 || n > (int)sizeof line - 2) n = sizeof line - 2;
    line[n++] = '\n';
    snprintf(path, sizeof path, "%s/page-guard.state", dir);
    snprintf(tmp, sizeof tmp, "%s/page-guard.state.%d", dir, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || write(fd, line, n) != n || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0)
        say("cannot write %s: %s", path, strerror(errno));
}

static int state_is_done(void)
{
    char path[4096], buf[8] = { 0 };
    snprintf(path, sizeof path, "%s/page-guard.state", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, 5);
    close(fd);
    return n == 5 && memcmp(buf, "done\n", 5) == 0;
}

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static int same_file(pid_t other, int mine, int theirs)
{
    return syscall(SYS_kcmp, getpid(), other, KCMP_FILE, mine, theirs) == 0;
}

/* True while PID has not begun to exit: a process that closes a file then did so on purpose (exiting, it closes all). */
static int alive_not_exiting(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    char state;
    unsigned long flags;
    /* after "comm)": state ppid pgrp session tty_nr tpgid flags */
    if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2) return 0;
    return state != 'Z' && state != 'X' && !(flags & PF_EXITING);
}

/* Takes a duplicate of every userfaultfd PID holds that is not held yet; lets go of those PID no longer holds. */
static void follow(pid_t pid, int pidfd)
{
    int theirs[MAX_HELD], n = 0;
    char path[64], link[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_HELD) {
        if (e->d_name[0] == '.') continue;
        char fdpath[320];
        snprintf(fdpath, sizeof fdpath, "%s/%s", path, e->d_name);
        ssize_t len = readlink(fdpath, link, sizeof link - 1);
        if (len <= 0) continue;
        link[len] = 0;
        if (strcmp(link, "anon_inode:[userfaultfd]") == 0) theirs[n++] = atoi(e->d_name);
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        int known = 0;
        for (int j = 0; j < n_held && !known; j++) known = same_file(pid, held[j], theirs[i]);
        if (known) continue;
        int fd = (int)syscall(SYS_pidfd_getfd, pidfd, theirs[i], 0);
        if (fd < 0) { say("pidfd_getfd of fd %d of %d: %s", theirs[i], (int)pid, strerror(errno)); continue; }
        if (n_held == MAX_HELD) { say("more than %d userfaultfds", MAX_HELD); close(fd); continue; }
        held[n_held++] = fd;
        say("holds userfaultfd %d of %d (%d held)", theirs[i], (int)pid, n_held);
    }
    for (int j = 0; j < n_held; j++) {
        int still = 0;
        for (int i = 0; i < n && !still; i++) still = same_file(pid, held[j], theirs[i]);
        if (still || !alive_not_exiting(pid)) continue;
        close(held[j]);
        held[j--] = held[--n_held];
        say("let go of a userfaultfd %d closed (%d held)", (int)pid, n_held);
    }
}

/* Runs RUNC ARGS... with its output in the log; its exit code, or -1. */
static int run_runc(const char *a1, const char *a2, const char *a3, const char *a4)
{
    pid_t p = fork();
    if (p == 0) {
        dup2(log_fd, 1);
        dup2(log_fd, 2);
        execlp(runc, runc, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    int status;
    if (p < 0 || waitpid(p, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The container's first process, from runc state's "pid"; 0 when runc says it has no such container, -1 when runc
 * could not be asked (then nothing is known, and nothing is let go). */
static pid_t container_pid(void)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) return -1;
    pid_t p = fork();
    if (p == 0) {
        dup2(pipefd[1], 1);
        dup2(log_fd, 2);
        execlp(runc, runc, "state", name, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char buf[8192];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 && (n = read(pipefd[0], buf + len, sizeof buf - 1 - len)) > 0) len += n;
    buf[len] = 0;
    close(pipefd[0]);
    int status;
    if (p < 0 || waitpid(p, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    if (WEXITSTATUS(status) == 1) return 0;
    char *at = strstr(buf, "\"pid\":");
    return WEXITSTATUS(status) == 0 && at && atol(at + 6) > 0 ? (pid_t)atol(at + 6) : -1;
}

/* The front is gone before every page arrived: freeze the container, then hold until it is gone. */
static void freeze_and_hold(long long lost_at)
{
    int rc = run_runc("pause", name, NULL, NULL);
    long long frozen_at = now_ms();
    pid_t init;
    while ((init = container_pid()) < 0) {
        say("runc state %s failed: holding, asking again in a second", name);
        sleep(1);
        if (rc != 0) rc = run_runc("pause", name, NULL, NULL);
    }
    if (init == 0) {
        say("runc knows no %s: nothing to hold", name);
        set_state("gone lost_unix_ms=%lld", lost_at);
        exit(0);
    }
    if (rc != 0) {
        /* Not frozen: threads that fault block on the held userfaultfds, but the rest would run on. */
        say("runc pause %s failed (%d): killing it", name, rc);
        run_runc("kill", "--all", name, "KILL");
        set_state("killed lost_unix_ms=%lld", lost_at);
    } else {
        say("froze %s %lld ms after the page daemon was lost", name, frozen_at - lost_at);
        set_state("frozen lost_unix_ms=%lld frozen_unix_ms=%lld", lost_at, frozen_at);
    }
    int initfd = pidfd_open(init);
    struct pollfd p = { .fd = initfd, .events = POLLIN };
    while (initfd >= 0 && poll(&p, 1, -1) < 0 && errno == EINTR) {}
    say("%s (process %d) is gone: letting go", name, (int)init);
    exit(0);
}

static void keeper(pid_t front)
{
    int frontfd = pidfd_open(front);
    /* Opened after the fork: if the front had already died, the pid may be another process's. */
    if (frontfd < 0 || getppid() != front) freeze_and_hold(now_ms());
    struct pollfd p = { .fd = frontfd, .events = POLLIN };
    for (;;) {
        follow(front, frontfd);
        int r = poll(&p, 1, SCAN_MS);
        if (r > 0) break;
        if (r < 0 && errno != EINTR) break;
    }
    long long lost_at = now_ms();
    if (state_is_done()) { say("every page arrived: letting go"); exit(0); }
    say("the page guard's front %d ended before every page arrived; holding %d userfaultfds", (int)front, n_held);
    freeze_and_hold(lost_at);
}

static pid_t start_keeper(void)
{
    pid_t front = getpid();
    pid_t k = fork();
    if (k != 0) return k;
    role = "keeper";
    setsid();
    /* Off the caller's pipes, so that the session that started the front ends when the front does. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3; i++) dup2(null, i);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    keeper(front);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "bridge") == 0) return page_bridge(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "connect") == 0) return page_connect(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "listen") == 0) return page_listen(argc - 1, argv + 1);
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: page-guard DIR RUNC NAME -- LAZY-PAGES-DAEMON [ARGS...]\n");
        return 2;
    }
    dir = argv[1], runc = argv[2], name = argv[3];
    char path[4096];
    snprintf(path, sizeof path, "%s/page-guard.log", dir);
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (log_fd < 0) { fprintf(stderr, "page-guard: cannot open %s: %s\n", path, strerror(errno)); return 2; }
    int probe = pidfd_open(getpid());
    if (probe < 0 || syscall(SYS_pidfd_getfd, probe, log_fd, 0) < 0) {
        fprintf(stderr, "page-guard: this kernel lacks pidfd_getfd (Linux 5.6 and later): %s\n", strerror(errno));
        return 2;
    }
    pid_t daemon = fork();
    if (daemon == 0) {
        execvp(argv[5], argv + 5);
        fprintf(stderr, "page-guard: cannot run %s: %s\n", argv[5], strerror(errno));
        _exit(127);
    }
    if (daemon < 0) { perror("page-guard: fork"); return 2; }
    int daemonfd = pidfd_open(daemon);
    pid_t keeper_pid = start_keeper();
    say("guards %s: page daemon %d, keeper %d", name, (int)daemon, (int)keeper_pid);
    for (;;) {
        follow(daemon, daemonfd);
        int status;
        pid_t k = waitpid(keeper_pid, &status, WNOHANG);
        if (k == keeper_pid) {
            say("the keeper ended: starting another");
            keeper_pid = start_keeper();
        }
        if (waitpid(daemon, &status, WNOHANG) == daemon) {
            int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (code == 0) {
                set_state("done");
                say("every page arrived");
                return 0;
            }
            say("the page daemon ended (%s %d) before every page arrived", WIFEXITED(status) ? "exit" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            return code;
        }
        struct pollfd p = { .fd = daemonfd, .events = POLLIN };
        poll(&p, 1, SCAN_MS);
    }
}
