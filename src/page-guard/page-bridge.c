/* The page guard's bridges over a direct link's sessions, in place of SSH port forwards (the link's key may forward
 * nothing: OpenSSH's Unix-socket forwarding ignores permitlisten/permitopen).
 *
 * page-guard bridge PORT SECONDS: the destination's end of post-copy's pages. Run by the link key's forced command with
 * its session's stdin/stdout, whose other end, on the source, is the lazy dump's page port. Listens on 127.0.0.1:PORT
 * (the port guard lets only the migration's page clients connect there), writes 'L' once it does, accepts ONE
 * connection, writes 'C', and then carries bytes both ways until either side ends.
 *
 * page-guard connect PORT SECONDS: the destination's end of Stop's memory. Run by the forced command as the page
 * clients' group (the only one the port guard lets reach the page server there), it connects to 127.0.0.1:PORT and
 * carries bytes both ways between that connection and its session.
 *
 * page-guard listen PORT SECONDS COMMAND...: the source's end of Stop's memory. Listens on 127.0.0.1:PORT, writes 'L'
 * to its stdout once it does, accepts ONE connection (the dump's) and runs COMMAND (the link's session) with that
 * connection as its stdin and stdout: no process copies the memory between the dump and ssh.
 *
 * Each ends after SECONDS (the key's remaining lifetime) and when its session does (stdin closes), also while still
 * waiting for the connection: revoking the key ends its sessions, and so this. The bridges drop root's rights once
 * the port is bound or connected: nothing after needs them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "page-bridge.h"

#define NOBODY 65534
#define CHUNK (256 * 1024)

static long long deadline_ms;

static long long mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int left_ms(void)
{
    long long left = deadline_ms - mono_ms();
    return left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
}

static int fail(const char *what)
{
    fprintf(stderr, "page-bridge: %s: %s\n", what, errno ? strerror(errno) : "failed");
    return 1;
}

static int number(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int tell(char c)
{
    return write(STDOUT_FILENO, &c, 1) == 1 ? 0 : -1;
}

static int drop_root(void)
{
    if (geteuid() != 0) return 0;
    if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY)) return -1;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* One direction's bytes read but not yet written. */
struct pipe_buf {
    int from, to;
    char *data;
    size_t start, end;
    int eof;
};

/* Moves what it can without blocking; -1 on an error, 1 once the reader's end has closed and all was written. */
static int pump(struct pipe_buf *b, short revents_from, short revents_to)
{
    if (b->start == b->end && !b->eof && (revents_from & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(b->from, b->data, CHUNK);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return -1;
        if (n == 0) b->eof = 1;
        if (n > 0) b->start = 0, b->end = (size_t)n;
    }
    if (b->start < b->end && (revents_to & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n = write(b->to, b->data + b->start, b->end - b->start);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return -1;
        if (n > 0) b->start += (size_t)n;
    }
    return b->eof && b->start == b->end ? 1 : 0;
}

/* Until either side ends (its bytes all passed on) or the deadline: 0, else 1. HALF: the session's end only ends the
 * writing to SK, and the answers still come back until SK's other end is done with them. */
static int carry(int sk, int half)
{
    static char down_data[CHUNK], up_data[CHUNK];
    struct pipe_buf up = { STDIN_FILENO, sk, up_data, 0, 0, 0 };      /* pages from the source */
    struct pipe_buf down = { sk, STDOUT_FILENO, down_data, 0, 0, 0 }; /* requests to the source */
    int fds[] = { STDIN_FILENO, STDOUT_FILENO, sk };
    for (int i = 0; i < 3; i++) fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
    int shut = 0;
    for (;;) {
        struct pollfd p[3] = {
            { STDIN_FILENO, up.start == up.end && !up.eof ? POLLIN : 0, 0 },
            { STDOUT_FILENO, down.start < down.end ? POLLOUT : 0, 0 },
            { sk, (short)((down.start == down.end && !down.eof ? POLLIN : 0) | (up.start < up.end ? POLLOUT : 0)), 0 },
        };
        int wait = left_ms();
        if (wait == 0) { errno = ETIMEDOUT; return fail("the link's lifetime is over"); }
        if (poll(p, 3, wait) < 0 && errno != EINTR) return fail("poll");
        int u = pump(&up, p[0].revents, p[2].revents);
        int d = pump(&down, p[2].revents, p[1].revents);
        if (u < 0 || d < 0) return fail("carrying the pages");
        if (d > 0 || (u > 0 && !half)) return 0;
        if (u > 0 && !shut) {
            shutdown(sk, SHUT_WR);
            shut = 1;
        }
    }
}

static int arguments(int argc, char **argv, int at_least, const char *usage, long *port)
{
    long seconds;
    if (argc < at_least || (at_least == 3 && argc != 3) || number(argv[1], 1, 65535, port) ||
        number(argv[2], 1, 7L * 24 * 3600, &seconds)) {
        fprintf(stderr, "usage: page-guard %s\n", usage);
        return -1;
    }
    deadline_ms = mono_ms() + seconds * 1000;
    /* A closed session's pipe is an error to write to, not a signal that ends us before the caller hears why. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

static struct sockaddr_in loopback(long port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    return a;
}

/* Listens on 127.0.0.1:PORT, runs told() once it does, and returns the one connection from 127.0.0.1 (-1: failed, said;
 * -2: WATCHED became readable first, which is its end closing). */
static int accept_one(long port, int watched, int drop, int (*told)(void))
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0) return fail("socket"), -1;
    int on = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = loopback(port);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1)) return fail("listening on the page port"), -1;
    if (drop && drop_root()) return fail("dropping root's rights"), -1;
    if (told()) return fail("telling the other end"), -1;
    for (;;) {
        struct pollfd p[2] = { { ls, POLLIN, 0 }, { watched, POLLIN, 0 } };
        int wait = left_ms();
        if (wait == 0) { errno = ETIMEDOUT; return fail("no page client came within the link's lifetime"), -1; }
        if (poll(p, watched < 0 ? 1 : 2, wait) < 0 && errno != EINTR) return fail("poll"), -1;
        /* The other end sends nothing before the connection: anything on it now is its end closing. */
        if (watched >= 0 && p[1].revents) return -2;
        if (!(p[0].revents & POLLIN)) continue;
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int sk = accept4(ls, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
        if (sk < 0) continue;
        close(ls);
        if (peer.sin_family != AF_INET || peer.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) {
            errno = EACCES;
            return fail("a connection that did not come from 127.0.0.1"), -1;
        }
        return sk;
    }
}

static int tell_listening(void) { return tell('L'); }

int page_bridge(int argc, char **argv)
{
    long port;
    if (arguments(argc, argv, 3, "bridge PORT SECONDS", &port)) return 2;
    int sk = accept_one(port, STDIN_FILENO, 1, tell_listening);
    if (sk == -2) return 0;
    if (sk < 0) return 1;
    /* Page requests and their answers go back and forth: none may wait for an acknowledgement. */
    int on = 1;
    setsockopt(sk, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (tell('C')) return fail("telling the source");
    return carry(sk, 0);
}

int page_connect(int argc, char **argv)
{
    long port;
    if (arguments(argc, argv, 3, "connect PORT SECONDS", &port)) return 2;
    int sk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sk < 0) return fail("socket");
    struct sockaddr_in a = loopback(port);
    if (connect(sk, (struct sockaddr *)&a, sizeof a)) return fail("connecting to the page server");
    if (drop_root()) return fail("dropping root's rights");
    /* The dump's last request waits for the page server's answer. */
    return carry(sk, 1);
}

int page_listen(int argc, char **argv)
{
    long port;
    if (arguments(argc, argv, 4, "listen PORT SECONDS COMMAND...", &port)) return 2;
    /* The session it runs needs root's key: nothing is dropped, and COMMAND is the caller's, not the network's. */
    int sk = accept_one(port, -1, 0, tell_listening);
    if (sk < 0) return 1;
    if (dup2(sk, STDIN_FILENO) < 0 || dup2(sk, STDOUT_FILENO) < 0) return fail("handing the connection on");
    close(sk);
    /* COMMAND outlives the deadline only by what timeout(1) around this allows. */
    execvp(argv[3], argv + 3);
    return fail("running the session");
}
