/*
 * dsgctl account: applications for account changes, their decisions, and
 * the accounts (REQ-ACCT-001, REQ-ACCT-002, REQ-ACCT-020). Every argument
 * is checked here, with the auth role's own checks (src/auth/acct_app.h),
 * before the daemon is contacted; the auth role checks again.
 *
 * Exit status: 0 done; 1 the auth role refused the operation (its stable
 * code is printed: self_approval, user_id_taken, ...); 64 usage; 69 dsgd
 * unreachable; 70 the daemon refused the command; 75 the change's record
 * was not stored; 76 protocol error; 77 not root and not in group dsgadm.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/acct_app.h"
#include "auth/acct_json.h"
#include "ctl/dsgctl.h"
#include "log/audit.h"

#define SOCKET_HELP "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
#define EXIT_HELP                                                                      \
    "\nExit status: 0 done; 1 refused (the code says why); 64 usage error; 69 dsgd\n" \
    "unreachable; 70 refused command; 75 the record was not stored; 76 protocol\n"    \
    "error; 77 not root and not in group dsgadm.\n"

static const char apply_help[] =
    "usage: dsgctl account apply KIND --user-id ID --applicant NAME --reason TEXT [options]\n"
    "\n"
    "Enters an application (申請書). It changes nothing until another\n"
    "administrator approves it (dsgctl account approve).\n"
    "\n"
    "KIND is register, suspend, resume, delete, change-expiry or reset-factor.\n"
    "  --user-id ID         1-64 of A-Z a-z 0-9 . _ - (folded to lower case)\n"
    "  --applicant NAME     who applies\n"
    "  --reason TEXT        why\n"
    "register also needs:\n"
    "  --name NAME          the person's name\n"
    "  --org ORG            the organisation\n"
    "  --org-kind KIND      prime, vendor or ministry\n"
    "  --contract C         the contract or project\n"
    "  --type TYPE          company, ministry or admin\n"
    "register and change-expiry also need:\n"
    "  --expiry T           the account's end, YYYY-MM-DDTHH:MM:SSZ\n"
    "  --contract-end T     the contract's end; --expiry may not pass it\n"
    "reset-factor replaces a lost or compromised second factor: its approval\n"
    "revokes the account's TOTP secret and WebAuthn credentials, ends its live\n"
    "enrolment code and its sessions; then dsgctl account credentials ID\n"
    "--sheet code issues a new enrolment code.\n" SOCKET_HELP
    EXIT_HELP;

static const char approve_help[] =
    "usage: dsgctl account approve ID [--socket PATH]\n"
    "\n"
    "Approves application ID and applies it at once. Whoever entered an\n"
    "application cannot approve it (self_approval).\n" SOCKET_HELP EXIT_HELP;

static const char reject_help[] =
    "usage: dsgctl account reject ID --reason TEXT [--socket PATH]\n"
    "\n"
    "Rejects application ID; the account is unchanged, except that a\n"
    "rejected registration's user ID is retired.\n" SOCKET_HELP EXIT_HELP;

static const char list_help[] =
    "usage: dsgctl account list [--all] [--json] [--socket PATH]\n"
    "\n"
    "The accounts, by user ID; --all includes deleted ones; --json prints one\n"
    "JSON object a line.\n" SOCKET_HELP EXIT_HELP;

static const char show_help[] =
    "usage: dsgctl account show USER_ID [--json] [--socket PATH]\n"
    "\n"
    "One account, deleted ones included, with its state and every date.\n" SOCKET_HELP
    EXIT_HELP;

static const char applications_help[] =
    "usage: dsgctl account applications [--pending] [--json] [--socket PATH]\n"
    "\n"
    "The applications, newest first; --pending only those waiting for a\n"
    "decision.\n" SOCKET_HELP EXIT_HELP;

static int usage(const char *cmd, const char *what, const char *arg)
{
    return dsgctl_group_usage("account", cmd, what, arg);
}

static int run(const char *cmd, const char *line, const char *socket)
{
    return dsgctl_group_run("account", cmd, line, socket);
}

/* --name VALUE pairs into the fields of an application. */
typedef struct apply_opts {
    const char *socket, *expiry, *contract_end, *org_kind, *type;
    dsg_acct_app app;
} apply_opts;

static int copy_opt(char *dst, size_t cap, const char *v, const char *name)
{
    if (strlen(v) >= cap)
        return usage("apply", name, "is too long");
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int apply_opt(apply_opts *o, const char *name, const char *v)
{
    dsg_acct_app *a = &o->app;
#define TEXT(opt, field) \
    if (strcmp(name, opt) == 0) return copy_opt(a->field, sizeof a->field, v, opt)
    TEXT("--user-id", user_id);
    TEXT("--applicant", applicant);
    TEXT("--reason", reason);
    TEXT("--name", name);
    TEXT("--org", org);
    TEXT("--contract", contract);
#undef TEXT
    const char **slot = strcmp(name, "--expiry") == 0         ? &o->expiry
                      : strcmp(name, "--contract-end") == 0   ? &o->contract_end
                      : strcmp(name, "--org-kind") == 0       ? &o->org_kind
                      : strcmp(name, "--type") == 0           ? &o->type
                      : strcmp(name, "--socket") == 0         ? &o->socket
                                                              : NULL;
    if (slot == NULL)
        return usage("apply", "unknown option", name);
    *slot = v;
    return 0;
}

static int parse_time(const char *opt, const char *v, int64_t *out)
{
    char canon[32], err[200];
    if (v == NULL)
        return 0;
    if (dsg_audit_time_parse(v, out, canon, err, sizeof err) != 0)
        return usage("apply", opt, err);
    return 0;
}

/* The words and times of the options, into the application. */
static int apply_values(apply_opts *o)
{
    int v;
    if (o->org_kind != NULL) {
        if ((v = dsg_org_kind_parse(o->org_kind)) < 0)
            return usage("apply", "--org-kind is prime, vendor or ministry, not", o->org_kind);
        o->app.org_kind = (dsg_org_kind)v;
    }
    if (o->type != NULL) {
        if ((v = dsg_acct_type_parse(o->type)) < 0)
            return usage("apply", "--type is company, ministry or admin, not", o->type);
        o->app.type = (dsg_acct_type)v;
    }
    if (o->app.kind == DSG_APP_REGISTER && (o->org_kind == NULL || o->type == NULL))
        return usage("apply", o->org_kind == NULL ? "register needs --org-kind"
                                                 : "register needs --type", NULL);
    if (parse_time("--expiry", o->expiry, &o->app.expiry) != 0 ||
        parse_time("--contract-end", o->contract_end, &o->app.contract_end) != 0)
        return EXIT_USAGE;
    return 0;
}

/* dsgctl account apply KIND --option VALUE ... @relation(REQ-ACCT-001, REQ-ACCT-020) */
static int cmd_apply(int argc, char **argv)
{
    apply_opts o;
    dsg_acct_problem p;
    uint8_t json[DSG_ACCT_JSON_MAX];
    char line[DSG_CTL_LINE_MAX];
    size_t n;
    int kind, rc;
    memset(&o, 0, sizeof o);
    o.socket = DSG_CTL_SOCKET_DEFAULT;
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        fputs(apply_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    if (argc < 1 || (kind = dsg_app_kind_parse(argv[0])) < 0)
        return usage("apply", "KIND is register, suspend, resume, delete, change-expiry or "
                              "reset-factor, not",
                     argc >= 1 ? argv[0] : "");
    o.app.kind = (dsg_app_kind)kind;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("apply", "an option without its value", argv[i]);
        if ((rc = apply_opt(&o, argv[i], argv[i + 1])) != 0)
            return rc;
    }
    if ((rc = apply_values(&o)) != 0)
        return rc;
    if (dsg_acct_app_check(&o.app, (int64_t)time(NULL), &p) != 0)
        return usage("apply", p.message, NULL);
    if (dsg_acct_app_to_json(&o.app, json, sizeof json, &n) != 0)
        return usage("apply", "the application is too long", NULL);
    snprintf(line, sizeof line, "account apply %.*s", (int)n, (const char *)json);
    return run("apply", line, o.socket);
}

/* dsgctl account approve ID @relation(REQ-ACCT-002, REQ-ACCT-020) */
static int cmd_approve(int argc, char **argv)
{
    return dsgctl_group_decision("account", "approve", approve_help, argc, argv);
}

/* dsgctl account reject ID --reason TEXT @relation(REQ-ACCT-002, REQ-ACCT-020) */
static int cmd_reject(int argc, char **argv)
{
    return dsgctl_group_decision("account", "reject", reject_help, argc, argv);
}

/* A user ID, folded, as sent: 0, or -1. */
static int user_id_ok(const char *id, char out[80])
{
    return dsg_acct_user_id_fold(id, out);
}

#define USER_ID_WHAT "USER_ID is 1-64 of A-Z a-z 0-9 . _ -, not"

/* dsgctl account list [--all] [--json] @relation(REQ-ACCT-007, REQ-ACCT-020) */
static int cmd_list(int argc, char **argv)
{
    static const char *const flags[] = { "--all", "--json" };
    static const dsgctl_listing l = { "list", list_help, flags, 2, NULL, NULL };
    return dsgctl_group_listing("account", &l, argc, argv);
}

/* dsgctl account show USER_ID [--json] @relation(REQ-ACCT-007, REQ-ACCT-020) */
static int cmd_show(int argc, char **argv)
{
    static const char *const flags[] = { "--json" };
    static const dsgctl_listing l = { "show", show_help, flags, 1, user_id_ok, USER_ID_WHAT };
    return dsgctl_group_listing("account", &l, argc, argv);
}

/* dsgctl account applications [--pending] [--json] @relation(REQ-ACCT-001, REQ-ACCT-020) */
static int cmd_applications(int argc, char **argv)
{
    static const char *const flags[] = { "--pending", "--json" };
    static const dsgctl_listing l = { "applications", applications_help, flags, 2, NULL, NULL };
    return dsgctl_group_listing("account", &l, argc, argv);
}

static const char credentials_help[] =
    "usage: dsgctl account credentials USER_ID --sheet password|code [--socket PATH]\n"
    "\n"
    "Issues an active account's initial password (temporary: it must be changed\n"
    "at the first login) or its enrolment code (enrols one factor, once), and\n"
    "prints it on a sheet, once: dsgd keeps only what verifies it. Print the\n"
    "two sheets separately and deliver them by different channels. A second\n"
    "sheet of the same kind is refused (already_issued) while the first is\n"
    "unused and unexpired.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl account credentials USER_ID --sheet password|code
 * @relation(REQ-ENROL-006, REQ-MFA-006, REQ-MFA-009) */
static int cmd_credentials(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL, *sheet = NULL;
    char folded[DSG_ACCT_USER_ID_MAX + 1], line[160];
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(credentials_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (strcmp(argv[i], "--sheet") == 0 && i + 1 < argc) {
            sheet = argv[++i];
        } else if (argv[i][0] == '-' || id != NULL) {
            return usage("credentials", "unexpected argument", argv[i]);
        } else {
            id = argv[i];
        }
    }
    if (id == NULL || dsg_acct_user_id_fold(id, folded) != 0)
        return usage("credentials", "USER_ID is 1-64 of A-Z a-z 0-9 . _ -, not",
                     id != NULL ? id : "");
    if (sheet == NULL || (strcmp(sheet, "password") != 0 && strcmp(sheet, "code") != 0))
        return usage("credentials", "--sheet is password or code, not",
                     sheet != NULL ? sheet : "");
    snprintf(line, sizeof line, "account credentials %s --sheet %s", folded, sheet);
    return run("credentials", line, socket);
}

static const char bootstrap_help[] =
    "usage: dsgctl account bootstrap ADMIN1 ADMIN2 [--socket PATH]\n"
    "\n"
    "Registers the first two DSG administrators, ACTIVE, on a system that has\n"
    "none yet, and prints each one's initial password and enrolment code, once.\n"
    "Only root may run it, and only once: every later account, administrators\n"
    "included, comes from an approved application (refused: already_bootstrapped).\n"
    "Two are needed because nobody approves their own application.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl account bootstrap ADMIN1 ADMIN2 @relation(REQ-ACCT-021) */
static int cmd_bootstrap(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *ids[2] = { NULL, NULL };
    char folded[2][DSG_ACCT_USER_ID_MAX + 1], line[200];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(bootstrap_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (argv[i][0] == '-' || n == 2) {
            return usage("bootstrap", "unexpected argument", argv[i]);
        } else {
            ids[n++] = argv[i];
        }
    }
    if (n != 2)
        return usage("bootstrap", "two administrators' user IDs are needed", NULL);
    for (int i = 0; i < 2; i++)
        if (dsg_acct_user_id_fold(ids[i], folded[i]) != 0)
            return usage("bootstrap", "USER_ID is 1-64 of A-Z a-z 0-9 . _ -, not", ids[i]);
    if (strcmp(folded[0], folded[1]) == 0)
        return usage("bootstrap", "two different administrators are needed, not twice",
                     folded[0]);
    snprintf(line, sizeof line, "account bootstrap %s %s", folded[0], folded[1]);
    return run("bootstrap", line, socket);
}

static const char unlock_help[] =
    "usage: dsgctl account unlock USER_ID [--socket PATH]\n"
    "\n"
    "Unlocks an account the lockout locked (auth.lockout_threshold failures of one\n"
    "factor): its failure counters are cleared and it is active again. A login\n"
    "begun before the lock stays refused. Refused (not_locked) for an account\n"
    "that is not locked.\n" SOCKET_HELP EXIT_HELP;

static const char sessions_help[] =
    "usage: dsgctl account sessions USER_ID [--json] [--socket PATH]\n"
    "\n"
    "The account's live portal sessions, oldest first: the session's ID (the\n"
    "first 12 hex digits of its token's SHA-256, never the token), when it\n"
    "started and was last used, the second factor of its login and the\n"
    "computer it logged in from.\n" SOCKET_HELP EXIT_HELP;

static const char logout_help[] =
    "usage: dsgctl account logout USER_ID [SESSION] [--socket PATH]\n"
    "\n"
    "Ends the account's session SESSION (dsgctl account sessions), or all of\n"
    "its sessions. Refused (no_session) when there is none to end.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl account unlock USER_ID @relation(REQ-MFA-025, REQ-ACCT-020) */
static int cmd_unlock(int argc, char **argv)
{
    static const dsgctl_listing l = { "unlock", unlock_help, NULL, 0, user_id_ok, USER_ID_WHAT };
    return dsgctl_group_listing("account", &l, argc, argv);
}

/* dsgctl account sessions USER_ID [--json] @relation(REQ-ACCT-015, REQ-ACCT-020) */
static int cmd_sessions(int argc, char **argv)
{
    static const char *const flags[] = { "--json" };
    static const dsgctl_listing l = { "sessions", sessions_help, flags, 1, user_id_ok, USER_ID_WHAT };
    return dsgctl_group_listing("account", &l, argc, argv);
}

/* dsgctl account logout USER_ID [SESSION] @relation(REQ-ACCT-015, REQ-ACCT-020) */
static int cmd_logout(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL, *session = NULL;
    char folded[DSG_ACCT_USER_ID_MAX + 1], line[128];
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(logout_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (id == NULL && argv[i][0] != '-') {
            id = argv[i];
        } else if (session == NULL && argv[i][0] != '-') {
            session = argv[i];
        } else {
            return usage("logout", "unexpected argument", argv[i]);
        }
    }
    if (id == NULL || dsg_acct_user_id_fold(id, folded) != 0)
        return usage("logout", "USER_ID is 1-64 of A-Z a-z 0-9 . _ -, not", id != NULL ? id : "");
    if (session != NULL &&
        (strlen(session) != 12 || strspn(session, "0123456789abcdef") != 12))
        return usage("logout", "SESSION is the 12 hex digits dsgctl account sessions shows, not",
                     session);
    snprintf(line, sizeof line, "account logout %s%s%s", folded, session != NULL ? " " : "",
             session != NULL ? session : "");
    return run("logout", line, socket);
}

static const char expire_help[] =
    "usage: dsgctl account expire [--socket PATH]\n"
    "\n"
    "Runs the sweep now that dsgd runs every auth.expiry_sweep_interval: every\n"
    "account past its expiry becomes expired, every active account without a\n"
    "login for auth.inactivity_disable_days is suspended. Prints each move and\n"
    "the counts; each move is recorded as your action.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl account expire @relation(REQ-ACCT-023, REQ-ACCT-020) */
static int cmd_expire(int argc, char **argv)
{
    static const dsgctl_listing l = { "expire", expire_help, NULL, 0, NULL, NULL };
    return dsgctl_group_listing("account", &l, argc, argv);
}

static const char rights_help[] =
    "usage: dsgctl account rights USER_ID [--all] [--socket PATH]\n"
    "\n"
    "The account's own grants on areas (dsgctl rights list --account USER_ID):\n"
    "area, folder, operations and validity; --all includes revoked ones. Its\n"
    "organisation's grants: dsgctl rights list --org ORG.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl account rights USER_ID [--all] @relation(REQ-ACCT-009) */
static int cmd_rights(int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL;
    int all = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(rights_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--all") == 0) {
            all = 1;
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (id == NULL && argv[i][0] != '-') {
            id = argv[i];
        } else {
            return usage("rights", "unexpected argument", argv[i]);
        }
    }
    if (id == NULL)
        return usage("rights", USER_ID_WHAT, "");
    return dsgctl_rights_list("rights", "account", id, all, socket);
}

const command dsgctl_account_commands[DSGCTL_ACCOUNT_COMMANDS] = {
    { "apply", "enter an application: register, suspend, resume, delete, change-expiry",
      apply_help, cmd_apply },
    { "approve", "approve an application and apply it (not your own)", approve_help,
      cmd_approve },
    { "reject", "reject an application, with a reason", reject_help, cmd_reject },
    { "list", "the accounts", list_help, cmd_list },
    { "show", "one account and its dates", show_help, cmd_show },
    { "applications", "the applications, newest first", applications_help,
      cmd_applications },
    { "credentials", "issue an active account's initial password or enrolment code, once",
      credentials_help, cmd_credentials },
    { "bootstrap", "register the first two administrators (root, once)", bootstrap_help,
      cmd_bootstrap },
    { "unlock", "unlock an account the lockout locked", unlock_help, cmd_unlock },
    { "sessions", "an account's live portal sessions", sessions_help, cmd_sessions },
    { "logout", "end one or all of an account's sessions", logout_help, cmd_logout },
    { "rights", "the account's grants on areas (share role)", rights_help, cmd_rights },
    { "expire", "expire and suspend the accounts due now, without waiting for the sweep",
      expire_help, cmd_expire },
    { "review", "every account with its rights, flagging those to act on", dsgctl_review_help,
      dsgctl_account_review },
};
