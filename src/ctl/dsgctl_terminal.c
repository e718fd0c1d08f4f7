/*
 * dsgctl terminal: the registered terminals, known by their client
 * certificates (REQ-MFA-002, REQ-MFA-016). Every argument is checked here,
 * with the auth role's own checks (src/auth/terminal_store.h), before the
 * daemon is contacted: exit 64 naming the argument. The certificate file
 * is read here and only its SHA-256 goes to the daemon, which reads no
 * file for it; the request goes as one JSON object.
 *
 * Exit status as dsgctl org's: 0 done; 1 refused (terminal_exists,
 * certificate_registered, unknown_org, kind_mismatch, unknown_terminal,
 * terminal_revoked); 64 usage; 69 dsgd unreachable; 70 refused command or
 * storage; 75 the record was not stored; 76 protocol error; 77 not root
 * and not in group dsgadm, or no administrator's login.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "auth/terminal_store.h"
#include "ctl/dsgctl.h"

#define SOCKET_HELP "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
#define EXIT_HELP                                                                      \
    "\nExit status: 0 done; 1 refused (the code says why); 64 usage error; 69 dsgd\n" \
    "unreachable; 70 refused command; 75 the record was not stored; 76 protocol\n"    \
    "error; 77 not root and not in group dsgadm, or no administrator's login.\n"

static const char register_help[] =
    "usage: dsgctl terminal register NAME --org ORG --kind ministry|company --cert FILE\n"
    "                                [--socket PATH]\n"
    "\n"
    "Registers the terminal NAME of the registered organisation ORG (of that\n"
    "kind) by its client certificate: FILE is the certificate (PEM), and only\n"
    "its SHA-256 is stored. A request whose client certificate the portal\n"
    "verified against portal.client_ca and whose SHA-256 is a live terminal's\n"
    "comes from that terminal: NAME is its computer name in 認証ログ, a\n"
    "ministry terminal exempts Ministry users from WebAuthn (TOTP instead), and\n"
    "POST /api/v1/auth/terminal-logon accepts it. NAME is 1 to 63 letters,\n"
    "digits, '.', '-' and '_', starting with a letter or digit; names are\n"
    "never reused.\n" SOCKET_HELP EXIT_HELP;

static const char revoke_help[] =
    "usage: dsgctl terminal revoke NAME [--socket PATH]\n"
    "\n"
    "Revokes the terminal NAME: its certificate no longer names a terminal.\n"
    "The row stays, listed as revoked.\n" SOCKET_HELP EXIT_HELP;

static const char list_help[] =
    "usage: dsgctl terminal list [--json] [--socket PATH]\n"
    "\n"
    "The registered terminals, live and revoked, by name: state, kind, since\n"
    "when and by whom, the certificate's SHA-256, the name and organisation;\n"
    "--json prints one JSON object a line.\n" SOCKET_HELP EXIT_HELP;

static int usage(const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl: terminal %s: %s", cmd, what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help terminal %s'.\n", cmd);
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
        fprintf(stderr, "dsgctl: terminal %s: %s\n", cmd, err);
        return dsgctl_ctl_status(r);
    }
    if (status != 0)
        fprintf(stderr, "dsgctl: terminal %s: %s%s", cmd, err,
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

typedef struct term_args {
    const char *socket, *name, *org, *kind, *cert;
    int json;
} term_args;

enum { OPT_REGISTER = 1, OPT_JSON = 2 };

static int parse(const char *cmd, int argc, char **argv, int positional, int options,
                 term_args *a)
{
    const char **opt;
    memset(a, 0, sizeof *a);
    a->socket = DSG_CTL_SOCKET_DEFAULT;
    for (int i = 0; i < argc; i++) {
        const char *o = argv[i];
        int has_value = i + 1 < argc;
        opt = !(options & OPT_REGISTER) ? NULL
            : strcmp(o, "--org") == 0   ? &a->org
            : strcmp(o, "--kind") == 0  ? &a->kind
            : strcmp(o, "--cert") == 0  ? &a->cert : NULL;
        if (strcmp(o, "--socket") == 0 && has_value)
            a->socket = argv[++i];
        else if (opt != NULL && has_value && *opt == NULL)
            *opt = argv[++i];
        else if ((options & OPT_JSON) && strcmp(o, "--json") == 0 && !a->json)
            a->json = 1;
        else if (o[0] != '-' && positional && a->name == NULL)
            a->name = o;
        else
            return usage(cmd, "unexpected argument", o);
    }
    if (positional && a->name == NULL)
        return usage(cmd, "NAME is required", NULL);
    if (a->name != NULL) {
        dsg_acct_problem p;
        if (dsg_term_name_check(a->name, &p) != 0)
            return usage(cmd, "NAME is 1 to 63 letters, digits, '.', '-' and '_', starting "
                              "with a letter or digit, not", a->name);
    }
    return 0;
}

/* The SHA-256 of the DER of the first certificate of the PEM file path,
 * as hex, into hex. 0, or 64 after the usage error. */
static int cert_fingerprint(const char *path, char hex[DSG_TERM_FP_HEX + 1])
{
    uint8_t md[DSG_TERM_FP_LEN];
    unsigned int n = 0;
    FILE *f = fopen(path, "r");
    X509 *x = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    int ok = x != NULL && X509_digest(x, EVP_sha256(), md, &n) == 1 && n == sizeof md;
    X509_free(x);
    if (f != NULL)
        fclose(f);
    if (!ok)
        return usage("register", "--cert: not a readable PEM certificate:", path);
    dsg_term_fp_text(md, hex);
    return 0;
}

/* The request into a control line "terminal CMD JSON": 0, or 64. */
static int request_line(const char *cmd, const dsg_term_req *q, char *line, size_t cap)
{
    uint8_t json[DSG_TERM_JSON_MAX];
    size_t n;
    if (dsg_term_req_to_json(q, json, sizeof json, &n) != 0 ||
        (size_t)snprintf(line, cap, "terminal %s %.*s", cmd, (int)n, (const char *)json) >= cap)
        return usage(cmd, "the request is too long", NULL);
    return 0;
}

/* dsgctl terminal register NAME --org ORG --kind K --cert FILE
 * @relation(REQ-MFA-016, REQ-MFA-002) */
static int cmd_register(int argc, char **argv)
{
    term_args a;
    dsg_term_req q;
    dsg_acct_problem p;
    char line[DSG_CTL_LINE_MAX];
    int rc;
    if (wants_help(argc, argv, register_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("register", argc, argv, 1, OPT_REGISTER, &a)) != 0)
        return rc;
    if (a.org == NULL || dsg_org_name_check(a.org, &p) != 0)
        return usage("register", "--org ORG (1 to 128 bytes of UTF-8 without control "
                                 "characters) is required, not", a.org != NULL ? a.org : "");
    if (a.kind == NULL || dsg_org_class_parse(a.kind) < 0)
        return usage("register", "--kind is ministry or company, not",
                     a.kind != NULL ? a.kind : "");
    if (a.cert == NULL)
        return usage("register", "--cert FILE is required", NULL);
    memset(&q, 0, sizeof q);
    if ((rc = cert_fingerprint(a.cert, q.fp)) != 0)
        return rc;
    snprintf(q.name, sizeof q.name, "%s", a.name);
    snprintf(q.org, sizeof q.org, "%s", a.org);
    q.kind = dsg_org_class_parse(a.kind);
    if ((rc = request_line("register", &q, line, sizeof line)) != 0)
        return rc;
    return run("register", line, a.socket);
}

/* dsgctl terminal revoke NAME @relation(REQ-MFA-016, REQ-MFA-002) */
static int cmd_revoke(int argc, char **argv)
{
    term_args a;
    dsg_term_req q;
    char line[DSG_CTL_LINE_MAX];
    int rc;
    if (wants_help(argc, argv, revoke_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("revoke", argc, argv, 1, 0, &a)) != 0)
        return rc;
    memset(&q, 0, sizeof q);
    q.kind = -1;
    snprintf(q.name, sizeof q.name, "%s", a.name);
    if ((rc = request_line("revoke", &q, line, sizeof line)) != 0)
        return rc;
    return run("revoke", line, a.socket);
}

/* dsgctl terminal list [--json] @relation(REQ-MFA-016) */
static int cmd_list(int argc, char **argv)
{
    term_args a;
    int rc;
    if (wants_help(argc, argv, list_help))
        return dsgctl_finish_stdout(0);
    if ((rc = parse("list", argc, argv, 0, OPT_JSON, &a)) != 0)
        return rc;
    return run("list", a.json ? "terminal list --json" : "terminal list", a.socket);
}

const command dsgctl_terminal_commands[DSGCTL_TERMINAL_COMMANDS] = {
    { "register", "register a terminal by its client certificate", register_help,
      cmd_register },
    { "revoke", "revoke a registered terminal", revoke_help, cmd_revoke },
    { "list", "the registered terminals", list_help, cmd_list },
};
