/* File locks: an flock checked from a second open file description, and a POSIX (fcntl) record lock checked from
 * a child (a process never conflicts with its own POSIX locks). */
#include "state.h"
#include <sys/file.h>
#include <sys/wait.h>

static int a, b;

static int check(void)
{
    int probe = open("/var/lock-flock", O_RDWR);
    if (probe < 0) return fail("open: %s", strerror(errno));
    int held = flock(probe, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(probe);
    if (!held) return fail("the flock is gone");
    pid_t c = fork();
    if (c < 0) return fail("fork: %s", strerror(errno));
    if (c == 0) {
        struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
        _exit(fcntl(b, F_GETLK, &l) == 0 && l.l_type == F_WRLCK && l.l_pid == getppid() ? 0 : 1);
    }
    int st;
    if (waitpid(c, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return fail("the fcntl lock is gone");
    return 1;
}

int main(void)
{
    if ((a = open("/var/lock-flock", O_RDWR | O_CREAT, 0644)) < 0 || flock(a, LOCK_EX) < 0) die("flock");
    struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    if ((b = open("/var/lock-fcntl", O_RDWR | O_CREAT, 0644)) < 0 || fcntl(b, F_SETLK, &l) < 0) die("fcntl lock");
    run_checks(check);
}
