/* A task traced by another task of the container (as under a debugger): the tracer still holds it after the move. */
#include "state.h"
#include <sys/ptrace.h>
#include <sys/wait.h>

static pid_t child;

static int check(void)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/status", child);
    int f = open(path, O_RDONLY);
    if (f < 0) return fail("the tracee is gone");
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    buf[n > 0 ? n : 0] = 0;
    char *t = strstr(buf, "TracerPid:");
    if (!t || atoi(t + 10) != getpid()) return fail("the tracee is no longer traced by its tracer");
    return 1;
}

int main(void)
{
    if ((child = fork()) < 0) die("fork");
    if (child == 0) { for (;;) pause(); }
    if (ptrace(PTRACE_SEIZE, child, 0, 0) < 0) die("PTRACE_SEIZE");
    run_checks(check);
}
