/*
 * dsgctl area: applications for areas of protected-information sharing,
 * their decisions, and the areas with their folders (REQ-SHARE-006). Every
 * argument is checked here, with the share role's own checks
 * (src/share/area_app.h), before the daemon is contacted; the share role
 * checks again.
 *
 * Exit status: as dsgctl account's (1 refused, with the stable code: 64
 * usage, 69 dsgd unreachable, 70 refused command, 75 the record was not
 * stored, 77 no administrator's login).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/dsgctl.h"
#include "log/audit.h"
#include "share/area_app.h"

#define SOCKET_HELP "  --socket PATH  the control socket (default " DSG_CTL_SOCKET_DEFAULT ")\n"
#define EXIT_HELP                                                                      \
    "\nExit status: 0 done; 1 refused (the code says why); 64 usage error; 69 dsgd\n" \
    "unreachable; 70 refused command; 75 the record was not stored; 77 no\n"          \
    "administrator's login (dsgctl login), or not root and not in group dsgadm.\n"

static const char apply_help[] =
    "usage: dsgctl area apply --contract C --project P --prime ORG [--vendor ORG ...]\n"
    "                         --contract-end T --applicant NAME --reason TEXT\n"
    "\n"
    "Enters an application for an area (サイトコンテンツ): one per project's\n"
    "contract. It creates nothing until another administrator approves it\n"
    "(dsgctl area approve); the approval creates the area with the common\n"
    "folder structure: a folder shared by all (共通) and one per organisation.\n"
    "\n"
    "  --contract C       the contract's number\n"
    "  --project P        the project (事業): the area's name\n"
    "  --prime ORG        the prime contractor's organisation\n"
    "  --vendor ORG       a vendor's organisation (repeat for each, at most 16)\n"
    "  --contract-end T   the contract's end, YYYY-MM-DDTHH:MM:SSZ\n"
    "  --applicant NAME   who applies\n"
    "  --reason TEXT      why\n" SOCKET_HELP EXIT_HELP;

static const char approve_help[] =
    "usage: dsgctl area approve ID [--socket PATH]\n"
    "\n"
    "Approves area application ID: one for an area creates the area and its\n"
    "folders at once, one to close an area (dsgctl area close) deletes its\n"
    "files and closes it. Whoever entered an application cannot approve it\n"
    "(self_approval).\n" SOCKET_HELP
    EXIT_HELP;

static const char reject_help[] =
    "usage: dsgctl area reject ID --reason TEXT [--socket PATH]\n"
    "\n"
    "Rejects area application ID; nothing is created.\n" SOCKET_HELP EXIT_HELP;

static const char close_help[] =
    "usage: dsgctl area close ID --applicant NAME --reason TEXT [--socket PATH]\n"
    "\n"
    "Enters an application to close area ID once its contract has ended\n"
    "(contract_active before). Until then the area is read-only: no user may\n"
    "use it, administrators see it with dsgctl area show. When another\n"
    "administrator approves the application (dsgctl area approve), every file\n"
    "of the area is deleted (its versions purged after\n"
    "share.deleted_retention_days) and the area is closed for good: it takes no\n"
    "folder or file and dsgctl area list shows it closed. Its records stay in\n"
    "the audit trail (dsgctl share history area:ID).\n"
    "\n"
    "  --applicant NAME   who applies\n"
    "  --reason TEXT      why\n" SOCKET_HELP EXIT_HELP;

static const char list_help[] =
    "usage: dsgctl area list [--json] [--socket PATH]\n"
    "\n"
    "The areas, by number; --json prints one JSON object a line.\n" SOCKET_HELP EXIT_HELP;

static const char show_help[] =
    "usage: dsgctl area show ID [--json] [--socket PATH]\n"
    "\n"
    "One area, its contract and its folders.\n" SOCKET_HELP EXIT_HELP;

static const char applications_help[] =
    "usage: dsgctl area applications [--pending] [--json] [--socket PATH]\n"
    "\n"
    "The area applications, newest first; --pending only those waiting for a\n"
    "decision.\n" SOCKET_HELP EXIT_HELP;

static int usage(const char *cmd, const char *what, const char *arg)
{
    return dsgctl_group_usage("area", cmd, what, arg);
}

static int copy_text(const char *cmd, char *dst, size_t cap, const char *v, const char *opt)
{
    if (strlen(v) >= cap)
        return usage(cmd, opt, "is too long");
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* One --option VALUE into the application; *socket and *end keep theirs. */
static int apply_opt(dsg_area_app *a, const char **socket, const char **end, const char *opt,
                     const char *v)
{
#define TEXT(name, field) \
    if (strcmp(opt, name) == 0) return copy_text("apply", a->field, sizeof a->field, v, name)
    TEXT("--contract", contract);
    TEXT("--project", project);
    TEXT("--prime", prime);
    TEXT("--applicant", applicant);
    TEXT("--reason", reason);
#undef TEXT
    if (strcmp(opt, "--vendor") == 0) {
        if (a->vendor_count == DSG_AREA_VENDORS_MAX)
            return usage("apply", "more than 16 vendors:", v);
        return copy_text("apply", a->vendors[a->vendor_count++], sizeof a->vendors[0], v,
                         "--vendor");
    }
    if (strcmp(opt, "--contract-end") == 0) {
        *end = v;
        return 0;
    }
    if (strcmp(opt, "--socket") == 0) {
        *socket = v;
        return 0;
    }
    return usage("apply", "unknown option", opt);
}

/* dsgctl area apply --option VALUE ... @relation(REQ-SHARE-006) */
static int cmd_apply(int argc, char **argv)
{
    static dsg_area_app a;
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *end = NULL;
    dsg_acct_problem p;
    uint8_t json[DSG_AREA_JSON_MAX];
    char line[DSG_CTL_LINE_MAX], canon[32], err[200];
    size_t n;
    int rc;
    memset(&a, 0, sizeof a);
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        fputs(apply_help, stdout);
        return dsgctl_finish_stdout(0);
    }
    for (int i = 0; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("apply", "an option without its value", argv[i]);
        if ((rc = apply_opt(&a, &socket, &end, argv[i], argv[i + 1])) != 0)
            return rc;
    }
    if (end != NULL && dsg_audit_time_parse(end, &a.contract_end, canon, err, sizeof err) != 0)
        return usage("apply", "--contract-end", err);
    if (dsg_area_app_check(&a, (int64_t)time(NULL), &p) != 0)
        return usage("apply", p.message, NULL);
    if (dsg_area_app_to_json(&a, json, sizeof json, &n) != 0 || n + 12 > sizeof line)
        return usage("apply", "the application is too long", NULL);
    snprintf(line, sizeof line, "area apply %.*s", (int)n, (const char *)json);
    return dsgctl_group_run("area", "apply", line, socket);
}

/* An area number as sent: 0, or -1. */
static int area_id_ok(const char *id, char out[80])
{
    if (strspn(id, "0123456789") != strlen(id) || id[0] < '1' || strlen(id) > 18)
        return -1;
    snprintf(out, 80, "%s", id);
    return 0;
}

/* dsgctl area close ID --applicant NAME --reason TEXT @relation(REQ-SHARE-021) */
static int cmd_close(int argc, char **argv)
{
    static dsg_area_app a;
    const char *socket = DSG_CTL_SOCKET_DEFAULT, *id = NULL;
    dsg_acct_problem p;
    uint8_t json[DSG_AREA_JSON_MAX];
    char line[DSG_CTL_LINE_MAX], area[80];
    size_t n;
    memset(&a, 0, sizeof a);
    for (int i = 0; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            fputs(close_help, stdout);
            return dsgctl_finish_stdout(0);
        }
        if (opt[0] != '-') {
            if (id != NULL)
                return usage("close", "one area only:", opt);
            id = opt;
            continue;
        }
        if (i + 1 >= argc)
            return usage("close", "an option without its value", opt);
        const char *v = argv[++i];
        int rc = 0;
        if (strcmp(opt, "--applicant") == 0)
            rc = copy_text("close", a.applicant, sizeof a.applicant, v, opt);
        else if (strcmp(opt, "--reason") == 0)
            rc = copy_text("close", a.reason, sizeof a.reason, v, opt);
        else if (strcmp(opt, "--socket") == 0)
            socket = v;
        else
            return usage("close", "unknown option", opt);
        if (rc != 0)
            return rc;
    }
    if (id == NULL || area_id_ok(id, area) != 0)
        return usage("close", "ID, an area number (dsgctl area list), is required; got", id);
    if (dsg_area_text_check(a.applicant, DSG_AREA_TEXT_MAX, "--applicant", &p) != 0 ||
        dsg_area_text_check(a.reason, DSG_AREA_REASON_MAX, "--reason", &p) != 0)
        return usage("close", p.message, NULL);
    if (dsg_area_app_to_json(&a, json, sizeof json, &n) != 0 || n + 100 > sizeof line)
        return usage("close", "the application is too long", NULL);
    snprintf(line, sizeof line, "area close %s %.*s", area, (int)n, (const char *)json);
    return dsgctl_group_run("area", "close", line, socket);
}

/* dsgctl area approve ID @relation(REQ-SHARE-006) */
static int cmd_approve(int argc, char **argv)
{
    return dsgctl_group_decision("area", "approve", approve_help, argc, argv);
}

/* dsgctl area reject ID --reason TEXT @relation(REQ-SHARE-006) */
static int cmd_reject(int argc, char **argv)
{
    return dsgctl_group_decision("area", "reject", reject_help, argc, argv);
}

/* dsgctl area list [--json] @relation(REQ-SHARE-006) */
static int cmd_list(int argc, char **argv)
{
    static const char *const flags[] = { "--json" };
    static const dsgctl_listing l = { "list", list_help, flags, 1, NULL, NULL };
    return dsgctl_group_listing("area", &l, argc, argv);
}

/* dsgctl area show ID [--json] @relation(REQ-SHARE-006) */
static int cmd_show(int argc, char **argv)
{
    static const char *const flags[] = { "--json" };
    static const dsgctl_listing l = { "show", show_help, flags, 1, area_id_ok,
                                      "ID is an area number (dsgctl area list), not" };
    return dsgctl_group_listing("area", &l, argc, argv);
}

/* dsgctl area applications [--pending] [--json] @relation(REQ-SHARE-006) */
static int cmd_applications(int argc, char **argv)
{
    static const char *const flags[] = { "--pending", "--json" };
    static const dsgctl_listing l = { "applications", applications_help, flags, 2, NULL, NULL };
    return dsgctl_group_listing("area", &l, argc, argv);
}

static const char rights_help[] =
    "usage: dsgctl area rights ID [--all] [--socket PATH]\n"
    "\n"
    "The grants on area ID's folders (dsgctl rights list --area ID): subject,\n"
    "folder, operations and validity; --all includes revoked ones.\n" SOCKET_HELP EXIT_HELP;

/* dsgctl area rights ID [--all] @relation(REQ-ACCT-009) */
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
        return usage("rights", "ID, an area number, is required", NULL);
    return dsgctl_rights_list("rights", "area", id, all, socket);
}

const command dsgctl_area_commands[DSGCTL_AREA_COMMANDS] = {
    { "apply", "enter an application for a project's area", apply_help, cmd_apply },
    { "approve", "approve an area application: the area and its folders (not your own)",
      approve_help, cmd_approve },
    { "reject", "reject an area application, with a reason", reject_help, cmd_reject },
    { "close", "enter an application to close an area after its contract's end", close_help,
      cmd_close },
    { "list", "the areas", list_help, cmd_list },
    { "show", "one area and its folders", show_help, cmd_show },
    { "applications", "the area applications, newest first", applications_help,
      cmd_applications },
    { "rights", "the grants on an area's folders", rights_help, cmd_rights },
};
