/*
 * Client of tests/workload/netserver.c: holds live TCP connections, a UDP exchange and a loop of
 * short requests against it, and checks every record, so that a test can tell whether moving the
 * server (checkpoint/restore, migration) was transparent to its peers.
 *
 *   netclient --server ADDR --port PORT --conns N [--interval-ms 20] [--short-ms 200]
 *             [--udp-ms 20] --state FILE [--duration-s S]
 *   (build: gcc -O2 -static -Wall -Wextra -o netclient netclient.c)
 *
 * ADDR is an IPv4 address. Records are 16 bytes: u32 magic, u32 connection id, u64 sequence
 * (network byte order).
 *   - N long-lived TCP connections (ids 1..N) each send an ECHO (seq 1, 2, ...) every interval.
 *     Echoes must come back in order; the server's STREAM records must count up by one. A gap
 *     counts as lost records, a repeat as doubled, a wrong magic or id (or an echo of something
 *     never sent) as corrupt. EOF, ECONNRESET, EPIPE or any other error (also a failed first
 *     connect) counts as a reset, and that connection is not reopened: the tests must see it.
 *     max_pause_ms is the longest time between two received records (or since the connection
 *     came up), including the pause in progress.
 *   - UDP: a PING every --udp-ms; lost = not answered within 2 s; max_gap_ms = longest time
 *     between two pongs (including the one in progress).
 *   - Short calls: every --short-ms a connect, REQ, REPLY (seq+1), close. A failure (refused,
 *     reset, EOF, 2 s timeout, wrong reply) retries the same request after 50 ms until it
 *     succeeds; max_ms is the longest time one request took until it succeeded.
 *   --short-ms 0 or --udp-ms 0 turns that part off.
 * Every ~200 ms, on SIGUSR1 at once, and at exit it rewrites FILE through a rename with one JSON
 * object (running, elapsed_ms, conns[], udp, short, totals). totals sums the connections' resets,
 * lost, doubled and corrupt (corrupt also takes UDP's and the short calls'); UDP loss and short
 * failures are reported but are not errors. SIGTERM, SIGINT or --duration-s end it with
 * running=false: exit code 0 if the totals are all 0, 1 otherwise, 2 on bad arguments.
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

/* Record kinds: keep in step with netserver.c. */
#define MAGIC_ECHO 0x4543484fu   /* "ECHO" */
#define MAGIC_STREAM 0x5354524du /* "STRM" */
#define MAGIC_REQ 0x52515354u    /* "RQST" */
#define MAGIC_REPLY 0x52504c59u  /* "RPLY" */
#define MAGIC_PING 0x50494e47u   /* "PING" */
#define MAGIC_PONG 0x504f4e47u   /* "PONG" */
#define REC 16

#define TIMEOUT_MS 2000     /* connect, short call and UDP answer */
#define RETRY_MS 50         /* pause before a failed short call is tried again */
#define STATE_MS 200
#define UDP_ID 0x55445030u  /* ids of their own, so a record routed to the wrong peer shows */
#define SHORT_ID 0x80000000u
#define UDP_RING 4096       /* outstanding pings remembered: 2 s at 1 ms a ping fits */
#define IN_CAP 4096
#define OUT_CAP 16384

enum cstate { CONNECTING, UP, DEAD };

struct conn {
    int fd;
    enum cstate st;
    uint32_t id;
    int64_t started, next_send, last_rx;
    uint64_t sent_seq, echo_seq, stream_seq;
    size_t in_len, out_len, out_sent;
    uint64_t bytes, echoes, streams, resets, lost, doubled, corrupt;
    int64_t max_pause;
    unsigned char in[IN_CAP];
    unsigned char out[OUT_CAP];
};

enum sphase { S_IDLE, S_CONNECTING, S_WAITING, S_RETRY };

static struct {
    int fd;
    enum sphase ph;
    uint32_t id;
    uint64_t seq;
    int64_t first_start, attempt_start, next_at;
    size_t in_len;
    unsigned char in[REC];
    uint64_t attempts, failures, ok, corrupt;
    int64_t max_ms;
} sh = { .fd = -1 };

static struct {
    int fd;
    uint64_t sent, pongs, lost, corrupt, oldest; /* oldest: first seq neither answered nor lost */
    int64_t next_at, last_pong, max_gap;
    int64_t sent_at[UDP_RING];
    unsigned char answered[UDP_RING];
} udp = { .fd = -1 };

static volatile sig_atomic_t stop, dump_now;
static struct sockaddr_in server;
static struct conn *conns;
static int nconns;
static int64_t start_ms, interval = 20;
static const char *state_path;
static char state_tmp[4096];

static void on_term(int sig) { (void)sig; stop = 1; }
static void on_usr1(int sig) { (void)sig; dump_now = 1; }

/* The client is not migrated, so its monotonic clock measures the pauses its peers cause. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* A non-blocking connect: returns the socket (connected or in progress) or -1. */
static int start_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* one record, one segment */
    if (connect(fd, (struct sockaddr *)&server, sizeof server) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

static int connect_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return errno;
    return err;
}

/* ---- long-lived connections ---- */

static void conn_reset(struct conn *c)
{
    c->resets++;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->st = DEAD;
}

static void conn_up(struct conn *c, int64_t now)
{
    c->st = UP;
    c->last_rx = now;
    /* Spread the connections over the interval instead of sending in bursts. */
    c->next_send = now + (int64_t)(c->id - 1) * interval / nconns;
}

static void conn_flush(struct conn *c)
{
    while (c->st == UP && c->out_sent < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                conn_reset(c);
            return;
        }
        c->out_sent += (size_t)n;
    }
    if (c->out_sent == c->out_len)
        c->out_sent = c->out_len = 0;
}

static void conn_send_echo(struct conn *c)
{
    if (OUT_CAP - c->out_len < REC) {
        if (c->out_len - c->out_sent > OUT_CAP - REC)
            return; /* server not reading for long: skip this tick (no seq used, no gap) */
        memmove(c->out, c->out + c->out_sent, c->out_len - c->out_sent);
        c->out_len -= c->out_sent;
        c->out_sent = 0;
    }
    put_rec(c->out + c->out_len, MAGIC_ECHO, c->id, ++c->sent_seq);
    c->out_len += REC;
    conn_flush(c);
}

static void conn_check(struct conn *c, const unsigned char *p, int64_t now)
{
    uint32_t magic, id;
    uint64_t seq;
    get_rec(p, &magic, &id, &seq);
    c->max_pause = max64(c->max_pause, now - c->last_rx);
    c->last_rx = now;
    if (id != c->id || (magic != MAGIC_ECHO && magic != MAGIC_STREAM)) {
        c->corrupt++;
        return;
    }
    uint64_t *last = magic == MAGIC_ECHO ? &c->echo_seq : &c->stream_seq;
    if (magic == MAGIC_ECHO && seq > c->sent_seq) {
        c->corrupt++; /* an echo of something never sent */
        return;
    }
    if (seq <= *last) {
        c->doubled++;
        return;
    }
    c->lost += seq - *last - 1;
    *last = seq;
    if (magic == MAGIC_ECHO) {
        c->echoes++;
        c->bytes += 2 * REC; /* the record sent and its echo */
    } else {
        c->streams++;
        c->bytes += REC;
    }
}

static void conn_read(struct conn *c, int64_t now)
{
    while (c->st == UP) {
        ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                conn_reset(c);
            return;
        }
        if (n == 0) { /* the server closed: as much a failure as a reset */
            conn_reset(c);
            return;
        }
        c->in_len += (size_t)n;
        size_t pos = 0;
        for (; c->in_len - pos >= REC; pos += REC)
            conn_check(c, c->in + pos, now);
        memmove(c->in, c->in + pos, c->in_len - pos);
        c->in_len -= pos;
    }
}

/* ---- UDP ---- */

static void udp_ping(int64_t now)
{
    if (udp.sent - udp.oldest + 1 >= UDP_RING) { /* cannot remember it: the oldest counts as lost */
        udp.lost++;
        udp.oldest++;
    }
    unsigned char r[REC];
    uint64_t seq = udp.sent + 1;
    put_rec(r, MAGIC_PING, UDP_ID, seq);
    udp.sent = seq; /* a datagram the kernel refused (ECONNREFUSED of an earlier one) is lost too */
    udp.sent_at[seq % UDP_RING] = now;
    udp.answered[seq % UDP_RING] = 0;
    send(udp.fd, r, REC, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void udp_expire(int64_t now)
{
    while (udp.oldest <= udp.sent) {
        size_t k = udp.oldest % UDP_RING;
        if (!udp.answered[k]) {
            if (now - udp.sent_at[k] < TIMEOUT_MS)
                break;
            udp.lost++;
        }
        udp.oldest++;
    }
}

static void udp_read(int64_t now)
{
    for (int k = 0; k < 256; k++) {
        unsigned char buf[64];
        ssize_t n = recv(udp.fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return; /* EAGAIN, or ECONNREFUSED while the server is away */
        uint32_t magic, id;
        uint64_t seq;
        if (n != REC) {
            udp.corrupt++;
            continue;
        }
        get_rec(buf, &magic, &id, &seq);
        if (magic != MAGIC_PONG || id != UDP_ID || seq == 0 || seq > udp.sent) {
            udp.corrupt++;
            continue;
        }
        /* Older than the oldest outstanding: already answered or given up on; a late answer
         * to a ping already counted lost stays lost. */
        if (seq < udp.oldest || udp.answered[seq % UDP_RING])
            continue;
        udp.answered[seq % UDP_RING] = 1;
        udp.pongs++;
        udp.max_gap = max64(udp.max_gap, now - udp.last_pong);
        udp.last_pong = now;
    }
}

/* ---- short calls ---- */

static void short_attempt(int64_t now)
{
    sh.attempts++;
    sh.attempt_start = now;
    sh.in_len = 0;
    sh.fd = start_connect();
    sh.ph = S_CONNECTING;
}

static void short_fail(int64_t now)
{
    sh.failures++;
    if (sh.fd >= 0)
        close(sh.fd);
    sh.fd = -1;
    sh.ph = S_RETRY;
    sh.next_at = now + RETRY_MS;
}

static void short_connected(int64_t now)
{
    int err = connect_error(sh.fd);
    if (err) {
        short_fail(now);
        return;
    }
    unsigned char r[REC];
    put_rec(r, MAGIC_REQ, sh.id, sh.seq);
    ssize_t n;
    do
        n = send(sh.fd, r, REC, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n != REC) { /* an empty new socket takes 16 bytes whole, or it is broken */
        short_fail(now);
        return;
    }
    sh.ph = S_WAITING;
}

static void short_read(int64_t now, uint64_t period)
{
    ssize_t n;
    do
        n = recv(sh.fd, sh.in + sh.in_len, REC - sh.in_len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        short_fail(now);
        return;
    }
    sh.in_len += (size_t)n;
    if (sh.in_len < REC)
        return;
    uint32_t magic, id;
    uint64_t seq;
    get_rec(sh.in, &magic, &id, &seq);
    if (magic != MAGIC_REPLY || id != sh.id || seq != sh.seq + 1) {
        sh.corrupt++;
        short_fail(now);
        return;
    }
    sh.ok++;
    sh.max_ms = max64(sh.max_ms, now - sh.first_start);
    close(sh.fd);
    sh.fd = -1;
    sh.ph = S_IDLE;
    sh.next_at = max64(sh.first_start + (int64_t)period, now);
}

/* ---- state file ---- */

static void totals(uint64_t *resets, uint64_t *lost, uint64_t *doubled, uint64_t *corrupt, int64_t *pause,
                   int64_t now)
{
    *resets = *lost = *doubled = 0;
    *corrupt = udp.corrupt + sh.corrupt;
    *pause = 0;
    for (int i = 0; i < nconns; i++) {
        struct conn *c = &conns[i];
        *resets += c->resets;
        *lost += c->lost;
        *doubled += c->doubled;
        *corrupt += c->corrupt;
        *pause = max64(*pause, c->st == UP ? max64(c->max_pause, now - c->last_rx) : c->max_pause);
    }
}

/* Rename makes the new object appear all at once: a reader never sees a torn file. */
static void write_state(int running, int64_t now)
{
    static int warned;
    FILE *f = fopen(state_tmp, "w");
    if (!f)
        goto fail;
    fprintf(f, "{\"running\":%s,\"elapsed_ms\":%" PRId64 ",\n\"conns\":[\n", running ? "true" : "false",
            now - start_ms);
    for (int i = 0; i < nconns; i++) {
        struct conn *c = &conns[i];
        int64_t pause = c->st == UP ? max64(c->max_pause, now - c->last_rx) : c->max_pause;
        fprintf(f,
                "{\"id\":%" PRIu32 ",\"bytes\":%" PRIu64 ",\"echoes\":%" PRIu64 ",\"streams\":%" PRIu64
                ",\"resets\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"doubled\":%" PRIu64 ",\"corrupt\":%" PRIu64
                ",\"max_pause_ms\":%" PRId64 "}%s\n",
                c->id, c->bytes, c->echoes, c->streams, c->resets, c->lost, c->doubled, c->corrupt, pause,
                i + 1 < nconns ? "," : "");
    }
    int64_t gap = udp.sent ? max64(udp.max_gap, now - udp.last_pong) : 0;
    int64_t smax = sh.ph != S_IDLE ? max64(sh.max_ms, now - sh.first_start) : sh.max_ms;
    uint64_t r, l, d, k;
    int64_t p;
    totals(&r, &l, &d, &k, &p, now);
    fprintf(f,
            "],\n\"udp\":{\"sent\":%" PRIu64 ",\"pongs\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"corrupt\":%" PRIu64
            ",\"max_gap_ms\":%" PRId64 "},\n"
            "\"short\":{\"ok\":%" PRIu64 ",\"attempts\":%" PRIu64 ",\"failures\":%" PRIu64
            ",\"corrupt\":%" PRIu64 ",\"max_ms\":%" PRId64 "},\n"
            "\"totals\":{\"resets\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"doubled\":%" PRIu64 ",\"corrupt\":%" PRIu64
            ",\"max_pause_ms\":%" PRId64 "}}\n",
            udp.sent, udp.pongs, udp.lost, udp.corrupt, gap, sh.ok, sh.attempts, sh.failures, sh.corrupt, smax,
            r, l, d, k, p);
    if (fclose(f) != 0 || rename(state_tmp, state_path) != 0)
        goto fail;
    return;
fail:
    if (!warned) {
        fprintf(stderr, "netclient: cannot write %s: %s\n", state_path, strerror(errno));
        warned = 1;
    }
}

/* ---- main ---- */

static void usage(void)
{
    fprintf(stderr, "usage: netclient --server ADDR --port PORT --conns N [--interval-ms 20] [--short-ms 200]\n"
                    "                 [--udp-ms 20] --state FILE [--duration-s S]\n");
    exit(2);
}

static long number(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "netclient: bad %s '%s'\n", opt, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    const char *addr = NULL;
    long port = 0, n = 0, short_ms = 200, udp_ms = 20, duration = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (!strcmp(o, "--server")) addr = v;
        else if (!strcmp(o, "--port")) port = number(o, v, 1, 65535);
        else if (!strcmp(o, "--conns")) n = number(o, v, 0, 60000);
        else if (!strcmp(o, "--interval-ms")) interval = number(o, v, 1, 3600000);
        else if (!strcmp(o, "--short-ms")) short_ms = number(o, v, 0, 3600000);
        else if (!strcmp(o, "--udp-ms")) udp_ms = number(o, v, 0, 3600000);
        else if (!strcmp(o, "--state")) state_path = v;
        else if (!strcmp(o, "--duration-s")) duration = number(o, v, 0, 100000000);
        else usage();
    }
    if (!addr || !port || !state_path)
        usage();
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &server.sin_addr) != 1) {
        fprintf(stderr, "netclient: --server wants an IPv4 address, not '%s'\n", addr);
        return 2;
    }
    if (snprintf(state_tmp, sizeof state_tmp, "%s.tmp", state_path) >= (int)sizeof state_tmp) {
        fprintf(stderr, "netclient: --state too long\n");
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_term; /* no SA_RESTART: poll() must return to notice it */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    start_ms = mono_ms();
    int64_t end_ms = duration ? start_ms + duration * 1000 : INT64_MAX;
    nconns = (int)n;
    conns = calloc((size_t)(nconns ? nconns : 1), sizeof *conns);
    struct pollfd *pfd = calloc((size_t)nconns + 2, sizeof *pfd);
    if (!conns || !pfd) {
        fprintf(stderr, "netclient: out of memory\n");
        return 2;
    }
    for (int i = 0; i < nconns; i++) {
        struct conn *c = &conns[i];
        c->id = (uint32_t)i + 1;
        c->started = start_ms;
        c->fd = start_connect();
        c->st = CONNECTING;
        if (c->fd < 0)
            conn_reset(c);
    }
    if (udp_ms) {
        udp.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        /* Connected, so only the server's datagrams reach us. */
        if (udp.fd < 0 || connect(udp.fd, (struct sockaddr *)&server, sizeof server) != 0) {
            fprintf(stderr, "netclient: UDP socket: %s\n", strerror(errno));
            return 2;
        }
        udp.oldest = 1;
        udp.next_at = udp.last_pong = start_ms;
    }
    sh.ph = S_IDLE;
    sh.next_at = start_ms;
    int64_t next_state = start_ms;

    for (;;) {
        int64_t now = mono_ms();
        if (stop || now >= end_ms)
            break;

        /* Timers: sends, timeouts, the state file. */
        for (int i = 0; i < nconns; i++) {
            struct conn *c = &conns[i];
            if (c->st == CONNECTING && now - c->started >= TIMEOUT_MS)
                conn_reset(c);
            if (c->st == UP && now >= c->next_send) {
                conn_send_echo(c);
                /* After a stall, carry on from now rather than sending the missed ones at once. */
                c->next_send = now - c->next_send >= interval ? now + interval : c->next_send + interval;
            }
        }
        if (udp_ms) {
            if (now >= udp.next_at) {
                udp_ping(now);
                udp.next_at = now - udp.next_at >= udp_ms ? now + udp_ms : udp.next_at + udp_ms;
            }
            udp_expire(now);
        }
        if (short_ms) {
            if ((sh.ph == S_CONNECTING || sh.ph == S_WAITING) && now - sh.attempt_start >= TIMEOUT_MS)
                short_fail(now);
            if (sh.ph == S_IDLE && now >= sh.next_at) {
                sh.id = SHORT_ID + (uint32_t)(sh.ok + 1);
                sh.seq = (uint64_t)(sh.ok + 1) * 1000;
                sh.first_start = now;
                short_attempt(now);
            } else if (sh.ph == S_RETRY && now >= sh.next_at) {
                short_attempt(now);
            }
            if (sh.ph == S_CONNECTING && sh.fd < 0)
                short_fail(now);
        }
        if (now >= next_state || dump_now) {
            dump_now = 0;
            write_state(1, now);
            next_state = now + STATE_MS;
        }

        /* Poll until the next timer. */
        int64_t wake = next_state < end_ms ? next_state : end_ms;
        for (int i = 0; i < nconns; i++) {
            struct conn *c = &conns[i];
            short ev = 0;
            if (c->st == CONNECTING) {
                ev = POLLOUT;
                wake = wake < c->started + TIMEOUT_MS ? wake : c->started + TIMEOUT_MS;
            } else if (c->st == UP) {
                ev = POLLIN | (c->out_sent < c->out_len ? POLLOUT : 0);
                wake = wake < c->next_send ? wake : c->next_send;
            }
            pfd[i] = (struct pollfd){ .fd = c->st == DEAD ? -1 : c->fd, .events = ev };
        }
        pfd[nconns] = (struct pollfd){ .fd = udp.fd, .events = POLLIN };
        if (udp_ms) {
            wake = wake < udp.next_at ? wake : udp.next_at;
            if (udp.oldest <= udp.sent) {
                int64_t exp = udp.sent_at[udp.oldest % UDP_RING] + TIMEOUT_MS;
                wake = wake < exp ? wake : exp;
            }
        }
        pfd[nconns + 1] = (struct pollfd){ .fd = -1 };
        if (short_ms) {
            if (sh.ph == S_CONNECTING || sh.ph == S_WAITING) {
                pfd[nconns + 1] = (struct pollfd){ .fd = sh.fd, .events = sh.ph == S_CONNECTING ? POLLOUT : POLLIN };
                wake = wake < sh.attempt_start + TIMEOUT_MS ? wake : sh.attempt_start + TIMEOUT_MS;
            } else {
                wake = wake < sh.next_at ? wake : sh.next_at;
            }
        }
        int64_t wait = wake - mono_ms();
        int r = poll(pfd, (nfds_t)nconns + 2, wait < 0 ? 0 : wait > STATE_MS ? STATE_MS : (int)wait);
        if (r < 0) {
            if (errno != EINTR) {
                fprintf(stderr, "netclient: poll: %s\n", strerror(errno));
                break;
            }
            continue;
        }
        now = mono_ms();

        for (int i = 0; i < nconns; i++) {
            struct conn *c = &conns[i];
            short re = pfd[i].revents;
            if (!re)
                continue;
            if (c->st == CONNECTING) {
                if (connect_error(c->fd) != 0)
                    conn_reset(c);
                else
                    conn_up(c, now);
                continue;
            }
            if (re & POLLOUT)
                conn_flush(c);
            if (re & (POLLIN | POLLERR | POLLHUP))
                conn_read(c, now);
        }
        if (pfd[nconns].revents)
            udp_read(now);
        short sre = pfd[nconns + 1].revents;
        if (sre && sh.ph == S_CONNECTING)
            short_connected(now);
        else if (sre && sh.ph == S_WAITING)
            short_read(now, (uint64_t)short_ms);
    }

    int64_t now = mono_ms();
    write_state(0, now);
    uint64_t r, l, d, k;
    int64_t p;
    totals(&r, &l, &d, &k, &p, now);
    return r || l || d || k ? 1 : 0;
}
