/* A file open after its last link was removed: its contents must come back with it. */
#include "state.h"
#include <sys/stat.h>

static int fd;
static const char text[] = "unlinked but open\n";

static int check(void)
{
    char buf[sizeof text];
    struct stat st;
    if (fstat(fd, &st) < 0) return fail("fstat: %s", strerror(errno));
    if (st.st_nlink != 0) return fail("the file has %ld links again", (long)st.st_nlink);
    if (pread(fd, buf, sizeof text - 1, 0) != sizeof text - 1 || memcmp(buf, text, sizeof text - 1)) return fail("its contents changed");
    return 1;
}

int main(void)
{
    if ((fd = open("/var/unlinked", O_RDWR | O_CREAT | O_TRUNC, 0644)) < 0) die("open");
    if (write(fd, text, sizeof text - 1) != sizeof text - 1 || unlink("/var/unlinked") < 0) die("write/unlink");
    run_checks(check);
}
