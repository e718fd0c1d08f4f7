/*
 * tcp_idle: a conformance helper. Opens N TCP connections to ADDR:PORT,
 * sends nothing, and waits until the server has closed every one (read
 * returns 0 or an error) or LIMIT seconds pass. Prints one line per
 * connection, "closed after MS ms" or "still open after LIMIT s", and exits
 * 0 only if every connection was closed.
 *
 *   tcp_idle ADDR PORT N LIMIT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    struct sockaddr_in sa;
    struct pollfd pf[64];
    long long start, closed_at[64];
    int n, limit, open_left;

    if (argc != 5 || (n = atoi(argv[3])) < 1 || n > 64 || (limit = atoi(argv[4])) < 1) {
        fprintf(stderr, "usage: tcp_idle ADDR PORT N(1-64) LIMIT_SECONDS\n");
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
        fprintf(stderr, "tcp_idle: bad address %s\n", argv[1]);
        return 2;
    }
    start = now_ms();
    for (int i = 0; i < n; i++) {
        pf[i].fd = socket(AF_INET, SOCK_STREAM, 0);
        if (pf[i].fd < 0 || connect(pf[i].fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            perror("tcp_idle: connect");
            return 2;
        }
        pf[i].events = POLLIN;
        closed_at[i] = -1;
    }
    printf("connected %d\n", n);
    fflush(stdout);
    open_left = n;
    while (open_left > 0) {
        long long left = start + limit * 1000LL - now_ms();
        if (left <= 0)
            break;
        if (poll(pf, (nfds_t)n, (int)left) < 0)
            return 2;
        for (int i = 0; i < n; i++) {
            char b[256];
            if (pf[i].fd < 0 || pf[i].revents == 0)
                continue;
            if (read(pf[i].fd, b, sizeof b) <= 0) {
                closed_at[i] = now_ms() - start;
                close(pf[i].fd);
                pf[i].fd = -1;
                open_left--;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        if (closed_at[i] >= 0)
            printf("closed after %lld ms\n", closed_at[i]);
        else
            printf("still open after %d s\n", limit);
    }
    return open_left == 0 ? 0 : 1;
}
