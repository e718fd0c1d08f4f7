/*
 * dsgd: the gateway daemon. `dsgd [-d] [-p PIDFILE] [-s STATEDIR] [-u USER]`
 * runs the master; `dsgd --worker ROLE ...` is how the master re-execs
 * itself for each worker (OpenSSH style: every worker starts from a fresh
 * image), never for operators.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/master.h"
#include "run/settings.h"
#include "run/worker.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dsgd [-d] [-l ADDR:PORT] [-p PIDFILE] [-s STATEDIR] [-u USER]\n"
            "  -d          stay in the foreground and log to stderr\n"
            "  -l ADDR:PORT  the portal's TLS listener, an IPv4 address (default 127.0.0.1:8443)\n"
            "  -p PIDFILE  pidfile (default STATEDIR/dsgd.pid)\n"
            "  -s STATEDIR state directory (default ./var)\n"
            "  -u USER     the unprivileged user of the workers (default dsg)\n");
}

static int copy_arg(char *dst, size_t size, const char *src, const char *what)
{
    if (src[0] == '\0' || strlen(src) >= size) {
        fprintf(stderr, "dsgd: %s: empty or too long\n", what);
        return -1;
    }
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

/* -l ADDR:PORT: an IPv4 literal (checked when the master binds) and a port
 * 1..65535. Until the configuration file exists this is how tests and
 * operators move the portal off 8443. */
static int listen_arg(dsgd_settings *s, const char *v)
{
    const char *colon = strrchr(v, ':');
    char *end;
    unsigned long port;
    if (colon == NULL || colon == v || (size_t)(colon - v) >= sizeof s->portal_addr) {
        fprintf(stderr, "dsgd: -l: want ADDR:PORT, e.g. 127.0.0.1:8443\n");
        return -1;
    }
    port = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port == 0 || port > 65535) {
        fprintf(stderr, "dsgd: -l: bad port '%s'\n", colon + 1);
        return -1;
    }
    memcpy(s->portal_addr, v, (size_t)(colon - v));
    s->portal_addr[colon - v] = '\0';
    s->portal_port = (uint16_t)port;
    return 0;
}

static int worker_mode(int argc, char **argv)
{
    const char *statedir = NULL, *user = NULL, *hook = NULL;
    int opt;
    /* argv[1] is --worker, argv[2] the role */
    optind = 3;
    while ((opt = getopt(argc, argv, "s:u:T:")) != -1) {
        switch (opt) {
        case 's': statedir = optarg; break;
        case 'u': user = optarg; break;
#ifdef DSG_TEST_HOOKS
        case 'T': hook = optarg; break;
#endif
        default:
            fprintf(stderr, "dsgd: bad worker arguments\n");
            return 2;
        }
    }
    if (argc < 3 || statedir == NULL || user == NULL || optind != argc) {
        fprintf(stderr, "dsgd: bad worker arguments\n");
        return 2;
    }
    return dsgd_worker_main(argv[2], statedir, user, hook);
}

/* @relation(REQ-RUN-030, REQ-RUN-035) */
int main(int argc, char **argv)
{
    static dsgd_settings s;
    char exe[DSGD_PATH_MAX];
    ssize_t n;
    int opt;

    if (argc >= 2 && strcmp(argv[1], "--worker") == 0)
        return worker_mode(argc, argv);
    dsgd_settings_defaults(&s);
    while ((opt = getopt(argc, argv, "dhl:p:s:u:")) != -1) {
        switch (opt) {
        case 'd': s.foreground = 1; break;
        case 'l':
            if (listen_arg(&s, optarg) != 0)
                return 2;
            break;
        case 'p':
            if (copy_arg(s.pidfile, sizeof s.pidfile, optarg, "-p") != 0)
                return 2;
            break;
        case 's':
            if (copy_arg(s.statedir, sizeof s.statedir - 64, optarg, "-s") != 0)
                return 2;
            break;
        case 'u':
            if (copy_arg(s.user, sizeof s.user, optarg, "-u") != 0)
                return 2;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* the binary every worker re-execs, taken before anything can replace it */
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        perror("dsgd: readlink /proc/self/exe");
        return 1;
    }
    exe[n] = '\0';
    return dsgd_master_main(&s, exe);
}
