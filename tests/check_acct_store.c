/*
 * Unit tests of the account database (src/auth/acct_store.h): applications,
 * their decisions through the proved state machine, and the triggers that
 * hold whatever the code does. Each test works in its own temporary
 * directory. Refusals first; after every refusal the stored accounts and
 * applications are checked unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/acct_store.h"
#include "auth/cred_store.h"
#include "db/db.h"
#include "tests/db_fixture.h"

Suite *suite_acct_store(void);

#define NOW 1800000000LL
#define DAY 86400LL

static char dir[DB_FIXTURE_DIR_MAX];
static sqlite3 *db;
static const uint8_t KEY[DSG_SEAL_KEY_LEN] = "acct-store-test-data-key-32bytes";

static void setup(void)
{
    db = db_fixture_open(dir, "/tmp/dsg-acct-XXXXXX", "auth.db", dsg_acct_store_open, NULL);
}

static void teardown(void)
{
    db_fixture_close(&db, dir);
}

static dsg_acct_app app_of(dsg_app_kind kind, const char *user)
{
    dsg_acct_app a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    snprintf(a.user_id, sizeof a.user_id, "%s", user);
    strcpy(a.applicant, "yamada");
    strcpy(a.reason, "test");
    if (kind == DSG_APP_REGISTER) {
        strcpy(a.name, "田中 太郎");
        strcpy(a.org, "テスト重工");
        strcpy(a.contract, "C-1");
        a.org_kind = DSG_ORG_PRIME;
        a.type = DSG_ACCT_COMPANY;
    }
    if (kind == DSG_APP_REGISTER || kind == DSG_APP_CHANGE_EXPIRY) {
        a.expiry = NOW + 30 * DAY;
        a.contract_end = NOW + 60 * DAY;
    }
    return a;
}

static int64_t apply_ok(dsg_app_kind kind, const char *user, const char *by, int64_t now)
{
    dsg_acct_app a = app_of(kind, user);
    dsg_acct_problem p;
    int64_t id = 0;
    ck_assert_msg(dsg_acct_store_apply(db, &a, by, now, &id, &p) == 0, "%s", p.message);
    ck_assert_int_gt(id, 0);
    return id;
}

static void apply_refused(dsg_app_kind kind, const char *user, const char *code)
{
    dsg_acct_app a = app_of(kind, user);
    dsg_acct_problem p;
    int64_t id = 0;
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "uid:0", NOW, &id, &p), -1);
    ck_assert_str_eq(p.code, code);
}

static uint32_t state_of(const char *user)
{
    dsg_acct_row r;
    char err[200];
    ck_assert_int_eq(dsg_acct_store_get(db, user, &r, err, sizeof err), 1);
    return r.acct.state;
}

static void approve_ok(int64_t id, const char *by, int64_t now)
{
    dsg_acct_problem p;
    ck_assert_msg(dsg_acct_store_approve(db, id, by, now, &p) == 0, "%s", p.message);
}

static const char *approve_code(int64_t id, const char *by)
{
    static dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_approve(db, id, by, NOW, &p), -1);
    return p.code;
}

static long long count(const char *sql)
{
    return db_fixture_count(db, sql);
}

/* @relation(REQ-ACCT-001, REQ-ACCT-006) */
START_TEST(test_register_pending_then_active)
{
    int64_t id = apply_ok(DSG_APP_REGISTER, "Tanaka", "uid:0", NOW);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_PENDING);
    ck_assert_uint_eq(state_of("TANAKA"), DSG_ACCT_PENDING);   /* folded */
    approve_ok(id, "uid:1000", NOW + 10);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_ACTIVE);
    dsg_app_row r;
    char err[200];
    ck_assert_int_eq(dsg_acct_store_get_app(db, id, &r, err, sizeof err), 1);
    ck_assert_int_eq(r.state, DSG_APP_APPROVED);
    ck_assert_str_eq(r.entered_by, "uid:0");
    ck_assert_str_eq(r.decided_by, "uid:1000");
    ck_assert_int_eq(r.decided_at, NOW + 10);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'tanaka'"), 2);
}
END_TEST

/* @relation(REQ-ACCT-002) */
START_TEST(test_self_approval_refused)
{
    int64_t id = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    ck_assert_str_eq(approve_code(id, "uid:0"), "self_approval");
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:0", "no", NOW, &p), -1);
    ck_assert_str_eq(p.code, "self_approval");
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_PENDING);
    ck_assert_int_eq(count("SELECT count(*) FROM applications WHERE state = 'pending'"), 1);
    /* the database refuses it too, whatever the code does */
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE applications SET state = 'approved',"
                                      " decided_by = entered_by, decided_at = 1", NULL, NULL,
                                  NULL), SQLITE_OK);
}
END_TEST

/* @relation(REQ-ACCT-002) */
START_TEST(test_decided_once)
{
    int64_t id = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    approve_ok(id, "uid:1000", NOW);
    ck_assert_str_eq(approve_code(id, "uid:1001"), "already_decided");
    ck_assert_str_eq(approve_code(id + 1, "uid:1001"), "unknown_application");
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1001", "late", NOW, &p), -1);
    ck_assert_str_eq(p.code, "already_decided");
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1001", "", NOW, &p), -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_ACTIVE);
}
END_TEST

/* @relation(REQ-ACCT-006, REQ-ACCT-007, REQ-ACCT-022) */
START_TEST(test_user_ids_unique_and_retired)
{
    int64_t id = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    apply_refused(DSG_APP_REGISTER, "TANAKA", "user_id_taken");
    approve_ok(id, "uid:1000", NOW);
    apply_refused(DSG_APP_REGISTER, "tanaka", "user_id_taken");
    int64_t del = apply_ok(DSG_APP_DELETE, "tanaka", "uid:0", NOW + 1);
    approve_ok(del, "uid:1000", NOW + 2);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_DELETED);
    apply_refused(DSG_APP_REGISTER, "tanaka", "user_id_retired");
    /* nothing brings it back: a resume is refused by the state machine */
    int64_t resume = apply_ok(DSG_APP_RESUME, "tanaka", "uid:0", NOW + 3);
    ck_assert_str_eq(approve_code(resume, "uid:1000"), "refused_in_state");
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_DELETED);
}
END_TEST

/* @relation(REQ-ACCT-007) */
START_TEST(test_rejected_registration_retires_its_id)
{
    dsg_acct_problem p;
    int64_t id = apply_ok(DSG_APP_REGISTER, "suzuki", "uid:0", NOW);
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1000", "unknown person", NOW, &p), 0);
    ck_assert_uint_eq(state_of("suzuki"), DSG_ACCT_DELETED);
    apply_refused(DSG_APP_REGISTER, "suzuki", "user_id_retired");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_other_kinds_need_an_account)
{
    apply_refused(DSG_APP_SUSPEND, "nobody", "unknown_account");
    apply_refused(DSG_APP_DELETE, "nobody", "unknown_account");
    int64_t id = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    apply_refused(DSG_APP_SUSPEND, "tanaka", "application_pending");
    approve_ok(id, "uid:1000", NOW);
    apply_ok(DSG_APP_SUSPEND, "tanaka", "uid:0", NOW);
    apply_refused(DSG_APP_RESUME, "tanaka", "application_pending");
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 2);
}
END_TEST

/* A rejection changes neither the account nor its history: a suspension
 * and a change of expiry rejected leave it ACTIVE with its expiry.
 * @relation(REQ-ACCT-002) */
START_TEST(test_rejection_leaves_account_unchanged)
{
    dsg_acct_problem p;
    dsg_acct_row before, after;
    char err[200];
    approve_ok(apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_eq(dsg_acct_store_get(db, "tanaka", &before, err, sizeof err), 1);
    int64_t id = apply_ok(DSG_APP_SUSPEND, "tanaka", "uid:0", NOW + 1);
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1000", "no grounds", NOW + 2, &p), 0);
    dsg_acct_app a = app_of(DSG_APP_CHANGE_EXPIRY, "tanaka");
    a.expiry = NOW + 50 * DAY;
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "uid:0", NOW + 3, &id, &p), 0);
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1000", "too long", NOW + 4, &p), 0);
    ck_assert_int_eq(dsg_acct_store_get(db, "tanaka", &after, err, sizeof err), 1);
    ck_assert_uint_eq(after.acct.state, DSG_ACCT_ACTIVE);
    ck_assert_int_eq(after.acct.expiry, before.acct.expiry);
    ck_assert_int_eq(after.acct.contract_end, before.acct.contract_end);
    ck_assert_int_eq(after.acct.suspended_at, before.acct.suspended_at);
    ck_assert_int_eq(after.acct.changed_at, before.acct.changed_at);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'tanaka'"), 2);
    ck_assert_int_eq(count("SELECT count(*) FROM applications WHERE state = 'rejected'"), 2);
}
END_TEST

/* Every kind's approval moves the account as the state machine says. */
/* @relation(REQ-ACCT-002, REQ-ACCT-003, REQ-ACCT-022) */
START_TEST(test_suspend_resume_expiry_delete)
{
    approve_ok(apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    approve_ok(apply_ok(DSG_APP_SUSPEND, "tanaka", "uid:0", NOW + 1), "uid:1000", NOW + 1);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_SUSPENDED);
    approve_ok(apply_ok(DSG_APP_RESUME, "tanaka", "uid:0", NOW + 2), "uid:1000", NOW + 2);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_ACTIVE);
    dsg_acct_app a = app_of(DSG_APP_CHANGE_EXPIRY, "tanaka");
    a.expiry = NOW + 40 * DAY;
    a.contract_end = NOW + 40 * DAY;
    dsg_acct_problem p;
    int64_t id;
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "uid:0", NOW + 3, &id, &p), 0);
    approve_ok(id, "uid:1000", NOW + 3);
    dsg_acct_row r;
    char err[200];
    ck_assert_int_eq(dsg_acct_store_get(db, "tanaka", &r, err, sizeof err), 1);
    ck_assert_int_eq(r.acct.expiry, NOW + 40 * DAY);
    ck_assert_int_eq(r.acct.suspended_at, NOW + 1);
    approve_ok(apply_ok(DSG_APP_DELETE, "tanaka", "uid:0", NOW + 4), "uid:1000", NOW + 4);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_DELETED);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'tanaka'"), 6);
}
END_TEST

typedef struct moves {
    int n;
    dsg_history_row row[8];
} moves;

static int keep_move(const dsg_history_row *r, void *ctx)
{
    moves *m = ctx;
    ck_assert_int_lt(m->n, 8);
    m->row[m->n++] = *r;
    return 0;
}

/* Every move of an account stays readable, deleted or not, with its time
 * and the application that made it: registration, activation,
 * suspension, resumption, a new expiry, deletion.
 * @relation(REQ-ENROL-004, REQ-ACCT-007) */
START_TEST(test_history_of_every_move)
{
    static const struct { const char *event, *from, *to; } want[] = {
        { "applied", "", "pending" }, { "approve", "pending", "active" },
        { "suspend", "active", "suspended" }, { "resume", "suspended", "active" },
        { "set-expiry", "active", "active" }, { "delete", "active", "deleted" },
    };
    int64_t ids[5];
    moves m = { 0 };
    char err[200];
    ids[0] = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    approve_ok(ids[0], "kanri2", NOW + 1);
    ids[1] = apply_ok(DSG_APP_SUSPEND, "tanaka", "kanri1", NOW + 2);
    approve_ok(ids[1], "kanri2", NOW + 3);
    ids[2] = apply_ok(DSG_APP_RESUME, "tanaka", "kanri1", NOW + 4);
    approve_ok(ids[2], "kanri2", NOW + 5);
    dsg_acct_app a = app_of(DSG_APP_CHANGE_EXPIRY, "tanaka");
    a.expiry = NOW + 40 * DAY;
    a.contract_end = NOW + 40 * DAY;
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "kanri1", NOW + 6, &ids[3], &p), 0);
    approve_ok(ids[3], "kanri2", NOW + 7);
    ids[4] = apply_ok(DSG_APP_DELETE, "tanaka", "kanri1", NOW + 8);
    approve_ok(ids[4], "kanri2", NOW + 9);
    ck_assert_int_eq(dsg_acct_store_each_move(db, "tanaka", keep_move, &m, err, sizeof err), 0);
    ck_assert_int_eq(m.n, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_msg(strcmp(m.row[i].event, want[i].event) == 0, "%d: %s", i, m.row[i].event);
        ck_assert_str_eq(m.row[i].from, want[i].from);
        ck_assert_str_eq(m.row[i].to, want[i].to);
        ck_assert_int_eq(m.row[i].application, ids[i == 0 ? 0 : i - 1]);
        ck_assert_int_eq(m.row[i].at, NOW + (i == 0 ? 0 : 2 * i - 1));
    }
    ck_assert_str_eq(m.row[0].actor, "uid:0");
    ck_assert_str_eq(m.row[1].actor, "kanri2");
    m.n = 0;
    ck_assert_int_eq(dsg_acct_store_each_move(db, "nobody", keep_move, &m, err, sizeof err), 0);
    ck_assert_int_eq(m.n, 0);
}
END_TEST

/* A refused move stores nothing: neither the account nor the decision. */
/* @relation(REQ-ACCT-003, REQ-ACCT-022, REQ-ACCT-002) */
START_TEST(test_refused_move_changes_nothing)
{
    approve_ok(apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    int64_t id = apply_ok(DSG_APP_RESUME, "tanaka", "uid:0", NOW);   /* it is not suspended */
    ck_assert_str_eq(approve_code(id, "uid:1000"), "refused_in_state");
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_ACTIVE);
    dsg_app_row r;
    char err[200];
    ck_assert_int_eq(dsg_acct_store_get_app(db, id, &r, err, sizeof err), 1);
    ck_assert_int_eq(r.state, DSG_APP_PENDING);
    /* a pending application can still be rejected */
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1000", "not suspended", NOW, &p), 0);
}
END_TEST

/* The triggers refuse what no code path may do. */
/* @relation(REQ-ACCT-007) */
START_TEST(test_database_refuses_deletion_and_resurrection)
{
    approve_ok(apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM accounts", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM applications", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM history", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE history SET actor = 'x'", NULL, NULL, NULL),
                     SQLITE_OK);
    approve_ok(apply_ok(DSG_APP_DELETE, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE accounts SET state = 'active'", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_uint_eq(state_of("tanaka"), DSG_ACCT_DELETED);
}
END_TEST

static int count_rows(const dsg_acct_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static int count_apps(const dsg_app_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

/* @relation(REQ-ACCT-007, REQ-ACCT-008) */
START_TEST(test_listings)
{
    char err[200];
    int n = 0;
    approve_ok(apply_ok(DSG_APP_REGISTER, "a1", "uid:0", NOW), "uid:1000", NOW);
    apply_ok(DSG_APP_REGISTER, "a2", "uid:0", NOW);
    approve_ok(apply_ok(DSG_APP_DELETE, "a1", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_eq(dsg_acct_store_each(db, 0, count_rows, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 1);
    n = 0;
    ck_assert_int_eq(dsg_acct_store_each(db, 1, count_rows, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 2);
    n = 0;
    ck_assert_int_eq(dsg_acct_store_each_app(db, 1, count_apps, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 1);
    n = 0;
    ck_assert_int_eq(dsg_acct_store_each_app(db, 0, count_apps, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 3);
    dsg_acct_row r;
    ck_assert_int_eq(dsg_acct_store_get(db, "no such id!", &r, err, sizeof err), 0);
}
END_TEST

/* The ids of a portal user's applications, newest first; stops after 2. */
static int keep_two(const dsg_app_row *r, void *ctx)
{
    int64_t *ids = ctx;
    ids[ids[0] + 1] = r->id;
    return ++ids[0] == 2;
}

/* A portal user's own applications: only those they entered, newest
 * first, a stop by the callback is no error. */
/* @relation(REQ-ACCT-001) */
START_TEST(test_applications_entered_by)
{
    char err[200];
    int64_t ids[4] = { 0, 0, 0, 0 };
    int64_t a = apply_ok(DSG_APP_REGISTER, "b1", "sato", NOW);
    apply_ok(DSG_APP_REGISTER, "b2", "uid:0", NOW);
    int64_t c = apply_ok(DSG_APP_REGISTER, "b3", "sato", NOW);
    int64_t d = apply_ok(DSG_APP_REGISTER, "b4", "sato", NOW);
    ck_assert_int_eq(dsg_acct_store_each_app_by(db, "sato", keep_two, ids, err, sizeof err), 0);
    ck_assert_int_eq(ids[0], 2);
    ck_assert_int_eq(ids[1], d);
    ck_assert_int_eq(ids[2], c);
    int n = 0;
    ck_assert_int_eq(dsg_acct_store_each_app_by(db, "sato", count_apps, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 3);
    n = 0;
    ck_assert_int_eq(dsg_acct_store_each_app_by(db, "nobody", count_apps, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 0);
    ck_assert_int_gt(c, a);
}
END_TEST

/* The sweep moves ACTIVE accounts past their expiry, never SUSPENDED or
 * PENDING ones, in batches, each move in the history. */
/* @relation(REQ-ACCT-004, REQ-ACCT-023) */
START_TEST(test_expiry_sweep)
{
    static dsg_acct_expired moved[DSG_ACCT_SWEEP_BATCH];
    char err[200], id[16];
    int64_t expiry = NOW + 30 * DAY;
    for (int i = 0; i < (int)DSG_ACCT_SWEEP_BATCH + 1; i++) {
        snprintf(id, sizeof id, "u%03d", i);
        approve_ok(apply_ok(DSG_APP_REGISTER, id, "uid:0", NOW), "uid:1000", NOW);
    }
    approve_ok(apply_ok(DSG_APP_SUSPEND, "u000", "uid:0", NOW), "uid:1000", NOW);
    apply_ok(DSG_APP_REGISTER, "pending1", "uid:0", NOW);
    /* one second before the expiry: nothing is due */
    ck_assert_int_eq(dsg_acct_store_sweep(db, expiry - 1, "system:auth", moved, err, sizeof err),
                     0);
    ck_assert_int_eq(dsg_acct_store_sweep(db, expiry, "system:auth", moved, err, sizeof err),
                     (int)DSG_ACCT_SWEEP_BATCH);
    ck_assert_str_eq(moved[0].user_id, "u001");
    ck_assert_uint_eq(moved[0].from, DSG_ACCT_ACTIVE);
    ck_assert_int_eq(moved[0].expiry, expiry);
    ck_assert_int_eq(dsg_acct_store_sweep(db, expiry, "system:auth", moved, err, sizeof err), 0);
    ck_assert_uint_eq(state_of("u064"), DSG_ACCT_EXPIRED);
    ck_assert_uint_eq(state_of("u000"), DSG_ACCT_SUSPENDED);
    ck_assert_uint_eq(state_of("pending1"), DSG_ACCT_PENDING);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE event = 'expire'"
                           " AND actor = 'system:auth' AND application IS NULL"), 64);
}
END_TEST

/* The inactivity sweep suspends ACTIVE accounts without a login for the
 * configured days, counted from the last login, else the activation; only
 * a resume application brings one back. @relation(REQ-ACCT-005) */
START_TEST(test_inactivity_sweep)
{
    static dsg_acct_inactive moved[DSG_ACCT_SWEEP_BATCH];
    char err[200];
    approve_ok(apply_ok(DSG_APP_REGISTER, "never", "uid:0", NOW), "uid:1000", NOW);
    approve_ok(apply_ok(DSG_APP_REGISTER, "recent", "uid:0", NOW), "uid:1000", NOW);
    approve_ok(apply_ok(DSG_APP_REGISTER, "off", "uid:0", NOW), "uid:1000", NOW);
    approve_ok(apply_ok(DSG_APP_SUSPEND, "off", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_eq(dsg_acct_store_logged_in(db, "recent", NOW + 10 * DAY), 0);
    ck_assert_int_eq(dsg_acct_store_sweep_inactive(db, NOW + 35 * DAY - 1, 35, "system:auth",
                                                   moved, err, sizeof err), 0);
    ck_assert_int_eq(dsg_acct_store_sweep_inactive(db, NOW + 35 * DAY, 35, "system:auth",
                                                   moved, err, sizeof err), 1);
    ck_assert_str_eq(moved[0].user_id, "never");
    ck_assert_int_eq(moved[0].since, NOW);
    ck_assert_uint_eq(state_of("never"), DSG_ACCT_SUSPENDED);
    ck_assert_uint_eq(state_of("recent"), DSG_ACCT_ACTIVE);
    ck_assert_int_eq(dsg_acct_store_sweep_inactive(db, NOW + 45 * DAY, 35, "system:auth",
                                                   moved, err, sizeof err), 1);
    ck_assert_str_eq(moved[0].user_id, "recent");
    ck_assert_int_eq(dsg_acct_store_sweep_inactive(db, NOW + 45 * DAY, 0, "system:auth",
                                                   moved, err, sizeof err), -1);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE event = 'suspend'"
                           " AND actor = 'system:auth' AND application IS NULL"), 2);
    approve_ok(apply_ok(DSG_APP_RESUME, "never", "uid:0", NOW + 46 * DAY), "uid:1000",
               NOW + 46 * DAY);
    ck_assert_uint_eq(state_of("never"), DSG_ACCT_ACTIVE);
}
END_TEST

/* The last login and the failures since it: a success gives the one
 * before and starts the count again; an unknown account changes nothing;
 * a deleted one counts nothing. @relation(REQ-MFA-014) */
START_TEST(test_last_login_and_failures)
{
    dsg_acct_last_login prev, now_row;
    approve_ok(apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_eq(dsg_acct_store_login_failed(db, "tanaka"), 0);
    ck_assert_int_eq(dsg_acct_store_login_failed(db, "tanaka"), 0);
    ck_assert_int_eq(dsg_acct_store_login_succeeded(db, "tanaka", NOW + 10, "pc-1", &prev), 0);
    ck_assert_int_eq(prev.at, 0);
    ck_assert_str_eq(prev.computer, "");
    ck_assert_uint_eq(prev.failures, 2);
    ck_assert_int_eq(dsg_acct_store_login_failed(db, "tanaka"), 0);
    ck_assert_int_eq(dsg_acct_store_login_succeeded(db, "tanaka", NOW + 20, "pc-2", &prev), 0);
    ck_assert_int_eq(prev.at, NOW + 10);
    ck_assert_str_eq(prev.computer, "pc-1");
    ck_assert_uint_eq(prev.failures, 1);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "tanaka", &now_row), 1);
    ck_assert_int_eq(now_row.at, NOW + 20);
    ck_assert_str_eq(now_row.computer, "pc-2");
    ck_assert_uint_eq(now_row.failures, 0);
    ck_assert_int_eq(count("SELECT count(*) FROM accounts WHERE user_id = 'tanaka'"
                           " AND last_login = 1800000020"), 1);   /* the inactivity sweep's */
    ck_assert_int_eq(dsg_acct_store_login_succeeded(db, "nobody", NOW, "pc-1", &prev), -1);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "nobody", &now_row), 0);
    approve_ok(apply_ok(DSG_APP_DELETE, "tanaka", "uid:0", NOW + 30), "uid:1000", NOW + 30);
    ck_assert_int_eq(dsg_acct_store_login_failed(db, "tanaka"), 0);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "tanaka", &now_row), 1);
    ck_assert_uint_eq(now_row.failures, 0);
}
END_TEST

static const char *issue_code_of(const char *user, dsg_cred_kind kind, int64_t now)
{
    static dsg_acct_problem p;
    if (dsg_acct_store_issue(db, user, kind, "verifier", now, now + DAY, "uid:0", &p) == 0)
        return "ok";
    return p.code;
}

/* Credentials go to active accounts only, one live of each kind, stored
 * as their verifier only. */
/* @relation(REQ-MFA-006, REQ-MFA-009, REQ-ENROL-006) */
START_TEST(test_issue_credentials)
{
    int64_t id = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    ck_assert_str_eq(issue_code_of("tanaka", DSG_CRED_PASSWORD, NOW), "not_active");
    ck_assert_str_eq(issue_code_of("nobody", DSG_CRED_PASSWORD, NOW), "unknown_account");
    ck_assert_str_eq(issue_code_of("bad id!", DSG_CRED_PASSWORD, NOW), "unknown_account");
    approve_ok(id, "uid:1000", NOW);
    ck_assert_str_eq(issue_code_of("TANAKA", DSG_CRED_PASSWORD, NOW), "ok");
    ck_assert_str_eq(issue_code_of("tanaka", DSG_CRED_PASSWORD, NOW + 1), "already_issued");
    ck_assert_str_eq(issue_code_of("tanaka", DSG_CRED_ENROLMENT_CODE, NOW + 1), "ok");
    ck_assert_str_eq(issue_code_of("tanaka", (dsg_cred_kind)7, NOW + 1), "bad_field");
    /* an expired one can be issued again */
    ck_assert_str_eq(issue_code_of("tanaka", DSG_CRED_PASSWORD, NOW + DAY), "ok");
    ck_assert_int_eq(count("SELECT count(*) FROM credentials WHERE user_id = 'tanaka'"
                           " AND verifier = 'verifier' AND temporary = 1"), 3);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM credentials", NULL, NULL, NULL), SQLITE_OK);
    approve_ok(apply_ok(DSG_APP_SUSPEND, "tanaka", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_str_eq(issue_code_of("tanaka", DSG_CRED_ENROLMENT_CODE, NOW + 2 * DAY),
                     "not_active");
}
END_TEST

/* An ACTIVE account with a TOTP secret (last step `step`), two WebAuthn
 * credentials and a live enrolment code. */
static void enrolled_account(const char *user, uint64_t step)
{
    dsg_cred_totp t;
    dsg_webauthn_cred c;
    char err[200];
    approve_ok(apply_ok(DSG_APP_REGISTER, user, "uid:0", NOW), "uid:1000", NOW);
    memset(&t, 0, sizeof t);
    memset(t.secret, 0x5a, 20);
    t.secret_len = 20;
    t.digits = 6;
    t.last_step = step;
    ck_assert_msg(dsg_cred_store_totp_enrol(db, KEY, user, &t, NOW, err, sizeof err) == 0, "%s",
                  err);
    for (int i = 0; i < 2; i++) {
        memset(&c, 0, sizeof c);
        c.id_len = 16;
        memset(c.id, 'a' + i, c.id_len);
        c.id[0] = (uint8_t)user[0];
        memset(c.aaguid, 0xa0 + i, sizeof c.aaguid);
        ck_assert_msg(dsg_cred_store_webauthn_enrol(db, user, &c, NOW, err, sizeof err) == 0,
                      "%s", err);
    }
    ck_assert_str_eq(issue_code_of(user, DSG_CRED_ENROLMENT_CODE, NOW), "ok");
}

static dsg_acct_factors factors_of(const char *user, int64_t now)
{
    dsg_acct_factors f;
    ck_assert_int_eq(dsg_acct_store_factors(db, user, now, &f), 0);
    return f;
}

/* A reset-factor application needs an account that can have factors,
 * and is decided by someone else, like every application. */
/* @relation(REQ-MFA-006, REQ-ACCT-001, REQ-ACCT-002) */
START_TEST(test_reset_factor_refusals)
{
    apply_refused(DSG_APP_RESET_FACTOR, "nobody", "unknown_account");
    int64_t reg = apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);
    apply_refused(DSG_APP_RESET_FACTOR, "tanaka", "refused_in_state");      /* PENDING */
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_store_reject(db, reg, "uid:1000", "no", NOW, &p), 0);
    apply_refused(DSG_APP_RESET_FACTOR, "tanaka", "refused_in_state");      /* DELETED */
    ck_assert_int_eq(count("SELECT count(*) FROM applications WHERE kind = 'reset-factor'"), 0);
    enrolled_account("sato", 100);
    int64_t id = apply_ok(DSG_APP_RESET_FACTOR, "sato", "uid:0", NOW);
    apply_refused(DSG_APP_SUSPEND, "sato", "application_pending");
    ck_assert_str_eq(approve_code(id, "uid:0"), "self_approval");
    dsg_acct_factors f = factors_of("sato", NOW);
    ck_assert_int_eq(f.totp, 1);
    ck_assert_int_eq(f.webauthn, 2);
    ck_assert_int_eq(f.codes, 1);
    /* a rejected reset changes nothing */
    ck_assert_int_eq(dsg_acct_store_reject(db, id, "uid:1000", "not lost", NOW, &p), 0);
    f = factors_of("sato", NOW);
    ck_assert_int_eq(f.totp + f.webauthn + f.codes, 4);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE event = 'reset-factor'"), 0);
}
END_TEST

/* Approval revokes every second factor, ends the live enrolment code so
 * that exactly one new code can be issued, and records the reset in the
 * account's history without changing its state. */
/* @relation(REQ-MFA-006, REQ-ACCT-001) */
START_TEST(test_reset_factor_revokes_and_allows_one_new_code)
{
    dsg_cred_totp t;
    dsg_cred_webauthn_id ids[4];
    dsg_webauthn_cred c;
    char err[200];
    enrolled_account("sato", 1000);
    enrolled_account("kato", 1000);
    ck_assert_str_eq(issue_code_of("sato", DSG_CRED_ENROLMENT_CODE, NOW + 1), "already_issued");
    int64_t id = apply_ok(DSG_APP_RESET_FACTOR, "Sato", "uid:0", NOW + 5);
    approve_ok(id, "uid:1000", NOW + 10);
    ck_assert_uint_eq(state_of("sato"), DSG_ACCT_ACTIVE);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), 0);
    ck_assert_int_eq(dsg_cred_store_webauthn_ids(db, "sato", ids, 4), 0);
    uint8_t first_id[16];
    memset(first_id, 'a', sizeof first_id);
    first_id[0] = 's';
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "sato", first_id, 16, &c), 0);
    ck_assert_int_eq(dsg_cred_store_webauthn_count(db, "sato", first_id, 16, 5), -1);
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    ck_assert_int_eq(dsg_cred_store_code(db, "sato", NOW + 10, verifier), 0);
    dsg_acct_factors f = factors_of("sato", NOW + 10);
    ck_assert_int_eq(f.totp + f.webauthn + f.codes, 0);
    /* the other account keeps its factors */
    f = factors_of("kato", NOW + 10);
    ck_assert_int_eq(f.totp + f.webauthn + f.codes, 4);
    /* kept, marked, the secret gone; the reset in the history */
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE user_id = 'sato'"
                           " AND revoked_at = 1800000010 AND secret = zeroblob(48)"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM webauthn_credentials WHERE user_id = 'sato'"
                           " AND revoked_at = 1800000010"), 2);
    ck_assert_int_eq(count("SELECT count(*) FROM credentials WHERE user_id = 'sato'"
                           " AND kind = 'enrolment_code' AND ended_at = 1800000010"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'sato'"
                           " AND event = 'reset-factor' AND from_state = 'active'"
                           " AND to_state = 'active' AND actor = 'uid:1000'"
                           " AND application IS NOT NULL"), 1);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE webauthn_credentials SET revoked_at = NULL",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM totp", NULL, NULL, NULL), SQLITE_OK);
    /* one new code, then already_issued again */
    ck_assert_str_eq(issue_code_of("sato", DSG_CRED_ENROLMENT_CODE, NOW + 20), "ok");
    ck_assert_str_eq(issue_code_of("sato", DSG_CRED_ENROLMENT_CODE, NOW + 21), "already_issued");
    /* a new secret enrols, its step counted afresh */
    memset(&t, 0, sizeof t);
    memset(t.secret, 0x33, 20);
    t.secret_len = 20;
    t.digits = 6;
    t.last_step = 7;
    ck_assert_msg(dsg_cred_store_totp_enrol(db, KEY, "sato", &t, NOW + 30, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), 1);
    ck_assert_uint_eq(t.secret[0], 0x33);
    ck_assert_int_eq(dsg_cred_store_totp_used(db, "sato", 7), -1);   /* replay refused again */
    ck_assert_int_eq(factors_of("sato", NOW + 30).codes, 0);         /* the new code used */
}
END_TEST

/* A LOCKED account's factors can be reset: it stays LOCKED. */
/* @relation(REQ-MFA-006) */
START_TEST(test_reset_factor_keeps_the_state)
{
    dsg_acct_problem p;
    uint32_t from;
    enrolled_account("sato", 1);
    ck_assert_int_eq(dsg_acct_store_event(db, "sato", DSG_ACCT_EV_LOCK, NOW, "system", &from,
                                          &p), 0);
    approve_ok(apply_ok(DSG_APP_RESET_FACTOR, "sato", "uid:0", NOW), "uid:1000", NOW + 1);
    ck_assert_uint_eq(state_of("sato"), DSG_ACCT_LOCKED);
    ck_assert_int_eq(factors_of("sato", NOW + 1).totp, 0);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'sato'"
                           " AND event = 'reset-factor' AND to_state = 'locked'"), 1);
}
END_TEST

static const char *bootstrap_code(const char *a, const char *b, int64_t now)
{
    static dsg_acct_problem p;
    const char *ids[2] = { a, b };
    if (dsg_acct_store_bootstrap(db, ids, "uid:0", now, now + 365 * DAY, now + 5 * 365 * DAY,
                                 &p) == 0)
        return "ok";
    return p.code;
}

/* @relation(REQ-ACCT-021) */
START_TEST(test_bootstrap_refuses_bad_pairs_and_stores_nothing)
{
    ck_assert_str_eq(bootstrap_code("admin1", "ADMIN1", NOW), "same_user_id");
    ck_assert_str_eq(bootstrap_code("admin1", "bad id!", NOW), "bad_field");
    ck_assert_str_eq(bootstrap_code("", "admin2", NOW), "missing_field");
    apply_ok(DSG_APP_REGISTER, "tanaka", "uid:0", NOW);   /* a company user, pending */
    ck_assert_str_eq(bootstrap_code("admin1", "tanaka", NOW), "user_id_taken");
    /* the first registration of the pair is rolled back with the second */
    ck_assert_int_eq(count("SELECT count(*) FROM accounts WHERE type = 'admin'"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 1);
}
END_TEST

/* @relation(REQ-ACCT-021, REQ-ACCT-002) */
START_TEST(test_bootstrap_registers_two_active_admins_once)
{
    ck_assert_str_eq(bootstrap_code("Admin1", "admin2", NOW), "ok");
    ck_assert_uint_eq(state_of("admin1"), DSG_ACCT_ACTIVE);
    ck_assert_uint_eq(state_of("admin2"), DSG_ACCT_ACTIVE);
    dsg_acct_row r;
    char err[200];
    ck_assert_int_eq(dsg_acct_store_get(db, "admin1", &r, err, sizeof err), 1);
    ck_assert_int_eq(r.type, DSG_ACCT_ADMIN);
    ck_assert_int_eq(r.acct.expiry, NOW + 365 * DAY);
    dsg_app_row a;
    ck_assert_int_eq(dsg_acct_store_get_app(db, r.application, &a, err, sizeof err), 1);
    ck_assert_str_eq(a.entered_by, "uid:0");
    ck_assert_str_eq(a.decided_by, DSG_ACCT_BOOTSTRAP_ACTOR);
    ck_assert_str_eq(a.decision_reason, DSG_ACCT_BOOTSTRAP_REASON);
    ck_assert_int_eq(count("SELECT count(*) FROM history WHERE user_id = 'admin2'"), 2);
    /* once: any administrator, in any state, ends the bootstrap */
    ck_assert_str_eq(bootstrap_code("admin3", "admin4", NOW + 1), "already_bootstrapped");
    approve_ok(apply_ok(DSG_APP_DELETE, "admin1", "uid:1000", NOW + 2), "uid:1001", NOW + 2);
    approve_ok(apply_ok(DSG_APP_DELETE, "admin2", "uid:1000", NOW + 3), "uid:1001", NOW + 3);
    ck_assert_str_eq(bootstrap_code("admin3", "admin4", NOW + 4), "already_bootstrapped");
    ck_assert_int_eq(count("SELECT count(*) FROM accounts WHERE type = 'admin'"), 2);
}
END_TEST

/* The file's bytes, the write-ahead log's after them: whether they hold
 * needle anywhere. */
static int files_hold(const char *path, const uint8_t *needle, size_t len)
{
    const char *suffix[] = { "", "-wal" };
    for (int i = 0; i < 2; i++) {
        char p[160];
        static uint8_t buf[1 << 20];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        FILE *f = fopen(p, "rb");
        if (f == NULL)
            continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (memmem(buf, n, needle, len) != NULL)
            return 1;
    }
    return 0;
}

/* What is stored is nonce || ciphertext || tag under the data key, never
 * the secret; it reads back under the key. @relation(REQ-MFA-018) */
START_TEST(test_totp_secret_stored_sealed)
{
    dsg_cred_totp t;
    uint8_t clear[20];
    char path[128];
    memset(clear, 0x5a, sizeof clear);
    enrolled_account("sato", 1000);
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE user_id = 'sato' AND sealed = 1"
                           " AND length(secret) = 48"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE instr(secret, x'5a5a5a5a') > 0"), 0);
    snprintf(path, sizeof path, "%s/auth.db", dir);
    ck_assert_int_eq(files_hold(path, clear, sizeof clear), 0);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), 1);
    ck_assert_uint_eq(t.secret_len, 20);
    ck_assert_mem_eq(t.secret, clear, sizeof clear);
    ck_assert_uint_eq(t.last_step, 1000);
}
END_TEST

/* A row that does not open is a storage error, never a secret: another
 * key, a changed byte, a secret moved to another account's row, a clear
 * row. @relation(REQ-MFA-018) */
START_TEST(test_totp_tampered_rows_refused)
{
    dsg_cred_totp t;
    uint8_t other[DSG_SEAL_KEY_LEN];
    memcpy(other, KEY, sizeof other);
    other[0] ^= 1;
    enrolled_account("sato", 1000);
    enrolled_account("kato", 1000);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, other, "sato", &t), -1);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET secret = substr(secret, 1, 20) ||"
                                      " CASE substr(secret, 21, 1) WHEN x'00' THEN x'01'"
                                      " ELSE x'00' END || substr(secret, 22)"
                                      " WHERE user_id = 'sato'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), -1);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "kato", &t), 1);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET secret = (SELECT secret FROM totp"
                                      " WHERE user_id = 'kato') WHERE user_id = 'sato'",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), -1);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET secret = zeroblob(20), sealed = 0"
                                      " WHERE user_id = 'kato'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "kato", &t), -1);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET sealed = 2", NULL, NULL, NULL),
                     SQLITE_CONSTRAINT_CHECK);
}
END_TEST

/* Schema version 8 on a database a version 7 left with a clear secret: the
 * row is marked clear and not read as a secret until the auth role seals
 * it; then it reads back, and neither the database nor its log holds the
 * clear bytes. @relation(REQ-MFA-018, REQ-RUN-020) */
START_TEST(test_totp_clear_secret_migrated_sealed)
{
    dsg_cred_totp t;
    char path[128], err[256];
    uint8_t clear[20];
    memset(clear, 0x5a, sizeof clear);
    dsg_db_close(db);
    snprintf(path, sizeof path, "%s/old.db", dir);
    ck_assert_msg(dsg_acct_store_open_at(path, 7, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 7);
    approve_ok(apply_ok(DSG_APP_REGISTER, "sato", "uid:0", NOW), "uid:1000", NOW);
    approve_ok(apply_ok(DSG_APP_REGISTER, "kato", "uid:0", NOW), "uid:1000", NOW);
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO totp (user_id, secret, alg, digits,"
                                      " last_step, enrolled_at) VALUES ('sato',"
                                      " x'5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a', 'sha1', 6,"
                                      " 1000, 1800000000), ('kato', randomblob(32), 'sha256',"
                                      " 8, 5, 1800000000)", NULL, NULL, NULL), SQLITE_OK);
    dsg_db_close(db);
    ck_assert_int_eq(files_hold(path, clear, sizeof clear), 1);
    ck_assert_msg(dsg_acct_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 10);
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE sealed = 0"), 2);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), -1);
    ck_assert_int_eq(dsg_cred_store_totp_seal_clear(db, KEY, err, sizeof err), 2);
    ck_assert_int_eq(dsg_cred_store_totp_seal_clear(db, KEY, err, sizeof err), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE sealed = 1 AND length(secret) = 48"),
                     1);
    ck_assert_int_eq(count("SELECT count(*) FROM totp WHERE sealed = 1 AND length(secret) = 60"),
                     1);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "kato", &t), 1);
    ck_assert_uint_eq(t.secret_len, 32);
    ck_assert_int_eq(t.alg, DSG_TOTP_SHA256);
    ck_assert_uint_eq(t.digits, 8);
    ck_assert_int_eq(dsg_cred_store_totp_get(db, KEY, "sato", &t), 1);
    ck_assert_mem_eq(t.secret, clear, sizeof clear);
    ck_assert_uint_eq(t.last_step, 1000);
    ck_assert_int_eq(files_hold(path, clear, sizeof clear), 0);
    dsg_db_close(db);
    ck_assert_int_eq(files_hold(path, clear, sizeof clear), 0);
    snprintf(path, sizeof path, "%s/auth.db", dir);
    ck_assert_msg(dsg_acct_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
}
END_TEST

typedef struct factor_list {
    int n;
    dsg_acct_factor_row rows[4];
} factor_list;

static int keep_factor(const dsg_acct_factor_row *r, void *ctx)
{
    factor_list *l = ctx;
    if (l->n < 4)
        l->rows[l->n] = *r;
    l->n++;
    return 0;
}

/* What `dsgctl account show` lists of the factors: type, enrolment time
 * and the AAGUID of a WebAuthn credential, oldest first; a revoked factor
 * no more. @relation(REQ-MFA-018) */
START_TEST(test_each_factor_lists_type_time_aaguid)
{
    factor_list l = { 0 };
    char err[200];
    enrolled_account("sato", 1000);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET enrolled_at = enrolled_at + 5", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_acct_store_each_factor(db, "sato", keep_factor, &l, err, sizeof err), 0);
    ck_assert_int_eq(l.n, 3);
    ck_assert_str_eq(l.rows[0].type, "webauthn");
    ck_assert_str_eq(l.rows[1].type, "webauthn");
    ck_assert_int_eq(l.rows[0].has_aaguid, 1);
    ck_assert_int_eq(l.rows[0].enrolled_at, NOW);
    ck_assert_uint_eq(l.rows[0].aaguid[0], 0xa0);
    ck_assert_uint_eq(l.rows[1].aaguid[15], 0xa1);
    ck_assert_str_eq(l.rows[2].type, "totp");
    ck_assert_int_eq(l.rows[2].has_aaguid, 0);
    ck_assert_int_eq(l.rows[2].enrolled_at, NOW + 5);
    l.n = 0;
    ck_assert_int_eq(dsg_acct_store_each_factor(db, "nobody", keep_factor, &l, err, sizeof err), 0);
    ck_assert_int_eq(l.n, 0);
    approve_ok(apply_ok(DSG_APP_RESET_FACTOR, "sato", "uid:0", NOW + 10), "uid:1000", NOW + 11);
    ck_assert_int_eq(dsg_acct_store_each_factor(db, "sato", keep_factor, &l, err, sizeof err), 0);
    ck_assert_int_eq(l.n, 0);
}
END_TEST

Suite *suite_acct_store(void)
{
    Suite *s = suite_create("acct_store");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_register_pending_then_active);
    tcase_add_test(c, test_self_approval_refused);
    tcase_add_test(c, test_decided_once);
    tcase_add_test(c, test_user_ids_unique_and_retired);
    tcase_add_test(c, test_rejected_registration_retires_its_id);
    tcase_add_test(c, test_other_kinds_need_an_account);
    tcase_add_test(c, test_suspend_resume_expiry_delete);
    tcase_add_test(c, test_history_of_every_move);
    tcase_add_test(c, test_refused_move_changes_nothing);
    tcase_add_test(c, test_rejection_leaves_account_unchanged);
    tcase_add_test(c, test_database_refuses_deletion_and_resurrection);
    tcase_add_test(c, test_listings);
    tcase_add_test(c, test_applications_entered_by);
    tcase_add_test(c, test_expiry_sweep);
    tcase_add_test(c, test_issue_credentials);
    tcase_add_test(c, test_bootstrap_refuses_bad_pairs_and_stores_nothing);
    tcase_add_test(c, test_bootstrap_registers_two_active_admins_once);
    tcase_add_test(c, test_inactivity_sweep);
    tcase_add_test(c, test_last_login_and_failures);
    tcase_add_test(c, test_reset_factor_refusals);
    tcase_add_test(c, test_reset_factor_revokes_and_allows_one_new_code);
    tcase_add_test(c, test_reset_factor_keeps_the_state);
    tcase_add_test(c, test_totp_secret_stored_sealed);
    tcase_add_test(c, test_totp_tampered_rows_refused);
    tcase_add_test(c, test_totp_clear_secret_migrated_sealed);
    tcase_add_test(c, test_each_factor_lists_type_time_aaguid);
    suite_add_tcase(s, c);
    return s;
}
