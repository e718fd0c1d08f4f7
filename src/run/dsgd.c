/*
 * dsgd: the gateway daemon. `dsgd [-dn] [-f FILE] [-l ADDR:PORT] [-p PIDFILE] [-s DIR] [-u USER]`
 * runs the master; `dsgd --worker ROLE ...` is how the master re-execs
 * itself for each worker (OpenSSH style: every worker starts from a fresh
 * image), never for operators.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "run/config_show.h"
#include "run/master.h"
#include "run/portal_tls.h"
#include "run/settings.h"
#include "run/tls_policy.h"
#include "run/worker.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: dsgd [-dn] [-f FILE] [-l ADDR:PORT] [-p PIDFILE] [-s STATEDIR] [-u USER]\n"
            "  -d          stay in the foreground and log to stderr\n"
            "  -f FILE     the configuration file (default: none, every key has a default)\n"
            "  -n          check the configuration and exit: 0 if it loads, 1 naming the line\n"
            "  -l ADDR:PORT  the portal's TLS listener, an IPv4 address (default 127.0.0.1:8443)\n"
            "  -p PIDFILE  pidfile (default STATEDIR/dsgd.pid)\n"
            "  -s STATEDIR state directory (default ./var)\n"
            "  -u USER     the unprivileged user of the workers (default dsg)\n");
}

static int copy_arg(char *dst, size_t size, const char *src, const char *what, char *err,
                    size_t n)
{
    if (src[0] == '\0' || strlen(src) >= size) {
        snprintf(err, n, "%s: empty or too long", what);
        return -1;
    }
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

static int worker_mode(int argc, char **argv)
{
    const char *statedir = NULL, *user = NULL, *hook = NULL, *logd = NULL, *fwd = NULL;
    int opt;
    /* argv[1] is --worker, argv[2] the role */
    optind = 3;
    while ((opt = getopt(argc, argv, "s:u:L:F:T:")) != -1) {
        switch (opt) {
        case 's': statedir = optarg; break;
        case 'u': user = optarg; break;
        case 'L': logd = optarg; break;
        case 'F': fwd = optarg; break;
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
    return dsgd_worker_main(argv[2], statedir, user, logd, fwd, hook);
}

/* The command line: where the configuration comes from, and the values
 * that override it. */
struct options {
    const char *file;          /* -f */
    int check_only;            /* -n */
    int foreground;            /* -d */
    const char *listen, *pidfile, *statedir, *user;
};

static int parse_options(int argc, char **argv, struct options *o)
{
    int opt;
    memset(o, 0, sizeof *o);
    while ((opt = getopt(argc, argv, "df:hl:np:s:u:")) != -1) {
        switch (opt) {
        case 'd': o->foreground = 1; break;
        case 'f': o->file = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'n': o->check_only = 1; break;
        case 'p': o->pidfile = optarg; break;
        case 's': o->statedir = optarg; break;
        case 'u': o->user = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* The command line's values over the loaded configuration, so that
 * `dsgctl config show` names the option a value comes from. */
static int apply_options(const struct options *o, dsgd_config_in_force *in, char *err, size_t n)
{
    static const struct { dsg_config_id id; size_t at; } opt[] = {
        { DSG_CFG_PORTAL_LISTEN, offsetof(struct options, listen) },
        { DSG_CFG_DSGD_PIDFILE, offsetof(struct options, pidfile) },
        { DSG_CFG_DSGD_STATE_DIR, offsetof(struct options, statedir) },
        { DSG_CFG_DSGD_USER, offsetof(struct options, user) },
    };
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++) {
        const char *v = *(const char *const *)((const char *)o + opt[i].at);
        if (v != NULL && dsgd_config_override(in, opt[i].id, v) != 0) {
            snprintf(err, n, "%s: too long", dsgd_config_option(opt[i].id));
            return -1;
        }
    }
    return 0;
}

/* Defaults, then the file, then the command line. 0, 1 (a bad file or
 * value) or 2 (a bad option), with the message in err naming it; on 0,
 * *in is the configuration in force. */
static int load_settings(const struct options *o, dsgd_settings *s, dsgd_config_in_force *in,
                         char *err, size_t n)
{
    static dsgd_config_in_force next;
    dsg_config_error cerr;
    char msg[512];
    memset(&next, 0, sizeof next);
    if (dsg_config_defaults(&next.cfg) != 0) {
        snprintf(err, n, "the embedded defaults do not load");
        return 1;
    }
    if (o->file != NULL && dsg_config_load_file(o->file, &next.cfg, &cerr) != DSG_CONFIG_OK) {
        snprintf(err, n, "%s", cerr.message);
        return 1;
    }
    if (dsgd_tls_policy_check(&next.cfg, err, n) != 0 ||
        dsgd_settings_roles_check(&next.cfg, err, n) != 0 ||
        dsgd_settings_forward_check(&next.cfg, err, n) != 0 ||
        dsgd_settings_auth_check(&next.cfg, err, n) != 0 ||
        dsgd_settings_share_check(&next.cfg, err, n) != 0)
        return 1;
    s->foreground = o->foreground;
    if (dsgd_settings_from_config(s, &next.cfg, msg, sizeof msg) != 0) {
        snprintf(err, n, "%s: %s", o->file != NULL ? o->file : "defaults", msg);
        return 1;
    }
    if (o->listen != NULL && dsgd_settings_listen(s, o->listen, msg, sizeof msg) != 0) {
        snprintf(err, n, "-l: %s", msg);
        return 2;
    }
    if ((o->pidfile != NULL &&
         copy_arg(s->pidfile, sizeof s->pidfile, o->pidfile, "-p", err, n) != 0) ||
        (o->statedir != NULL &&
         copy_arg(s->statedir, sizeof s->statedir - 64, o->statedir, "-s", err, n) != 0) ||
        (o->user != NULL && copy_arg(s->user, sizeof s->user, o->user, "-u", err, n) != 0) ||
        apply_options(o, &next, err, n) != 0)
        return 2;
    memcpy(in, &next, sizeof *in);
    return 0;
}

static struct options opts;   /* kept for reloads */

/* SIGHUP: the same sources again (REQ-RUN-009). */
static int reload_settings(dsgd_settings *s, dsgd_config_in_force *in, char *err, size_t n)
{
    return load_settings(&opts, s, in, err, n) == 0 ? 0 : -1;
}

/* @relation(REQ-RUN-018, REQ-RUN-025, REQ-RUN-030, REQ-RUN-035, REQ-RUN-048) */
int main(int argc, char **argv)
{
    static dsgd_settings s;
    static dsgd_config_in_force in;
    struct options *o = &opts;
    char exe[DSGD_PATH_MAX], err[600];
    ssize_t n;
    int rc;

    if (argc >= 2 && strcmp(argv[1], "--worker") == 0)
        return worker_mode(argc, argv);
    if (parse_options(argc, argv, o) != 0)
        return 2;
    rc = load_settings(o, &s, &in, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "dsgd: %s\n", err);
        return rc;
    }
    if (o->check_only) {
        printf("dsgd: %s: configuration OK\n", o->file != NULL ? o->file : "embedded defaults");
        return 0;
    }
    /* the binary every worker re-execs, taken before anything can replace it */
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        perror("dsgd: readlink /proc/self/exe");
        return 1;
    }
    exe[n] = '\0';
    return dsgd_master_main(&s, &in, exe, reload_settings);
}
