/* The share role: see share.h. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth/acct_json.h"
#include "core/json_out.h"
#include "db/db.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/key_setup.h"
#include "run/log.h"
#include "run/role_answer.h"
#include "run/role_backup.h"
#include "run/role_args.h"
#include "run/settings.h"
#include "run/share.h"
#include "run/share_http.h"
#include "run/share_record.h"
#include "run/share_rights.h"
#include "share/area_store.h"
#include "share/cap.h"
#include "share/file_store.h"
#include "share/object_store.h"
#include "stor/key_mem.h"

#define EX_REFUSED DSGD_SHARE_EX_REFUSED
#define EX_USAGE DSGD_SHARE_EX_USAGE
#define EX_SOFTWARE DSGD_SHARE_EX_SOFTWARE

static sqlite3 *db;
static struct dsgd_share_settings set;   /* -L, or the defaults (dsgd_share_prepare) */
static dsg_area_template folders;        /* share.area_template, read from set */
static uint8_t *store_key;   /* wraps the objects' data keys (setup pipe; key memory) */
static dsg_obj_store *objects;           /* objects/ under the role's directory */
static char objects_dir[4200];           /* its path, DIR/objects */
static dsg_search_index *search;         /* search.db under the role's directory */
static long swept_files, swept_versions, swept_orphans;   /* the start's sweep, for its record */

/* ---- time --------------------------------------------------------------------- */

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

/* ---- applications and decisions ---------------------------------------------------- */

/* "contract=C; project=P; prime=O; vendors=A,B; contract_end=T" */
static void describe(const dsg_area_app *a, char *out, size_t n)
{
    char b[32];
    size_t at = (size_t)snprintf(out, n, "contract=%s; project=%s; prime=%s; vendors=",
                                 a->contract, a->project, a->prime);
    for (size_t i = 0; i < a->vendor_count && at < n; i++)
        at += (size_t)snprintf(out + at, n - at, "%s%s", i > 0 ? "," : "", a->vendors[i]);
    if (at < n)
        snprintf(out + at, n - at, "; contract_end=%s", dsgd_share_when(a->contract_end, b));
}

static int cmd_apply(const char *json, const dsgd_who *w)
{
    dsg_area_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    if (dsg_area_app_from_json((const uint8_t *)json, strlen(json), &a, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    if (dsg_area_store_apply(db, &a, w->actor, now_s(), &id, &p) != 0)
        return strcmp(p.code, "storage") == 0 ? dsgd_share_storage_error(p.message)
                                              : dsgd_share_refused(w, "area-refused", "area application", 0, &p);
    dsgd_share_record r = { "-", "", "application", "-", "Custom", "area-applied", "" };
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, id);
    describe(&a, r.data, sizeof r.data);
    dsgd_answer_put("application %" PRId64 " area %s (contract %s): pending\n", id, a.project,
                    a.contract);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

/* The folders an approval created, "; folders: /P/共通, /P/O, ..." after the
 * record's data (the root folder is the location itself). */
static int add_folder(const dsg_folder_row *f, void *ctx)
{
    dsgd_share_record *r = ctx;
    size_t at = strlen(r->data);
    if (f->parent == 0 || at + 1 >= sizeof r->data)
        return 0;
    int first = strstr(r->data, "; folders: ") == NULL;
    snprintf(r->data + at, sizeof r->data - at, "%s%s/%s", first ? "; folders: " : ", ",
             r->location, f->name);
    return 0;
}

/* A closed area's files leave the search index (its results are checked
 * against the file store anyway); ctx counts them. */
static int forget_closed(int64_t file, void *ctx)
{
    char err[200];
    ++*(long *)ctx;
    if (dsg_search_forget(search, file, err, sizeof err) != 0)
        dsgd_log("share: file %" PRId64 " of a closed area stays in the search index: %s",
                 file, err);
    return 0;
}

/* The approval of application id, which closed area (REQ-SHARE-021): on
 * record whatever happens next, the files it deleted then forgotten by
 * the search index (whose results are checked against the store anyway). */
static int approved_close(int64_t id, const dsg_area_app_row *app, const dsgd_who *w)
{
    char err[200];
    long files = 0;
    int counted = dsg_area_store_each_closed_file(db, app->area, forget_closed, &files, err,
                                                  sizeof err) == 0;
    if (!counted)
        dsgd_log("share: the files of closed area %" PRId64 " cannot be listed: %s",
                 app->area, err);
    dsgd_share_record r = { "", "", "area", "", "Delete", "area-closed", "" };
    snprintf(r.site_id, sizeof r.site_id, "%" PRId64, app->area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, app->area);
    snprintf(r.location, sizeof r.location, "/%s", app->app.project);
    if (counted)
        snprintf(r.data, sizeof r.data, "application %" PRId64 " approved; contract=%s; "
                 "files=%ld", id, app->app.contract, files);
    else
        snprintf(r.data, sizeof r.data, "application %" PRId64 " approved; contract=%s; "
                 "files=unknown", id, app->app.contract);
    dsgd_answer_put("application %" PRId64 " approved: area %" PRId64 " %s closed", id,
                    app->area, app->app.project);
    if (counted)
        dsgd_answer_put(", %ld file%s deleted\n", files, files == 1 ? "" : "s");
    else
        dsgd_answer_put(" (its files could not be listed: %s)\n", err);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

static int approve(int64_t id, const dsgd_who *w)
{
    dsg_acct_problem p;
    dsg_area_app_row app;
    int64_t area = 0;
    char err[160];
    if (dsg_area_store_approve(db, id, w->actor, now_s(), &folders, &area, &p) != 0)
        return strcmp(p.code, "storage") == 0 ? dsgd_share_storage_error(p.message)
                                              : dsgd_share_refused(w, "area-refused", "area approval", id, &p);
    if (dsg_area_store_get_app(db, id, &app, err, sizeof err) != 1)
        return dsgd_share_storage_error("the approved application is unreadable");
    if (app.kind == DSG_AREA_APP_CLOSE)
        return approved_close(id, &app, w);
    dsgd_share_record r = { "", "", "area", "", "Create", "area-created", "" };
    snprintf(r.site_id, sizeof r.site_id, "%" PRId64, area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, area);
    snprintf(r.location, sizeof r.location, "/%s", app.app.project);
    snprintf(r.data, sizeof r.data, "application %" PRId64 " approved", id);
    if (dsg_area_store_each_folder(db, area, add_folder, &r, err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    dsgd_answer_put("application %" PRId64 " approved: area %" PRId64 " %s\n", id, area,
                    app.app.project);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

static int reject(int64_t id, const char *json, const dsgd_who *w)
{
    char reason[DSG_ACCT_REASON_MAX + 1];
    dsg_acct_problem p;
    if (dsg_acct_reason_from_json((const uint8_t *)json, strlen(json), reason, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    if (dsg_area_store_reject(db, id, w->actor, reason, now_s(), &p) != 0)
        return strcmp(p.code, "storage") == 0 ? dsgd_share_storage_error(p.message)
                                              : dsgd_share_refused(w, "area-refused", "area rejection", id, &p);
    dsgd_share_record r = { "-", "", "application", "-", "Custom", "area-rejected", "" };
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, id);
    snprintf(r.data, sizeof r.data, "application %" PRId64 " rejected; reason: %s", id, reason);
    dsgd_answer_put("application %" PRId64 " rejected\n", id);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

/* "area close AREA {"applicant":...,"reason":...}" (REQ-SHARE-021): an
 * application to close an area whose contract has ended. */
static int cmd_close(const char *args, const dsgd_who *w)
{
    int64_t area, id = 0;
    const char *json;
    dsg_area_app a;
    dsg_acct_problem p;
    if (dsgd_arg_id(args, &area, &json) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument AREA: an area number\n");
    if (dsg_area_app_from_json((const uint8_t *)json, strlen(json), &a, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    if (a.contract[0] || a.project[0] || a.prime[0] || a.vendor_count || a.contract_end)
        return dsgd_answer_finish(EX_USAGE, "error bad_field a closing application takes only "
                                  "an applicant and a reason\n");
    if (dsg_area_store_apply_close(db, area, a.applicant, a.reason, w->actor, now_s(), &id,
                                   &p) != 0)
        return strcmp(p.code, "storage") == 0
                   ? dsgd_share_storage_error(p.message)
                   : dsgd_share_refused(w, "area-refused", "closing application", 0, &p);
    dsgd_share_record r = { "", "", "application", "-", "Custom", "area-close-applied", "" };
    snprintf(r.site_id, sizeof r.site_id, "%" PRId64, area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, id);
    snprintf(r.data, sizeof r.data, "close area %" PRId64 "; applicant=%s; reason=%s", area,
             a.applicant, a.reason);
    dsgd_answer_put("application %" PRId64 " close area %" PRId64 ": pending\n", id, area);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(0, "%s", "");
}

static int cmd_decide(const char *args, int approving, const dsgd_who *w)
{
    int64_t id;
    const char *rest;
    if (dsgd_arg_id(args, &id, &rest) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument ID: an application number\n");
    if (approving ? rest[0] != '\0' : rest[0] == '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s\n",
                                  approving ? "approve takes only the application number"
                                            : "reject needs a reason");
    return approving ? approve(id, w) : reject(id, rest, w);
}

/* ---- listings -------------------------------------------------------------------- */

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

static void json_time(dsg_json_out *j, const char *key, int64_t t)
{
    char b[32];
    json_text(j, key, dsgd_share_when(t, b));
}

/* Where the area's contract stands (REQ-SHARE-021): "closed" once an
 * approved application closed the area, "ended", "ending" within
 * share.contract_expiry_notice_days, else "active". */
static const char *contract_state(const dsg_area_row *a)
{
    int64_t now = now_s();
    if (a->closed_at != 0)
        return "closed";
    if (a->contract_end <= now)
        return "ended";
    return a->contract_end - now <= (int64_t)set.notice_days * 86400 ? "ending" : "active";
}

static void area_members(dsg_json_out *j, const dsg_area_row *a)
{
    json_int(j, "id", a->id);
    json_text(j, "project", a->project);
    json_text(j, "contract", a->contract);
    json_text(j, "prime", a->prime);
    json_time(j, "contract_end", a->contract_end);
    json_text(j, "contract_state", contract_state(a));
    json_time(j, "created_at", a->created_at);
    json_int(j, "application", a->application);
    if (a->closed_at != 0) {
        json_time(j, "closed_at", a->closed_at);
        json_text(j, "closed_by", a->closed_by);
        json_int(j, "closing", a->closing);
    }
}

/* Ends the JSON of j on its own line; -1 when it did not fit. */
static int put_json(dsg_json_out *j)
{
    size_t n;
    if (dsg_json_out_finish(j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(j->buf, n);
    dsgd_answer_put("\n");
    return 0;
}

static int put_area_line(const dsg_area_row *a, void *ctx)
{
    char b[32];
    if (*(int *)ctx) {
        uint8_t buf[2048];
        dsg_json_out j;
        dsg_json_out_init(&j, buf, sizeof buf);
        (void)dsg_json_out_object_begin(&j);
        area_members(&j, a);
        (void)dsg_json_out_object_end(&j);
        return put_json(&j);
    }
    dsgd_answer_put("%-6" PRId64 " %-24s %-24s %-7s %-24s %s\n", a->id, a->contract,
                    dsgd_share_when(a->contract_end, b), contract_state(a), a->prime, a->project);
    return 0;
}

static int cmd_list(const char *args)
{
    static const char *const names[] = { "--json" };
    int json = 0;
    char err[200];
    if (dsgd_answer_flags("list", args, names, &json, 1) != 0)
        return 0;
    if (!json)
        dsgd_answer_put("%-6s %-24s %-24s %-7s %-24s %s\n", "ID", "CONTRACT", "CONTRACT_END",
                        "STATE", "PRIME", "PROJECT");
    if (dsg_area_store_each(db, put_area_line, &json, err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

static const char *app_state_name(dsg_area_app_state s)
{
    return s == DSG_AREA_APP_PENDING ? "pending" : s == DSG_AREA_APP_APPROVED ? "approved"
                                                                              : "rejected";
}

static const char *app_kind_name(dsg_area_app_kind k)
{
    return k == DSG_AREA_APP_CLOSE ? "close" : "create";
}

static int put_app_line(const dsg_area_app_row *r, void *ctx)
{
    char b[32];
    if (*(int *)ctx) {
        uint8_t buf[DSG_AREA_JSON_MAX];
        size_t n;
        if (dsg_area_app_to_json(&r->app, buf, sizeof buf, &n) != 0)
            return -1;
        dsgd_answer_put("{\"id\":%" PRId64 ",\"kind\":\"%s\",\"state\":\"%s\",\"area\":%" PRId64
                        ",\"application\":", r->id, app_kind_name(r->kind),
                        app_state_name(r->state), r->area);
        dsgd_answer_put_bytes(buf, n);
        dsgd_answer_put("}\n");
        return 0;
    }
    dsgd_answer_put("%-6" PRId64 " %-9s %-24s %-24s %-24s %s%s\n", r->id,
                    app_state_name(r->state), r->app.contract, dsgd_share_when(r->entered_at, b),
                    r->entered_by, r->kind == DSG_AREA_APP_CLOSE ? "close: " : "",
                    r->app.project);
    return 0;
}

static int cmd_applications(const char *args)
{
    static const char *const names[] = { "--pending", "--json" };
    int set[2] = { 0, 0 };
    char err[200];
    if (dsgd_answer_flags("applications", args, names, set, 2) != 0)
        return 0;
    if (!set[1])
        dsgd_answer_put("%-6s %-9s %-24s %-24s %-24s %s\n", "ID", "STATE", "CONTRACT", "ENTERED",
                        "BY", "PROJECT");
    if (dsg_area_store_each_app(db, set[0], put_app_line, &set[1], err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

/* A folder as "  ID PARENT NAME [org ORG]", or into the JSON array ctx. */
static int put_folder_line(const dsg_folder_row *f, void *ctx)
{
    (void)ctx;
    dsgd_answer_put("  %-6" PRId64 " %-6" PRId64 " %s%s%s\n", f->id, f->parent, f->name,
                    f->org[0] ? " org " : "", f->org);
    return 0;
}

static int put_folder_json(const dsg_folder_row *f, void *ctx)
{
    dsg_json_out *j = ctx;
    (void)dsg_json_out_object_begin(j);
    json_int(j, "id", f->id);
    json_int(j, "parent", f->parent);
    json_text(j, "name", f->name);
    json_text(j, "org", f->org);
    json_text(j, "created_by", f->created_by);
    json_time(j, "created_at", f->created_at);
    (void)dsg_json_out_object_end(j);
    return 0;
}

static int show_json(const dsg_area_row *a)
{
    static uint8_t buf[64 * 1024];
    char err[200];
    dsg_json_out j;
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    area_members(&j, a);
    (void)dsg_json_out_key(&j, (const uint8_t *)"folders", 7);
    (void)dsg_json_out_array_begin(&j);
    if (dsg_area_store_each_folder(db, a->id, put_folder_json, &j, err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    (void)dsg_json_out_array_end(&j);
    (void)dsg_json_out_object_end(&j);
    if (put_json(&j) != 0)
        return dsgd_share_storage_error("the area's folders do not fit one answer");
    return dsgd_answer_finish(0, "%s", "");
}

static int cmd_show(const char *args)
{
    int64_t id;
    const char *rest;
    dsg_area_row a;
    char err[200], b[32];
    if (dsgd_arg_id(args, &id, &rest) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument ID: an area number\n");
    if (rest[0] != '\0' && strcmp(rest, "--json") != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: show takes an area number "
                                  "and --json\n", rest);
    int found = dsg_area_store_get(db, id, &a, err, sizeof err);
    if (found < 0)
        return dsgd_share_storage_error(err);
    if (found == 0)
        return dsgd_answer_finish(EX_REFUSED, "error unknown_area no area %" PRId64 "\n", id);
    if (rest[0] != '\0')
        return show_json(&a);
    dsgd_answer_put("area: %" PRId64 "\nproject: %s\ncontract: %s\nprime: %s\n", a.id, a.project,
                    a.contract, a.prime);
    dsgd_answer_put("contract_end: %s\n", dsgd_share_when(a.contract_end, b));
    dsgd_answer_put("created_at: %s\napplication: %" PRId64 "\n",
                    dsgd_share_when(a.created_at, b), a.application);
    if (a.closed_at != 0)
        dsgd_answer_put("closed_at: %s\nclosed_by: %s\nclosing: %" PRId64 "\n",
                        dsgd_share_when(a.closed_at, b), a.closed_by, a.closing);
    dsgd_answer_put("folders:\n");
    if (dsg_area_store_each_folder(db, a.id, put_folder_line, NULL, err, sizeof err) != 0)
        return dsgd_share_storage_error(err);
    return dsgd_answer_finish(0, "%s", "");
}

/* ---- the role ------------------------------------------------------------------------ */

/* "area VERB ARGS" or "rights VERB ARGS" as the master passed it on. */
static int command(char *line)
{
    dsgd_who w;
    if (dsgd_who_take(line, &w) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_request the command lacks who asked\n");
    if (strncmp(line, "rights ", 7) == 0)
        return dsgd_share_rights_command(db, line + 7, &w);
    if (strncmp(line, "area ", 5) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_request not an area command\n");
    char *verb = line + 5, *args = strchr(verb, ' ');
    if (args != NULL)
        *args++ = '\0';
    else
        args = verb + strlen(verb);
    if (strcmp(verb, "apply") == 0)
        return cmd_apply(args, &w);
    if (strcmp(verb, "close") == 0)
        return cmd_close(args, &w);
    if (strcmp(verb, "approve") == 0)
        return cmd_decide(args, 1, &w);
    if (strcmp(verb, "reject") == 0)
        return cmd_decide(args, 0, &w);
    if (strcmp(verb, "list") == 0)
        return cmd_list(args);
    if (strcmp(verb, "show") == 0)
        return cmd_show(args);
    if (strcmp(verb, "applications") == 0)
        return cmd_applications(args);
    return dsgd_answer_finish(EX_USAGE, "error unknown_command area %s\n", verb);
}

/* What the start's sweep removed, on record (REQ-STOR-012), when it
 * removed anything. */
static void record_sweep(void)
{
    char detail[200];
    if (swept_files == 0 && swept_versions == 0 && swept_orphans == 0)
        return;
    snprintf(detail, sizeof detail,
             "%ld unfinished upload file%s removed; %ld interrupted version%s marked failed; "
             "%ld orphaned object%s removed",
             swept_files, swept_files == 1 ? "" : "s", swept_versions,
             swept_versions == 1 ? "" : "s", swept_orphans, swept_orphans == 1 ? "" : "s");
    const dsg_audit_field f[] = {
        { "event", (const uint8_t *)"storage-swept", 13 },
        { "detail", (const uint8_t *)detail, strlen(detail) },
    };
    if (dsgd_audit_out_add(DSG_AUDIT_TYPE_SYSTEM, f, 2) != 0)
        dsgd_log("share: the record of the start's sweep was dropped");
    dsgd_audit_out_flush();
}

int dsgd_share_bus_open(dsgd_chan *chan)
{
    if (dsgd_share_http_start(chan, db, objects, search, set.bulk_threshold) != 0)
        return -1;
    record_sweep();
    return 0;
}

int dsgd_share_message(const dsgd_msg *m, dsgd_chan *chan)
{
    char line[4097];
    if (m->kind != DSGD_MSG_ROLE_COMMAND)
        return dsgd_share_http_message(m);   /* the file API's exchanges */
    if (m->len >= sizeof line ||
        memchr(m->body, '\0', m->len) != NULL || dsgd_answer_begin(chan) != 0)
        return -1;
    memcpy(line, m->body, m->len);
    line[m->len] = '\0';
    if (dsgd_bus_done(chan, 1) != 0)
        return -1;
    return command(line);
}

void dsgd_share_audited(dsgd_chan *chan)
{
    (void)chan;
    dsgd_answer_audited();
}

/* ---- the purge of deleted files' versions (REQ-SHARE-012) ------------------------ */

#define PURGE_EVERY_MS (60u * 60u * 1000u)   /* and at every start */
#define PURGE_BATCH 64u                      /* versions per round: the loop stays responsive */

static uint64_t next_purge_ms;               /* 0: at the first tick */

/* A version kept share.deleted_retention_days after its file's deletion:
 * its ciphertext goes (an object already gone is fine: a crash after the
 * removal), then the version is marked purged and the purge recorded. One
 * that fails is logged and left for the next round; the others go on. */
static int purge_one(const dsg_expired_version *v, void *ctx)
{
    size_t *purged = ctx;
    dsg_acct_problem p;
    char b[32];
    dsg_obj_status st = dsg_obj_remove(objects, v->object_id, (uint64_t)v->version);
    if (st != DSG_OBJ_OK && st != DSG_OBJ_ERR_NOT_FOUND) {
        dsgd_log("share: purging version %" PRId64 " of file %" PRId64 ": %s", v->version,
                 v->file, dsg_obj_store_error(objects));
        return 0;
    }
    if (dsg_file_store_mark_purged(db, v->file, v->version, now_s(), &p) != 0) {
        dsgd_log("share: purging version %" PRId64 " of file %" PRId64 ": %s", v->version,
                 v->file, p.message);
        return 0;
    }
    dsgd_share_record r = { "-", "-", "version", "-", "Delete", "version-purged", "" };
    snprintf(r.site_id, sizeof r.site_id, "%" PRId64, v->area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, v->file);
    snprintf(r.data, sizeof r.data, "name=%.300s; version=%" PRId64 "; deleted_at=%s", v->name,
             v->version, dsgd_share_when(v->deleted_at, b));
    dsgd_share_record_system(&r);
    (*purged)++;
    return 0;
}

/* One round of the purge; the next is due in an hour, or at once while
 * a full batch was found. */
static void purge(void)
{
    char err[200];
    size_t purged = 0;
    int64_t before = now_s() - (int64_t)set.retention_days * 86400;
    int n = dsg_file_store_each_expired(db, before, PURGE_BATCH, purge_one, &purged, err,
                                        sizeof err);
    if (n < 0)
        dsgd_log("share: the purge of deleted files' versions: %s", err);
    if (purged > 0)
        dsgd_log("share: %zu version%s of deleted files purged", purged, purged == 1 ? "" : "s");
    /* a full batch all purged: more may wait, at once; else in an hour */
    next_purge_ms = dsgd_now_ms() + (purged == PURGE_BATCH ? 0 : PURGE_EVERY_MS);
}

void dsgd_share_tick(void)
{
    dsgd_answer_pump();
    if (db != NULL && objects != NULL && dsgd_now_ms() >= next_purge_ms)
        purge();
}

int dsgd_share_poll_timeout(void)
{
    uint64_t now = dsgd_now_ms();
    if (dsgd_answer_ready() || now >= next_purge_ms)
        return 0;
    uint64_t wait = next_purge_ms - now;
    return wait > INT32_MAX ? INT32_MAX : (int)wait;
}

int dsgd_share_prepare(const char *settings, char *err, size_t n)
{
    static dsgd_settings defaults;
    dsgd_settings_defaults(&defaults);
    set = defaults.share;
    char why[160];
    if (settings != NULL && dsgd_settings_share_parse(settings, &set) != 0) {
        snprintf(err, n, "bad settings '%.200s'", settings);
        return -1;
    }
    if (dsg_area_template_parse(set.area_template, &folders, why, sizeof why) != 0) {
        snprintf(err, n, "share.area_template: %s", why);
        return -1;
    }
    /* the store's key, from the master over fd 5, and the capability key,
     * before the sandbox (REQ-STOR-007, REQ-SHARE-008) */
    store_key = dsgd_key_setup_take("share", DSGD_SETUP_FD, err, n);
    close(DSGD_SETUP_FD);
    if (store_key == NULL)
        return -1;
    if (dsg_cap_init() != 0) {
        snprintf(err, n, "no random generator for the capability key");
        return -1;
    }
    return dsgd_share_record_init(err, n);
}

/* A version a crash left pending: its temporary file is gone (the
 * store's sweep); its ciphertext, when the crash came after the commit's
 * rename and before the version was settled, is an orphan and goes too
 * (an object already gone is fine: a crash during the last sweep). */
static int remove_orphan(const uint8_t object_id[DSG_FILE_OBJECT_ID_LEN], int64_t version,
                         void *ctx)
{
    dsg_obj_status st = dsg_obj_remove(objects, object_id, (uint64_t)version);
    if (st == DSG_OBJ_OK)
        (*(long *)ctx)++;
    else if (st != DSG_OBJ_ERR_NOT_FOUND)
        dsgd_log("share: an orphaned object of version %" PRId64 ": %s", version,
                 dsg_obj_store_error(objects));
    return 0;   /* the version fails all the same: it is never served */
}

static int sweep_versions(char *err, size_t n)
{
    size_t swept = 0;
    if (dsg_file_store_sweep(db, remove_orphan, &swept_orphans, &swept, err, n) != 0)
        return -1;
    if (swept > 0)
        dsgd_log("share: %zu interrupted upload%s marked failed", swept, swept == 1 ? "" : "s");
    swept_versions = (long)swept;
    return 0;
}

/* The object store under dir, and what a crash left of unfinished uploads:
 * versions still pending fail, their ciphertext and every temporary file
 * go (REQ-STOR-012). */
static int open_objects(const char *dir, char *err, size_t n)
{
    char path[4200];
    dsg_obj_status st;
    snprintf(path, sizeof path, "%s%sobjects", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    snprintf(objects_dir, sizeof objects_dir, "%s", path);
    if ((st = dsg_obj_store_open(path, store_key, &objects)) != DSG_OBJ_OK) {
        snprintf(err, n, "%s: %s", path, dsg_obj_status_token(st));
        return -1;
    }
    long swept = dsg_obj_sweep_tmp(objects);
    if (swept < 0) {
        snprintf(err, n, "%s: %s", path, dsg_obj_store_error(objects));
        return -1;
    }
    if (swept > 0)
        dsgd_log("share: %ld unfinished upload%s removed", swept, swept == 1 ? "" : "s");
    swept_files = swept;
    return sweep_versions(err, n);
}

/* The search index under dir, its tokens keyed from the store's key
 * (docs/keys.md): HMAC-SHA-256(store key, "dsg-search-index-v1"). */
static int open_search(const char *dir, char *err, size_t n)
{
    static const char label[] = "dsg-search-index-v1";
    uint8_t key[DSG_STOK_KEY_LEN];
    size_t key_len = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s%ssearch.db", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, store_key, DSGD_ROLE_KEY_LEN,
                  (const uint8_t *)label, sizeof label - 1, key, sizeof key, &key_len) == NULL) {
        snprintf(err, n, "the search index's key cannot be derived");
        return -1;
    }
    int rc = dsg_search_open(path, set.busy_timeout_ms, key, &search, err, n);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

int dsgd_share_start(const char *dir, char *err, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%sshare.db", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    if (dsg_area_store_open(path, set.busy_timeout_ms, &db, err, n) != 0 ||
        open_objects(dir, err, n) != 0)
        return -1;
    return open_search(dir, err, n);
}

/* ---- backups (REQ-BKUP-002) ------------------------------------------------------ */

static DIR *shards, *shard;            /* the object tree as a backup walks it */
static char shard_name[3];
static long objects_gone;              /* removed before their turn in a backup */
static int store_key_sent;             /* the wrapped data key, first in a backup */

static void walk_end(void)
{
    if (shard != NULL)
        closedir(shard);
    if (shards != NULL)
        closedir(shards);
    shard = shards = NULL;
}

static int is_shard(const char *d)
{
    return strlen(d) == 2 && isxdigit((unsigned char)d[0]) && isxdigit((unsigned char)d[1]);
}

/* The wrapped data key (the KEK opens it: a restore needs it with the
 * escrowed KEK), then each object file, objects/AB/NAME as stored
 * (ciphertext); the object store's temporary files (objects/tmp) are not
 * objects. */
static int backup_next(char *name, size_t cap, uint64_t *limit, char *err, size_t n)
{
    char path[4500];
    struct dirent *d;
    *limit = UINT64_MAX;
    if (!store_key_sent) {
        store_key_sent = 1;
        snprintf(name, cap, "store.key.wrapped");
        return 1;
    }
    for (;;) {
        if (shard == NULL) {
            errno = 0;
            d = shards != NULL ? readdir(shards) : NULL;
            if (d == NULL) {
                int e = errno;
                walk_end();
                if (e != 0)
                    return snprintf(err, n, "objects: %s", strerror(e)), -1;
                if (objects_gone > 0)
                    dsgd_log("backup: %ld object file(s) removed before their turn", objects_gone);
                return 0;
            }
            if (!is_shard(d->d_name))
                continue;
            memcpy(shard_name, d->d_name, 3);   /* two hex digits and the NUL */
            snprintf(path, sizeof path, "%s/%s", objects_dir, shard_name);
            if ((shard = opendir(path)) == NULL && errno != ENOENT)
                return snprintf(err, n, "objects/%s: %s", shard_name, strerror(errno)), -1;
            continue;
        }
        errno = 0;
        d = readdir(shard);
        if (d == NULL) {
            if (errno != 0)
                return snprintf(err, n, "objects/%s: %s", shard_name, strerror(errno)), -1;
            closedir(shard);
            shard = NULL;
            continue;
        }
        if (d->d_name[0] == '.')
            continue;
        int len = snprintf(path, sizeof path, "%s/%s/%s", objects_dir, shard_name, d->d_name);
        if (len < 0 || (size_t)len >= sizeof path || strlen(d->d_name) > 200)
            return snprintf(err, n, "objects/%s: a name too long", shard_name), -1;
        if (access(path, F_OK) != 0) {   /* purged since the shard was listed */
            objects_gone++;
            continue;
        }
        snprintf(name, cap, "objects/%s/%s", shard_name, d->d_name);
        return 1;
    }
}

/* share.db and the search index, then the wrapped data key and every
 * object file as stored: ciphertext under keys the KEK wraps, never a key
 * in the clear. */
int dsgd_share_backup(dsgd_backup_source *src)
{
    if (db == NULL || objects == NULL || search == NULL)
        return -1;
    walk_end();
    objects_gone = 0;
    store_key_sent = 0;
    src->db[0] = db;
    src->db_name[0] = "share.db";
    src->db[1] = dsg_search_db(search);
    src->db_name[1] = "search.db";
    src->next_file = backup_next;
    shards = opendir(objects_dir);
    return shards != NULL ? 0 : -1;
}

void dsgd_share_stop(void)
{
    dsg_db_close(db);
    db = NULL;
    dsg_obj_store_close(objects);
    objects = NULL;
    dsg_search_close(search);
    search = NULL;
    dsg_key_mem_free(store_key, DSGD_ROLE_KEY_LEN);
    store_key = NULL;
    dsgd_answer_reset();
}
