/* The share role's rights commands: see share_rights.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "auth/acct_json.h"
#include "core/b64url.h"
#include "core/json_out.h"
#include "run/log.h"
#include "run/role_answer.h"
#include "run/role_http.h"
#include "run/share_record.h"
#include "run/share_rights.h"
#include "share/grant_store.h"

#define EX_REFUSED DSGD_SHARE_EX_REFUSED
#define EX_USAGE DSGD_SHARE_EX_USAGE

static sqlite3 *db;

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static const char *kind_word(uint32_t kind)
{
    return kind == DSG_ACCESS_ACCOUNT ? "account" : kind == DSG_ACCESS_ORG_GROUP ? "org" : "-";
}

/* "account=U" or "org=O; area=A; folder=F; ops=list,read; from=T; until=T" */
static void describe(const dsg_rights_app *a, char *out, size_t n)
{
    char ops[160] = "-", f[32], u[32];
    if (a->kind == DSG_RIGHTS_REVOKE) {
        snprintf(out, n, "revoke grant %" PRId64, a->grant);
        return;
    }
    (void)dsg_grant_ops_format(a->ops, ops, sizeof ops);
    snprintf(out, n, "%s=%s; area=%" PRId64 "; folder=%" PRId64 "; ops=%s; from=%s; until=%s",
             kind_word(a->subject_kind), a->subject, a->area, a->folder, ops,
             dsgd_share_when(a->from, f), dsgd_share_when(a->until, u));
}

/* rights apply JSON */
static int cmd_apply(const char *json, const dsgd_who *w)
{
    dsg_rights_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    if (dsg_rights_app_from_json((const uint8_t *)json, strlen(json), &a, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    if (dsg_rights_store_apply(db, &a, w->actor, now_s(), &id, &p) != 0)
        return strcmp(p.code, "storage") == 0
                   ? dsgd_share_storage_error(p.message)
                   : dsgd_share_refused(w, "rights-refused", "rights application", 0, &p);
    dsgd_share_record r = { "-", "", "application", "-", "Custom", "rights-applied", "" };
    if (a.kind == DSG_RIGHTS_GRANT)
        snprintf(r.site_id, sizeof r.site_id, "%" PRId64, a.area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, id);
    describe(&a, r.data, sizeof r.data);
    dsgd_answer_put("rights application %" PRId64 " (%s): pending\n", id,
                    a.kind == DSG_RIGHTS_GRANT ? "grant" : "revoke");
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

/* The rights change as アカウント管理操作ログ too (REQ-ACCT-018): the
 * account or organisation, the area's project as share name. 0, or -1. */
static int record_rights_change(const dsgd_who *w, int64_t grant, int made, const char *data)
{
    dsg_grant_row g;
    dsg_area_row a;
    char err[160], subject[DSG_AREA_TEXT_MAX + 16];
    if (dsg_grant_store_get(db, grant, &g, err, sizeof err) != 1)
        return -1;
    if (dsg_area_store_get(db, g.area, &a, err, sizeof err) != 1)
        snprintf(a.project, sizeof a.project, "-");
    snprintf(subject, sizeof subject, "%s=%s", kind_word(g.subject_kind), g.subject);
    dsgd_share_account_op(w, made ? 4140 : 4141, subject, a.project, data);
    return 0;
}

/* A grant ended: the auth role ends the sessions of its subject, the
 * account or every account of the organisation, so that no request
 * accepted after the revoke is served under a session that had the right
 * (REQ-ACCT-010; the decision itself reads the grants at each request). */
static void end_sessions(int64_t grant)
{
    dsg_grant_row g;
    char err[160];
    uint8_t m[1 + DSGD_XCH_WHO_TEXT_MAX];
    size_t len;
    if (dsg_grant_store_get(db, grant, &g, err, sizeof err) != 1 ||
        (len = dsgd_xch_sessions_end_put(m, sizeof m, (uint8_t)g.subject_kind, g.subject,
                                         strlen(g.subject))) == 0 ||
        dsgd_role_http_queue(DSGD_MSG_SESSIONS_END, m, len) != 0)
        dsgd_log("share: the sessions of grant %" PRId64 "'s subject could not be ended", grant);
}

static int approve(int64_t id, const dsgd_who *w)
{
    dsg_acct_problem p;
    dsg_rights_app_row app;
    int64_t grant = 0;
    char err[160];
    if (dsg_rights_store_approve(db, id, w->actor, now_s(), &grant, &p) != 0)
        return strcmp(p.code, "storage") == 0
                   ? dsgd_share_storage_error(p.message)
                   : dsgd_share_refused(w, "rights-refused", "rights approval", id, &p);
    if (dsg_rights_store_get_app(db, id, &app, err, sizeof err) != 1)
        return dsgd_share_storage_error("the approved application is unreadable");
    int made = app.app.kind == DSG_RIGHTS_GRANT;
    dsgd_share_record r = { "-", "", "grant", "-", "SecurityChange",
                            made ? "rights-granted" : "rights-revoked", "" };
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, grant);
    if (made)
        snprintf(r.site_id, sizeof r.site_id, "%" PRId64, app.app.area);
    size_t at = (size_t)snprintf(r.data, sizeof r.data, "application %" PRId64 " approved; ", id);
    describe(&app.app, r.data + at, sizeof r.data - at);
    if (record_rights_change(w, grant, made, r.data) != 0)
        return dsgd_share_storage_error("the grant is unreadable");
    if (!made)
        end_sessions(grant);
    dsgd_answer_put("rights application %" PRId64 " approved: grant %" PRId64 " %s\n", id, grant,
                    made ? "made" : "revoked");
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

static int reject(int64_t id, const char *json, const dsgd_who *w)
{
    char reason[DSG_ACCT_REASON_MAX + 1];
    dsg_acct_problem p;
    if (dsg_acct_reason_from_json((const uint8_t *)json, strlen(json), reason, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    if (dsg_rights_store_reject(db, id, w->actor, reason, now_s(), &p) != 0)
        return strcmp(p.code, "storage") == 0
                   ? dsgd_share_storage_error(p.message)
                   : dsgd_share_refused(w, "rights-refused", "rights rejection", id, &p);
    dsgd_share_record r = { "-", "", "application", "-", "Custom", "rights-rejected", "" };
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, id);
    snprintf(r.data, sizeof r.data, "rights application %" PRId64 " rejected; reason: %s", id,
             reason);
    dsgd_answer_put("rights application %" PRId64 " rejected\n", id);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

/* rights approve ID | rights reject ID JSON */
static int cmd_decide(const char *args, int approving, const dsgd_who *w)
{
    int64_t id;
    const char *rest;
    if (dsgd_arg_id(args, &id, &rest) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument ID: a rights application number\n");
    if (approving ? rest[0] != '\0' : rest[0] == '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s\n",
                                  approving ? "approve takes only the application number"
                                            : "reject needs a reason");
    return approving ? approve(id, w) : reject(id, rest, w);
}

/* ---- listings ---------------------------------------------------------------------- */

static const char *state_word(dsg_area_app_state s)
{
    return s == DSG_AREA_APP_PENDING ? "pending" : s == DSG_AREA_APP_APPROVED ? "approved"
                                                                              : "rejected";
}

/* One application a line: number, state, entered, by, what. */
static int put_app_line(const dsg_rights_app_row *r, void *ctx)
{
    char b[32], what[400];
    (void)ctx;
    describe(&r->app, what, sizeof what);
    dsgd_answer_put("%-6" PRId64 " %-9s %-24s %-16s %s\n", r->id, state_word(r->state),
                    dsgd_share_when(r->entered_at, b), r->entered_by, what);
    return 0;
}

/* rights applications [--pending] */
static int cmd_applications(const char *args)
{
    static const char *const names[] = { "--pending" };
    int pending = 0;
    char err[200];
    if (dsgd_answer_flags("applications", args, names, &pending, 1) != 0)
        return 0;
    dsgd_answer_put("%-6s %-9s %-24s %-16s %s\n", "ID", "STATE", "ENTERED", "BY", "WHAT");
    if (dsg_rights_store_each_app(db, pending, put_app_line, NULL, err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

/* One grant a line: number, subject, area/folder, ops, validity, state. */
static int put_grant_line(const dsg_grant_row *g, void *ctx)
{
    char ops[160] = "-", f[32], u[32], rv[32];
    (void)ctx;
    (void)dsg_grant_ops_format(g->ops, ops, sizeof ops);
    dsgd_answer_put("%-6" PRId64 " %s=%s area %" PRId64 " folder %" PRId64 " %s %s..%s%s%s\n",
                    g->id, kind_word(g->subject_kind), g->subject, g->area, g->folder, ops,
                    dsgd_share_when(g->from, f), dsgd_share_when(g->until, u),
                    g->revoked_at != 0 ? " revoked " : "",
                    g->revoked_at != 0 ? dsgd_share_when(g->revoked_at, rv) : "");
    return 0;
}

/* An organisation's name from its base64url on the line. */
static int org_of(const char *b64, char out[DSG_AREA_TEXT_MAX + 1])
{
    size_t n = 0, at = 0;
    if (dsg_b64url_decode(b64, strlen(b64), (uint8_t *)out, DSG_AREA_TEXT_MAX, &n, &at) !=
            DSG_B64URL_OK ||
        memchr(out, '\0', n) != NULL)
        return -1;
    out[n] = '\0';
    return 0;
}

/* The flags after the name: " --org ORG_B64" (an account's organisation,
 * account only) and " --all". 0, or -1. */
static int list_flags(char *rest, int account, char org[DSG_AREA_TEXT_MAX + 1], int *all)
{
    char *save = NULL;
    org[0] = '\0';
    *all = 0;
    for (char *t = strtok_r(rest, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
        if (strcmp(t, "--all") == 0 && !*all)
            *all = 1;
        else if (account && strcmp(t, "--org") == 0 && org[0] == '\0' &&
                 (t = strtok_r(NULL, " ", &save)) != NULL && org_of(t, org) == 0)
            continue;
        else
            return -1;
    }
    return 0;
}

/* rights area ID [--all] | rights account USER [--org ORG_B64] [--all] |
 * rights org ORG_B64 [--all]: an account's list goes on with the grants
 * of its organisation group, which cover it too. */
static int cmd_list(const char *what, char *args)
{
    char err[200], name[DSG_AREA_TEXT_MAX + 1], org[DSG_AREA_TEXT_MAX + 1];
    int all = 0, account = strcmp(what, "account") == 0;
    int64_t area = 0;
    uint32_t kind = 0;
    const char *rest;
    char *sp = strchr(args, ' ');
    if (sp != NULL)
        *sp++ = '\0';
    if (list_flags(sp != NULL ? sp : args + strlen(args), account, org, &all) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument rights %s NAME%s [--all]\n", what,
                                  account ? " [--org ORG]" : "");
    if (strcmp(what, "area") == 0 && dsgd_arg_id(args, &area, &rest) == 0)
        kind = 0;
    else if (account && dsg_acct_user_id_fold(args, name) == 0)
        kind = DSG_ACCESS_ACCOUNT;
    else if (strcmp(what, "org") == 0 && org_of(args, name) == 0)
        kind = DSG_ACCESS_ORG_GROUP;
    else
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: not the %s asked for\n",
                                  args, what);
    if (dsg_grant_store_each(db, area, kind, kind != 0 ? name : "", all, put_grant_line, NULL, err,
                             sizeof err) != 0 ||
        (org[0] != '\0' && dsg_grant_store_each(db, 0, DSG_ACCESS_ORG_GROUP, org, all,
                                                put_grant_line, NULL, err, sizeof err) != 0))
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

/* ---- every grant in force, with its area's parties (REQ-ACCT-008) ---------------- */

static void json_text(dsg_json_out *j, const char *key, const char *v)
{
    (void)dsg_json_out_key(j, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(j, (const uint8_t *)v, strlen(v));
}

static void json_int(dsg_json_out *j, const char *key, int64_t v)
{
    (void)dsg_json_out_key(j, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_int(j, v);
}

/* The parties of the last area read: grants come by number, often several
 * of one area. */
typedef struct area_parties {
    int64_t id;
    dsg_area_row area;
    dsg_area_app_row app;
} area_parties;

/* One grant as a JSON line, with its area's contract, prime and vendors. */
static int put_grant_json(const dsg_grant_row *g, void *ctx)
{
    static uint8_t buf[16384];
    area_parties *a = ctx;
    char ops[160] = "-", u[32], err[200];
    size_t n;
    dsg_json_out j;
    if (a->id != g->area) {
        if (dsg_area_store_get(db, g->area, &a->area, err, sizeof err) != 1 ||
            dsg_area_store_get_app(db, a->area.application, &a->app, err, sizeof err) != 1)
            return -1;
        a->id = g->area;
    }
    (void)dsg_grant_ops_format(g->ops, ops, sizeof ops);
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    json_int(&j, "grant", g->id);
    json_text(&j, "subject_kind", kind_word(g->subject_kind));
    json_text(&j, "subject", g->subject);
    json_int(&j, "area", g->area);
    json_int(&j, "folder", g->folder);
    json_text(&j, "ops", ops);
    json_text(&j, "until", dsgd_share_when(g->until, u));
    json_text(&j, "contract", a->area.contract);
    json_text(&j, "prime", a->area.prime);
    (void)dsg_json_out_key(&j, (const uint8_t *)"vendors", 7);
    (void)dsg_json_out_array_begin(&j);
    for (size_t i = 0; i < a->app.app.vendor_count && i < DSG_AREA_VENDORS_MAX; i++)
        (void)dsg_json_out_string(&j, (const uint8_t *)a->app.app.vendors[i],
                                  strlen(a->app.app.vendors[i]));
    (void)dsg_json_out_array_end(&j);
    (void)dsg_json_out_object_end(&j);
    if (dsg_json_out_finish(&j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(buf, n);
    dsgd_answer_put("\n");
    return 0;
}

/* rights all: every grant in force, a JSON line each. */
static int cmd_all(const char *args)
{
    static area_parties parties;
    char err[200];
    if (args[0] != '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: rights all takes no "
                                  "argument\n", args);
    parties.id = 0;
    if (dsg_grant_store_each_in_force(db, now_s(), put_grant_json, &parties, err,
                                      sizeof err) != 0)
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

/* rights check USER ORG_B64|- AREA FOLDER OP: the decision of
 * src/share/access.h over the grants in force, with the grant that
 * allows. */
static int cmd_check(const char *args)
{
    static dsg_grant grants[DSG_GRANT_LOAD_MAX];
    char user[80], org64[240], opw[24], err[200], name[DSG_AREA_TEXT_MAX + 1];
    long long area, folder;
    dsg_access_req req;
    int used = 0;
    if (sscanf(args, "%79s %239s %lld %lld %23s%n", user, org64, &area, &folder, opw, &used) != 5 ||
        args[used] != '\0' || dsg_acct_user_id_fold(user, name) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument check USER ORG AREA FOLDER OP\n");
    memset(&req, 0, sizeof req);
    int op = dsg_grant_op_parse(opw);
    int64_t account = dsg_grant_store_subject_id(db, DSG_ACCESS_ACCOUNT, name, err, sizeof err);
    int64_t group = 0;
    if (strcmp(org64, "-") != 0 && (org_of(org64, name) != 0 ||
                                    (group = dsg_grant_store_subject_id(db, DSG_ACCESS_ORG_GROUP,
                                                                        name, err,
                                                                        sizeof err)) < 0))
        return dsgd_answer_finish(EX_USAGE, "error bad_argument ORG: an organisation\n");
    if (op < 0 || account < 0)
        return op < 0 ? dsgd_answer_finish(EX_USAGE, "error bad_argument OP: an operation\n")
                      : dsgd_share_storage_error(err);
    int found = dsg_grant_store_object(db, area, folder, &req.object, err, sizeof err);
    if (found <= 0)
        return found < 0 ? dsgd_share_storage_error(err)
                         : dsgd_answer_finish(EX_REFUSED, "error unknown_folder no folder %lld "
                                              "in area %lld\n", folder, area);
    int n = dsg_grant_store_load(db, area, grants, DSG_GRANT_LOAD_MAX, err, sizeof err);
    if (n < 0)
        return dsgd_share_storage_error(err);
    /* an account never applied for holds no grant of its own (REQ-ACCT-010):
     * it asks under a number no subject has, so only its group's count */
    req.ask = (dsg_access_ask){ account > 0 ? account : INT64_MAX, group, (uint32_t)op,
                                now_s() * 1000 };
    size_t which = 0;
    if (dsg_access_decide(grants, (size_t)n, &req, &which) == DSG_ACCESS_ALLOW)
        dsgd_answer_put("allow: a grant to %s %" PRId64 " on folder %" PRId64 "\n",
                        kind_word(grants[which].kind), grants[which].subject,
                        grants[which].folder);
    else
        dsgd_answer_put("deny\n");
    return dsgd_answer_finish(0, "%s", "");
}

int dsgd_share_rights_command(sqlite3 *store, char *verb, const dsgd_who *w)
{
    char *args = strchr(verb, ' ');
    db = store;
    if (args != NULL)
        *args++ = '\0';
    else
        args = verb + strlen(verb);
    if (strcmp(verb, "apply") == 0)
        return cmd_apply(args, w);
    if (strcmp(verb, "approve") == 0)
        return cmd_decide(args, 1, w);
    if (strcmp(verb, "reject") == 0)
        return cmd_decide(args, 0, w);
    if (strcmp(verb, "applications") == 0)
        return cmd_applications(args);
    if (strcmp(verb, "area") == 0 || strcmp(verb, "account") == 0 || strcmp(verb, "org") == 0)
        return cmd_list(verb, args);
    if (strcmp(verb, "check") == 0)
        return cmd_check(args);
    if (strcmp(verb, "all") == 0)
        return cmd_all(args);
    return dsgd_answer_finish(EX_USAGE, "error unknown_command rights %s\n", verb);
}
