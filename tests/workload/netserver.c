/*
 * Network test workload: a TCP and UDP service whose clients (tests/workload/netclient.c) can
 * tell whether a checkpoint/restore or a migration with live connections was transparent.
 *
 *   netserver PORT [STATE_FILE]   (build: gcc -O2 -static -Wall -Wextra -o netserver netserver.c)
 *
 * One TCP listener and one UDP socket on 0.0.0.0:PORT, one process, one poll() loop. Every
 * message is a 16-byte record: u32 magic, u32 connection id (the client's), u64 sequence, all in
 * network byte order.
 *   - A TCP connection whose first record is ECHO is long-lived: each ECHO comes back unchanged,
 *     and every ~20 ms the server adds a STREAM record of its own (seq 1, 2, 3... per connection).
 *     Both kinds go through one output buffer per connection, whole records only, so they
 *     interleave at record boundaries.
 *   - A TCP connection whose first record is REQ gets one REPLY (seq+1), then the server closes it.
 *   - A UDP PING datagram gets a PONG with the same id and seq back to its sender.
 * Every ~200 ms it rewrites STATE_FILE (default /var/log/netserver.state) through a rename:
 *   connections=N accepted=A echoes=E udp=U requests=R
 * (N open TCP connections, A accepted in all, E records echoed, U pongs sent, R REQs answered).
 * SIGUSR2 injects one lost, one doubled and one corrupt record on every long connection (to test
 * the client).
 * A peer's error only closes that connection. Exit codes: 0 on SIGTERM/SIGINT, 2 if it cannot
 * start.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Record kinds: keep in step with netclient.c. */
#define MAGIC_ECHO 0x4543484fu   /* "ECHO" */
#define MAGIC_STREAM 0x5354524du /* "STRM" */
#define MAGIC_REQ 0x52515354u    /* "RQST" */
#define MAGIC_REPLY 0x52504c59u  /* "RPLY" */
#define MAGIC_PING 0x50494e47u   /* "PING" */
#define MAGIC_PONG 0x504f4e47u   /* "PONG" */
#define REC 16

#define STREAM_MS 20
#define STATE_MS 200
#define IN_CAP 4096
/* A client that stops reading only stops its own stream (records are skipped, never split);
 * its echoes wait, because input is read only while there is room to answer it. */
#define OUT_CAP 32768

enum kind { UNKNOWN, LONG, SHORT };

struct conn {
    int fd;
    enum kind kind;
    int dead;
    uint32_t id;
    uint64_t stream_seq;
    size_t in_len, out_len, out_sent;
    unsigned char in[IN_CAP];
    unsigned char out[OUT_CAP];
};

static volatile sig_atomic_t stop, inject;
static struct conn **conns;
static size_t nconns, capconns;
static uint64_t accepted, echoes, pongs, requests;
static const char *state_path = "/var/log/netserver.state";
static char state_tmp[4096];

static void on_term(int sig) { (void)sig; stop = 1; }
static void on_usr2(int sig) { (void)sig; inject = 1; }

/* Only for timers inside this run: after a restore on another machine it may jump, so every
 * timer also fires when the clock went backwards (see due()). */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int due(int64_t now, int64_t last, int64_t period) { return now - last >= period || now < last; }

static void put_rec(unsigned char *p, uint32_t magic, uint32_t id, uint64_t seq)
{
    uint32_t m = htonl(magic), i = htonl(id);
    uint64_t s = htobe64(seq);
    memcpy(p, &m, 4);
    memcpy(p + 4, &i, 4);
    memcpy(p + 8, &s, 8);
}

static void get_rec(const unsigned char *p, uint32_t *magic, uint32_t *id, uint64_t *seq)
{
    uint32_t m, i;
    uint64_t s;
    memcpy(&m, p, 4);
    memcpy(&i, p + 4, 4);
    memcpy(&s, p + 8, 8);
    *magic = ntohl(m);
    *id = ntohl(i);
    *seq = be64toh(s);
}

static size_t out_room(struct conn *c) { return OUT_CAP - c->out_len + c->out_sent; }

static void queue(struct conn *c, const unsigned char *rec)
{
    if (OUT_CAP - c->out_len < REC) { /* compact: the caller checked out_room() */
        memmove(c->out, c->out + c->out_sent, c->out_len - c->out_sent);
        c->out_len -= c->out_sent;
        c->out_sent = 0;
    }
    memcpy(c->out + c->out_len, rec, REC);
    c->out_len += REC;
}

/* Sends what the kernel takes now; the rest waits for POLLOUT. A short connection is closed
 * once its reply is out. */
static void flush(struct conn *c)
{
    while (!c->dead && c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                c->dead = 1;
            return;
        }
        c->out_sent += (size_t)n;
    }
    if (c->out_sent == c->out_len)
        c->out_sent = c->out_len = 0;
    if (c->kind == SHORT && c->out_len == 0)
        c->dead = 1;
}

/* Answers the whole records read so far, as far as the output buffer has room. */
static void process_input(struct conn *c)
{
    size_t pos = 0;
    while (!c->dead && c->kind != SHORT && c->in_len - pos >= REC && out_room(c) >= REC) {
        uint32_t magic, id;
        uint64_t seq;
        get_rec(c->in + pos, &magic, &id, &seq);
        if (c->kind == UNKNOWN && magic == MAGIC_REQ) {
            unsigned char r[REC];
            put_rec(r, MAGIC_REPLY, id, seq + 1);
            c->kind = SHORT;
            queue(c, r);
            requests++;
            c->in_len = pos = 0; /* nothing else is expected on a short connection */
            break;
        }
        if (magic != MAGIC_ECHO) { /* out of step: nothing sensible to answer, the client sees EOF */
            c->dead = 1;
            return;
        }
        if (c->kind == UNKNOWN) {
            c->kind = LONG;
            c->id = id; /* the stream carries the id the client chose */
        }
        queue(c, c->in + pos);
        echoes++;
        pos += REC;
    }
    if (pos > 0) {
        memmove(c->in, c->in + pos, c->in_len - pos);
        c->in_len -= pos;
    }
    flush(c);
}

static void read_conn(struct conn *c)
{
    while (!c->dead && c->kind != SHORT && c->in_len < IN_CAP) {
        ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                c->dead = 1;
            break;
        }
        if (n == 0) {
            c->dead = 1;
            break;
        }
        c->in_len += (size_t)n;
        process_input(c);
        if (out_room(c) < REC)
            break; /* wait for POLLOUT before reading more */
    }
}

static int add_conn(int fd)
{
    if (nconns == capconns) {
        size_t cap = capconns ? capconns * 2 : 64;
        struct conn **p = realloc(conns, cap * sizeof *p);
        if (!p)
            return 0;
        conns = p;
        capconns = cap;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (!c)
        return 0;
    c->fd = fd;
    conns[nconns++] = c;
    return 1;
}

/* Returns 0 when accepting must pause (out of descriptors or memory), else 1. */
static int accept_all(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO || errno == EPERM)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 1;
            return 0;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* records must not wait */
        if (!add_conn(fd)) {
            close(fd);
            return 0;
        }
        accepted++;
    }
}

static void serve_udp(int ufd)
{
    for (int k = 0; k < 256; k++) { /* bounded, so TCP peers are not starved by a flood */
        unsigned char buf[64];
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return; /* EAGAIN, or an ICMP error from an earlier sendto: nothing to do */
        uint32_t magic, id;
        uint64_t seq;
        if (n != REC)
            continue;
        get_rec(buf, &magic, &id, &seq);
        if (magic != MAGIC_PING)
            continue;
        put_rec(buf, MAGIC_PONG, id, seq);
        if (sendto(ufd, buf, REC, MSG_DONTWAIT, (struct sockaddr *)&from, flen) == REC)
            pongs++;
    }
}

/* SIGUSR2: one of each fault the client must catch, on every long connection: a skipped
 * stream seq (lost), a repeated one (doubled) and a record of no known kind (corrupt). Only for
 * tests that prove the client's checks; nothing else sends it. */
static void inject_faults(void)
{
    for (size_t i = 0; i < nconns; i++) {
        struct conn *c = conns[i];
        if (c->kind != LONG || c->dead || out_room(c) < 3 * REC)
            continue;
        unsigned char r[REC];
        c->stream_seq += 2;
        put_rec(r, MAGIC_STREAM, c->id, c->stream_seq);
        queue(c, r);
        queue(c, r);
        put_rec(r, 0xbadc0deu, c->id, c->stream_seq);
        queue(c, r);
        flush(c);
    }
}

/* Rename makes the new line appear all at once: a reader never sees a torn or empty state. */
static void write_state(void)
{
    static int warned;
    char line[256];
    int len = snprintf(line, sizeof line,
                       "connections=%zu accepted=%" PRIu64 " echoes=%" PRIu64 " udp=%" PRIu64
                       " requests=%" PRIu64 "\n", nconns, accepted, echoes, pongs, requests);
    int fd = open(state_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0;
    if (ok) {
        ok = write(fd, line, (size_t)len) == len;
        ok = close(fd) == 0 && ok;
        ok = ok && rename(state_tmp, state_path) == 0;
    }
    if (!ok && !warned) { /* keep serving: the state file is for the tests, not the clients */
        fprintf(stderr, "netserver: cannot write %s: %s\n", state_path, strerror(errno));
        warned = 1;
    }
}

static int open_socket(int type, int port)
{
    int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || (type == SOCK_STREAM && listen(fd, 1024) != 0)) {
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s PORT [STATE_FILE]\n", argv[0]);
        return 2;
    }
    char *end;
    long port = strtol(argv[1], &end, 10);
    if (*end || port < 1 || port > 65535) {
        fprintf(stderr, "netserver: bad PORT '%s'\n", argv[1]);
        return 2;
    }
    if (argc == 3)
        state_path = argv[2];
    if (snprintf(state_tmp, sizeof state_tmp, "%s.tmp", state_path) >= (int)sizeof state_tmp) {
        fprintf(stderr, "netserver: STATE_FILE too long\n");
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term; /* no SA_RESTART: poll() must return to notice the stop */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a vanished peer must show as EPIPE on its connection only */

    int lfd = open_socket(SOCK_STREAM, (int)port), ufd = open_socket(SOCK_DGRAM, (int)port);
    if (lfd < 0 || ufd < 0) {
        fprintf(stderr, "netserver: cannot listen on port %ld: %s\n", port, strerror(errno));
        return 2;
    }
    write_state();

    struct pollfd *pfd = NULL;
    size_t cappfd = 0;
    int64_t last_stream = mono_ms(), last_state = last_stream, accept_pause_until = 0;

    while (!stop) {
        int64_t now = mono_ms();
        if (due(now, last_stream, STREAM_MS)) {
            last_stream = now; /* no catch-up burst after a freeze: one record per tick */
            for (size_t i = 0; i < nconns; i++) {
                struct conn *c = conns[i];
                if (c->kind != LONG || c->dead || out_room(c) < REC)
                    continue;
                unsigned char r[REC];
                put_rec(r, MAGIC_STREAM, c->id, ++c->stream_seq);
                queue(c, r);
                flush(c);
            }
        }
        if (inject) {
            inject = 0;
            inject_faults();
        }
        if (due(now, last_state, STATE_MS)) {
            last_state = now;
            write_state();
        }

        if (cappfd < nconns + 2) {
            size_t cap = (nconns + 2) * 2;
            struct pollfd *p = realloc(pfd, cap * sizeof *p);
            if (!p) { /* keep the connections we have; try again next round */
                struct timespec ts = { 0, 10000000 };
                nanosleep(&ts, NULL);
                continue;
            }
            pfd = p;
            cappfd = cap;
        }
        int accepting = now >= accept_pause_until || now < accept_pause_until - 1000;
        pfd[0] = (struct pollfd){ .fd = accepting ? lfd : -1, .events = POLLIN };
        pfd[1] = (struct pollfd){ .fd = ufd, .events = POLLIN };
        size_t npoll = nconns;
        for (size_t i = 0; i < npoll; i++) {
            struct conn *c = conns[i];
            short ev = 0;
            if (c->kind != SHORT && c->in_len < IN_CAP && out_room(c) >= REC)
                ev |= POLLIN;
            if (c->out_sent < c->out_len)
                ev |= POLLOUT;
            pfd[i + 2] = (struct pollfd){ .fd = c->fd, .events = ev };
        }
        int64_t wait = STREAM_MS - (mono_ms() - last_stream);
        int n = poll(pfd, npoll + 2, wait < 1 ? 1 : wait > STREAM_MS ? STREAM_MS : (int)wait);
        if (n < 0) {
            if (errno != EINTR) { /* ENOMEM and the like: back off, never give up */
                struct timespec ts = { 0, 10000000 };
                nanosleep(&ts, NULL);
            }
            continue;
        }

        /* Connections first: accept_all() appends to conns, which the indices below rely on. */
        for (size_t i = 0; i < npoll; i++) {
            struct conn *c = conns[i];
            short re = pfd[i + 2].revents;
            if (re & (POLLOUT | POLLERR | POLLHUP)) {
                flush(c);
                process_input(c); /* records held back while the output buffer was full */
            }
            if (re & (POLLIN | POLLERR | POLLHUP))
                read_conn(c);
            if ((re & (POLLERR | POLLHUP | POLLNVAL)) && !(re & (POLLIN | POLLOUT)))
                c->dead = 1;
        }
        if (pfd[0].revents & POLLIN && !accept_all(lfd))
            accept_pause_until = mono_ms() + 100; /* out of fds: let the backlog wait */
        if (pfd[1].revents & POLLIN)
            serve_udp(ufd);

        size_t keep = 0;
        for (size_t i = 0; i < nconns; i++) {
            if (conns[i]->dead) {
                close(conns[i]->fd);
                free(conns[i]);
            } else {
                conns[keep++] = conns[i];
            }
        }
        nconns = keep;
    }
    write_state();
    return 0;
}
