/*
 * dsgctl rights: access rights of protected-information sharing as grants,
 * made and ended only by rights applications another administrator
 * approves, listed from the area's side and the account's, and the access
 * decision over them (REQ-ACCT-009, REQ-ACCT-010, REQ-SHARE-007,
 * REQ-SHARE-009). Every argument is checked here, with the share role's
 * own checks (src/share/grant_store.h), before the daemon is contacted.
 *
 * Exit status: as dsgctl area's.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/acct_app.h"
#include "core/b64url.h"
#include "core/json_tok.h"
#include "ctl/dsgctl.h"
#include "log/audit.h"
#include "share/grant_store.h"

#define SOCKET_HELP "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
#define EXIT_HELP                                                                      \
    "\nExit status: 0 done; 1 refused (the code says why); 64 usage error; 69 dsgd\n" \
    "unreachable; 70 refused command; 75 the record was not stored; 77 no\n"          \
    "administrator's login (dsgctl login), or not root and not in group dsgadm.\n"
#define OPS_HELP                                                                         \
    "OPS: operations separated by commas: list, read, upload, new-version, rename,\n" \
    "move, delete, create-folder, search, history, grant, revoke.\n"

static const char apply_help[] =
    "usage: dsgctl rights apply (--account USER | --org ORG) --area ID --folder ID\n"
    "                           --ops OPS --until T [--from T] --applicant NAME\n"
    "                           --reason TEXT\n"
    "\n"
    "Enters an application for a grant: the account, or every account of the\n"
    "organisation, may do OPS on the folder and everything under it, from T\n"
    "(default now) until T (exclusive, no later than the area's contract end).\n"
    "Nothing changes until another administrator approves it.\n" OPS_HELP SOCKET_HELP
    EXIT_HELP;

static const char revoke_help[] =
    "usage: dsgctl rights revoke GRANT --applicant NAME --reason TEXT [--socket PATH]\n"
    "\n"
    "Enters an application that ends grant GRANT (dsgctl rights list); it ends\n"
    "when another administrator approves it.\n" SOCKET_HELP EXIT_HELP;

static const char approve_help[] =
    "usage: dsgctl rights approve ID [--socket PATH]\n"
    "\n"
    "Approves rights application ID: the grant is made or ended at once.\n"
    "Whoever entered an application cannot approve it (self_approval).\n" SOCKET_HELP
    EXIT_HELP;

static const char reject_help[] =
    "usage: dsgctl rights reject ID --reason TEXT [--socket PATH]\n"
    "\n"
    "Rejects rights application ID; nothing changes.\n" SOCKET_HELP EXIT_HELP;

static const char applications_help[] =
    "usage: dsgctl rights applications [--pending] [--socket PATH]\n"
    "\n"
    "The rights applications, newest first; --pending only those waiting for\n"
    "a decision.\n" SOCKET_HELP EXIT_HELP;

static const char list_help[] =
    "usage: dsgctl rights list (--area ID | --account USER | --org ORG) [--all]\n"
    "                          [--socket PATH]\n"
    "\n"
    "The grants of an area, of an account or of an organisation group, with\n"
    "their folder, operations and validity; --all includes revoked ones.\n"
    "dsgctl area rights and dsgctl account rights list the same.\n" SOCKET_HELP EXIT_HELP;

static const char check_help[] =
    "usage: dsgctl rights check --account USER [--org ORG] --area ID --folder ID\n"
    "                           --op OP [--socket PATH]\n"
    "\n"
    "What the access decision answers now for USER (a member of ORG) doing OP\n"
    "on the folder: allow, with the grant that allows, or deny.\n" SOCKET_HELP EXIT_HELP;

static int usage(const char *cmd, const char *what, const char *arg)
{
    return dsgctl_group_usage("rights", cmd, what, arg);
}

static int help_asked(int argc, char **argv, const char *help)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return 1;
        }
    return 0;
}

/* A decimal number from 1 up: 0, or -1. */
static int number(const char *s, int64_t *out)
{
    if (s == NULL || s[0] < '1' || s[0] > '9' || strspn(s, "0123456789") != strlen(s) ||
        strlen(s) > 18)
        return -1;
    long long v = 0;
    for (const char *c = s; *c != '\0'; c++)
        v = v * 10 + (*c - '0');
    *out = v;
    return 0;
}

static int copy_text(char *dst, size_t cap, const char *v, const char *cmd, const char *opt)
{
    if (strlen(v) >= cap)
        return usage(cmd, opt, "is too long");
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* The options of apply and revoke, into a; times and numbers as text. */
typedef struct apply_opts {
    const char *socket, *area, *folder, *ops, *from, *until;
    dsg_rights_app app;
} apply_opts;

static int apply_opt(apply_opts *o, const char *cmd, const char *opt, const char *v)
{
    dsg_rights_app *a = &o->app;
    if (strcmp(opt, "--account") == 0 || strcmp(opt, "--org") == 0) {
        if (a->subject_kind != 0)
            return usage(cmd, "one of --account and --org, once:", opt);
        a->subject_kind = opt[2] == 'a' ? DSG_ACCESS_ACCOUNT : DSG_ACCESS_ORG_GROUP;
        return copy_text(a->subject, sizeof a->subject, v, cmd, opt);
    }
    if (strcmp(opt, "--applicant") == 0)
        return copy_text(a->applicant, sizeof a->applicant, v, cmd, opt);
    if (strcmp(opt, "--reason") == 0)
        return copy_text(a->reason, sizeof a->reason, v, cmd, opt);
    const char **slot = strcmp(opt, "--area") == 0     ? &o->area
                      : strcmp(opt, "--folder") == 0   ? &o->folder
                      : strcmp(opt, "--ops") == 0      ? &o->ops
                      : strcmp(opt, "--from") == 0     ? &o->from
                      : strcmp(opt, "--until") == 0    ? &o->until
                      : strcmp(opt, "--socket") == 0   ? &o->socket
                                                       : NULL;
    if (slot == NULL)
        return usage(cmd, "unknown option", opt);
    *slot = v;
    return 0;
}

static int parse_time(const char *cmd, const char *opt, const char *v, int64_t *out)
{
    char canon[32], err[200];
    if (dsg_audit_time_parse(v, out, canon, err, sizeof err) != 0)
        return usage(cmd, opt, err);
    return 0;
}

/* The grant application's numbers, set and times. */
static int grant_values(apply_opts *o)
{
    dsg_rights_app *a = &o->app;
    if (a->subject_kind == DSG_ACCESS_ACCOUNT && dsg_acct_user_id_fold(a->subject, a->subject) != 0)
        return usage("apply", "--account is 1-64 of A-Z a-z 0-9 . _ -, not", a->subject);
    if (o->area == NULL || number(o->area, &a->area) != 0)
        return usage("apply", "--area is an area number (dsgctl area list), not",
                     o->area != NULL ? o->area : "");
    if (o->folder == NULL || number(o->folder, &a->folder) != 0)
        return usage("apply", "--folder is a folder number (dsgctl area show), not",
                     o->folder != NULL ? o->folder : "");
    if (o->ops == NULL || dsg_grant_ops_parse(o->ops, &a->ops) != 0)
        return usage("apply", "--ops is operations separated by commas, not",
                     o->ops != NULL ? o->ops : "");
    a->from = (int64_t)time(NULL);
    if (o->from != NULL && parse_time("apply", "--from", o->from, &a->from) != 0)
        return EXIT_USAGE;
    if (o->until == NULL)
        return usage("apply", "--until T is required", NULL);
    return parse_time("apply", "--until", o->until, &a->until);
}

/* Checked, as JSON, to the share role. */
static int send_app(const char *cmd, apply_opts *o)
{
    dsg_acct_problem p;
    uint8_t json[2048];
    char line[DSG_CTL_LINE_MAX];
    size_t n;
    if (dsg_rights_app_check(&o->app, (int64_t)time(NULL), &p) != 0)
        return usage(cmd, p.message, NULL);
    if (dsg_rights_app_to_json(&o->app, json, sizeof json, &n) != 0 || n + 14 > sizeof line)
        return usage(cmd, "the application is too long", NULL);
    snprintf(line, sizeof line, "rights apply %.*s", (int)n, (const char *)json);
    return dsgctl_group_run("rights", cmd, line, o->socket);
}

/* dsgctl rights apply ... @relation(REQ-ACCT-009, REQ-SHARE-009) */
static int cmd_apply(int argc, char **argv)
{
    static apply_opts o;
    int rc;
    memset(&o, 0, sizeof o);
    o.socket = DSG_CTL_SOCKET_DEFAULT;
    if (help_asked(argc, argv, apply_help))
        return dsgctl_finish_stdout(0);
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("apply", "an option without its value", argv[i]);
        if ((rc = apply_opt(&o, "apply", argv[i], argv[i + 1])) != 0)
            return rc;
    }
    if (o.app.subject_kind == 0)
        return usage("apply", "--account USER or --org ORG is required", NULL);
    if ((rc = grant_values(&o)) != 0)
        return rc;
    o.app.kind = DSG_RIGHTS_GRANT;
    return send_app("apply", &o);
}

/* dsgctl rights revoke GRANT ... @relation(REQ-ACCT-009, REQ-ACCT-010) */
static int cmd_revoke(int argc, char **argv)
{
    static apply_opts o;
    int rc;
    memset(&o, 0, sizeof o);
    o.socket = DSG_CTL_SOCKET_DEFAULT;
    if (help_asked(argc, argv, revoke_help))
        return dsgctl_finish_stdout(0);
    if (argc < 1 || number(argv[0], &o.app.grant) != 0)
        return usage("revoke", "GRANT is a grant number (dsgctl rights list), not",
                     argc >= 1 ? argv[0] : "");
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("revoke", "an option without its value", argv[i]);
        if (strcmp(argv[i], "--applicant") != 0 && strcmp(argv[i], "--reason") != 0 &&
            strcmp(argv[i], "--socket") != 0)
            return usage("revoke", "unknown option", argv[i]);
        if ((rc = apply_opt(&o, "revoke", argv[i], argv[i + 1])) != 0)
            return rc;
    }
    o.app.kind = DSG_RIGHTS_REVOKE;
    return send_app("revoke", &o);
}

/* dsgctl rights approve ID @relation(REQ-ACCT-009, REQ-SHARE-009) */
static int cmd_approve(int argc, char **argv)
{
    return dsgctl_group_decision("rights", "approve", approve_help, argc, argv);
}

/* dsgctl rights reject ID --reason TEXT @relation(REQ-ACCT-009) */
static int cmd_reject(int argc, char **argv)
{
    return dsgctl_group_decision("rights", "reject", reject_help, argc, argv);
}

/* dsgctl rights applications [--pending] @relation(REQ-ACCT-009) */
static int cmd_applications(int argc, char **argv)
{
    static const char *const flags[] = { "--pending" };
    static const dsgctl_listing l = { "applications", applications_help, flags, 1, NULL, NULL };
    return dsgctl_group_listing("rights", &l, argc, argv);
}

/* An organisation's name as the line carries it: base64url. 0, or -1. */
static int org_word(const char *org, char *out, size_t cap)
{
    size_t n;
    dsg_acct_problem p;
    if (dsg_area_text_check(org, DSG_AREA_TEXT_MAX, "org", &p) != 0 ||
        dsg_b64url_encode((const uint8_t *)org, strlen(org), out, cap - 1, &n) != DSG_B64URL_OK)
        return -1;
    out[n] = '\0';
    return 0;
}

/* The organisation of account user (folded) as the auth role keeps it
 * (`account show USER --json`), as the line carries it: 0, or an exit
 * status after saying why. */
static int account_org(const char *group, const char *cmd, const char *user, const char *socket,
                       char *word, size_t cap)
{
    static char out[256 * 1024];
    static dsg_json_tok toks[8192];
    char line[320], err[512], org[DSG_AREA_TEXT_MAX + 1];
    size_t len = 0, n = 0, at = 0, olen = 0;
    int status = 0;
    snprintf(line, sizeof line, "account show %s --json", user);
    dsg_ctl_result r = dsg_ctl_call(socket, line, 15000, out, sizeof out, &len, &status, err,
                                    sizeof err);
    if (r != DSG_CTL_OK || status != 0) {
        fprintf(stderr, "dsgctl: %s %s: %s", group, cmd, r != DSG_CTL_OK ? err : out);
        fputs(r != DSG_CTL_OK || (len > 0 && out[len - 1] == '\n') ? "" : "\n", stderr);
        return r != DSG_CTL_OK ? dsgctl_ctl_status(r) : status;
    }
    if (dsg_json_tokenize((const uint8_t *)out, len, 16, toks, sizeof toks / sizeof toks[0], &n,
                          &at) != DSG_JSON_OK || toks[0].type != DSG_JSON_OBJECT)
        return dsgctl_group_usage(group, cmd, "the account's record is not JSON", NULL);
    for (size_t k = 1; k + 1 < n; k = toks[k + 1].next)
        if (toks[k].len == 5 && memcmp(out + toks[k].start, "\"org\"", 5) == 0 &&
            dsg_json_string_value((const uint8_t *)out, len, &toks[k + 1], (uint8_t *)org,
                                  sizeof org - 1, &olen) == DSG_JSON_OK) {
            org[olen] = '\0';
            return org_word(org, word, cap) == 0 ? 0
                   : dsgctl_group_usage(group, cmd, "the account's organisation:", org);
        }
    return dsgctl_group_usage(group, cmd, "the account's record names no organisation", NULL);
}

int dsgctl_rights_list(const char *cmd, const char *what, const char *name, int all,
                       const char *socket)
{
    const char *group = cmd[0] == 'l' ? "rights" : what;
    char line[768], word[240], org[240] = "";
    int64_t id;
    int account = strcmp(what, "account") == 0, rc;
    if (strcmp(what, "area") == 0 ? number(name, &id) != 0
        : account ? dsg_acct_user_id_fold(name, word) != 0
        : org_word(name, word, sizeof word) != 0)
        return dsgctl_group_usage(group, cmd,
                                  strcmp(what, "area") == 0 ? "not an area number:"
                                  : account                 ? "not a user ID:"
                                                            : "not an organisation:",
                                  name);
    /* an account's list goes on with its organisation's grants, which cover it */
    if (account && (rc = account_org(group, cmd, word, socket, org, sizeof org)) != 0)
        return rc;
    snprintf(line, sizeof line, "rights %s %s%s%s%s", what,
             strcmp(what, "area") == 0 ? name : word, org[0] ? " --org " : "", org,
             all ? " --all" : "");
    return dsgctl_group_run(group, cmd, line, socket);
}

/* dsgctl rights list (--area ID | --account USER | --org ORG) [--all]
 * @relation(REQ-ACCT-009) */
static int cmd_list(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *what = NULL, *name = NULL;
    int all = 0;
    if (help_asked(argc, argv, list_help))
        return dsgctl_finish_stdout(0);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (i + 1 < argc && strcmp(argv[i], "--socket") == 0) {
            socket = argv[++i];
        } else if (i + 1 < argc && what == NULL &&
                   (strcmp(argv[i], "--area") == 0 || strcmp(argv[i], "--account") == 0 ||
                    strcmp(argv[i], "--org") == 0)) {
            what = argv[i] + 2;
            name = argv[++i];
        } else {
            return usage("list", "unexpected argument", argv[i]);
        }
    }
    if (what == NULL)
        return usage("list", "one of --area ID, --account USER, --org ORG is required", NULL);
    return dsgctl_rights_list("list", what, name, all, socket);
}

/* dsgctl rights check --account USER [--org ORG] --area ID --folder ID --op OP
 * @relation(REQ-ACCT-009, REQ-ACCT-010) */
static int cmd_check(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *user = NULL, *org = NULL, *area = NULL,
               *folder = NULL, *op = NULL;
    char line[512], folded[DSG_ACCT_USER_ID_MAX + 1], word[240] = "-";
    int64_t a, f;
    if (help_asked(argc, argv, check_help))
        return dsgctl_finish_stdout(0);
    if (argc % 2 != 0)
        return usage("check", "an option without its value", argv[argc - 1]);
    for (int i = 0; i < argc; i += 2) {
        const char **slot = strcmp(argv[i], "--account") == 0  ? &user
                          : strcmp(argv[i], "--org") == 0      ? &org
                          : strcmp(argv[i], "--area") == 0     ? &area
                          : strcmp(argv[i], "--folder") == 0   ? &folder
                          : strcmp(argv[i], "--op") == 0       ? &op
                          : strcmp(argv[i], "--socket") == 0   ? &socket
                                                               : NULL;
        if (slot == NULL)
            return usage("check", "unknown option", argv[i]);
        *slot = argv[i + 1];
    }
    if (user == NULL || dsg_acct_user_id_fold(user, folded) != 0)
        return usage("check", "--account is a user ID, not", user != NULL ? user : "");
    if (org != NULL && org_word(org, word, sizeof word) != 0)
        return usage("check", "--org is an organisation, not", org);
    if (area == NULL || number(area, &a) != 0 || folder == NULL || number(folder, &f) != 0)
        return usage("check", "--area and --folder are numbers", NULL);
    if (op == NULL || dsg_grant_op_parse(op) < 0)
        return usage("check", "--op is one operation, not", op != NULL ? op : "");
    snprintf(line, sizeof line, "rights check %s %s %s %s %s", folded, word, area, folder, op);
    return dsgctl_group_run("rights", "check", line, socket);
}

const command dsgctl_rights_commands[DSGCTL_RIGHTS_COMMANDS] = {
    { "apply", "enter an application for a grant on a folder", apply_help, cmd_apply },
    { "revoke", "enter an application that ends a grant", revoke_help, cmd_revoke },
    { "approve", "approve a rights application: the grant is made or ended (not your own)",
      approve_help, cmd_approve },
    { "reject", "reject a rights application, with a reason", reject_help, cmd_reject },
    { "applications", "the rights applications, newest first", applications_help,
      cmd_applications },
    { "list", "the grants of an area, an account or an organisation", list_help, cmd_list },
    { "check", "what the access decision answers for an account, a folder and an operation",
      check_help, cmd_check },
};
