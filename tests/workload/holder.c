/* Holds one thing CRIU cannot carry as Move-Container calls it, then sleeps, so readiness tests can
 * provoke the Processes check for real:
 *   holder lock PATH          an flock on PATH
 *   holder pty                a pseudo-terminal pair
 *   holder listen PATH        a UNIX socket server (run it on the host) accepting every client
 *   holder connect PATH       a connection to the UNIX socket at PATH
 * Built static (gcc -static) so it runs inside the lab's busybox containers. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(1); }

static struct sockaddr_un address(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path) { fprintf(stderr, "holder: path too long\n"); exit(2); }
    strcpy(a.sun_path, path);
    return a;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: holder lock PATH | pty | listen PATH | connect PATH\n"); return 2; }
    if (!strcmp(argv[1], "lock") && argc == 3) {
        int fd = open(argv[2], O_RDWR | O_CREAT, 0600);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) die("lock");
    } else if (!strcmp(argv[1], "pty")) {
        int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) die("pty");
        if (open(ptsname(master), O_RDWR | O_NOCTTY) < 0) die("pty slave");
    } else if (!strcmp(argv[1], "listen") && argc == 3) {
        struct sockaddr_un a = address(argv[2]);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        unlink(argv[2]);
        if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 16) < 0) die("listen");
        for (;;) if (accept(s, NULL, NULL) < 0) die("accept");
    } else if (!strcmp(argv[1], "connect") && argc == 3) {
        struct sockaddr_un a = address(argv[2]);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    } else {
        fprintf(stderr, "holder: unknown mode '%s'\n", argv[1]);
        return 2;
    }
    for (;;) pause();
}
