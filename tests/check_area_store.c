/*
 * Unit tests of the share role's database (src/share/area_store.h): area
 * applications, their decisions, the area and folders an approval creates
 * in one transaction, and the triggers that hold whatever the code does.
 * Each test works in its own temporary directory; after every refusal the
 * stored rows are checked unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share/area_store.h"
#include "tests/area_fixture.h"
#include "tests/share_fixture.h"

Suite *suite_area_store(void);

/* An application for contract with vendors vendor names from the list. */
static dsg_area_app app_of(const char *contract, size_t vendors)
{
    static const char *const names[] = { "サンプル電機", "Example Soft", "第三工業" };
    dsg_area_app a;
    memset(&a, 0, sizeof a);
    snprintf(a.contract, sizeof a.contract, "%s", contract);
    strcpy(a.project, "次期警戒管制システム");
    strcpy(a.prime, "テスト重工");
    for (size_t i = 0; i < vendors && i < 3; i++)
        strcpy(a.vendors[i], names[i]);
    a.vendor_count = vendors;
    a.contract_end = END;
    strcpy(a.applicant, "総務部 山田");
    strcpy(a.reason, "契約締結のため");
    return a;
}

static int64_t apply_ok(const dsg_area_app *a, const char *by, int64_t now)
{
    dsg_acct_problem p;
    int64_t id = 0;
    ck_assert_msg(dsg_area_store_apply(db, a, by, now, &id, &p) == 0, "%s", p.message);
    ck_assert_int_gt(id, 0);
    return id;
}

static void apply_refused(const dsg_area_app *a, const char *by, const char *code,
                          const char *field)
{
    dsg_acct_problem p;
    int64_t id = -7;
    ck_assert_int_eq(dsg_area_store_apply(db, a, by, NOW, &id, &p), -1);
    ck_assert_str_eq(p.code, code);
    ck_assert_str_eq(p.field, field);
    ck_assert_int_eq(id, -7);
}

static int64_t approve_ok(int64_t id, const char *by, int64_t now)
{
    dsg_acct_problem p;
    int64_t area = 0;
    ck_assert_msg(dsg_area_store_approve(db, id, by, now, default_template(), &area, &p) == 0, "%s", p.message);
    ck_assert_int_gt(area, 0);
    return area;
}

/* The refusal's code; its field must be `field`. */
static const char *approve_code(int64_t id, const char *by, int64_t now, const char *field)
{
    static dsg_acct_problem p;
    int64_t area = -7;
    ck_assert_int_eq(dsg_area_store_approve(db, id, by, now, default_template(), &area, &p), -1);
    ck_assert_str_eq(p.field, field);
    ck_assert_int_eq(area, -7);
    return p.code;
}

static const char *reject_code(int64_t id, const char *by, const char *reason, const char *field)
{
    static dsg_acct_problem p;
    ck_assert_int_eq(dsg_area_store_reject(db, id, by, reason, NOW, &p), -1);
    ck_assert_str_eq(p.field, field);
    return p.code;
}

static void expect_no_area(void)
{
    ck_assert_int_eq(count("SELECT count(*) FROM areas"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM folders"), 0);
}

static dsg_area_app_row app_row(int64_t id)
{
    dsg_area_app_row r;
    char err[200];
    ck_assert_int_eq(dsg_area_store_get_app(db, id, &r, err, sizeof err), 1);
    return r;
}

static void expect_folder(const dsg_folder_row *r, int64_t area, int64_t parent,
                          const char *name, const char *org)
{
    ck_assert_int_eq(r->area, area);
    ck_assert_int_eq(r->parent, parent);
    ck_assert_str_eq(r->name, name);
    ck_assert_str_eq(r->org, org);
    ck_assert_str_eq(r->created_by, "uid:1000");
    ck_assert_int_eq(r->created_at, NOW + 10);
}

/* The area's folders: the root, in it the common folder, the prime's and
 * each vendor's, in the application's order. */
static void expect_folders(int64_t area, const dsg_area_app *a)
{
    folders f = folders_of(area);
    ck_assert_int_eq(f.n, 3 + (int)a->vendor_count);
    expect_folder(&f.row[0], area, 0, a->project, "");
    int64_t root = f.row[0].id;
    expect_folder(&f.row[1], area, root, "共通", "");
    expect_folder(&f.row[2], area, root, a->prime, a->prime);
    for (size_t i = 0; i < a->vendor_count; i++)
        expect_folder(&f.row[3 + i], area, root, a->vendors[i], a->vendors[i]);
}

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_approval_creates_area_and_folders)
{
    dsg_area_app a = app_of("DSG-2026-0042", 3);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    dsg_area_app_row r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_PENDING);
    expect_same_app(&r.app, &a);   /* vendors in their order */
    ck_assert_str_eq(r.entered_by, "uid:0");
    ck_assert_int_eq(r.entered_at, NOW);
    ck_assert_str_eq(r.decided_by, "");
    ck_assert_int_eq(r.decided_at, 0);
    ck_assert_int_eq(r.area, 0);
    expect_no_area();

    int64_t area = approve_ok(id, "uid:1000", NOW + 10);
    r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_APPROVED);
    ck_assert_str_eq(r.decided_by, "uid:1000");
    ck_assert_int_eq(r.decided_at, NOW + 10);
    ck_assert_int_eq(r.area, area);
    dsg_area_row ar;
    char err[200];
    ck_assert_int_eq(dsg_area_store_get(db, area, &ar, err, sizeof err), 1);
    ck_assert_int_eq(ar.id, area);
    ck_assert_str_eq(ar.project, a.project);
    ck_assert_str_eq(ar.contract, a.contract);
    ck_assert_str_eq(ar.prime, a.prime);
    ck_assert_int_eq(ar.contract_end, a.contract_end);
    ck_assert_int_eq(ar.created_at, NOW + 10);
    ck_assert_int_eq(ar.application, id);
    expect_folders(area, &a);
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_without_vendors)
{
    dsg_area_app a = app_of("C-1", 0);
    int64_t area = approve_ok(apply_ok(&a, "uid:0", NOW), "uid:1000", NOW + 10);
    expect_folders(area, &a);
    /* a second contract: its own area and folders, the first's unchanged */
    dsg_area_app b = app_of("C-2", 2);
    strcpy(b.project, "別事業");
    int64_t area2 = approve_ok(apply_ok(&b, "uid:0", NOW), "uid:1000", NOW + 10);
    ck_assert_int_ne(area2, area);
    expect_folders(area2, &b);
    expect_folders(area, &a);
    dsg_area_row ar;
    char err[200];
    ck_assert_int_eq(dsg_area_store_get(db, area2 + 1, &ar, err, sizeof err), 0);
}
END_TEST

/* share.area_template chooses the folders under the root, in its order;
 * an organisation named like a fixed folder is a clash that stores
 * nothing. @relation(REQ-SHARE-006) */
START_TEST(test_area_template_folders)
{
    dsg_area_template t;
    dsg_acct_problem p;
    char err[120];
    ck_assert_int_eq(dsg_area_template_parse("{org}, 受領, 提出", &t, err, sizeof err), 0);
    dsg_area_app a = app_of("C-1", 1);
    int64_t id = apply_ok(&a, "uid:0", NOW), area = 0;
    ck_assert_msg(dsg_area_store_approve(db, id, "uid:1000", NOW + 10, &t, &area, &p) == 0, "%s",
                  p.message);
    folders f = folders_of(area);
    ck_assert_int_eq(f.n, 5);
    int64_t root = f.row[0].id;
    expect_folder(&f.row[1], area, root, a.prime, a.prime);
    expect_folder(&f.row[2], area, root, a.vendors[0], a.vendors[0]);
    expect_folder(&f.row[3], area, root, "受領", "");
    expect_folder(&f.row[4], area, root, "提出", "");

    dsg_area_app b = app_of("C-2", 2);
    strcpy(b.vendors[1], "受領");
    id = apply_ok(&b, "uid:0", NOW);
    area = -7;
    ck_assert_int_eq(dsg_area_store_approve(db, id, "uid:1000", NOW + 10, &t, &area, &p), -1);
    ck_assert_str_eq(p.code, "folder_name_clash");
    ck_assert_str_eq(p.field, "template");
    ck_assert_ptr_nonnull(strstr(p.message, "受領"));
    ck_assert_int_eq(area, -7);
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(count("SELECT count(*) FROM areas"), 1);
    ck_assert_int_eq(dsg_area_store_approve(db, id, "uid:1000", NOW + 10, NULL, &area, &p), -1);
    ck_assert_str_eq(p.field, "template");
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_self_approval_refused)
{
    dsg_area_app a = app_of("C-1", 1);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(approve_code(id, "uid:0", NOW, "id"), "self_approval");
    ck_assert_str_eq(reject_code(id, "uid:0", "no", "id"), "self_approval");
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
    expect_no_area();
    /* the database refuses it too, whatever the code does */
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE applications SET state = 'approved',"
                                      " decided_by = entered_by, decided_at = 1", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "does not decide it"));
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_decided_once)
{
    dsg_area_app a = app_of("C-1", 1);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    int64_t area = approve_ok(id, "uid:1000", NOW + 10);
    ck_assert_str_eq(approve_code(id, "uid:1001", NOW, "id"), "already_decided");
    ck_assert_str_eq(reject_code(id, "uid:1001", "late", "id"), "already_decided");
    ck_assert_str_eq(approve_code(id + 1, "uid:1001", NOW, "id"), "unknown_application");
    ck_assert_str_eq(reject_code(id + 1, "uid:1001", "x", "id"), "unknown_application");
    ck_assert_str_eq(approve_code(0, "uid:1001", NOW, "id"), "unknown_application");
    ck_assert_str_eq(reject_code(id, "uid:1001", "", "reason"), "missing_field");
    ck_assert_str_eq(reject_code(id, "uid:1001", NULL, "reason"), "missing_field");
    ck_assert_int_eq(count("SELECT count(*) FROM areas"), 1);
    expect_folders(area, &a);
    dsg_area_app_row r = app_row(id);
    ck_assert_str_eq(r.decided_by, "uid:1000");
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_contract_taken)
{
    dsg_area_app a = app_of("C-1", 1), b = app_of("C-1", 2);
    strcpy(b.project, "別事業");
    int64_t id = apply_ok(&a, "uid:0", NOW);
    apply_refused(&b, "uid:2", "contract_taken", "contract");   /* one is pending */
    approve_ok(id, "uid:1000", NOW + 10);
    apply_refused(&b, "uid:2", "contract_taken", "contract");   /* the area exists */
    apply_refused(&a, "uid:0", "contract_taken", "contract");
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 1);
    /* another contract is free */
    dsg_area_app c = app_of("C-2", 0);
    apply_ok(&c, "uid:0", NOW);
    /* below the code: no second pending application, no second area */
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO applications (contract, project, prime,"
                                      " contract_end, applicant, reason, entered_by, entered_at)"
                                      " VALUES ('C-2', 'p', 'q', 1900000000, 'a', 'r', 'x', 1)",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "UNIQUE constraint failed"));
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO applications (contract, project, prime,"
                                      " contract_end, applicant, reason, entered_by, entered_at)"
                                      " VALUES ('C-1', 'p', 'q', 1900000000, 'a', 'r', 'x', 1)",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "the contract has its area"));
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 2);
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_reject)
{
    dsg_acct_problem p;
    dsg_area_app a = app_of("C-1", 2);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(reject_code(id, "uid:1000", "bad\nreason", "reason"), "bad_field");
    ck_assert_int_eq(dsg_area_store_reject(db, id, "uid:1000", "契約番号の誤り", NOW + 5, &p), 0);
    dsg_area_app_row r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_REJECTED);
    ck_assert_str_eq(r.decided_by, "uid:1000");
    ck_assert_int_eq(r.decided_at, NOW + 5);
    ck_assert_str_eq(r.decision_reason, "契約番号の誤り");
    ck_assert_int_eq(r.area, 0);
    expect_no_area();
    ck_assert_str_eq(approve_code(id, "uid:1001", NOW, "id"), "already_decided");
    /* the contract is free again: a corrected application may follow */
    int64_t again = apply_ok(&a, "uid:0", NOW + 6);
    ck_assert_int_gt(again, id);
    ck_assert_int_gt(approve_ok(again, "uid:1000", NOW + 10), 0);
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_contract_ended_at_approval)
{
    dsg_acct_problem p;
    dsg_area_app a = app_of("C-1", 1);
    a.contract_end = NOW + DAY;
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(approve_code(id, "uid:1000", NOW + DAY, "contract_end"), "contract_ended");
    ck_assert_str_eq(approve_code(id, "uid:1000", NOW + 2 * DAY, "contract_end"),
                     "contract_ended");
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
    expect_no_area();
    /* such an application can still be rejected */
    ck_assert_int_eq(dsg_area_store_reject(db, id, "uid:1000", "契約終了", NOW + 2 * DAY, &p), 0);
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_REJECTED);
}
END_TEST

/* The application's own checks, the organisations' names and who enters
 * or decides. @relation(REQ-SHARE-006) */
START_TEST(test_area_apply_refusals)
{
    dsg_area_app a = app_of("C-1", 1);
    a.prime[0] = '\0';
    apply_refused(&a, "uid:0", "missing_field", "prime");
    a = app_of("C-1", 1);
    a.contract_end = 0;
    apply_refused(&a, "uid:0", "missing_field", "contract_end");
    a = app_of("C-1", 1);
    a.contract_end = NOW;
    apply_refused(&a, "uid:0", "bad_field", "contract_end");
    a = app_of("C-1", 2);
    strcpy(a.vendors[1], a.vendors[0]);
    apply_refused(&a, "uid:0", "bad_field", "vendors");
    a = app_of("C-1", 1);
    apply_refused(&a, "", "missing_field", "by");
    apply_refused(&a, NULL, "missing_field", "by");
    apply_refused(&a, "uid:0\n", "bad_field", "by");
    char long_by[DSG_AREA_ACTOR_MAX + 2];
    memset(long_by, 'u', sizeof long_by - 1);
    long_by[sizeof long_by - 1] = '\0';
    apply_refused(&a, long_by, "bad_field", "by");
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM application_vendors"), 0);
    long_by[DSG_AREA_ACTOR_MAX] = '\0';   /* exactly the limit */
    int64_t id = apply_ok(&a, long_by, NOW);
    ck_assert_str_eq(app_row(id).entered_by, long_by);
    ck_assert_str_eq(approve_code(id, "", NOW, "by"), "missing_field");
    ck_assert_str_eq(reject_code(id, "uid:1\x7f", "x", "by"), "bad_field");
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
}
END_TEST

/* The triggers refuse what no code path may do. @relation(REQ-SHARE-006) */
START_TEST(test_area_database_refuses_deletes_and_changes)
{
    dsg_area_app a = app_of("C-1", 2);
    int64_t area = approve_ok(apply_ok(&a, "uid:0", NOW), "uid:1000", NOW + 10);
    dsg_area_app b = app_of("C-2", 1);
    apply_ok(&b, "uid:0", NOW);
    static const struct { const char *sql, *why; } refused[] = {
        { "DELETE FROM applications", "never deleted" },
        { "DELETE FROM applications WHERE state = 'pending'", "never deleted" },
        { "DELETE FROM application_vendors", "never deleted" },
        { "DELETE FROM areas", "never deleted" },
        { "DELETE FROM folders", "never deleted" },
        { "DELETE FROM folders WHERE parent IS NOT NULL", "never deleted" },
        /* a decided application never changes */
        { "UPDATE applications SET decision_reason = 'x' WHERE state = 'approved'",
          "decided once" },
        { "UPDATE applications SET state = 'rejected' WHERE state = 'approved'", "decided once" },
        /* nor what a pending one entered */
        { "UPDATE applications SET contract = 'C-9' WHERE state = 'pending'", "never changes" },
        { "UPDATE applications SET entered_by = 'uid:1' WHERE state = 'pending'",
          "never changes" },
        { "UPDATE application_vendors SET name = 'x'", "never changes" },
        /* decided by whoever entered it, or entered as decided */
        { "UPDATE applications SET state = 'approved', decided_by = 'uid:0', decided_at = 1"
          " WHERE state = 'pending'", "does not decide it" },
        { "INSERT INTO applications (contract, project, prime, contract_end, applicant, reason,"
          " entered_by, entered_at, state, decided_by, decided_at) VALUES ('C-3', 'p', 'q',"
          " 1900000000, 'a', 'r', 'x', 1, 'approved', 'y', 1)", "entered pending" },
        /* an area only from its approved application */
        { "INSERT INTO areas (project, contract, prime, contract_end, created_at, application)"
          " SELECT project, contract, prime, contract_end, 1, id FROM applications"
          " WHERE state = 'pending'", "approved application" },
        { "UPDATE areas SET contract = 'C-9'", "keeps its contract" },
        { "UPDATE areas SET application = application + 1", "keeps its contract" },
        /* a folder in its parent's area, which it keeps; one root */
        { "INSERT INTO folders (area, parent, name, created_by, created_at)"
          " VALUES (99, (SELECT min(id) FROM folders), 'x', 'u', 1)", "parent's area" },
        { "UPDATE folders SET area = 99", "stays in its area" },
        { "INSERT INTO folders (area, parent, name, created_by, created_at)"
          " VALUES ((SELECT min(area) FROM folders), NULL, 'second root', 'u', 1)",
          "UNIQUE constraint failed: folders.area" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert_msg(sqlite3_exec(db, refused[i].sql, NULL, NULL, NULL) != SQLITE_OK,
                      "accepted: %s", refused[i].sql);
        ck_assert_msg(strstr(sqlite3_errmsg(db), refused[i].why) != NULL, "%s: %s",
                      refused[i].sql, sqlite3_errmsg(db));
    }
    ck_assert_int_eq(count("SELECT count(*) FROM applications"), 2);
    ck_assert_int_eq(count("SELECT count(*) FROM application_vendors"), 3);
    ck_assert_int_eq(count("SELECT count(*) FROM areas"), 1);
    expect_folders(area, &a);
    dsg_area_app_row r = app_row(1);
    ck_assert_int_eq(r.state, DSG_AREA_APP_APPROVED);
    expect_same_app(&r.app, &a);
    r = app_row(2);
    ck_assert_int_eq(r.state, DSG_AREA_APP_PENDING);
    expect_same_app(&r.app, &b);
}
END_TEST

/* @relation(REQ-SHARE-006, REQ-RUN-020) */
START_TEST(test_area_reopen_keeps_everything)
{
    char err[256];
    dsg_area_app a = app_of("C-1", 3), b = app_of("C-2", 1);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    int64_t area = approve_ok(id, "uid:1000", NOW + 10);
    int64_t pending = apply_ok(&b, "uid:0", NOW + 20);
    dsg_db_close(db);
    db = NULL;
    ck_assert_msg(dsg_area_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 6);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    dsg_area_app_row r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_APPROVED);
    ck_assert_int_eq(r.area, area);
    expect_same_app(&r.app, &a);
    expect_folders(area, &a);
    r = app_row(pending);
    ck_assert_int_eq(r.state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(r.entered_at, NOW + 20);
    expect_same_app(&r.app, &b);
    /* and goes on: the pending one is approved after the reopen */
    int64_t area2 = approve_ok(pending, "uid:1000", NOW + 10);
    expect_folders(area2, &b);
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

/* A failure half-way through an approval stores nothing of it: a test
 * trigger (in the connection's temporary schema, gone with it) fails the
 * insert of the fourth folder, the prime's. @relation(REQ-SHARE-006, REQ-RUN-020) */
START_TEST(test_area_failed_approval_stores_nothing)
{
    dsg_acct_problem p;
    dsg_area_app a = app_of("C-1", 2);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TEMP TRIGGER fail_fourth_folder"
                                      " BEFORE INSERT ON main.folders"
                                      " WHEN (SELECT count(*) FROM main.folders"
                                      "  WHERE area = NEW.area) = 3"
                                      " BEGIN SELECT RAISE(ABORT, 'test: the fourth folder"
                                      " fails'); END;", NULL, NULL, NULL), SQLITE_OK);
    int64_t area = -7;
    ck_assert_int_eq(dsg_area_store_approve(db, id, "uid:1000", NOW + 10, default_template(), &area, &p), -1);
    ck_assert_str_eq(p.code, "storage");
    ck_assert_ptr_nonnull(strstr(p.message, "fourth folder"));
    ck_assert_int_eq(area, -7);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);   /* no transaction left open */
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(app_row(id).area, 0);
    expect_no_area();
    /* once the fault is gone the same approval goes through */
    ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER temp.fail_fourth_folder", NULL, NULL, NULL),
                     SQLITE_OK);
    area = approve_ok(id, "uid:1000", NOW + 10);
    expect_folders(area, &a);
}
END_TEST

static int count_apps(const dsg_area_app_row *r, void *ctx)
{
    int *n = ctx;
    n[n[0] + 1] = (int)r->id;
    n[0]++;
    return 0;
}

static int count_areas(const dsg_area_row *r, void *ctx)
{
    int *n = ctx;
    n[n[0] + 1] = (int)r->id;
    n[0]++;
    return 0;
}

static int stop_app(const dsg_area_app_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 1;
}

static int stop_folder(const dsg_folder_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 1;
}

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_listings)
{
    char err[200];
    int n[8] = { 0 };
    dsg_area_app a = app_of("C-1", 1), b = app_of("C-2", 0), c = app_of("C-3", 2);
    int64_t ia = apply_ok(&a, "uid:0", NOW), ib = apply_ok(&b, "uid:0", NOW);
    int64_t ic = apply_ok(&c, "uid:0", NOW);
    int64_t area_c = approve_ok(ic, "uid:1000", NOW + 10);
    int64_t area_a = approve_ok(ia, "uid:1000", NOW + 10);
    ck_assert_int_eq(dsg_area_store_each_app(db, 0, count_apps, n, err, sizeof err), 0);
    ck_assert_int_eq(n[0], 3);   /* newest first */
    ck_assert_int_eq(n[1], ic);
    ck_assert_int_eq(n[2], ib);
    ck_assert_int_eq(n[3], ia);
    memset(n, 0, sizeof n);
    ck_assert_int_eq(dsg_area_store_each_app(db, 1, count_apps, n, err, sizeof err), 0);
    ck_assert_int_eq(n[0], 1);
    ck_assert_int_eq(n[1], ib);
    memset(n, 0, sizeof n);
    ck_assert_int_eq(dsg_area_store_each(db, count_areas, n, err, sizeof err), 0);
    ck_assert_int_eq(n[0], 2);   /* by number */
    ck_assert_int_eq(n[1], area_c);
    ck_assert_int_eq(n[2], area_a);
    ck_assert_int_lt(area_c, area_a);
    ck_assert_int_eq(folders_of(area_a + 1).n, 0);
    /* fn's non-zero return stops the walk and fails it */
    int k = 0;
    ck_assert_int_eq(dsg_area_store_each_app(db, 0, stop_app, &k, err, sizeof err), -1);
    ck_assert_int_eq(k, 1);
    k = 0;
    ck_assert_int_eq(dsg_area_store_each_folder(db, area_c, stop_folder, &k, err, sizeof err),
                     -1);
    ck_assert_int_eq(k, 1);
    dsg_area_app_row r;
    ck_assert_int_eq(dsg_area_store_get_app(db, ic + 1, &r, err, sizeof err), 0);
}
END_TEST

/* @relation(REQ-SHARE-006, REQ-RUN-020) */
START_TEST(test_area_open_refuses_a_newer_database)
{
    char err[256];
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
    dsg_db_close(db);
    db = NULL;
    ck_assert_int_eq(dsg_area_store_open(path, 1000, &db, err, sizeof err), -1);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(strstr(err, "9"));
}
END_TEST

Suite *suite_area_store(void)
{
    Suite *s = suite_create("area_store");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_area_approval_creates_area_and_folders);
    tcase_add_test(c, test_area_without_vendors);
    tcase_add_test(c, test_area_template_folders);
    tcase_add_test(c, test_area_self_approval_refused);
    tcase_add_test(c, test_area_decided_once);
    tcase_add_test(c, test_area_contract_taken);
    tcase_add_test(c, test_area_reject);
    tcase_add_test(c, test_area_contract_ended_at_approval);
    tcase_add_test(c, test_area_apply_refusals);
    tcase_add_test(c, test_area_database_refuses_deletes_and_changes);
    tcase_add_test(c, test_area_reopen_keeps_everything);
    tcase_add_test(c, test_area_failed_approval_stores_nothing);
    tcase_add_test(c, test_area_listings);
    tcase_add_test(c, test_area_open_refuses_a_newer_database);
    suite_add_tcase(s, c);
    return s;
}
