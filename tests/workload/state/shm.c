/* Shared memory: a SysV segment, a POSIX shm object (a file in /dev/shm) and a memfd, each shared with a child that
 * writes a counter the parent reads back. */
#include "state.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

static volatile long *areas[3];
static long last[3];
static const char *names[3] = { "SysV", "POSIX shm", "memfd" };

static int check(void)
{
    for (int i = 0; i < 3; i++) {
        long now = areas[i][0];
        if (areas[i][1] != 0x5ca1ab1e) return fail("%s: its contents changed", names[i]);
        if (now == last[i]) return fail("%s: the child's writes no longer arrive", names[i]);
        last[i] = now;
    }
    return 1;
}

int main(void)
{
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (id < 0 || (areas[0] = shmat(id, NULL, 0)) == (void *)-1) die("shmget");
    int p = open("/dev/shm/state-shm", O_RDWR | O_CREAT, 0600);
    if (p < 0 || ftruncate(p, 4096) < 0) die("shm_open");
    int m = memfd_create("state-memfd", 0);
    if (m < 0 || ftruncate(m, 4096) < 0) die("memfd_create");
    int fds[2] = { p, m };
    for (int i = 0; i < 2; i++)
        if ((areas[i + 1] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0)) == MAP_FAILED) die("mmap");
    for (int i = 0; i < 3; i++) areas[i][1] = 0x5ca1ab1e;
    pid_t c = fork();
    if (c < 0) die("fork");
    if (c == 0) for (;;) { for (int i = 0; i < 3; i++) areas[i][0]++; usleep(10000); }
    usleep(50000);
    run_checks(check);
}
