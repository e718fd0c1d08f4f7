/* The auth role: see auth.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sqlite3.h>

#include "auth/acct_json.h"
#include "auth/acct_portal.h"
#include "auth/acct_review.h"
#include "auth/acct_store.h"
#include "auth/login_svc.h"
#include "auth/org_store.h"
#include "auth/terminal_store.h"
#include "auth/pw_hash.h"
#include "auth/pw_policy.h"
#include "core/b64url.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "log/audit.h"
#include "auth/cred_store.h"
#include "run/audit_out.h"
#include "run/auth.h"
#include "run/role_backup.h"
#include "run/key_setup.h"
#include "run/auth_http.h"
#include "run/log.h"
#include "run/role_answer.h"
#include "run/role_args.h"
#include "run/settings.h"
#include "stor/key_mem.h"

#define EX_REFUSED 1     /* the operation was refused: the code says why (REQ-ACCT-020) */
#define EX_USAGE 64
#define EX_SOFTWARE 70
#define EX_TEMPFAIL 75   /* the login service cannot answer now (503) */
#define EX_NOPERM 77     /* no valid administrator login (REQ-ACCT-012) */
#define DSGD_AUTH_LOGIN_ANSWER_MAX 3800u   /* a login step's JSON: within one report */

static sqlite3 *db;
static struct dsgd_auth_settings set;   /* -L, or the defaults (dsgd_auth_prepare) */
static X509_STORE *roots;                /* auth.webauthn_attestation_roots; NULL: none */
static uint8_t *data_key;   /* TOTP secrets sealed under it (setup pipe; key memory) */
static uint64_t next_sweep_ms;   /* CLOCK_MONOTONIC ms of the next expiry sweep; 0: now */
static char host[65];        /* the computer name of control-socket actions */

/* ---- output ------------------------------------------------------------------ */

int dsgd_auth_poll_timeout(void)
{
    uint64_t now = dsgd_now_ms();
    if (dsgd_answer_ready() || now >= next_sweep_ms)
        return 0;
    uint64_t wait = next_sweep_ms - now;
    return wait > INT32_MAX ? INT32_MAX : (int)wait;
}

/* Ends the command with its output and exit status 0. */
static int succeed(void)
{
    return dsgd_answer_finish(0, "%s", "");
}

static int refused(const dsg_acct_problem *p)
{
    return dsgd_answer_finish(EX_REFUSED, "error %s %s\n", p->code, p->message);
}

/* ---- time --------------------------------------------------------------------- */

static int64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

/* UTC RFC 3339 of a time in seconds ("-" for none). */
static const char *when(int64_t t, char buf[32])
{
    if (t == DSG_ACCT_NEVER || dsg_rfc3339_ms(buf, 32, t, 0) == 0)
        return "-";
    return buf;
}

/* ---- the record of an account operation (別紙 #15, REQ-ACCT-018) ----------- */

typedef dsgd_who who;

typedef struct op_record {
    const char *log_name;        /* Application: an administrator's action */
    unsigned event_id;           /* docs/events.md */
    const char *task;            /* application, account */
    const char *level;           /* 情報, 警告 */
    const char *keywords;        /* success, failure */
    const char *user_id;         /* the account acted upon */
    char detail[512];
} op_record;

/* Queues the record of r by w, made by source on computer; with ticket,
 * follows it (audit_out.h). 0, or -1 when it was dropped. */
static int queue_record_from(const who *w, const op_record *r, const char *source,
                             const char *computer, uint32_t *ticket)
{
    char date[32] = "-", user[160], event_id[12];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (dsg_rfc3339_ms(date, sizeof date, (int64_t)ts.tv_sec, (int64_t)ts.tv_nsec) == 0)
        snprintf(date, sizeof date, "-");   /* a clock outside years 0000..9999 */
    snprintf(user, sizeof user, "actor=%s account=%s", w->actor, r->user_id);
    snprintf(event_id, sizeof event_id, "%u", r->event_id);
    dsg_audit_field f[] = {
        { "log_name", (const uint8_t *)r->log_name, strlen(r->log_name) },
        { "source_name", (const uint8_t *)source, strlen(source) },
        { "date", (const uint8_t *)date, strlen(date) },
        { "event_id", (const uint8_t *)event_id, strlen(event_id) },
        { "task_category", (const uint8_t *)r->task, strlen(r->task) },
        { "level", (const uint8_t *)r->level, strlen(r->level) },
        { "keywords", (const uint8_t *)r->keywords, strlen(r->keywords) },
        { "user_name", (const uint8_t *)user, strlen(user) },
        { "computer_name", (const uint8_t *)computer, strlen(computer) },
        { "detail", (const uint8_t *)r->detail, strlen(r->detail) },
        { "uid", (const uint8_t *)w->uid, strlen(w->uid) },
        { "pid", (const uint8_t *)w->pid, strlen(w->pid) },
    };
    size_t nf = w->uid[0] != '\0' ? 12 : 10;   /* an automatic action has no dsgctl */
    int rc = ticket != NULL
        ? dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_ACCOUNT_OPS, f, nf, ticket)
        : dsgd_audit_out_add(DSG_AUDIT_TYPE_ACCOUNT_OPS, f, nf);
    if (rc != 0)
        dsgd_log("account: the record of event %u on %s was dropped", r->event_id, r->user_id);
    return rc;
}

/* The same by the auth role on this host (dsgctl's commands, the role's
 * own actions). */
static int queue_record(const who *w, const op_record *r, uint32_t *ticket)
{
    return queue_record_from(w, r, "dsgd/auth", host, ticket);
}

static int record(const who *w, const op_record *r)
{
    uint32_t ticket = 0;
    if (queue_record(w, r, &ticket) != 0)
        ticket = 0;
    dsgd_answer_wait_for(ticket, "the account database");
    dsgd_audit_out_flush();
    return 0;
}

/* A refused attempt is on record too (REQ-ACCT-013), as a warning. */
static void record_refusal(const who *w, const char *what, const char *user_id,
                           const dsg_acct_problem *p)
{
    op_record r = { "Application", 4190, "refusal", "警告", "failure", user_id, "" };
    snprintf(r.detail, sizeof r.detail, "%s refused: %s: %s", what, p->code, p->message);
    (void)record(w, &r);
}

void dsgd_auth_audited(dsgd_chan *chan)
{
    (void)chan;
    dsgd_answer_audited();
}

/* A lock by the lockout (REQ-ACCT-018): an automatic action of the role,
 * queued before the 認証ログ record whose ticket the step's answer waits
 * for, so that both are stored before it leaves. */
void dsgd_auth_record_lock(const char *user_id, const char *detail)
{
    static const who system = { "system:auth", "", "" };
    op_record r = { "System", 4123, "account", "警告", "success", user_id, "" };
    snprintf(r.detail, sizeof r.detail, "locked by the lockout: %s; state active -> locked",
             detail);
    (void)queue_record(&system, &r, NULL);
}

/* ---- the expiry sweep (REQ-ACCT-004) ------------------------------------------- */

/* A sweep's move: recorded as the action of by (the role itself, or the
 * administrator of `account expire`, whose answer lists it and waits for
 * its record). */
static void sweep_record(const who *by, int asked, op_record *r)
{
    uint32_t ticket = 0;
    if (!asked) {
        (void)queue_record(by, r, NULL);
        return;
    }
    if (queue_record(by, r, &ticket) != 0)
        ticket = 0;
    dsgd_answer_wait_for(ticket, "the account database");
    dsgd_answer_put("%s: %s\n", r->user_id, r->detail);
}

/* Suspends every account without a login for auth.inactivity_disable_days
 * (REQ-ACCT-005), each recorded with the reason; the count. */
static int sweep_inactive(const who *by, int asked)
{
    static dsg_acct_inactive moved[DSG_ACCT_SWEEP_BATCH];
    char err[200], b[32];
    int n, total = 0;
    do {
        n = dsg_acct_store_sweep_inactive(db, now_s(), set.inactivity_days, by->actor, moved,
                                          err, sizeof err);
        if (n < 0)
            dsgd_log("account: %s", err);
        for (int i = 0; i < n; i++) {
            op_record r = { asked ? "Application" : "System", 4119, "account", "情報", "success",
                            moved[i].user_id, "" };
            snprintf(r.detail, sizeof r.detail,
                     "reason inactive: no successful login since %s (auth.inactivity_disable_days"
                     " = %u); state active -> suspended", when(moved[i].since, b),
                     set.inactivity_days);
            sweep_record(by, asked, &r);
        }
        total += n > 0 ? n : 0;
        dsgd_audit_out_flush();
    } while (n == (int)DSG_ACCT_SWEEP_BATCH);
    return n < 0 ? -1 : total;
}

/* Moves every account past its expiry to EXPIRED, then suspends the
 * inactive ones, each move recorded as the action of by; the role's own
 * sweep then waits auth.expiry_sweep_interval. The count of expired
 * accounts into *expired, of suspended ones into *inactive; -1 on a
 * database error. */
static int sweep_as(const who *by, int asked, int *expired, int *inactive)
{
    static dsg_acct_expired moved[DSG_ACCT_SWEEP_BATCH];
    char err[200], b[32];
    int n;
    *expired = 0;
    do {
        n = dsg_acct_store_sweep(db, now_s(), by->actor, moved, err, sizeof err);
        if (n < 0)
            dsgd_log("account: %s", err);
        for (int i = 0; i < n; i++) {
            op_record r = { asked ? "Application" : "System", 4117, "account", "情報", "success",
                            moved[i].user_id, "" };
            snprintf(r.detail, sizeof r.detail, "expiry %s passed; state %s -> expired",
                     when(moved[i].expiry, b), dsg_acct_state_name(moved[i].from));
            sweep_record(by, asked, &r);
        }
        *expired += n > 0 ? n : 0;
        dsgd_audit_out_flush();
    } while (n == (int)DSG_ACCT_SWEEP_BATCH);
    *inactive = sweep_inactive(by, asked);
    next_sweep_ms = dsgd_now_ms() + set.expiry_sweep_ms;
    return n < 0 || *inactive < 0 ? -1 : 0;
}

static void sweep(void)
{
    static const who system = { "system:auth", "", "" };
    int expired, inactive;
    (void)sweep_as(&system, 0, &expired, &inactive);
}

/* account expire: the sweep now, as the administrator's action; lists
 * what moved. @relation(REQ-ACCT-023, REQ-ACCT-020) */
static int cmd_expire(const char *args, const who *w)
{
    int expired, inactive;
    if (args[0] != '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: expire takes no argument\n",
                                  args);
    if (sweep_as(w, 1, &expired, &inactive) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage the sweep could not finish: see "
                                  "the master's log\n");
    dsgd_answer_put("%d account%s expired, %d suspended for inactivity\n", expired,
                    expired == 1 ? "" : "s", inactive);
    return succeed();
}

void dsgd_auth_tick(void)
{
    dsgd_answer_pump();
    if (db != NULL && dsgd_now_ms() >= next_sweep_ms)
        sweep();
}

/* ---- commands ------------------------------------------------------------------ */

static int cmd_apply(const char *json, const who *w)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    if (dsg_acct_app_from_json((const uint8_t *)json, strlen(json), &a, &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    (void)dsg_acct_user_id_fold(a.user_id, a.user_id);   /* as stored; a bad ID stays as typed */
    if (dsg_acct_store_apply(db, &a, w->actor, now_s(), &id, &p) != 0) {
        if (strcmp(p.code, "storage") == 0)
            return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", p.message);
        record_refusal(w, "application", a.user_id, &p);
        return refused(&p);
    }
    op_record r = { "Application", 4100, "application", "情報", "success", a.user_id, "" };
    snprintf(r.detail, sizeof r.detail, "application %" PRId64 ": %s %s entered, pending",
             id, dsg_app_kind_name(a.kind), a.user_id);
    dsgd_answer_put("application %" PRId64 " %s %s: pending\n", id, dsg_app_kind_name(a.kind), a.user_id);
    record(w, &r);
    return succeed();
}

/* ---- applications from the portal (REQ-ACCT-001) -------------------------------- */

#define PORTAL_SOURCE "dsgd/auth (portal)"

/* The HTTP status of a refused portal application. */
static int portal_status(const dsg_acct_problem *p)
{
    if (strcmp(p->code, "other_organisation") == 0 || strcmp(p->code, "admin_account") == 0)
        return 403;
    if (strcmp(p->code, "missing_field") == 0 || strcmp(p->code, "bad_field") == 0 ||
        strcmp(p->code, "bad_request") == 0)
        return 400;
    return strcmp(p->code, "storage") == 0 ? 503 : 409;
}

/* Records a portal application's outcome by its applicant: 4100 entered,
 * or 4190 refused. The ticket of the record (0: dropped). */
static uint32_t portal_record(const char *applicant, const char *computer, const dsg_acct_app *a,
                              int64_t id, const dsg_acct_problem *p)
{
    who w = { "", "", "" };
    uint32_t ticket = 0;
    const char *kind = dsg_app_kind_name(a->kind);
    op_record r = { "Application", 4100, "application", "情報", "success", a->user_id, "" };
    snprintf(w.actor, sizeof w.actor, "%s", applicant);
    if (p != NULL) {
        r = (op_record){ "Application", 4190, "refusal", "警告", "failure",
                         a->user_id[0] != '\0' ? a->user_id : "-", "" };
        snprintf(r.detail, sizeof r.detail, "application at the portal refused: %s: %s",
                 p->code, p->message);
    } else {
        snprintf(r.detail, sizeof r.detail,
                 "application %" PRId64 ": %s %s entered at the portal, pending", id,
                 kind != NULL ? kind : "-", a->user_id);
    }
    if (queue_record_from(&w, &r, PORTAL_SOURCE, computer, &ticket) != 0)
        ticket = 0;
    dsgd_audit_out_flush();
    return ticket;
}

/* The decision of acct_portal.h over the applicant's and the target's
 * stored accounts. 0, or -1 with the problem. */
static int portal_may_apply(const dsg_acct_row *me, const dsg_acct_app *a, dsg_acct_problem *p)
{
    static dsg_acct_row target;
    char err[200];
    dsg_portal_party self = { me->org, me->org_kind, me->type }, other;
    int found = 0;
    if (a->kind != DSG_APP_REGISTER) {
        found = dsg_acct_store_get(db, a->user_id, &target, err, sizeof err);
        if (found < 0)
            return dsg_problem(p, "storage", "", "%s", err);
        other = (dsg_portal_party){ target.org, target.org_kind, target.type };
    }
    return dsg_acct_portal_may_apply(a, &self, found == 1 ? &other : NULL, p);
}

/* Enters a on behalf of me: 0 with the number in *id, or -1 with the
 * problem. The applicant is me, never a value of the request. */
static int portal_enter(const dsg_acct_row *me, dsg_acct_app *a, int64_t now, int64_t *id,
                        dsg_acct_problem *p)
{
    if (a->applicant[0] != '\0')
        return dsg_problem(p, "bad_request", "applicant",
                           "applicant: the portal records the signed-in user; leave it out");
    snprintf(a->applicant, sizeof a->applicant, "%s", me->user_id);
    if (dsg_acct_app_check(a, now, p) != 0 || portal_may_apply(me, a, p) != 0)
        return -1;
    return dsg_acct_store_apply(db, a, me->user_id, now, id, p);
}

int dsgd_auth_portal_apply(const dsg_acct_row *me, const char *computer, dsg_acct_app *a,
                           int64_t *id, dsg_acct_problem *p, uint32_t *ticket)
{
    *id = 0;
    (void)dsg_acct_user_id_fold(a->user_id, a->user_id);   /* as stored; a bad ID stays as typed */
    if (portal_enter(me, a, now_s(), id, p) == 0) {
        *ticket = portal_record(me->user_id, computer, a, *id, NULL);
        return 201;
    }
    *ticket = 0;
    if (strcmp(p->code, "storage") == 0) {
        dsgd_log("auth: a portal application: %s", p->message);
        return 503;
    }
    *ticket = portal_record(me->user_id, computer, a, 0, p);
    return portal_status(p);
}

int dsgd_auth_portal_each_app(const char *user_id, int (*fn)(const dsg_app_row *r, void *ctx),
                              void *ctx)
{
    char err[200];
    if (dsg_acct_store_each_app_by(db, user_id, fn, ctx, err, sizeof err) == 0)
        return 0;
    dsgd_log("auth: a portal user's applications: %s", err);
    return -1;
}

/* The event ID of an approved application of this kind (docs/events.md). */
static unsigned approved_event(dsg_app_kind k)
{
    static const unsigned ids[DSG_APP_KIND_COUNT] = { 4110, 4111, 4112, 4113, 4114, 4122 };
    return (unsigned)k < DSG_APP_KIND_COUNT ? ids[k] : 4101;
}

/* After an approved factor reset (REQ-MFA-006) is committed: every session
 * of the account ended and every login in progress dropped (both held the
 * old factor's word), each on the 認証ログ; what was revoked (had, read
 * before the approval) into detail. */
static void after_reset(const char *user_id, const dsg_acct_factors *had, char *detail,
                        size_t n)
{
    char ended_text[96];
    size_t ended = dsg_lsvc_end_sessions(user_id, NULL);
    size_t dropped = dsg_lsvc_end_logins(user_id);
    snprintf(detail, n, "TOTP %s, %" PRId64 " WebAuthn credential%s revoked, %" PRId64
             " live enrolment code%s ended, %zu session%s ended, %zu login%s in progress "
             "dropped",
             had->totp ? "revoked" : "none", had->webauthn, had->webauthn == 1 ? "" : "s",
             had->codes, had->codes == 1 ? "" : "s", ended, ended == 1 ? "" : "s", dropped,
             dropped == 1 ? "" : "s");
    (void)dsgd_auth_record(user_id, host, "factor-reset", detail);
    if (ended == 0)
        return;
    snprintf(ended_text, sizeof ended_text, "%zu session%s ended by a factor reset", ended,
             ended == 1 ? "" : "s");
    (void)dsgd_auth_record(user_id, host, "logout-forced", ended_text);
}

static int cmd_decide(const char *args, int approve, const who *w)
{
    int64_t id;
    const char *rest;
    char reason[DSG_ACCT_REASON_MAX + 1] = "";
    dsg_acct_problem p;
    dsg_app_row app;
    dsg_acct_row before, after;
    char err[160];
    if (dsgd_arg_id(args, &id, &rest) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument ID: an application number\n");
    if (approve ? rest[0] != '\0' : rest[0] == '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s\n",
                      approve ? "approve takes only the application number"
                              : "reject needs a reason");
    if (!approve && dsg_acct_reason_from_json((const uint8_t *)rest, strlen(rest), reason,
                                              &p) != 0)
        return dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
    int known = dsg_acct_store_get_app(db, id, &app, err, sizeof err) == 1;
    int had = known && dsg_acct_store_get(db, app.app.user_id, &before, err, sizeof err) == 1;
    int reset = approve && known && app.app.kind == DSG_APP_RESET_FACTOR;
    dsg_acct_factors factors = { 0, 0, 0 };
    if (reset && dsg_acct_store_factors(db, app.app.user_id, now_s(), &factors) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage the factors of %s are unreadable\n",
                      app.app.user_id);
    int rc = approve ? dsg_acct_store_approve(db, id, w->actor, now_s(), &p)
                     : dsg_acct_store_reject(db, id, w->actor, reason, now_s(), &p);
    if (rc != 0) {
        if (strcmp(p.code, "storage") == 0)
            return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", p.message);
        record_refusal(w, approve ? "approval" : "rejection", known ? app.app.user_id : "-", &p);
        return refused(&p);
    }
    if (dsg_acct_store_get(db, app.app.user_id, &after, err, sizeof err) != 1)
        after.acct.state = DSG_ACCT_STATE_COUNT;   /* named "unknown" below */
    char revoked[256] = "";
    if (reset)
        after_reset(app.app.user_id, &factors, revoked, sizeof revoked);
    op_record r = { "Application", approve ? approved_event(app.app.kind) : 4102,
                    approve ? "account" : "application", "情報", "success", app.app.user_id, "" };
    snprintf(r.detail, sizeof r.detail, "application %" PRId64 " (%s) %s; state %s -> %s%s%s%s",
             id, dsg_app_kind_name(app.app.kind), approve ? "approved" : "rejected",
             had ? dsg_acct_state_name(before.acct.state) : "-",
             dsg_acct_state_name(after.acct.state), approve ? "" : "; reason: ", reason,
             reset ? "; " : "");
    if (reset)   /* appended: the detail holds both */
        snprintf(r.detail + strlen(r.detail), sizeof r.detail - strlen(r.detail), "%s",
                 revoked);
    dsgd_answer_put("application %" PRId64 " %s: %s is %s\n", id, approve ? "approved" : "rejected",
        app.app.user_id, dsg_acct_state_name(after.acct.state));
    if (reset)
        dsgd_answer_put("%s: %s; a new enrolment code: dsgctl account credentials %s --sheet code\n",
            app.app.user_id, revoked, app.app.user_id);
    record(w, &r);
    return succeed();
}

/* ---- listings -------------------------------------------------------------------- */

static void json_text(dsg_json_out *j, const char *key, const char *v)
{
    (void)dsg_json_out_key(j, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(j, (const uint8_t *)v, strlen(v));
}

static void json_time(dsg_json_out *j, const char *key, int64_t t)
{
    char b[32];
    (void)dsg_json_out_key(j, (const uint8_t *)key, strlen(key));
    if (t == DSG_ACCT_NEVER)
        (void)dsg_json_out_null(j);
    else
        (void)dsg_json_out_string(j, (const uint8_t *)when(t, b), strlen(when(t, b)));
}

/* One account as a JSON object, on its own line. */
/* A move of the history as a JSON object of the array j is in. */
static int put_move_json(const dsg_history_row *m, void *ctx)
{
    dsg_json_out *j = ctx;
    (void)dsg_json_out_object_begin(j);
    json_time(j, "at", m->at);
    json_text(j, "event", m->event);
    json_text(j, "from", m->from);
    json_text(j, "to", m->to);
    (void)dsg_json_out_key(j, (const uint8_t *)"application", 11);
    if (m->application > 0)
        (void)dsg_json_out_int(j, m->application);
    else
        (void)dsg_json_out_null(j);
    json_text(j, "actor", m->actor);
    (void)dsg_json_out_object_end(j);
    return 0;
}

/* An AAGUID as a UUID: 8-4-4-4-12 lowercase hex digits. */
static const char *aaguid_text(const uint8_t a[16], char out[37])
{
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        snprintf(out + o, 3, "%02x", a[i]);
        o += 2;
    }
    return out;
}

/* A factor as a JSON object of the array j is in: type, enrolled_at and,
 * for WebAuthn, aaguid; nothing else. @relation(REQ-MFA-018) */
static int put_factor_json(const dsg_acct_factor_row *f, void *ctx)
{
    dsg_json_out *j = ctx;
    char a[37];
    (void)dsg_json_out_object_begin(j);
    json_text(j, "type", f->type);
    json_time(j, "enrolled_at", f->enrolled_at);
    if (f->has_aaguid)
        json_text(j, "aaguid", aaguid_text(f->aaguid, a));
    (void)dsg_json_out_object_end(j);
    return 0;
}

/* "  TIME TYPE [aaguid UUID]", one line a factor. @relation(REQ-MFA-018) */
static int put_factor_line(const dsg_acct_factor_row *f, void *ctx)
{
    char b[32], a[37];
    (void)ctx;
    if (f->has_aaguid)
        dsgd_answer_put("  %s %s aaguid %s\n", when(f->enrolled_at, b), f->type, aaguid_text(f->aaguid, a));
    else
        dsgd_answer_put("  %s %s\n", when(f->enrolled_at, b), f->type);
    return 0;
}

/* The account as one JSON line; with_history: its factors and moves too (show). */
static int put_account_json(const dsg_acct_row *r, int with_history)
{
    static uint8_t buf[1u << 16];
    char err[200];
    size_t n;
    dsg_json_out j;
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    json_text(&j, "user_id", r->user_id);
    json_text(&j, "name", r->name);
    json_text(&j, "org", r->org);
    json_text(&j, "org_kind", dsg_org_kind_name(r->org_kind));
    json_text(&j, "contract", r->contract);
    json_text(&j, "type", dsg_acct_type_name(r->type));
    json_text(&j, "state", dsg_acct_state_name(r->acct.state));
    json_time(&j, "expiry", r->acct.expiry);
    json_time(&j, "contract_end", r->acct.contract_end);
    json_time(&j, "registered_at", r->acct.registered_at);
    json_time(&j, "activated_at", r->acct.activated_at);
    json_time(&j, "suspended_at", r->acct.suspended_at);
    json_time(&j, "locked_at", r->acct.locked_at);
    json_time(&j, "expired_at", r->acct.expired_at);
    json_time(&j, "deleted_at", r->acct.deleted_at);
    (void)dsg_json_out_key(&j, (const uint8_t *)"application", 11);
    (void)dsg_json_out_int(&j, r->application);
    if (with_history) {
        (void)dsg_json_out_key(&j, (const uint8_t *)"factors", 7);
        (void)dsg_json_out_array_begin(&j);
        if (dsg_acct_store_each_factor(db, r->user_id, put_factor_json, &j, err, sizeof err) != 0)
            return -1;
        (void)dsg_json_out_array_end(&j);
        (void)dsg_json_out_key(&j, (const uint8_t *)"history", 7);
        (void)dsg_json_out_array_begin(&j);
        if (dsg_acct_store_each_move(db, r->user_id, put_move_json, &j, err, sizeof err) != 0)
            return -1;
        (void)dsg_json_out_array_end(&j);
    }
    (void)dsg_json_out_object_end(&j);
    if (dsg_json_out_finish(&j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(buf, n);
    dsgd_answer_put("\n");
    return 0;
}

static int put_account_line(const dsg_acct_row *r, void *json)
{
    char b[32];
    if (*(int *)json)
        return put_account_json(r, 0);
    dsgd_answer_put("%-24s %-9s %-9s %-10s %-24s %s / %s / %s\n", r->user_id, dsg_acct_type_name(r->type),
        dsg_org_kind_name(r->org_kind), dsg_acct_state_name(r->acct.state),
        when(r->acct.expiry, b), r->name, r->org, r->contract);
    return 0;
}

/* The flags of a listing, each at most once and nothing else: 0, or -1
 * after answering the usage error. */
static int cmd_list(const char *args)
{
    static const char *const names[] = { "--all", "--json" };
    int set[2] = { 0, 0 };
    char err[200];
    if (dsgd_answer_flags("list", args, names, set, 2) != 0)
        return 0;
    if (!set[1])
        dsgd_answer_put("%-24s %-9s %-9s %-10s %-24s %s\n", "USER_ID", "TYPE", "ORG_KIND", "STATE",
            "EXPIRY", "NAME / ORG / CONTRACT");
    if (dsg_acct_store_each(db, set[0], put_account_line, &set[1], err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

/* ---- the review (REQ-ACCT-008) -------------------------------------------------- */

typedef struct review_ctx {
    const char *org;          /* "": every organisation */
    int64_t now;
} review_ctx;

/* One account of the review as a JSON line: its row, its last login and
 * the flags its row decides. */
static int put_review_line(const dsg_acct_row *r, void *ctx)
{
    static uint8_t buf[4096];
    const review_ctx *c = ctx;
    dsg_acct_last_login last;
    size_t n;
    dsg_json_out j;
    if (c->org[0] != '\0' && strcmp(r->org, c->org) != 0)
        return 0;
    if (dsg_acct_store_last_login(db, r->user_id, &last) != 1)
        return -1;
    uint32_t flags = dsg_acct_review_flags(&r->acct, last.at, c->now, set.inactivity_days);
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    json_text(&j, "user_id", r->user_id);
    json_text(&j, "name", r->name);
    json_text(&j, "type", dsg_acct_type_name(r->type));
    json_text(&j, "org", r->org);
    json_text(&j, "org_kind", dsg_org_kind_name(r->org_kind));
    json_text(&j, "contract", r->contract);
    json_text(&j, "state", dsg_acct_state_name(r->acct.state));
    json_time(&j, "expiry", r->acct.expiry);
    json_time(&j, "contract_end", r->acct.contract_end);
    json_time(&j, "last_login", last.at > 0 ? last.at : DSG_ACCT_NEVER);
    json_text(&j, "last_login_computer", last.computer);
    (void)dsg_json_out_key(&j, (const uint8_t *)"flags", 5);
    (void)dsg_json_out_array_begin(&j);
    for (uint32_t f = 1; f <= DSG_REVIEW_NO_CONTRACT; f <<= 1)
        if (flags & f)
            (void)dsg_json_out_string(&j, (const uint8_t *)dsg_acct_review_flag_name(f),
                                      strlen(dsg_acct_review_flag_name(f)));
    (void)dsg_json_out_array_end(&j);
    (void)dsg_json_out_object_end(&j);
    if (dsg_json_out_finish(&j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(buf, n);
    dsgd_answer_put("\n");
    return 0;
}

/* account review [--org ORG_B64]: every account not deleted (of the
 * organisation), a JSON line each. @relation(REQ-ACCT-008) */
static int cmd_review(const char *args)
{
    char org[DSG_ACCT_TEXT_MAX + 1] = "", err[200];
    size_t n = 0, at = 0;
    review_ctx c = { org, now_s() };
    if (args[0] != '\0') {
        const char *b64 = strncmp(args, "--org ", 6) == 0 ? args + 6 : NULL;
        if (b64 == NULL || b64[0] == '\0' || strchr(b64, ' ') != NULL ||
            dsg_b64url_decode(b64, strlen(b64), (uint8_t *)org, DSG_ACCT_TEXT_MAX, &n, &at) !=
                DSG_B64URL_OK ||
            n == 0 || memchr(org, '\0', n) != NULL)
            return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: review takes --org "
                                      "ORG (base64url)\n", args);
        org[n] = '\0';
    }
    if (dsg_acct_store_each(db, 0, put_review_line, &c, err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

static int put_app_line(const dsg_app_row *r, void *json)
{
    char b[32];
    if (*(int *)json) {
        uint8_t buf[DSG_ACCT_JSON_MAX];
        size_t n;
        if (dsg_acct_app_to_json(&r->app, buf, sizeof buf, &n) != 0)
            return -1;
        dsgd_answer_put("{\"id\":%" PRId64 ",\"state\":\"%s\",\"application\":", r->id,
            dsg_app_state_name(r->state));
        dsgd_answer_put_bytes(buf, n);
        dsgd_answer_put("}\n");
        return 0;
    }
    dsgd_answer_put("%-6" PRId64 " %-14s %-24s %-9s %-24s %s\n", r->id, dsg_app_kind_name(r->app.kind),
        r->app.user_id, dsg_app_state_name(r->state), when(r->entered_at, b), r->entered_by);
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
        dsgd_answer_put("%-6s %-14s %-24s %-9s %-24s %s\n", "ID", "KIND", "USER_ID", "STATE", "ENTERED",
            "BY");
    if (dsg_acct_store_each_app(db, set[0], put_app_line, &set[1], err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

/* "  TIME EVENT FROM -> TO application N by ACTOR", one line a move.
 * @relation(REQ-ENROL-004) */
static int put_move_line(const dsg_history_row *m, void *ctx)
{
    char b[32], app[24] = "-";
    (void)ctx;
    if (m->application > 0)
        snprintf(app, sizeof app, "%" PRId64, m->application);
    dsgd_answer_put("  %s %s %s -> %s application %s by %s\n", when(m->at, b), m->event,
        m->from[0] ? m->from : "-", m->to, app, m->actor);
    return 0;
}

static int cmd_show(const char *args)
{
    char id[DSG_ACCT_USER_ID_MAX + 1], err[200], b[32];
    dsg_acct_row r;
    int json = 0;
    const char *sp = strchr(args, ' ');
    size_t n = sp != NULL ? (size_t)(sp - args) : strlen(args);
    if (sp != NULL && strcmp(sp, " --json") != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: show takes a user ID and --json\n", sp + 1);
    json = sp != NULL;
    if (n == 0 || n > DSG_ACCT_USER_ID_MAX)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument USER_ID: a user ID\n");
    memcpy(id, args, n);
    id[n] = '\0';
    int found = dsg_acct_store_get(db, id, &r, err, sizeof err);
    if (found < 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    if (found == 0)
        return dsgd_answer_finish(EX_REFUSED, "error unknown_account no account %s\n", id);
    if (json) {
        if (put_account_json(&r, 1) != 0)
            return dsgd_answer_finish(EX_SOFTWARE,
                          "error storage the factors or history of %s are unreadable\n", id);
        return succeed();
    }
    dsgd_answer_put("user_id: %s\nname: %s\norg: %s (%s)\ncontract: %s\ntype: %s\nstate: %s\n", r.user_id,
        r.name, r.org, dsg_org_kind_name(r.org_kind), r.contract, dsg_acct_type_name(r.type),
        dsg_acct_state_name(r.acct.state));
    dsgd_answer_put("expiry: %s\n", when(r.acct.expiry, b));
    dsgd_answer_put("contract_end: %s\n", when(r.acct.contract_end, b));
    dsgd_answer_put("registered_at: %s\n", when(r.acct.registered_at, b));
    dsgd_answer_put("activated_at: %s\n", when(r.acct.activated_at, b));
    dsgd_answer_put("suspended_at: %s\n", when(r.acct.suspended_at, b));
    dsgd_answer_put("locked_at: %s\n", when(r.acct.locked_at, b));
    dsgd_answer_put("expired_at: %s\n", when(r.acct.expired_at, b));
    dsgd_answer_put("deleted_at: %s\n", when(r.acct.deleted_at, b));
    dsgd_answer_put("application: %" PRId64 "\n", r.application);
    dsgd_answer_put("factors:\n");
    if (dsg_acct_store_each_factor(db, r.user_id, put_factor_line, NULL, err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    dsgd_answer_put("history:\n");
    if (dsg_acct_store_each_move(db, r.user_id, put_move_line, NULL, err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

/* ---- credentials: the initial password and the enrolment code ---------------------- */

/* A temporary password by the configured policy, stored as its scrypt
 * hash; the sheet shows it once. */
static int issue_password(const dsg_acct_row *r, char *secret, size_t cap, char *verifier,
                          size_t vcap)
{
    dsg_pw_policy policy = { set.password_min_length, set.password_max_length,
                             set.password_required_classes };
    dsg_scrypt_params prm = { set.scrypt_log2_n, set.scrypt_r, set.scrypt_p };
    size_t n;
    if (dsg_pw_issue_temporary(&policy, (const uint8_t *)r->user_id, strlen(r->user_id), secret,
                               cap, &n) != 0 ||
        dsg_pw_hash_new((const uint8_t *)secret, n, &prm, verifier, vcap) <= 0)
        return -1;
    return 0;
}

/* 128 random bits as 32 hex digits in groups of four; stored as the
 * SHA-256 of the digits without the dashes. */
static int issue_code(char *secret, size_t cap, char *verifier, size_t vcap)
{
    uint8_t raw[16], digest[32];
    char plain[33];
    if (cap < 40 || vcap < 65 || RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(plain + 2 * i, 3, "%02x", raw[i]);
    for (size_t g = 0, o = 0; g < 8; g++) {
        memcpy(secret + o, plain + 4 * g, 4);
        o += 4;
        secret[o++] = g < 7 ? '-' : '\0';
    }
    if (EVP_Digest(plain, 32, digest, NULL, EVP_sha256(), NULL) != 1)
        return -1;
    for (size_t i = 0; i < sizeof digest; i++)
        snprintf(verifier + 2 * i, 3, "%02x", digest[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(plain, sizeof plain);
    return 0;
}

/* The sheet: what it is, for whom, until when, and how to deliver it. */
static void put_sheet(const dsg_acct_row *r, int password, const char *secret, int64_t until)
{
    char b[32];
    dsgd_answer_put("DSG %s for %s (%s, %s)\n", password ? "initial password" : "enrolment code",
        r->user_id, r->name, r->org);
    dsgd_answer_put("%s: %s\n", password ? "password" : "code", secret);
    dsgd_answer_put("valid until: %s\n", when(until, b));
    dsgd_answer_put("%s\n", password ? "It must be changed at the first login. Deliver it apart from the "
                           "enrolment code."
                         : "It enrols one authentication factor, once. Deliver it apart from "
                           "the initial password.");
}

/* Issues the active account r's initial password or enrolment code, prints
 * its sheet and records it. 0, or -1 with the problem. */
static int issue_credential(const dsg_acct_row *r, int password, const who *w,
                            dsg_acct_problem *p)
{
    char secret[DSG_PW_TEMP_LENGTH + 1024], verifier[DSG_PW_HASH_STR_MAX + 1], b[32];
    int64_t now = now_s();
    int64_t until = now + (password ? set.temporary_password_ms : set.enrolment_code_ms) / 1000;
    int made = password ? issue_password(r, secret, sizeof secret, verifier, sizeof verifier)
                        : issue_code(secret, sizeof secret, verifier, sizeof verifier);
    if (made != 0) {
        p->code = "issue_failed";
        p->field = "";
        snprintf(p->message, sizeof p->message, "the secret could not be made");
        return -1;
    }
    int stored = dsg_acct_store_issue(db, r->user_id,
                                      password ? DSG_CRED_PASSWORD : DSG_CRED_ENROLMENT_CODE,
                                      verifier, now, until, w->actor, p);
    if (stored == 0)
        put_sheet(r, password, secret, until);
    OPENSSL_cleanse(secret, sizeof secret);
    if (stored != 0)
        return -1;
    op_record rec = { "Application", password ? 4120u : 4121u, "credential", "情報", "success",
                      r->user_id, "" };
    snprintf(rec.detail, sizeof rec.detail, "%s issued, valid until %s (the secret is not kept)",
             password ? "initial password" : "enrolment code", when(until, b));
    return record(w, &rec);
}

/* The account user_id, if it may be given credentials: 0 with *r, or the
 * command's answer (usage, refusal, storage) in *answer. */
static int credential_account(const char *user_id, int password, const who *w, dsg_acct_row *r,
                              int *answer)
{
    char err[200];
    dsg_acct_problem p;
    int found = dsg_acct_store_get(db, user_id, r, err, sizeof err);
    if (found <= 0) {
        *answer = found < 0 ? dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err)
                            : dsgd_answer_finish(EX_REFUSED, "error unknown_account no account %s\n", user_id);
        return -1;
    }
    if (r->acct.state != DSG_ACCT_ACTIVE) {   /* before any secret is made */
        p.code = "not_active";
        p.field = "user-id";
        snprintf(p.message, sizeof p.message, "%s is %s: credentials go to active accounts",
                 r->user_id, dsg_acct_state_name(r->acct.state));
        record_refusal(w, password ? "initial password" : "enrolment code", r->user_id, &p);
        *answer = refused(&p);
        return -1;
    }
    return 0;
}

/* The answer to a failed issue. */
static int issue_failed(const dsg_acct_row *r, int password, const who *w,
                        const dsg_acct_problem *p)
{
    if (strcmp(p->code, "storage") == 0 || strcmp(p->code, "issue_failed") == 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error %s %s\n", p->code, p->message);
    record_refusal(w, password ? "initial password" : "enrolment code", r->user_id, p);
    return refused(p);
}

/* ---- locks and sessions (REQ-MFA-011, REQ-ACCT-015) ------------------------------- */

/* USER_ID, folded, from the front of args; the rest in *rest. 0, or -1
 * with the answer given. */
static int take_user(const char *cmd, const char *args, char id[DSG_ACCT_USER_ID_MAX + 1],
                     const char **rest)
{
    char word[DSG_ACCT_USER_ID_MAX + 2];
    size_t n = strcspn(args, " ");
    *rest = args[n] == ' ' ? args + n + 1 : args + n;
    if (n == 0 || n >= sizeof word) {
        dsgd_answer_finish(EX_USAGE, "error bad_argument USER_ID: %s takes a user ID\n", cmd);
        return -1;
    }
    memcpy(word, args, n);
    word[n] = '\0';
    if (dsg_acct_user_id_fold(word, id) != 0) {
        dsgd_answer_finish(EX_USAGE, "error bad_argument USER_ID: not a user ID: %s\n", word);
        return -1;
    }
    return 0;
}

/* account unlock USER_ID */
static int cmd_unlock(const char *args, const who *w)
{
    char id[DSG_ACCT_USER_ID_MAX + 1], err[200];
    const char *rest;
    if (take_user("unlock", args, id, &rest) != 0)
        return 0;
    if (*rest != '\0')
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: unlock takes a user ID\n", rest);
    int rc = dsg_lsvc_unlock(id, now_s(), w->actor, err, sizeof err);
    if (rc < 0)
        return dsgd_answer_finish(strncmp(err, "no account", 10) == 0 ? EX_REFUSED : EX_SOFTWARE,
                      "error %s %s\n", strncmp(err, "no account", 10) == 0 ? "unknown_account"
                                                                          : "storage", err);
    if (rc == 1) {
        dsg_acct_problem p = { "not_locked", "user-id", "" };
        snprintf(p.message, sizeof p.message, "%s is not locked", id);
        record_refusal(w, "unlock", id, &p);
        return refused(&p);
    }
    (void)dsgd_auth_record(id, host, "unlocked", "unlocked by an administrator");
    op_record r = { "Application", 4116, "account", "情報", "success", id, "" };
    snprintf(r.detail, sizeof r.detail, "unlocked: failure counters cleared; state -> active");
    dsgd_answer_put("%s is unlocked\n", id);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* account sessions USER_ID [--json] */
static int cmd_sessions(const char *args)
{
    static dsg_lsvc_session_info list[DSG_SESSION_MAX_PER_USER_MAX];
    char id[DSG_ACCT_USER_ID_MAX + 1], a[32], b[32];
    const char *rest;
    if (take_user("sessions", args, id, &rest) != 0)
        return 0;
    int json = strcmp(rest, "--json") == 0;
    if (*rest != '\0' && !json)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: sessions takes a user ID and --json\n",
                      rest);
    size_t n = dsg_lsvc_sessions(id, now_s(), list, DSG_SESSION_MAX_PER_USER_MAX);
    if (!json)
        dsgd_answer_put("%-12s %-24s %-24s %-8s %s\n", "SESSION", "STARTED", "LAST_USED", "FACTOR",
            "COMPUTER");
    for (size_t i = 0; i < n && i < DSG_SESSION_MAX_PER_USER_MAX; i++) {
        const dsg_lsvc_session_info *s = &list[i];
        const char *factor = s->factor == DSG_LOGIN_TOTP ? "totp" : "webauthn";
        if (json)
            dsgd_answer_put("{\"session\":\"%s\",\"started\":\"%s\",\"last_used\":\"%s\","
                "\"factor\":\"%s\",\"computer\":\"%s\"}\n",
                s->id, when(s->created, a), when(s->last_seen, b), factor, s->computer);
        else
            dsgd_answer_put("%-12s %-24s %-24s %-8s %s\n", s->id, when(s->created, a), when(s->last_seen, b),
                factor, s->computer);
    }
    return succeed();
}

/* account logout USER_ID [SESSION] */
static int cmd_logout(const char *args, const who *w)
{
    char id[DSG_ACCT_USER_ID_MAX + 1], detail[96];
    const char *rest;
    if (take_user("logout", args, id, &rest) != 0)
        return 0;
    if (*rest != '\0' && strspn(rest, "0123456789abcdef") != 12)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument SESSION: 12 hex digits "
                                "(dsgctl account sessions), not %s\n", rest);
    size_t ended = dsg_lsvc_end_sessions(id, *rest != '\0' ? rest : NULL);
    if (ended == 0) {
        dsg_acct_problem p = { "no_session", "session", "" };
        snprintf(p.message, sizeof p.message, "%s has no %s", id,
                 *rest != '\0' ? "such session" : "session");
        record_refusal(w, "logout", id, &p);
        return refused(&p);
    }
    snprintf(detail, sizeof detail, "%zu session%s ended by an administrator", ended,
             ended == 1 ? "" : "s");
    (void)dsgd_auth_record(id, host, "logout-forced", detail);
    op_record r = { "Application", 4118, "account", "情報", "success", id, "" };
    snprintf(r.detail, sizeof r.detail, "%s", detail);
    dsgd_answer_put("%s: %s\n", id, detail);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* account credentials USER_ID --sheet password|code (REQ-ENROL-006) */
static int cmd_credentials(const char *args, const who *w)
{
    char id[DSG_ACCT_USER_ID_MAX + 1];
    dsg_acct_row r;
    dsg_acct_problem p;
    int answer;
    const char *sp = strchr(args, ' ');
    int password = sp != NULL && strcmp(sp, " --sheet password") == 0;
    if (sp == NULL || (!password && strcmp(sp, " --sheet code") != 0) ||
        (size_t)(sp - args) > DSG_ACCT_USER_ID_MAX)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument credentials takes USER_ID --sheet "
                                "password|code\n");
    memcpy(id, args, (size_t)(sp - args));
    id[sp - args] = '\0';
    if (credential_account(id, password, w, &r, &answer) != 0)
        return answer;
    if (issue_credential(&r, password, w, &p) != 0)
        return issue_failed(&r, password, w, &p);
    return succeed();
}

/* ---- the bootstrap of the first two administrators (REQ-ACCT-021) -------------------- */

#define BOOTSTRAP_EXPIRY_S (365LL * 86400)          /* then extended by application */
#define BOOTSTRAP_CONTRACT_END_S (5 * 365LL * 86400)

/* Both sheets of a bootstrapped administrator: 0, or -1 when one could not
 * be issued (the account exists: `account credentials` issues it later). */
static int bootstrap_sheets(const char *user_id, const who *w)
{
    dsg_acct_row r;
    dsg_acct_problem p;
    char err[200];
    if (dsg_acct_store_get(db, user_id, &r, err, sizeof err) != 1)
        return -1;
    for (int password = 1; password >= 0; password--)
        if (issue_credential(&r, password, w, &p) != 0)
            return -1;
    return 0;
}

/* account bootstrap ADMIN1 ADMIN2, by root only (REQ-ACCT-021) */
static int cmd_bootstrap(const char *args, const who *w)
{
    char ids[2][DSG_ACCT_USER_ID_MAX + 1];
    const char *sp = strchr(args, ' ');
    dsg_acct_problem p;
    if (sp == NULL || strchr(sp + 1, ' ') != NULL || (size_t)(sp - args) > DSG_ACCT_USER_ID_MAX ||
        strlen(sp + 1) > DSG_ACCT_USER_ID_MAX)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument bootstrap takes ADMIN1 ADMIN2\n");
    snprintf(ids[0], sizeof ids[0], "%.*s", (int)(sp - args), args);
    snprintf(ids[1], sizeof ids[1], "%s", sp + 1);
    if (strcmp(w->uid, "0") != 0) {
        p.code = "root_required";
        p.field = "";
        snprintf(p.message, sizeof p.message, "only root runs the bootstrap, not uid %s", w->uid);
        record_refusal(w, "bootstrap", "-", &p);
        return refused(&p);
    }
    const char *const pair[2] = { ids[0], ids[1] };
    int64_t now = now_s();
    if (dsg_acct_store_bootstrap(db, pair, w->actor, now, now + BOOTSTRAP_EXPIRY_S,
                                 now + BOOTSTRAP_CONTRACT_END_S, &p) != 0) {
        if (strcmp(p.code, "storage") == 0)
            return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", p.message);
        record_refusal(w, "bootstrap", "-", &p);
        return refused(&p);
    }
    for (int i = 0; i < 2; i++) {
        char folded[DSG_ACCT_USER_ID_MAX + 1];
        (void)dsg_acct_user_id_fold(ids[i], folded);   /* stored folded */
        op_record r = { "Application", 4115, "account", "情報", "success", folded, "" };
        snprintf(r.detail, sizeof r.detail, "administrator %s registered by the bootstrap; "
                 "state active", folded);
        dsgd_answer_put("administrator %s: active\n", folded);
        (void)record(w, &r);
        if (bootstrap_sheets(folded, w) != 0)
            return dsgd_answer_finish(EX_SOFTWARE, "error issue_failed %s is active, but its sheets could "
                          "not be issued: use dsgctl account credentials\n", folded);
    }
    return succeed();
}

/* ---- administrators' logins (REQ-ACCT-012) ------------------------------------ */

/* The binding of an administrator's token: the Unix user who logged in. */
static void bound_of(const who *w, char out[DSG_LSVC_BOUND_MAX + 1])
{
    snprintf(out, DSG_LSVC_BOUND_MAX + 1, "uid:%s", w->uid);
}

/* The answer of a login API status: exit 0 for 200, 75 for 503, else 1. */
static uint8_t exit_of(int http_status)
{
    return http_status == 200 ? 0 : http_status == 503 ? EX_TEMPFAIL : EX_REFUSED;
}

/* {"notice": auth.logon_notice}, as GET /api/v1/auth/notice answers it. */
static int put_notice(void)
{
    static uint8_t json[6 * 1024 + 32];   /* auth.logon_notice: 1024 bytes, escaped */
    size_t n = 0;
    const char *notice = dsg_lsvc_notice();
    dsg_json_out w;
    dsg_json_out_init(&w, json, sizeof json);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"notice", 6);
    (void)dsg_json_out_string(&w, (const uint8_t *)notice, strlen(notice));
    (void)dsg_json_out_object_end(&w);
    if (dsg_json_out_finish(&w, &n) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error internal the notice does not fit\n");
    dsgd_answer_put_bytes(json, n);
    dsgd_answer_put("\n");
    return succeed();
}

/* account login ROUTE BODY: BODY is the base64url of the step's JSON (so
 * that nothing in it reads as an option). The step's JSON answer is the
 * output; a refusal's is the report. ROUTE notice (any BODY): the logon
 * notice (REQ-MFA-014). */
static int cmd_login(char *args, const who *w)
{
    static uint8_t body[8192], json[DSGD_AUTH_LOGIN_ANSWER_MAX];
    char bound[DSG_LSVC_BOUND_MAX + 1];
    size_t len = 0, at = 0, n = 0;
    uint32_t ticket = 0;
    char *text = strchr(args, ' ');
    if (text == NULL)
        return dsgd_answer_finish(EX_USAGE, "error bad_request account login ROUTE BODY\n");
    *text++ = '\0';
    if (strcmp(args, "notice") == 0)   /* before any credential: nothing to record */
        return put_notice();
    if (dsg_b64url_decode(text, strlen(text), body, sizeof body, &len, &at) != DSG_B64URL_OK)
        return dsgd_answer_finish(EX_USAGE, "error bad_request the body is not base64url\n");
    bound_of(w, bound);
    int status = dsgd_auth_ctl_step(args, body, len, host, bound, json, sizeof json, &n, &ticket);
    OPENSSL_cleanse(body, len);
    if (status < 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_request not a login step, or not its JSON\n");
    dsgd_answer_wait_for(ticket, "the account database");
    dsgd_audit_out_flush();
    if (status != 200) {
        int rc = dsgd_answer_finish(exit_of(status), "%.*s\n", (int)n, (const char *)json);
        OPENSSL_cleanse(json, n);
        return rc;
    }
    dsgd_answer_put_bytes(json, n);
    dsgd_answer_put("\n");
    OPENSSL_cleanse(json, n);
    return succeed();
}

/* account admin-check TOKEN: "admin USER" for ctl ("admin USER stale" when
 * the login is older than auth.reauth_max_age), or admin_login_required. */
static int cmd_admin_check(const char *token, const who *w)
{
    char bound[DSG_LSVC_BOUND_MAX + 1], user[DSG_ACCT_USER_ID_MAX + 1];
    uint32_t ticket = 0;
    int fresh = 0;
    bound_of(w, bound);
    if (dsgd_auth_admin_check(token, host, bound, user, &fresh, &ticket) != 200) {
        dsgd_answer_wait_for(ticket, "the account database");
        dsgd_audit_out_flush();
        return dsgd_answer_finish(EX_NOPERM, "error admin_login_required no valid administrator login: "
                                 "run dsgctl login\n");
    }
    dsgd_answer_put("admin %s%s\n", user, fresh ? "" : " stale");
    return succeed();
}

/* account admin-logout TOKEN: ends the caller's own token. */
static int cmd_admin_logout(const char *token, const who *w)
{
    char bound[DSG_LSVC_BOUND_MAX + 1];
    uint32_t ticket = 0;
    bound_of(w, bound);
    int status = dsgd_auth_admin_logout(token, host, bound, &ticket);
    dsgd_answer_wait_for(ticket, "the account database");
    dsgd_audit_out_flush();
    if (status != 200)
        return dsgd_answer_finish(EX_NOPERM, "error admin_login_required no valid administrator login\n");
    dsgd_answer_put("logged out\n");
    return succeed();
}

/* ---- organisations and their networks (REQ-ACCT-016) ------------------------------- */

/* The request of an org command's JSON: 0, or -1 with the usage error
 * answered. need_kind: org add's kind; need_networks: a list. */
static int org_request(const char *json, int need_kind, int need_networks, dsg_org_req *r)
{
    dsg_acct_problem p;
    static dsg_ip_net nets[DSG_NETLIST_MAX];
    size_t count;
    if (dsg_org_req_from_json((const uint8_t *)json, strlen(json), r, &p) != 0 ||
        dsg_org_name_check(r->org, &p) != 0 ||
        (need_networks && dsg_org_networks_check(r->networks, nets, DSG_NETLIST_MAX, &count,
                                                 &p) != 0)) {
        dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
        return -1;
    }
    if ((need_kind && r->kind < 0) || (!need_kind && r->kind >= 0) ||
        (!need_networks && r->networks[0] != '\0')) {
        dsgd_answer_finish(EX_USAGE, "error bad_request %s\n",
               need_kind ? "kind: company or ministry is required" : "only org and networks");
        return -1;
    }
    return 0;
}

/* The refusal of an org command: recorded (4190) unless storage failed. */
static int org_refused(const who *w, const char *what, const dsg_acct_problem *p)
{
    if (strcmp(p->code, "storage") == 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", p->message);
    record_refusal(w, what, "-", p);
    return refused(p);
}

/* org add {"org","kind","networks"} */
static int cmd_org_add(const char *json, const who *w)
{
    dsg_org_req q;
    dsg_acct_problem p;
    if (org_request(json, 1, 1, &q) != 0)
        return 0;
    if (dsg_org_store_add(db, q.org, q.kind, q.networks, w->actor, now_s(), &p) != 0)
        return org_refused(w, "organisation registration", &p);
    op_record r = { "Application", 4130, "organisation", "情報", "success", "-", "" };
    snprintf(r.detail, sizeof r.detail, "organisation %.128s registered: kind %s; networks - -> "
             "%.300s", q.org, dsg_org_class_name((dsg_org_class)q.kind), q.networks);
    dsgd_answer_put("organisation %s registered (%s): %s\n", q.org, dsg_org_class_name((dsg_org_class)q.kind),
        q.networks);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* org networks {"org","networks"}: the list replaced */
static int cmd_org_networks(const char *json, const who *w)
{
    dsg_org_req q;
    dsg_acct_problem p;
    static dsg_org_row before;
    if (org_request(json, 0, 1, &q) != 0)
        return 0;
    if (dsg_org_store_set_networks(db, q.org, q.networks, w->actor, now_s(), &before, &p) != 0)
        return org_refused(w, "networks change", &p);
    op_record r = { "Application", 4131, "organisation", "情報", "success", "-", "" };
    snprintf(r.detail, sizeof r.detail, "organisation %.128s networks %.170s -> %.170s", q.org,
             before.networks, q.networks);
    dsgd_answer_put("organisation %s: networks %s (were %s)\n", q.org, q.networks, before.networks);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* One organisation as a JSON line. */
static int put_org_json(const dsg_org_row *o, void *ctx)
{
    static uint8_t buf[4096];
    size_t n;
    dsg_json_out j;
    (void)ctx;
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    json_text(&j, "org", o->org);
    json_text(&j, "kind", dsg_org_class_name(o->kind));
    json_text(&j, "networks", o->networks);
    json_text(&j, "registered_by", o->registered_by);
    json_time(&j, "registered_at", o->registered_at);
    json_text(&j, "changed_by", o->changed_by);
    json_time(&j, "changed_at", o->changed_at);
    (void)dsg_json_out_object_end(&j);
    if (dsg_json_out_finish(&j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(buf, n);
    dsgd_answer_put("\n");
    return 0;
}

static int put_org_line(const dsg_org_row *o, void *json)
{
    char b[32];
    if (*(int *)json)
        return put_org_json(o, NULL);
    dsgd_answer_put("%-9s %-24s %-16s %s / %s\n", dsg_org_class_name(o->kind), when(o->changed_at, b),
        o->changed_by, o->org, o->networks);
    return 0;
}

/* org list [--json] */
static int cmd_org_list(const char *args)
{
    char err[200];
    int json = strcmp(args, "--json") == 0;
    if (args[0] != '\0' && !json)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: org list takes --json\n", args);
    if (!json)
        dsgd_answer_put("%-9s %-24s %-16s %s\n", "KIND", "CHANGED", "BY", "ORG / NETWORKS");
    if (dsg_org_store_each(db, put_org_line, &json, err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

/* org show {"org"} [--json] */
static int cmd_org_show(char *args)
{
    dsg_org_req q;
    static dsg_org_row o;
    char err[200], a[32], b[32];
    char *flag = dsgd_arg_last_of(args, "} --json");
    int json = flag != NULL && flag[8] == '\0';
    if (json)
        flag[1] = '\0';
    if (org_request(args, 0, 0, &q) != 0)
        return 0;
    int found = dsg_org_store_get(db, q.org, &o, err, sizeof err);
    if (found < 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    if (found == 0)
        return dsgd_answer_finish(EX_REFUSED, "error unknown_org no organisation %s is registered\n", q.org);
    if (json)
        return put_org_json(&o, NULL) == 0 ? succeed()
                                            : dsgd_answer_finish(EX_SOFTWARE, "error internal too long\n");
    dsgd_answer_put("org: %s\nkind: %s\nnetworks: %s\nregistered: %s by %s\nchanged: %s by %s\n", o.org,
        dsg_org_class_name(o.kind), o.networks, when(o.registered_at, a), o.registered_by,
        when(o.changed_at, b), o.changed_by);
    return succeed();
}

/* "org VERB ARGS" (the verb cut off line) */
static int org_command(char *verb, const who *w)
{
    char *args = strchr(verb, ' ');
    if (args != NULL)
        *args++ = '\0';
    else
        args = verb + strlen(verb);
    if (strcmp(verb, "add") == 0)
        return cmd_org_add(args, w);
    if (strcmp(verb, "networks") == 0)
        return cmd_org_networks(args, w);
    if (strcmp(verb, "list") == 0)
        return cmd_org_list(args);
    if (strcmp(verb, "show") == 0)
        return cmd_org_show(args);
    return dsgd_answer_finish(EX_USAGE, "error unknown_command org %s\n", verb);
}

/* ---- terminals and their client certificates (REQ-MFA-002, REQ-MFA-016) ------------- */

/* The request of a terminal command's JSON: 0, or -1 with the usage error
 * answered. full: register's four members; else the name alone. */
static int term_request(const char *json, int full, dsg_term_req *r, uint8_t fp[DSG_TERM_FP_LEN])
{
    dsg_acct_problem p;
    if (dsg_term_req_from_json((const uint8_t *)json, strlen(json), r, &p) != 0 ||
        dsg_term_name_check(r->name, &p) != 0 ||
        (full && (dsg_org_name_check(r->org, &p) != 0 || dsg_term_fp_parse(r->fp, fp, &p) != 0))) {
        dsgd_answer_finish(EX_USAGE, "error %s %s\n", p.code, p.message);
        return -1;
    }
    if ((full && r->kind < 0) || (!full && (r->kind >= 0 || r->org[0] != '\0' || r->fp[0] != '\0'))) {
        dsgd_answer_finish(EX_USAGE, "error bad_request %s\n",
                           full ? "kind: company or ministry is required" : "only name");
        return -1;
    }
    return 0;
}

/* terminal register {"name","org","kind","fingerprint"} */
static int cmd_terminal_register(const char *json, const who *w)
{
    dsg_term_req q;
    dsg_acct_problem p;
    uint8_t fp[DSG_TERM_FP_LEN];
    char hex[DSG_TERM_FP_HEX + 1];
    if (term_request(json, 1, &q, fp) != 0)
        return 0;
    if (dsg_term_store_register(db, q.name, q.org, q.kind, fp, w->actor, now_s(), &p) != 0)
        return org_refused(w, "terminal registration", &p);
    dsg_term_fp_text(fp, hex);
    op_record r = { "Application", 4132, "terminal", "情報", "success", "-", "" };
    snprintf(r.detail, sizeof r.detail, "terminal %s registered: organisation %.128s; kind %s; "
             "certificate sha256 %s", q.name, q.org, dsg_org_class_name((dsg_org_class)q.kind),
             hex);
    dsgd_answer_put("terminal %s registered (%s, %s): certificate sha256 %s\n", q.name, q.org,
                    dsg_org_class_name((dsg_org_class)q.kind), hex);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* terminal revoke {"name"} */
static int cmd_terminal_revoke(const char *json, const who *w)
{
    dsg_term_req q;
    dsg_acct_problem p;
    static dsg_term_row before;
    char hex[DSG_TERM_FP_HEX + 1];
    if (term_request(json, 0, &q, NULL) != 0)
        return 0;
    if (dsg_term_store_revoke(db, q.name, w->actor, now_s(), &before, &p) != 0)
        return org_refused(w, "terminal revocation", &p);
    dsg_term_fp_text(before.fp, hex);
    op_record r = { "Application", 4133, "terminal", "情報", "success", "-", "" };
    snprintf(r.detail, sizeof r.detail, "terminal %s revoked: organisation %.128s; kind %s; "
             "certificate sha256 %s", before.name, before.org, dsg_org_class_name(before.kind),
             hex);
    dsgd_answer_put("terminal %s revoked\n", before.name);
    return record(w, &r) == 0 ? succeed() : 0;
}

/* One terminal as a JSON line. */
static int put_term_json(const dsg_term_row *t)
{
    static uint8_t buf[2048];
    char hex[DSG_TERM_FP_HEX + 1];
    size_t n;
    dsg_json_out j;
    dsg_term_fp_text(t->fp, hex);
    dsg_json_out_init(&j, buf, sizeof buf);
    (void)dsg_json_out_object_begin(&j);
    json_text(&j, "name", t->name);
    json_text(&j, "org", t->org);
    json_text(&j, "kind", dsg_org_class_name(t->kind));
    json_text(&j, "fingerprint", hex);
    json_text(&j, "state", t->revoked_at != 0 ? "revoked" : "live");
    json_text(&j, "registered_by", t->registered_by);
    json_time(&j, "registered_at", t->registered_at);
    if (t->revoked_at != 0) {
        json_text(&j, "revoked_by", t->revoked_by);
        json_time(&j, "revoked_at", t->revoked_at);
    }
    (void)dsg_json_out_object_end(&j);
    if (dsg_json_out_finish(&j, &n) != 0)
        return -1;
    dsgd_answer_put_bytes(buf, n);
    dsgd_answer_put("\n");
    return 0;
}

static int put_term_line(const dsg_term_row *t, void *json)
{
    char b[32], hex[DSG_TERM_FP_HEX + 1];
    if (*(int *)json)
        return put_term_json(t);
    dsg_term_fp_text(t->fp, hex);
    dsgd_answer_put("%-8s %-9s %-24s %-16s %s %s / %s\n", t->revoked_at != 0 ? "revoked" : "live",
                    dsg_org_class_name(t->kind),
                    when(t->revoked_at != 0 ? t->revoked_at : t->registered_at, b),
                    t->revoked_at != 0 ? t->revoked_by : t->registered_by, hex, t->name, t->org);
    return 0;
}

/* terminal list [--json] */
static int cmd_terminal_list(const char *args)
{
    char err[200];
    int json = strcmp(args, "--json") == 0;
    if (args[0] != '\0' && !json)
        return dsgd_answer_finish(EX_USAGE, "error bad_argument %s: terminal list takes --json\n",
                                  args);
    if (!json)
        dsgd_answer_put("%-8s %-9s %-24s %-16s %-64s %s\n", "STATE", "KIND", "SINCE", "BY",
                        "CERTIFICATE SHA-256", "NAME / ORG");
    if (dsg_term_store_each(db, put_term_line, &json, err, sizeof err) != 0)
        return dsgd_answer_finish(EX_SOFTWARE, "error storage %s\n", err);
    return succeed();
}

/* "terminal VERB ARGS" (the group word cut off) */
static int terminal_command(char *verb, const who *w)
{
    char *args = strchr(verb, ' ');
    if (args != NULL)
        *args++ = '\0';
    else
        args = verb + strlen(verb);
    if (strcmp(verb, "register") == 0)
        return cmd_terminal_register(args, w);
    if (strcmp(verb, "revoke") == 0)
        return cmd_terminal_revoke(args, w);
    if (strcmp(verb, "list") == 0)
        return cmd_terminal_list(args);
    return dsgd_answer_finish(EX_USAGE, "error unknown_command terminal %s\n", verb);
}

/* "account VERB ARGS", "org VERB ARGS" or "terminal VERB ARGS" as the master
 * passed it on. */
static int command(char *line)
{
    who w;
    if (dsgd_who_take(line, &w) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_request the command lacks who asked\n");
    if (strncmp(line, "org ", 4) == 0)
        return org_command(line + 4, &w);
    if (strncmp(line, "terminal ", 9) == 0)
        return terminal_command(line + 9, &w);
    if (strncmp(line, "account ", 8) != 0)
        return dsgd_answer_finish(EX_USAGE, "error bad_request not an account command\n");
    char *verb = line + 8, *args = strchr(verb, ' ');
    if (args != NULL)
        *args++ = '\0';
    else
        args = verb + strlen(verb);
    if (strcmp(verb, "apply") == 0)
        return cmd_apply(args, &w);
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
    if (strcmp(verb, "credentials") == 0)
        return cmd_credentials(args, &w);
    if (strcmp(verb, "bootstrap") == 0)
        return cmd_bootstrap(args, &w);
    if (strcmp(verb, "unlock") == 0)
        return cmd_unlock(args, &w);
    if (strcmp(verb, "expire") == 0)
        return cmd_expire(args, &w);
    if (strcmp(verb, "sessions") == 0)
        return cmd_sessions(args);
    if (strcmp(verb, "review") == 0)
        return cmd_review(args);
    if (strcmp(verb, "logout") == 0)
        return cmd_logout(args, &w);
    if (strcmp(verb, "login") == 0)
        return cmd_login(args, &w);
    if (strcmp(verb, "admin-check") == 0)
        return cmd_admin_check(args, &w);
    if (strcmp(verb, "admin-logout") == 0)
        return cmd_admin_logout(args, &w);
    return dsgd_answer_finish(EX_USAGE, "error unknown_command account %s\n", verb);
}

int dsgd_auth_message(const dsgd_msg *m, dsgd_chan *chan)
{
    char line[4097];
    if (m->kind != DSGD_MSG_ROLE_COMMAND)
        return dsgd_auth_http_message(m);   /* the login API's exchanges */
    if (m->len >= sizeof line ||
        memchr(m->body, '\0', m->len) != NULL || dsgd_answer_begin(chan) != 0)
        return -1;
    memcpy(line, m->body, m->len);
    line[m->len] = '\0';
    if (dsgd_bus_done(chan, 1) != 0)
        return -1;
    return command(line);
}

/* ---- life ------------------------------------------------------------------------ */

/* The certificates of the PEM file path into a new store: 0, or -1 with
 * a message (unreadable, not PEM, no certificate). */
static int read_roots(const char *path, char *err, size_t n)
{
    BIO *in = BIO_new_file(path, "r");
    X509 *c;
    int count = 0, ok = in != NULL && (roots = X509_STORE_new()) != NULL;
    while (ok && (c = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
        ok = X509_STORE_add_cert(roots, c) == 1;
        X509_free(c);
        count++;
    }
    BIO_free(in);
    ERR_clear_error();   /* the end of the file reads as an error */
    if (!ok || count == 0) {
        snprintf(err, n, "auth.webauthn_attestation_roots %s: %s", path,
                 !ok ? "cannot read it" : "no PEM certificate in it");
        X509_STORE_free(roots);
        roots = NULL;
        return -1;
    }
    dsgd_log("auth: %d WebAuthn attestation root%s from %s", count, count == 1 ? "" : "s", path);
    return 0;
}

int dsgd_auth_prepare(const char *settings, char *err, size_t n)
{
    struct utsname u;
    EVP_KDF *kdf;
    uint8_t probe[1];
    static dsgd_settings defaults;
    dsgd_settings_defaults(&defaults);
    set = defaults.auth;
    if (settings != NULL && dsgd_settings_auth_parse(settings, &set) != 0) {
        snprintf(err, n, "bad settings '%.200s'", settings);
        return -1;
    }
    /* OpenSSL ready while files may be read: no configuration file, the
     * random generator seeded, scrypt fetched once */
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1 ||
        RAND_bytes(probe, sizeof probe) != 1 ||
        (kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) == NULL) {
        snprintf(err, n, "OpenSSL: no random generator or no scrypt");
        return -1;
    }
    EVP_KDF_free(kdf);
    /* the data key, from the master over fd 5, before the sandbox (REQ-MFA-018) */
    data_key = dsgd_key_setup_take("auth", DSGD_SETUP_FD, err, n);
    close(DSGD_SETUP_FD);
    if (data_key == NULL)
        return -1;
    if (uname(&u) != 0) {
        snprintf(err, n, "uname: %s", strerror(errno));
        return -1;
    }
    snprintf(host, sizeof host, "%s", u.nodename);
    return set.roots[0] != '\0' ? read_roots(set.roots, err, n) : 0;
}

int dsgd_auth_start(const char *dir, char *err, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%sauth.db", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
    if (dsg_acct_store_open(path, set.busy_timeout_ms, &db, err, n) != 0)
        return -1;
    /* before it serves: no TOTP secret left in the clear by an older version */
    int sealed = dsg_cred_store_totp_seal_clear(db, data_key, err, n);
    if (sealed < 0)
        return -1;
    if (sealed > 0)
        dsgd_log("auth: %d TOTP secret(s) stored in the clear sealed under the data key",
                 sealed);
    return dsgd_auth_http_init(&set, roots, data_key, db, err, n);
}

static int totp_key_sent;   /* in the backup run going on */

/* The wrapped data key, once: the KEK opens it, and a restore needs it to
 * open the TOTP secrets (the KEK itself stays with the master). */
static int backup_next(char *name, size_t cap, uint64_t *limit, char *err, size_t n)
{
    (void)err, (void)n;
    *limit = UINT64_MAX;
    if (totp_key_sent)
        return 0;
    totp_key_sent = 1;
    snprintf(name, cap, "totp.key.wrapped");
    return 1;
}

/* auth.db, then its wrapped data key (REQ-BKUP-002). */
int dsgd_auth_backup(dsgd_backup_source *src)
{
    src->db[0] = db;
    src->db_name[0] = "auth.db";
    src->next_file = backup_next;
    totp_key_sent = 0;
    return db != NULL ? 0 : -1;
}

void dsgd_auth_stop(void)
{
    dsg_db_close(db);
    db = NULL;
    dsg_key_mem_free(data_key, DSGD_ROLE_KEY_LEN);
    data_key = NULL;
    X509_STORE_free(roots);
    roots = NULL;
    dsgd_answer_reset();
}
