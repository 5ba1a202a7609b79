/* A pseudo-terminal pair inside the container: bytes written to the master arrive on the slave. */
#include "state.h"
#include <termios.h>

static int master, slave;

static int check(void)
{
    char buf[8];
    if (write(master, "ping", 4) != 4) return fail("write master: %s", strerror(errno));
    ssize_t n = 0, r;
    for (int i = 0; i < 50 && n < 4; i++) {
        if ((r = read(slave, buf + n, 4 - n)) > 0) n += r;
        else usleep(1000);
    }
    if (n != 4 || memcmp(buf, "ping", 4)) return fail("read %zd bytes from the slave", n);
    return 1;
}

int main(void)
{
    if ((master = posix_openpt(O_RDWR | O_NOCTTY)) < 0 || grantpt(master) < 0 || unlockpt(master) < 0) die("posix_openpt");
    if ((slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK)) < 0) die("open slave");
    struct termios t;
    if (tcgetattr(slave, &t) < 0) die("tcgetattr");
    cfmakeraw(&t);
    if (tcsetattr(slave, TCSANOW, &t) < 0) die("tcsetattr");
    run_checks(check);
}
