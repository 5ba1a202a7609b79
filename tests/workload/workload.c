/*
 * Live-migration test workload: a process whose state shows at once whether a checkpoint/restore
 * (or a migration to another host) was transparent.
 *
 *   workload MIB [TICK_MS] [compressible]   (build: gcc -O2 -static -Wall -Wextra -o workload workload.c)
 *
 * It holds MIB MiB of checkable memory: incompressible (random words), or with "compressible" text-like runs
 * (one random word of letters repeated through each 256 bytes, as zstd or lz4 shrink about 20-fold), a child process on two pipes, and a log
 * file kept open in append mode. Each tick it re-checks part of all of that and rewrites
 * /var/log/workload.state with one line:
 *   counter=N mib=M seed=S passes=P maxgap_ms=G lastgap_ms=L errors=0 start_unix_ms=T
 *   now_unix_ms=T2 pid=PID gaps=K
 * passes counts full verifications of the memory; lastgap_ms is the most recent gap above
 * GAP_MS (the latest downtime), gaps how many such gaps there were. counter=0 means the memory
 * is still being filled.
 * Exit codes: 0 on SIGTERM/SIGINT, 2 if it cannot start, 3 on any corruption (also logged as
 * "CORRUPTION: ..." to the log and stderr). A hung child or stopped process shows as a state
 * file that stops advancing; the tests watch now_unix_ms for that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG_PATH "/var/log/workload.log"
#define STATE_PATH "/var/log/workload.state"
#define STATE_TMP "/var/log/workload.state.tmp"
#define GAP_MS 50
#define SLICE_BYTES (4u << 20) /* memory checked per tick: a full pass every MIB/4 ticks */

static volatile sig_atomic_t stop;
static int log_fd = -1;
static off_t log_off; /* where our own appends must have left the file offset */

static void on_term(int sig) { (void)sig; stop = 1; }

/* Wall clock on purpose: CLOCK_MONOTONIC is per boot, so after a restore on another machine
 * (or even on the same one, without a time namespace) it can jump either way and a gap measured
 * with it would be meaningless. Real time is what a client of the service experiences. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void write_all(int fd, const char *buf, size_t len, int *ok)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *ok = 0;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* Appends one line and keeps log_off in step, so that the next offset check catches a log fd
 * that came back from a restore at the wrong place (or a file that was swapped or truncated). */
static int log_line(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    if ((size_t)n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    int ok = 1;
    write_all(log_fd, buf, (size_t)n, &ok);
    if (ok)
        log_off += n;
    return ok;
}

static void corruption(const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "CORRUPTION: %s\n", msg);
    if (log_fd >= 0)
        log_line("CORRUPTION: %s (at unix_ms %" PRId64 ")", msg, now_ms());
    exit(3);
}

static void fatal(const char *what)
{
    fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Rename makes the new line appear all at once: a reader never sees a torn or empty state. */
static int write_state(const char *line)
{
    int fd = open(STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return 0;
    int ok = 1;
    write_all(fd, line, strlen(line), &ok);
    if (close(fd) != 0)
        ok = 0;
    return ok && rename(STATE_TMP, STATE_PATH) == 0;
}

/* The child only echoes counter+1; it exists so that a process tree and two pipes with data
 * flowing both ways must survive the checkpoint. It leaves when the parent's end closes. */
static void child_loop(int rfd, int wfd)
{
    uint64_t v;
    for (;;) {
        ssize_t n = read(rfd, &v, sizeof v);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof v)
            _exit(n == 0 ? 0 : 1);
        v++;
        if (write(wfd, &v, sizeof v) != (ssize_t)sizeof v)
            _exit(1);
    }
}

static int compressible;

/* The word memory holds at index i: random, or in compressible mode the same letters for 32 words in a row. */
static uint64_t word_at(uint64_t seed, size_t i)
{
    if (!compressible)
        return splitmix64(seed ^ i);
    return (splitmix64(seed ^ (i >> 5)) & 0x1f1f1f1f1f1f1f1full) | 0x4040404040404040ull;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4 || (argc == 4 && strcmp(argv[3], "compressible"))) {
        fprintf(stderr, "usage: %s MIB [TICK_MS] [compressible]\n", argv[0]);
        return 2;
    }
    char *end;
    unsigned long mib = strtoul(argv[1], &end, 10);
    if (*end || mib == 0 || mib > (1ul << 20)) {
        fprintf(stderr, "workload: bad MIB '%s'\n", argv[1]);
        return 2;
    }
    unsigned long tick_ms = 10;
    compressible = argc == 4;
    if (argc >= 3) {
        tick_ms = strtoul(argv[2], &end, 10);
        if (*end || tick_ms == 0 || tick_ms > 60000) {
            fprintf(stderr, "workload: bad TICK_MS '%s'\n", argv[2]);
            return 2;
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term; /* no SA_RESTART: a blocked read or sleep must notice the stop */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a dead child must show as EPIPE, not kill us silently */

    int64_t start_ms = now_ms();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = splitmix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)getpid());

    /* Fork before filling memory: the child stays small, the dump holds the pattern once. */
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0)
        fatal("pipe");
    pid_t child = fork();
    if (child < 0)
        fatal("fork");
    if (child == 0) {
        /* A plain kill of the child must end it, so that the parent's check has teeth. */
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        close(down[1]);
        close(up[0]);
        child_loop(down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    int to_child = down[1], from_child = up[0];

    log_fd = open(LOG_PATH, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0)
        fatal("open " LOG_PATH);
    /* O_APPEND leaves the offset at 0 until the first write; move it to the end so that the
     * offset is predictable from the very start. */
    log_off = lseek(log_fd, 0, SEEK_END);
    if (log_off < 0)
        fatal("lseek");

    char line[512];
    pid_t pid = getpid();
    snprintf(line, sizeof line,
             "counter=0 mib=%lu seed=%" PRIu64 " passes=0 maxgap_ms=0 lastgap_ms=0 errors=0 "
             "start_unix_ms=%" PRId64 " now_unix_ms=%" PRId64 " pid=%d gaps=0\n",
             mib, seed, start_ms, start_ms, (int)pid);
    if (!log_line("start mib=%lu tick_ms=%lu seed=%" PRIu64 " pid=%d child=%d start_unix_ms=%" PRId64,
                  mib, tick_ms, seed, (int)pid, (int)child, start_ms) ||
        !write_state(line))
        fatal("write log/state");

    size_t words = (size_t)mib * (1u << 20) / sizeof(uint64_t);
    uint64_t *mem = mmap(NULL, words * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        fatal("mmap");
    for (size_t i = 0; i < words; i++)
        mem[i] = word_at(seed, i);
    size_t slice = SLICE_BYTES / sizeof(uint64_t);
    if (slice > words)
        slice = words;
    log_line("filled mib=%lu in %" PRId64 " ms", mib, now_ms() - start_ms);

    uint64_t counter = 0, passes = 0, gaps = 0;
    int64_t prev = now_ms(), maxgap = 0, lastgap = 0;
    size_t pos = 0;
    struct timespec tick = { (time_t)(tick_ms / 1000), (long)(tick_ms % 1000) * 1000000L };

    while (!stop) {
        counter++;
        int64_t now = now_ms();
        int64_t gap = now - prev;
        prev = now;
        if (gap > maxgap)
            maxgap = gap;
        if (gap > GAP_MS) {
            lastgap = gap;
            gaps++;
            if (!log_line("gap %" PRId64 " ms end_unix_ms %" PRId64 " counter %" PRIu64, gap, now, counter))
                corruption("cannot write the log: %s", strerror(errno));
        }

        for (size_t k = 0; k < slice; k++, pos++) {
            if (pos == words) {
                pos = 0;
                passes++;
            }
            uint64_t want = word_at(seed, pos);
            if (mem[pos] != want)
                corruption("memory word %zu (MiB %zu) is %016" PRIx64 ", want %016" PRIx64
                           " counter %" PRIu64, pos, pos * sizeof(uint64_t) >> 20, mem[pos], want, counter);
        }

        /* Restores may cut a blocked syscall short (CRIU turns a lost restart into EINTR), so
         * EINTR is retried; only a wrong answer, EOF or a reaped child is corruption. */
        ssize_t n;
        do
            n = write(to_child, &counter, sizeof counter);
        while (n < 0 && errno == EINTR && !stop);
        if (stop)
            break;
        if (n != (ssize_t)sizeof counter)
            corruption("pipe to child: wrote %zd: %s", n, n < 0 ? strerror(errno) : "short");
        uint64_t answer = 0;
        do
            n = read(from_child, &answer, sizeof answer);
        while (n < 0 && errno == EINTR && !stop);
        if (stop)
            break;
        if (n != (ssize_t)sizeof answer)
            corruption("pipe from child: read %zd: %s", n, n < 0 ? strerror(errno) : "EOF/short");
        if (answer != counter + 1)
            corruption("child answered %" PRIu64 " to %" PRIu64, answer, counter);
        int status = 0;
        if (waitpid(child, &status, WNOHANG) != 0)
            corruption("child %d is gone (status %d)", (int)child, status);

        /* Nobody else writes the log, so both its offset and its size must be where our own
         * appends left them; a short file means the log was not carried over whole. */
        off_t off = lseek(log_fd, 0, SEEK_CUR);
        struct stat st;
        if (off != log_off)
            corruption("log offset is %jd, want %jd", (intmax_t)off, (intmax_t)log_off);
        if (fstat(log_fd, &st) != 0 || st.st_size != log_off)
            corruption("log size is %jd, want %jd", (intmax_t)st.st_size, (intmax_t)log_off);

        snprintf(line, sizeof line,
                 "counter=%" PRIu64 " mib=%lu seed=%" PRIu64 " passes=%" PRIu64 " maxgap_ms=%" PRId64
                 " lastgap_ms=%" PRId64 " errors=0 start_unix_ms=%" PRId64 " now_unix_ms=%" PRId64
                 " pid=%d gaps=%" PRIu64 "\n",
                 counter, mib, seed, passes, maxgap, lastgap, start_ms, now, (int)pid, gaps);
        if (!write_state(line))
            corruption("cannot write %s: %s", STATE_PATH, strerror(errno));

        nanosleep(&tick, NULL); /* EINTR only shortens one tick */
    }

    log_line("stop counter %" PRIu64 " passes %" PRIu64 " maxgap_ms %" PRId64 " gaps %" PRIu64,
             counter, passes, maxgap, gaps);
    close(to_child); /* EOF makes the child leave */
    waitpid(child, NULL, 0);
    return 0;
}
