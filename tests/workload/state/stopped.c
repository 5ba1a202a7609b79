/* A stopped (SIGSTOP) task: after the move it must still be stopped, then run on when continued. */
#include "state.h"
#include <sys/wait.h>

static pid_t child;

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
    char s = state_of(child);
    if (s != 'T') return fail("the child is in state %c, not stopped", s);
    return 1;
}

int main(void)
{
    if ((child = fork()) < 0) die("fork");
    if (child == 0) { for (;;) pause(); }
    if (kill(child, SIGSTOP) < 0) die("kill");
    int st;
    if (waitpid(child, &st, WUNTRACED) < 0 || !WIFSTOPPED(st)) die("waitpid");
    run_checks(check);
}
