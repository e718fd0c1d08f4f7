/*
 * dsgctl org: the registered organisations and the networks their accounts
 * reach DSG from (REQ-ACCT-016). Every argument is checked here, with the
 * auth role's own checks (src/auth/org_policy.h: the name, the kind, the
 * network list by the proved src/core/netlist), before the daemon is
 * contacted: exit 64 naming the argument. The auth role checks again.
 * The request goes as one JSON object (src/auth/org_policy.h), so that a
 * name with blanks or any script stays one argument.
 *
 * Exit status as dsgctl account's: 0 done; 1 refused (org_exists,
 * unknown_org); 64 usage; 69 dsgd unreachable; 70 refused command or
 * storage; 75 the record was not stored; 76 protocol error; 77 not root
 * and not in group dsgadm, or no administrator's login.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/org_policy.h"
#include "ctl/dsgctl.h"

#define SOCKET_HELP "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
#define EXIT_HELP                                                                      \
    "\nExit status: 0 done; 1 refused (the code says why); 64 usage error; 69 dsgd\n" \
    "unreachable; 70 refused command; 75 the record was not stored; 76 protocol\n"    \
    "error; 77 not root and not in group dsgadm, or no administrator's login.\n"

static const char add_help[] =
    "usage: dsgctl org add ORG --kind company|ministry --networks CIDR[,CIDR...]\n"
    "                      [--socket PATH]\n"
    "\n"
    "Registers the organisation ORG (the text of its accounts' --org) and the\n"
    "networks its accounts may use DSG from. An account whose organisation is\n"
    "not registered may not be used from any network (a Ministry account still\n"
    "from auth.ministry_networks). --kind company is for prime and vendor\n"
    "organisations, ministry for the Ministry. CIDR is ADDR/LEN or ADDR, IPv4\n"
    "or IPv6, host bits zero (10.20.0.0/16, 2001:db8:10::/48).\n" SOCKET_HELP EXIT_HELP;

static const char networks_help[] =
    "usage: dsgctl org networks ORG CIDR[,CIDR...] [--socket PATH]\n"
    "\n"
    "Replaces the registered networks of ORG. Sessions in use from an address\n"
    "the new list does not hold are refused at their next request\n"
    "(network_not_allowed).\n" SOCKET_HELP EXIT_HELP;

static const char list_help[] =
    "usage: dsgctl org list [--json] [--socket PATH]\n"
    "\n"
    "The registered organisations, by name: kind, last change, by whom, and\n"
    "the networks; --json prints one JSON object a line.\n" SOCKET_HELP EXIT_HELP;

static const char show_help[] =
    "usage: dsgctl org show ORG [--json] [--socket PATH]\n"
    "\n"
    "One registered organisation: kind, networks, who registered and last\n"
    "changed it, and when.\n" SOCKET_HELP EXIT_HELP;

static int usage(const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl: org %s: %s", cmd, what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help org %s'.\n", cmd);
    return EXIT_USAGE;
}

/* Sends line and prints the answer; a refusal's message goes to stderr. */
static int run(const char *cmd, const char *line, const char *socket)
{
    char err[4200];
    int status = 0;
    if (fflush(stdout) != 0)
        return EXIT_IOERR;
    dsg_ctl_result r = dsg_ctl_stream(socket, line, 15000, 1, &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: org %s: %s\n", cmd, err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0)
        fprintf(stderr, "dsgctl: org %s: %s%s", cmd, err,
                err[0] && err[strlen(err) - 1] == '\n' ? "" : "\n");
    return dsgctl_finish_stdout(status);
}

static int wants_help(int argc, char **argv, const char *help)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return 1;
        }
    return 0;
}

/* The arguments of an org command: ORG, and NETWORKS (networks only),
 * the options --kind, --networks, --json and --socket where allowed. */
typedef struct org_args {
    const char *socket, *org, *kind, *networks, *list;
    int json;
} org_args;

static int parse(const char *cmd, int argc, char **argv, int positional, int options,
                 org_args *a)
{
    enum { KIND = 1, NETWORKS = 2, JSON = 4 };
    const char **pos[2] = { &a->org, &a->list };
    int npos = 0;
    memset(a, 0, sizeof *a);
    a->socket = DSG_CTL_SOCKET_DEFAULT;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(o, "--socket") == 0 && has_value)
            a->socket = argv[++i];
        else if ((options & KIND) && strcmp(o, "--kind") == 0 && has_value && a->kind == NULL)
            a->kind = argv[++i];
        else if ((options & NETWORKS) && strcmp(o, "--networks") == 0 && has_value &&
                 a->networks == NULL)
            a->networks = argv[++i];
        else if ((options & JSON) && strcmp(o, "--json") == 0 && !a->json)
            a->json = 1;
        else if (o[0] != '-' && npos < positional)
            *pos[npos++] = o;
        else
            return usage(cmd, "unexpected argument", o);
    }
    if (npos < positional)
        return usage(cmd, positional == 1 ? "ORG is required" : "ORG and CIDR[,CIDR...] are "
                                                                "required", NULL);
    return 0;
}

/* The request into a control line "org CMD JSON": 0, or 64 after the
 * usage error naming the argument. */
static int request_line(const char *cmd, const dsg_org_req *q, char *line, size_t cap)
{
    uint8_t json[DSG_ORG_JSON_MAX];
    size_t n;
    if (dsg_org_req_to_json(q, json, sizeof json, &n) != 0)
        return usage(cmd, "the request is too long", NULL);
    if ((size_t)snprintf(line, cap, "org %s %.*s", cmd, (int)n, (const char *)json) >= cap)
        return usage(cmd, "the request is too long", NULL);
    return 0;
}

/* ORG and the network list as the auth role will check them. */
static int check_org(const char *cmd, const char *org, const char *networks, const char *opt)
{
    dsg_acct_problem p;
    static dsg_ip_net nets[DSG_NETLIST_MAX];
    size_t count;
    if (dsg_org_name_check(org, &p) != 0)
        return usage(cmd, "ORG is 1 to 128 bytes of UTF-8 without control characters, not",
                     org);
    if (networks != NULL && dsg_org_networks_check(networks, nets, DSG_NETLIST_MAX, &count,
                                                   &p) != 0) {
        char what[240];
        snprintf(what, sizeof what, "%s: %s; not", opt, p.message + strlen("networks: "));
        return usage(cmd, what, networks);
    }
    return 0;
}

/* dsgctl org add ORG --kind company|ministry --networks LIST
 * @relation(REQ-ACCT-016, REQ-ACCT-020) */
static int cmd_add(int argc, char **argv)
{
    org_args a;
    dsg_org_req q;
    char line[DSG_CTL_LINE_MAX];
    int rc;
    if (wants_help(argc, argv, add_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("add", argc, argv, 1, 1 | 2, &a)) != 0)
        return rc;
    if (a.kind == NULL || dsg_org_class_parse(a.kind) < 0)
        return usage("add", "--kind is company or ministry, not", a.kind != NULL ? a.kind : "");
    if (a.networks == NULL)
        return usage("add", "--networks CIDR[,CIDR...] is required", NULL);
    if ((rc = check_org("add", a.org, a.networks, "--networks")) != 0)
        return rc;
    memset(&q, 0, sizeof q);
    snprintf(q.org, sizeof q.org, "%s", a.org);
    q.kind = dsg_org_class_parse(a.kind);
    snprintf(q.networks, sizeof q.networks, "%s", a.networks);
    if ((rc = request_line("add", &q, line, sizeof line)) != 0)
        return rc;
    return run("add", line, a.socket);
}

/* dsgctl org networks ORG LIST @relation(REQ-ACCT-016, REQ-ACCT-020) */
static int cmd_networks(int argc, char **argv)
{
    org_args a;
    dsg_org_req q;
    char line[DSG_CTL_LINE_MAX];
    int rc;
    if (wants_help(argc, argv, networks_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("networks", argc, argv, 2, 0, &a)) != 0 ||
        (rc = check_org("networks", a.org, a.list, "CIDR[,CIDR...]")) != 0)
        return rc;
    memset(&q, 0, sizeof q);
    q.kind = -1;
    snprintf(q.org, sizeof q.org, "%s", a.org);
    snprintf(q.networks, sizeof q.networks, "%s", a.list);
    if ((rc = request_line("networks", &q, line, sizeof line)) != 0)
        return rc;
    return run("networks", line, a.socket);
}

/* dsgctl org list [--json] @relation(REQ-ACCT-016, REQ-ACCT-020) */
static int cmd_list(int argc, char **argv)
{
    org_args a;
    int rc;
    if (wants_help(argc, argv, list_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("list", argc, argv, 0, 4, &a)) != 0)
        return rc;
    return run("list", a.json ? "org list --json" : "org list", a.socket);
}

/* dsgctl org show ORG [--json] @relation(REQ-ACCT-016, REQ-ACCT-020) */
static int cmd_show(int argc, char **argv)
{
    org_args a;
    dsg_org_req q;
    char line[DSG_CTL_LINE_MAX];
    int rc;
    if (wants_help(argc, argv, show_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("show", argc, argv, 1, 4, &a)) != 0 ||
        (rc = check_org("show", a.org, NULL, NULL)) != 0)
        return rc;
    memset(&q, 0, sizeof q);
    q.kind = -1;
    snprintf(q.org, sizeof q.org, "%s", a.org);
    if ((rc = request_line("show", &q, line, sizeof line - 8)) != 0)
        return rc;
    if (a.json)
        strcat(line, " --json");
    return run("show", line, a.socket);
}

const command dsgctl_org_commands[DSGCTL_ORG_COMMANDS] = {
    { "add", "register an organisation, its kind and its networks", add_help, cmd_add },
    { "networks", "replace an organisation's registered networks", networks_help,
      cmd_networks },
    { "list", "the registered organisations", list_help, cmd_list },
    { "show", "one registered organisation", show_help, cmd_show },
};
