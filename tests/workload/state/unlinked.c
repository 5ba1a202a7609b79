/* Files open after their last link was removed, a small one and one of 4 MiB (past CRIU's default ghost limit of
 * 1 MiB): their contents must come back with them. */
#include "state.h"
#include <sys/stat.h>

#define BIG (4 << 20)
static int small, big;
static const char text[] = "unlinked but open\n";

static int intact(int fd, const char *what)
{
    char buf[sizeof text];
    struct stat st;
    if (fstat(fd, &st) < 0) return fail("%s: fstat: %s", what, strerror(errno));
    if (st.st_nlink != 0) return fail("%s: it has %ld links again", what, (long)st.st_nlink);
    if (pread(fd, buf, sizeof text - 1, 0) != sizeof text - 1 || memcmp(buf, text, sizeof text - 1)) return fail("%s: its contents changed", what);
    return 1;
}

static int check(void)
{
    if (!intact(small, "the small file") || !intact(big, "the 4 MiB file")) return 0;
    char end;
    if (pread(big, &end, 1, BIG - 1) != 1 || end != 'z') return fail("the 4 MiB file lost its end");
    return 1;
}

static int unlinked(const char *path, off_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open");
    if (write(fd, text, sizeof text - 1) != sizeof text - 1) die("write");
    if (size > 0) {
        static char block[65536];
        memset(block, 'z', sizeof block);
        for (off_t at = sizeof text - 1; at < size; at += sizeof block)
            if (pwrite(fd, block, size - at < (off_t)sizeof block ? (size_t)(size - at) : sizeof block, at) < 0) die("pwrite");
    }
    if (unlink(path) < 0) die("unlink");
    return fd;
}

int main(void)
{
    small = unlinked("/var/unlinked-small", 0);
    big = unlinked("/var/unlinked-big", BIG);
    run_checks(check);
}
