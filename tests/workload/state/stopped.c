/* A stopped (SIGSTOP) task: it must stay stopped through the move, never counting meanwhile; once the test says the
 * program was moved (/var/log/state.moved), its parent continues it (SIGCONT), and it must count on from there. */
#include "state.h"
#include <sys/mman.h>
#include <sys/wait.h>

static pid_t child;
static volatile long *count; /* the child's, in memory it shares with its parent */
static long seen = -1;
static int continued;

static char state_of(pid_t p)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", p);
    int f = open(path, O_RDONLY);
    if (f < 0) return '?';
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *s = strrchr(buf, ')');
    return s && s[1] == ' ' ? s[2] : '?';
}

static int check(void)
{
    long now = *count;
    if (continued) {
        if (now == seen) return fail("the child did not run on once continued (count %ld)", now);
        seen = now;
        return 1;
    }
    char s = state_of(child);
    if (s != 'T') return fail("the child is in state %c, not stopped", s);
    if (seen >= 0 && now != seen) return fail("the stopped child counted on (%ld -> %ld)", seen, now);
    seen = now;
    if (access("/var/log/state.moved", F_OK) == 0) {
        if (kill(child, SIGCONT) < 0) return fail("SIGCONT: %s", strerror(errno));
        continued = 1;
    }
    return 1;
}

int main(void)
{
    count = mmap(NULL, sizeof *count, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (count == MAP_FAILED) die("mmap");
    if ((child = fork()) < 0) die("fork");
    if (child == 0) {
        for (;;) {
            (*count)++;
            struct timespec t = { 0, 10 * 1000 * 1000 };
            nanosleep(&t, NULL);
        }
    }
    if (kill(child, SIGSTOP) < 0) die("kill");
    int st;
    if (waitpid(child, &st, WUNTRACED) < 0 || !WIFSTOPPED(st)) die("waitpid");
    run_checks(check);
}
