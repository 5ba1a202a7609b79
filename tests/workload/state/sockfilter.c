/* A socket with a classic BPF filter attached: the filter comes back and still drops what it should. */
#include "state.h"
#include <linux/filter.h>
#include <sys/socket.h>

static int s[2];

static int check(void)
{
    struct sock_filter code[4];
    socklen_t len = 4;
    if (getsockopt(s[1], SOL_SOCKET, SO_ATTACH_FILTER, code, &len) < 0) return fail("SO_GET_FILTER: %s", strerror(errno));
    if (len != 4) return fail("the filter has %u instructions, not 4", (unsigned)len);
    char buf[16];
    /* The filter keeps 2-byte datagrams and drops the rest. */
    if (send(s[0], "drop", 4, 0) != 4 || send(s[0], "ok", 2, 0) != 2) return fail("send: %s", strerror(errno));
    ssize_t n = recv(s[1], buf, sizeof buf, MSG_DONTWAIT);
    if (n != 2) return fail("received %zd bytes, the filter let through the wrong datagram", n);
    return 1;
}

int main(void)
{
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, s) < 0) die("socketpair");
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { 4, code };
    if (setsockopt(s[1], SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) die("SO_ATTACH_FILTER");
    run_checks(check);
}
