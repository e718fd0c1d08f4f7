/*
 * The world of the share role's store tests (tests/check_area_store.c,
 * tests/check_file_store.c, tests/check_grant_store.c): a share.db in a
 * temporary directory for each test, approved areas with the default
 * folder template, and their folders. Assertions fail the calling test.
 */
#ifndef DSG_TESTS_SHARE_FIXTURE_H
#define DSG_TESTS_SHARE_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <string.h>

#include "share/area_store.h"
#include "tests/db_fixture.h"

#define NOW 1800000000LL
#define DAY 86400LL
#define END (NOW + 365 * DAY)   /* the contract end of the test areas */
#define FOLDERS_MAX 24

static char dir[DB_FIXTURE_DIR_MAX], path[DB_FIXTURE_PATH_MAX];
static sqlite3 *db;

static void setup(void)
{
    db = db_fixture_open(dir, "/tmp/dsg-share-XXXXXX", "share.db", dsg_area_store_open, path);
}

static void teardown(void)
{
    db_fixture_close(&db, dir);
}

static inline long long count(const char *sql)
{
    return db_fixture_count(db, sql);
}

/* share.area_template's default. */
static inline const dsg_area_template *default_template(void)
{
    static dsg_area_template t;
    char err[120];
    ck_assert_int_eq(dsg_area_template_parse(DSG_AREA_TEMPLATE_DEFAULT, &t, err, sizeof err), 0);
    return &t;
}

/* An approved area for contract, its contract ending at end: applied by
 * uid:0, approved by uid:1000 with the default template, a day ago. */
static inline int64_t make_area(const char *contract, int64_t end)
{
    dsg_area_app a;
    dsg_acct_problem p;
    int64_t id = 0, area = 0;
    memset(&a, 0, sizeof a);
    snprintf(a.contract, sizeof a.contract, "%s", contract);
    snprintf(a.project, sizeof a.project, "事業 %s", contract);
    strcpy(a.prime, "テスト重工");
    a.contract_end = end;
    strcpy(a.applicant, "総務部 山田");
    strcpy(a.reason, "契約締結のため");
    const dsg_area_template *t = default_template();
    ck_assert_msg(dsg_area_store_apply(db, &a, "uid:0", NOW - DAY, &id, &p) == 0, "%s", p.message);
    ck_assert_msg(dsg_area_store_approve(db, id, "uid:1000", NOW - DAY, t, &area, &p) == 0, "%s",
                  p.message);
    return area;
}

/* An area's folders, by number. */
typedef struct folders {
    int n;
    dsg_folder_row row[FOLDERS_MAX];
} folders;

static inline int keep_folder(const dsg_folder_row *r, void *ctx)
{
    folders *f = ctx;
    ck_assert_int_lt(f->n, FOLDERS_MAX);
    f->row[f->n++] = *r;
    return 0;
}

static inline folders folders_of(int64_t area)
{
    folders f;
    char err[200];
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(dsg_area_store_each_folder(db, area, keep_folder, &f, err, sizeof err), 0);
    return f;
}

/* The folders of an area make_area made: row[0] the root, [1] 共通, [2]
 * the prime's. */
static inline folders area_folders(int64_t area)
{
    folders f = folders_of(area);
    ck_assert_int_eq(f.n, 3);
    return f;
}

#endif
