/* UNIX socket pairs inside the container, of each type, with data queued in them. */
#include "state.h"
#include <sys/socket.h>

static int pairs[3][2];
static const int types[3] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

static int check(void)
{
    for (int i = 0; i < 3; i++) {
        char buf[16];
        /* One message always waits in the queue: the move must carry it too. */
        ssize_t n = recv(pairs[i][1], buf, sizeof buf, MSG_DONTWAIT);
        if (n != 5 || memcmp(buf, "queue", 5)) return fail("socket type %d: queued message lost (%zd bytes)", types[i], n);
        if (send(pairs[i][0], "queue", 5, 0) != 5) return fail("socket type %d: send: %s", types[i], strerror(errno));
    }
    return 1;
}

int main(void)
{
    for (int i = 0; i < 3; i++)
        if (socketpair(AF_UNIX, types[i], 0, pairs[i]) < 0 || send(pairs[i][0], "queue", 5, 0) != 5) die("socketpair");
    run_checks(check);
}
