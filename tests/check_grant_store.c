/*
 * Unit tests of access rights as grants (src/share/grant_store.h): the
 * operations' words, the checks and JSON form of a rights application,
 * applications and their decisions, the grants they make and end, the
 * triggers that hold whatever the code does, and the access decision
 * (src/share/access.h) run over what the store loads. Each test works in
 * its own temporary directory on a share.db with one area (and a second
 * where a test needs one); after every refusal the stored rows are checked
 * unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share/file_store.h"
#include "share/grant_store.h"
#include "tests/share_fixture.h"

Suite *suite_grant_store(void);

#define ALL_WORDS "list,read,upload,new-version,rename,move,delete,create-folder,search," \
                  "history,grant,revoke"

/* ---- areas and folders ------------------------------------------------------------ */

/* A sub-folder created under parent (as the share role will), by SQL. */
static int64_t add_folder(int64_t area, int64_t parent, const char *name)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO folders (area, parent, name, created_by,"
                                            " created_at) VALUES (?,?,?,'uid:7',1)", -1, &st,
                                        NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, area);
    sqlite3_bind_int64(st, 2, parent);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(db);
}

/* ---- applications ------------------------------------------------------------------ */

static dsg_rights_app grant_app(uint32_t kind, const char *subject, int64_t area, int64_t folder,
                                uint32_t ops)
{
    dsg_rights_app a;
    memset(&a, 0, sizeof a);
    a.kind = DSG_RIGHTS_GRANT;
    a.subject_kind = kind;
    snprintf(a.subject, sizeof a.subject, "%s", subject);
    a.area = area;
    a.folder = folder;
    a.ops = ops;
    a.from = NOW;
    a.until = NOW + 30 * DAY;
    strcpy(a.applicant, "情報管理課 佐藤");
    strcpy(a.reason, "設計資料の閲覧のため");
    return a;
}

static dsg_rights_app revoke_app(int64_t grant)
{
    dsg_rights_app a;
    memset(&a, 0, sizeof a);
    a.kind = DSG_RIGHTS_REVOKE;
    a.grant = grant;
    strcpy(a.applicant, "情報管理課 佐藤");
    strcpy(a.reason, "担当替え");
    return a;
}

static int64_t apply_ok(const dsg_rights_app *a, const char *by, int64_t now)
{
    dsg_acct_problem p;
    int64_t id = 0;
    ck_assert_msg(dsg_rights_store_apply(db, a, by, now, &id, &p) == 0, "%s", p.message);
    ck_assert_int_gt(id, 0);
    return id;
}

/* The refusal's code; its field must be field and nothing is stored. */
static const char *apply_code(const dsg_rights_app *a, const char *by, int64_t now,
                              const char *field)
{
    static dsg_acct_problem p;
    int64_t id = -7;
    long long before = count("SELECT count(*) FROM rights_applications");
    ck_assert_int_eq(dsg_rights_store_apply(db, a, by, now, &id, &p), -1);
    ck_assert_msg(strcmp(p.field, field) == 0, "%s: field %s, not %s", p.code, p.field, field);
    ck_assert_int_eq(id, -7);
    ck_assert_int_eq(count("SELECT count(*) FROM rights_applications"), before);
    return p.code;
}

static int64_t approve_ok(int64_t id, const char *by, int64_t now)
{
    dsg_acct_problem p;
    int64_t grant = 0;
    ck_assert_msg(dsg_rights_store_approve(db, id, by, now, &grant, &p) == 0, "%s", p.message);
    ck_assert_int_gt(grant, 0);
    return grant;
}

static const char *approve_code(int64_t id, const char *by, int64_t now, const char *field)
{
    static dsg_acct_problem p;
    int64_t grant = -7;
    ck_assert_int_eq(dsg_rights_store_approve(db, id, by, now, &grant, &p), -1);
    ck_assert_msg(strcmp(p.field, field) == 0, "%s: field %s, not %s", p.code, p.field, field);
    ck_assert_int_eq(grant, -7);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    return p.code;
}

static const char *reject_code(int64_t id, const char *by, const char *reason, const char *field)
{
    static dsg_acct_problem p;
    ck_assert_int_eq(dsg_rights_store_reject(db, id, by, reason, NOW, &p), -1);
    ck_assert_str_eq(p.field, field);
    return p.code;
}

/* A grant in force: applied by uid:0, approved by uid:1000. */
static int64_t grant_ok(const dsg_rights_app *a)
{
    return approve_ok(apply_ok(a, "uid:0", NOW), "uid:1000", NOW + 1);
}

static void revoke_ok(int64_t grant, int64_t now)
{
    dsg_rights_app r = revoke_app(grant);
    ck_assert_int_eq(approve_ok(apply_ok(&r, "uid:0", now), "uid:1000", now + 1), grant);
}

static dsg_rights_app_row app_row(int64_t id)
{
    dsg_rights_app_row r;
    char err[200];
    ck_assert_int_eq(dsg_rights_store_get_app(db, id, &r, err, sizeof err), 1);
    return r;
}

/* ---- listings ---------------------------------------------------------------------- */

#define ROWS_MAX 8

typedef struct grant_rows {
    int n;
    dsg_grant_row row[ROWS_MAX];
} grant_rows;

static int keep_grant(const dsg_grant_row *r, void *ctx)
{
    grant_rows *g = ctx;
    ck_assert_int_lt(g->n, ROWS_MAX);
    g->row[g->n++] = *r;
    return 0;
}

static grant_rows grants_of_area(int64_t area, int with_revoked)
{
    grant_rows g;
    char err[200];
    memset(&g, 0, sizeof g);
    ck_assert_msg(dsg_grant_store_each(db, area, 0, NULL, with_revoked, keep_grant, &g, err,
                                       sizeof err) == 0, "%s", err);
    return g;
}

static grant_rows grants_of_subject(uint32_t kind, const char *name, int with_revoked)
{
    grant_rows g;
    char err[200];
    memset(&g, 0, sizeof g);
    ck_assert_msg(dsg_grant_store_each(db, 0, kind, name, with_revoked, keep_grant, &g, err,
                                       sizeof err) == 0, "%s", err);
    return g;
}

static int64_t subject_id(uint32_t kind, const char *name)
{
    char err[200];
    int64_t id = dsg_grant_store_subject_id(db, kind, name, err, sizeof err);
    ck_assert_int_ge(id, 0);
    return id;
}

static int load(int64_t area, dsg_grant *out, size_t cap)
{
    char err[200];
    int n = dsg_grant_store_load(db, area, out, cap, err, sizeof err);
    ck_assert_msg(n >= 0, "%s", err);
    return n;
}

/* ---- the operations' words --------------------------------------------------------- */

/* @relation(REQ-ACCT-009) */
START_TEST(test_grant_op_words)
{
    static const char *const words[] = {
        "list", "read", "upload", "new-version", "rename", "move",
        "delete", "create-folder", "search", "history", "grant", "revoke",
    };
    for (uint32_t op = 0; op < DSG_ACCESS_OP_COUNT; op++) {
        ck_assert_str_eq(dsg_grant_op_name(op), words[op]);
        ck_assert_int_eq(dsg_grant_op_parse(words[op]), (int)op);
    }
    ck_assert_int_eq(dsg_grant_op_parse("search"), DSG_ACCESS_SEARCH);
    ck_assert_ptr_null(dsg_grant_op_name(DSG_ACCESS_OP_COUNT));
    ck_assert_ptr_null(dsg_grant_op_name(UINT32_MAX));
    ck_assert_int_eq(dsg_grant_op_parse("Read"), -1);
    ck_assert_int_eq(dsg_grant_op_parse("read "), -1);
    ck_assert_int_eq(dsg_grant_op_parse(""), -1);
    ck_assert_int_eq(dsg_grant_op_parse("new_version"), -1);
    ck_assert_int_eq(dsg_grant_op_parse(NULL), -1);
}
END_TEST

/* A set as words and back, in the operations' order. @relation(REQ-ACCT-009) */
START_TEST(test_grant_ops_words)
{
    char out[160];
    uint32_t ops = 0;
    ck_assert_int_eq(dsg_grant_ops_format(DSG_ACCESS_ALL_OPS, out, sizeof out), 0);
    ck_assert_str_eq(out, ALL_WORDS);
    ck_assert_int_eq(dsg_grant_ops_parse(out, &ops), 0);
    ck_assert_uint_eq(ops, DSG_ACCESS_ALL_OPS);
    for (uint32_t op = 0; op < DSG_ACCESS_OP_COUNT; op++) {
        ck_assert_int_eq(dsg_grant_ops_format(DSG_ACCESS_BIT(op), out, sizeof out), 0);
        ck_assert_str_eq(out, dsg_grant_op_name(op));
        ck_assert_int_eq(dsg_grant_ops_parse(out, &ops), 0);
        ck_assert_uint_eq(ops, DSG_ACCESS_BIT(op));
    }
    ck_assert_int_eq(dsg_grant_ops_parse(" read , list\t", &ops), 0);   /* any order, blanks */
    ck_assert_uint_eq(ops, DSG_ACCESS_BIT(DSG_ACCESS_LIST) | DSG_ACCESS_BIT(DSG_ACCESS_READ));
    ck_assert_int_eq(dsg_grant_ops_format(ops, out, sizeof out), 0);
    ck_assert_str_eq(out, "list,read");
    /* exactly the room it needs, and one byte less */
    ck_assert_int_eq(dsg_grant_ops_format(ops, out, 10), 0);
    ck_assert_int_eq(dsg_grant_ops_format(ops, out, 9), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(dsg_grant_ops_format(ops, out, 0), -1);
    ck_assert_int_eq(dsg_grant_ops_format(ops, NULL, 10), -1);
    /* no empty set, no unknown bit */
    ck_assert_int_eq(dsg_grant_ops_format(0, out, sizeof out), -1);
    ck_assert_int_eq(dsg_grant_ops_format(DSG_ACCESS_BIT(DSG_ACCESS_OP_COUNT), out, sizeof out),
                     -1);
    static const char *const refused[] = {
        "", " ", "list,", ",list", "list,,read", "list,list", "read,list,read", "lists",
        "LIST", "list;read", "create-folder-and-more", "list read",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ops = 77;
        ck_assert_msg(dsg_grant_ops_parse(refused[i], &ops) == -1, "accepted: '%s'", refused[i]);
        ck_assert_uint_eq(ops, 77);
    }
    ck_assert_int_eq(dsg_grant_ops_parse(NULL, &ops), -1);
}
END_TEST

/* ---- the application's checks ------------------------------------------------------ */

static void expect_check(const dsg_rights_app *a, const char *code, const char *field)
{
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(dsg_rights_app_check(a, NOW, &p), -1);
    ck_assert_msg(strcmp(p.code, code) == 0 && strcmp(p.field, field) == 0,
                  "%s %s, not %s %s (%s)", p.code, p.field, code, field, p.message);
    ck_assert_ptr_nonnull(strstr(p.message, field));
}

static void expect_valid(const dsg_rights_app *a)
{
    dsg_acct_problem p;
    ck_assert_msg(dsg_rights_app_check(a, NOW, &p) == 0, "%s", p.message);
}

/* Every refusal, by code and field. @relation(REQ-ACCT-009) */
START_TEST(test_rights_check_refusals)
{
    const uint32_t read = DSG_ACCESS_BIT(DSG_ACCESS_READ);
    dsg_rights_app ok = grant_app(DSG_ACCESS_ACCOUNT, "Yamada.Taro", 1, 2, read), a;
    expect_valid(&ok);
    a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", 1, 2, DSG_ACCESS_ALL_OPS);
    expect_valid(&a);
    a = ok, a.kind = (dsg_rights_kind)2;
    expect_check(&a, "bad_field", "kind");
    a = ok, a.applicant[0] = '\0';
    expect_check(&a, "missing_field", "applicant");
    a = ok, strcpy(a.applicant, "山田\t");
    expect_check(&a, "bad_field", "applicant");
    a = ok, a.reason[0] = '\0';
    expect_check(&a, "missing_field", "reason");
    a = ok, memset(a.reason, 'r', sizeof a.reason);   /* not even terminated */
    expect_check(&a, "bad_field", "reason");
    a = ok, a.subject_kind = 0;
    expect_check(&a, "missing_field", "subject_kind");
    a = ok, a.subject_kind = 3;
    expect_check(&a, "bad_field", "subject_kind");
    a = ok, a.subject[0] = '\0';
    expect_check(&a, "missing_field", "subject");
    a = ok, strcpy(a.subject, "yamada taro");   /* not a user ID of REQ-ACCT-006 */
    expect_check(&a, "bad_field", "subject");
    a = ok, strcpy(a.subject, "-yamada");
    expect_check(&a, "bad_field", "subject");
    a = ok, strcpy(a.subject, "テスト重工");   /* an organisation is not an account */
    expect_check(&a, "bad_field", "subject");
    a = ok, memset(a.subject, 'y', DSG_ACCT_USER_ID_MAX + 1);
    expect_check(&a, "bad_field", "subject");
    a.subject[DSG_ACCT_USER_ID_MAX] = '\0';   /* 64 bytes: the longest user ID */
    expect_valid(&a);
    a = ok, a.subject_kind = DSG_ACCESS_ORG_GROUP, strcpy(a.subject, "テスト\x7f重工");
    expect_check(&a, "bad_field", "subject");
    a = ok, a.area = 0;
    expect_check(&a, "missing_field", "area");
    a = ok, a.area = -1;
    expect_check(&a, "bad_field", "area");
    a = ok, a.folder = 0;
    expect_check(&a, "missing_field", "folder");
    a = ok, a.folder = -2;
    expect_check(&a, "bad_field", "folder");
    a = ok, a.ops = 0;
    expect_check(&a, "missing_field", "ops");
    a = ok, a.ops = read | DSG_ACCESS_BIT(DSG_ACCESS_OP_COUNT);
    expect_check(&a, "bad_field", "ops");
    a = ok, a.from = 0;
    expect_check(&a, "missing_field", "from");
    a = ok, a.from = -DAY;
    expect_check(&a, "bad_field", "from");
    a = ok, a.until = 0;
    expect_check(&a, "missing_field", "until");
    a = ok, a.until = a.from;
    expect_check(&a, "bad_field", "until");
    a = ok, a.from = NOW - 2 * DAY, a.until = NOW;   /* until is exclusive: over at now */
    expect_check(&a, "bad_field", "until");
    a = ok, a.until = 253402300800LL;   /* after 9999-12-31T23:59:59Z */
    expect_check(&a, "bad_field", "until");
    a = ok, a.from = NOW - 2 * DAY, a.until = NOW + 1;   /* begun before now: fine */
    expect_valid(&a);
    /* a revoke: the grant's number, applicant and reason */
    a = revoke_app(5);
    expect_valid(&a);
    a.grant = 0;
    expect_check(&a, "missing_field", "grant");
    a.grant = -5;
    expect_check(&a, "bad_field", "grant");
    a = revoke_app(5), a.reason[0] = '\0';
    expect_check(&a, "missing_field", "reason");
}
END_TEST

/* ---- JSON -------------------------------------------------------------------------- */

static void expect_same_rights(const dsg_rights_app *x, const dsg_rights_app *y)
{
    ck_assert_int_eq(x->kind, y->kind);
    ck_assert_uint_eq(x->subject_kind, y->subject_kind);
    ck_assert_str_eq(x->subject, y->subject);
    ck_assert_int_eq(x->area, y->area);
    ck_assert_int_eq(x->folder, y->folder);
    ck_assert_uint_eq(x->ops, y->ops);
    ck_assert_int_eq(x->from, y->from);
    ck_assert_int_eq(x->until, y->until);
    ck_assert_int_eq(x->grant, y->grant);
    ck_assert_str_eq(x->applicant, y->applicant);
    ck_assert_str_eq(x->reason, y->reason);
}

static void round_trip(const dsg_rights_app *a)
{
    dsg_rights_app b;
    dsg_acct_problem p;
    uint8_t buf[DSG_AREA_JSON_MAX];
    size_t n;
    ck_assert_int_eq(dsg_rights_app_to_json(a, buf, sizeof buf, &n), 0);
    ck_assert_msg(dsg_rights_app_from_json(buf, n, &b, &p) == 0, "%s", p.message);
    expect_same_rights(&b, a);
}

/* @relation(REQ-ACCT-009) */
START_TEST(test_rights_json_round_trip)
{
    static const char grant_form[] =
        "{\"kind\":\"grant\",\"subject_kind\":\"org\",\"subject\":\"テスト重工\",\"area\":3,"
        "\"folder\":12,\"ops\":\"list,read,create-folder\",\"from\":1800000000,"
        "\"until\":1802592000,\"applicant\":\"情報管理課 佐藤\","
        "\"reason\":\"設計資料の閲覧のため\"}";
    static const char revoke_form[] =
        "{\"kind\":\"revoke\",\"grant\":41,\"applicant\":\"情報管理課 佐藤\","
        "\"reason\":\"担当替え\"}";
    dsg_rights_app a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", 3, 12,
                                 DSG_ACCESS_BIT(DSG_ACCESS_LIST) | DSG_ACCESS_BIT(DSG_ACCESS_READ) |
                                 DSG_ACCESS_BIT(DSG_ACCESS_CREATE_FOLDER));
    uint8_t buf[DSG_AREA_JSON_MAX];
    size_t n;
    ck_assert_int_eq(dsg_rights_app_to_json(&a, buf, sizeof buf, &n), 0);
    ck_assert_uint_eq(n, sizeof grant_form - 1);
    ck_assert_int_eq(memcmp(buf, grant_form, n), 0);
    round_trip(&a);
    dsg_rights_app r = revoke_app(41);
    ck_assert_int_eq(dsg_rights_app_to_json(&r, buf, sizeof buf, &n), 0);
    ck_assert_uint_eq(n, sizeof revoke_form - 1);
    ck_assert_int_eq(memcmp(buf, revoke_form, n), 0);
    round_trip(&r);
    /* an account, every operation, quotes and backslashes */
    a = grant_app(DSG_ACCESS_ACCOUNT, "Yamada.Taro", 1, 2, DSG_ACCESS_ALL_OPS);
    strcpy(a.reason, "say \"yes\" \\ no");
    round_trip(&a);
    /* the longest Japanese organisation name and reason */
    a.subject_kind = DSG_ACCESS_ORG_GROUP;
    memset(a.subject, 0, sizeof a.subject);
    for (size_t k = 0; k + 3 <= DSG_AREA_TEXT_MAX; k += 3)
        memcpy(a.subject + k, "株", 3);
    memset(a.reason, 0, sizeof a.reason);
    for (size_t k = 0; k + 3 <= DSG_AREA_REASON_MAX; k += 3)
        memcpy(a.reason + k, "理", 3);
    expect_valid(&a);
    round_trip(&a);
    /* refused, not cut: a small buffer, an unknown kind or subject kind, no operation */
    uint8_t small[40];
    ck_assert_int_eq(dsg_rights_app_to_json(&a, small, sizeof small, &n), -1);
    a.kind = (dsg_rights_kind)2;
    ck_assert_int_eq(dsg_rights_app_to_json(&a, buf, sizeof buf, &n), -1);
    a.kind = DSG_RIGHTS_GRANT, a.subject_kind = 0;
    ck_assert_int_eq(dsg_rights_app_to_json(&a, buf, sizeof buf, &n), -1);
    a.subject_kind = DSG_ACCESS_ACCOUNT, a.ops = 0;
    ck_assert_int_eq(dsg_rights_app_to_json(&a, buf, sizeof buf, &n), -1);
}
END_TEST

static int from(const char *json, dsg_rights_app *a, dsg_acct_problem *p)
{
    return dsg_rights_app_from_json((const uint8_t *)json, strlen(json), a, p);
}

static void json_refused(const char *json, const char *code, const char *field)
{
    dsg_rights_app a;
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_msg(from(json, &a, &p) == -1, "accepted: %s", json);
    ck_assert_msg(strcmp(p.code, code) == 0 && strcmp(p.field, field) == 0,
                  "%s: %s %s, not %s %s", json, p.code, p.field, code, field);
}

/* @relation(REQ-ACCT-009) */
START_TEST(test_rights_json_refusals)
{
    dsg_rights_app a;
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_rights_app_from_json((const uint8_t *)"", 0, &a, &p), -1);
    ck_assert_str_eq(p.code, "bad_request");
    json_refused("[]", "bad_request", "");
    json_refused("{\"kind\":\"grant\"", "bad_request", "");
    json_refused("{\"kind\":\"grant\"} {}", "bad_request", "");
    json_refused("{}", "missing_field", "kind");
    json_refused("{\"grant\":4}", "missing_field", "kind");
    json_refused("{\"kind\":\"transfer\"}", "bad_request", "kind");
    json_refused("{\"kind\":\"Grant\"}", "bad_request", "kind");
    json_refused("{\"kind\":1}", "bad_request", "kind");
    json_refused("{\"kind\":\"grant\",\"kind\":\"revoke\"}", "bad_request", "kind");
    json_refused("{\"kind\":\"grant\",\"subject_kind\":\"group\"}", "bad_request",
                 "subject_kind");
    json_refused("{\"kind\":\"grant\",\"subject\":7}", "bad_request", "subject");
    json_refused("{\"kind\":\"grant\",\"subject\":\"a\\u0000b\"}", "bad_request", "subject");
    json_refused("{\"kind\":\"grant\",\"area\":\"3\"}", "bad_request", "area");
    json_refused("{\"kind\":\"grant\",\"folder\":-1}", "bad_request", "folder");
    json_refused("{\"kind\":\"grant\",\"from\":1.5}", "bad_request", "from");
    json_refused("{\"kind\":\"grant\",\"until\":1e9}", "bad_request", "until");
    json_refused("{\"kind\":\"grant\",\"until\":1234567890123456789}", "bad_request", "until");
    json_refused("{\"kind\":\"grant\",\"ops\":\"list,steal\"}", "bad_request", "ops");
    json_refused("{\"kind\":\"grant\",\"ops\":\"list,list\"}", "bad_request", "ops");
    json_refused("{\"kind\":\"grant\",\"ops\":[\"list\"]}", "bad_request", "ops");
    json_refused("{\"kind\":\"grant\",\"applicant\":null}", "bad_request", "applicant");
    json_refused("{\"kind\":\"grant\",\"reason\":{}}", "bad_request", "reason");
    /* the items of the other kind */
    json_refused("{\"kind\":\"grant\",\"grant\":4}", "bad_request", "grant");
    json_refused("{\"grant\":4,\"subject\":\"x\",\"kind\":\"revoke\"}", "bad_request", "subject");
    json_refused("{\"kind\":\"revoke\",\"grant\":4,\"ops\":\"read\"}", "bad_request", "ops");
    /* an unknown member, named when printable */
    ck_assert_int_eq(from("{\"kind\":\"grant\",\"colour\":\"red\"}", &a, &p), -1);
    ck_assert_str_eq(p.code, "bad_request");
    ck_assert_ptr_nonnull(strstr(p.message, "colour"));
    ck_assert_int_eq(from("{\"owner\\n\":1}", &a, &p), -1);
    ck_assert_ptr_null(strchr(p.message, '\n'));
    /* what it accepts still goes through the check */
    ck_assert_int_eq(from("{\"kind\":\"revoke\"}", &a, &p), 0);
    ck_assert_int_eq(a.kind, DSG_RIGHTS_REVOKE);
    expect_check(&a, "missing_field", "applicant");
    ck_assert_int_eq(from("{\"kind\":\"grant\",\"subject_kind\":\"account\",\"subject\":\"x y\","
                          "\"area\":1,\"folder\":2,\"ops\":\" read \",\"from\":1800000000,"
                          "\"until\":1800000001,\"applicant\":\"a\",\"reason\":\"r\"}", &a, &p), 0);
    ck_assert_uint_eq(a.ops, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    expect_check(&a, "bad_field", "subject");
}
END_TEST

/* ---- applications and decisions ---------------------------------------------------- */

/* A grant exists only once another administrator approves its
 * application, and names who applied, who approved and the application.
 * @relation(REQ-ACCT-009, REQ-SHARE-009) */
START_TEST(test_rights_grant_made_on_approval)
{
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    const uint32_t ops = DSG_ACCESS_BIT(DSG_ACCESS_LIST) | DSG_ACCESS_BIT(DSG_ACCESS_READ);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "Yamada.Taro", area, f.row[2].id, ops);
    int64_t id = apply_ok(&a, "uid:0", NOW);
    dsg_rights_app_row r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_PENDING);
    strcpy(a.subject, "yamada.taro");   /* stored as the auth role folds it */
    expect_same_rights(&r.app, &a);
    ck_assert_str_eq(r.entered_by, "uid:0");
    ck_assert_int_eq(r.entered_at, NOW);
    ck_assert_str_eq(r.decided_by, "");
    ck_assert_int_eq(r.grant, 0);
    ck_assert_int_eq(count("SELECT count(*) FROM grants"), 0);
    ck_assert_int_eq(subject_id(DSG_ACCESS_ACCOUNT, "yamada.taro"), 0);

    int64_t grant = approve_ok(id, "uid:1000", NOW + 5);
    r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_APPROVED);
    ck_assert_str_eq(r.decided_by, "uid:1000");
    ck_assert_int_eq(r.decided_at, NOW + 5);
    ck_assert_int_eq(r.grant, grant);
    grant_rows g = grants_of_area(area, 0);
    ck_assert_int_eq(g.n, 1);
    const dsg_grant_row *row = &g.row[0];
    ck_assert_int_eq(row->id, grant);
    ck_assert_uint_eq(row->subject_kind, DSG_ACCESS_ACCOUNT);
    ck_assert_int_eq(row->subject_id, subject_id(DSG_ACCESS_ACCOUNT, "YAMADA.taro"));
    ck_assert_int_gt(row->subject_id, 0);
    ck_assert_str_eq(row->subject, "yamada.taro");
    ck_assert_int_eq(row->area, area);
    ck_assert_int_eq(row->folder, f.row[2].id);
    ck_assert_uint_eq(row->ops, ops);
    ck_assert_int_eq(row->from, NOW);
    ck_assert_int_eq(row->until, NOW + 30 * DAY);
    ck_assert_str_eq(row->granted_by, "uid:1000");
    ck_assert_int_eq(row->granted_at, NOW + 5);
    ck_assert_int_eq(row->application, id);
    ck_assert_int_eq(row->revoked_at, 0);
    ck_assert_str_eq(row->revoked_by, "");
    ck_assert_int_eq(row->revoke_application, 0);
    /* a second grant for the same subject keeps its number */
    a = grant_app(DSG_ACCESS_ACCOUNT, "yamada.taro", area, f.row[1].id, ops);
    grant_ok(&a);
    g = grants_of_area(area, 0);
    ck_assert_int_eq(g.n, 2);
    ck_assert_int_eq(g.row[1].subject_id, g.row[0].subject_id);
    ck_assert_int_eq(count("SELECT count(*) FROM subjects"), 1);
}
END_TEST

/* Whoever entered an application never decides it; the database refuses
 * it too. @relation(REQ-SHARE-009) */
START_TEST(test_rights_self_approval_refused)
{
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", area, f.row[0].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(approve_code(id, "uid:0", NOW, "id"), "self_approval");
    ck_assert_str_eq(reject_code(id, "uid:0", "no", "id"), "self_approval");
    ck_assert_int_eq(app_row(id).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(count("SELECT count(*) FROM grants"), 0);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE rights_applications SET state = 'approved',"
                                      " decided_by = entered_by, decided_at = 1", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "does not decide it"));
    /* so is a revoke's */
    int64_t grant = approve_ok(id, "uid:1000", NOW);
    dsg_rights_app r = revoke_app(grant);
    int64_t rid = apply_ok(&r, "uid:1000", NOW + 1);
    ck_assert_str_eq(approve_code(rid, "uid:1000", NOW + 2, "id"), "self_approval");
    ck_assert_int_eq(grants_of_area(area, 0).n, 1);
}
END_TEST

/* @relation(REQ-ACCT-009, REQ-SHARE-009) */
START_TEST(test_rights_decided_once)
{
    dsg_acct_problem p;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[1].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t id = apply_ok(&a, "uid:0", NOW);
    int64_t grant = approve_ok(id, "uid:1000", NOW);
    ck_assert_str_eq(approve_code(id, "uid:1001", NOW, "id"), "already_decided");
    ck_assert_str_eq(reject_code(id, "uid:1001", "late", "id"), "already_decided");
    ck_assert_str_eq(approve_code(id + 1, "uid:1001", NOW, "id"), "unknown_application");
    ck_assert_str_eq(reject_code(id + 1, "uid:1001", "x", "id"), "unknown_application");
    ck_assert_str_eq(approve_code(0, "uid:1001", NOW, "id"), "unknown_application");
    ck_assert_str_eq(approve_code(id, "", NOW, "by"), "missing_field");
    ck_assert_str_eq(approve_code(id, "uid:1\n", NOW, "by"), "bad_field");
    /* a rejection needs a reason, stores it and nothing else */
    a.ops = DSG_ACCESS_ALL_OPS;
    int64_t second = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(reject_code(second, "uid:1000", "", "reason"), "missing_field");
    ck_assert_str_eq(reject_code(second, "uid:1000", NULL, "reason"), "missing_field");
    ck_assert_str_eq(reject_code(second, "uid:1000", "x\x1b", "reason"), "bad_field");
    ck_assert_int_eq(dsg_rights_store_reject(db, second, "uid:1000", "権限過大", NOW + 3, &p), 0);
    dsg_rights_app_row r = app_row(second);
    ck_assert_int_eq(r.state, DSG_AREA_APP_REJECTED);
    ck_assert_str_eq(r.decided_by, "uid:1000");
    ck_assert_int_eq(r.decided_at, NOW + 3);
    ck_assert_str_eq(r.decision_reason, "権限過大");
    ck_assert_int_eq(r.grant, 0);
    ck_assert_str_eq(approve_code(second, "uid:1001", NOW, "id"), "already_decided");
    grant_rows g = grants_of_area(area, 1);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, grant);
    ck_assert_uint_eq(g.row[0].ops, DSG_ACCESS_BIT(DSG_ACCESS_READ));
}
END_TEST

/* The checks against the store at entry: the area, its contract, the
 * folder (a live one), the end of the grant, the grant a revoke ends.
 * @relation(REQ-ACCT-009, REQ-SHARE-012) */
START_TEST(test_rights_apply_store_refusals)
{
    const uint32_t read = DSG_ACCESS_BIT(DSG_ACCESS_READ);
    int64_t area = make_area("C-1", END), short_area = make_area("C-2", NOW + DAY);
    folders f = area_folders(area), s = area_folders(short_area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", short_area + 1, f.row[0].id, read);
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "area"), "unknown_area");
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, s.row[0].id, read);   /* another area's */
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "folder"), "unknown_folder");
    a.folder = s.row[2].id + 100;
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "folder"), "unknown_folder");
    /* a deleted folder takes no grant (REQ-SHARE-012) */
    int64_t gone = 0;
    dsg_folder_deleted d;
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_folder_store_create(db, f.row[2].id, "旧", "uid:7", NOW, &gone, &p), 0);
    ck_assert_int_eq(dsg_folder_store_delete(db, gone, "uid:7", NOW, NULL, NULL, &d, &p), 0);
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, gone, read);
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "folder"), "unknown_folder");
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[0].id, read);
    a.until = END + 1;
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "until"), "bad_field");
    a.until = END;   /* exactly the contract's end */
    apply_ok(&a, "uid:0", NOW);
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", short_area, s.row[0].id, read);
    a.until = NOW + DAY;
    apply_ok(&a, "uid:0", NOW);
    a.until = NOW + 3 * DAY;
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "until"), "bad_field");
    a.until = NOW + 2 * DAY + 1;
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW + DAY, "area"), "contract_ended");
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW + 2 * DAY, "area"), "contract_ended");
    /* the application's own checks come first; by is required */
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[0].id, 0);
    ck_assert_str_eq(apply_code(&a, "uid:0", NOW, "ops"), "missing_field");
    a.ops = read;
    ck_assert_str_eq(apply_code(&a, "", NOW, "by"), "missing_field");
    ck_assert_str_eq(apply_code(&a, NULL, NOW, "by"), "missing_field");
    ck_assert_str_eq(apply_code(&a, "uid:0\x7f", NOW, "by"), "bad_field");
    /* a revoke names a grant in force, with no other revoke waiting */
    dsg_rights_app r = revoke_app(1);
    ck_assert_str_eq(apply_code(&r, "uid:0", NOW, "grant"), "unknown_grant");
    a.until = NOW + 10 * DAY;
    int64_t grant = grant_ok(&a);
    r = revoke_app(grant);
    apply_ok(&r, "uid:0", NOW + 1);
    ck_assert_str_eq(apply_code(&r, "uid:2", NOW + 2, "grant"), "application_pending");
    ck_assert_str_eq(apply_code(&r, "uid:2", NOW + 10 * DAY, "grant"), "unknown_grant");
    ck_assert_int_eq(count("SELECT count(*) FROM rights_applications"), 4);
}
END_TEST

/* Approval checks again what may have changed since the entry.
 * @relation(REQ-ACCT-009) */
START_TEST(test_rights_approval_rechecks)
{
    const uint32_t read = DSG_ACCESS_BIT(DSG_ACCESS_READ);
    int64_t area = make_area("C-1", NOW + 2 * DAY);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id, read);
    a.until = NOW + DAY;
    int64_t late = apply_ok(&a, "uid:0", NOW);
    ck_assert_str_eq(approve_code(late, "uid:1000", NOW + DAY, "until"), "bad_field");
    /* the area's contract shortened meanwhile: ended, or ending before the grant */
    a.until = NOW + 2 * DAY;
    int64_t ended = apply_ok(&a, "uid:0", NOW);
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE areas SET contract_end = 1800000010", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_str_eq(approve_code(ended, "uid:1000", NOW + 10, "area"), "contract_ended");
    ck_assert_str_eq(approve_code(ended, "uid:1000", NOW + 5, "until"), "bad_field");
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE areas SET contract_end = 1800172800", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_eq(app_row(late).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(app_row(ended).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(count("SELECT count(*) FROM grants"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM subjects"), 0);
    /* a revoke of a grant that expired meanwhile */
    a.until = NOW + DAY;
    int64_t grant = grant_ok(&a);
    dsg_rights_app r = revoke_app(grant);
    int64_t rid = apply_ok(&r, "uid:0", NOW + 10);
    ck_assert_str_eq(approve_code(rid, "uid:1000", NOW + DAY, "grant"), "unknown_grant");
    ck_assert_int_eq(app_row(rid).state, DSG_AREA_APP_PENDING);
    ck_assert_int_eq(grants_of_area(area, 0).n, 1);
    /* such applications can still be rejected */
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_rights_store_reject(db, rid, "uid:1000", "期限切れ", NOW + DAY, &p), 0);
    ck_assert_int_eq(dsg_rights_store_reject(db, ended, "uid:1000", "契約終了", NOW + 3 * DAY, &p),
                     0);
}
END_TEST

/* An approved revoke ends the grant once; the row stays.
 * @relation(REQ-ACCT-009, REQ-ACCT-010, REQ-SHARE-009) */
START_TEST(test_rights_revoke)
{
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t grant = grant_ok(&a);
    dsg_grant g[4];
    ck_assert_int_eq(load(area, g, 4), 1);
    dsg_rights_app r = revoke_app(grant);
    int64_t rid = apply_ok(&r, "uid:2", NOW + 10);
    dsg_rights_app_row row = app_row(rid);
    ck_assert_int_eq(row.app.kind, DSG_RIGHTS_REVOKE);
    ck_assert_int_eq(row.app.grant, grant);
    ck_assert_int_eq(row.app.subject_kind, 0);
    ck_assert_int_eq(row.grant, 0);   /* nothing ended yet */
    ck_assert_int_eq(load(area, g, 4), 1);
    ck_assert_int_eq(approve_ok(rid, "uid:1000", NOW + 20), grant);
    row = app_row(rid);
    ck_assert_int_eq(row.state, DSG_AREA_APP_APPROVED);
    ck_assert_int_eq(row.grant, grant);
    ck_assert_int_eq(load(area, g, 4), 0);
    ck_assert_int_eq(grants_of_area(area, 0).n, 0);
    grant_rows all = grants_of_area(area, 1);
    ck_assert_int_eq(all.n, 1);
    ck_assert_int_eq(all.row[0].revoked_at, NOW + 20);
    ck_assert_str_eq(all.row[0].revoked_by, "uid:1000");
    ck_assert_int_eq(all.row[0].revoke_application, rid);
    ck_assert_str_eq(all.row[0].granted_by, "uid:1000");
    /* once: a second revoke names no grant in force */
    ck_assert_str_eq(apply_code(&r, "uid:2", NOW + 30, "grant"), "unknown_grant");
}
END_TEST

/* The triggers refuse what no code path may do. @relation(REQ-ACCT-009, REQ-SHARE-009) */
START_TEST(test_rights_database_refuses_deletes_and_changes)
{
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area);
    int64_t other_root = area_folders(other).row[0].id;
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t revoked = grant_ok(&a);
    revoke_ok(revoked, NOW + 2);
    int64_t in_force = grant_ok(&a);
    apply_ok(&a, "uid:0", NOW);   /* one pending grant application */
    char sql[4][320];
    snprintf(sql[0], sizeof sql[0], "INSERT INTO rights_applications (kind, subject_kind,"
             " subject, area, folder, ops, valid_from, valid_until, applicant, reason,"
             " entered_by, entered_at) VALUES ('grant', 'account', 'x', %lld, %lld, 1, 1, 2,"
             " 'a', 'r', 'u', 1)", (long long)area, (long long)other_root);
    snprintf(sql[1], sizeof sql[1], "INSERT INTO rights_applications (kind, target_grant,"
             " applicant, reason, entered_by, entered_at) VALUES ('revoke', %lld, 'a', 'r',"
             " 'u', 1)", (long long)in_force);
    snprintf(sql[2], sizeof sql[2], "UPDATE grants SET revoked_at = 5, revoked_by = 'uid:9',"
             " revoke_application = (SELECT max(id) FROM rights_applications)"
             " WHERE id = %lld", (long long)in_force);
    snprintf(sql[3], sizeof sql[3], "UPDATE grants SET revoked_at = revoked_at + 1"
             " WHERE id = %lld", (long long)revoked);
    ck_assert_int_eq(sqlite3_exec(db, sql[1], NULL, NULL, NULL), SQLITE_OK);   /* pending revoke */
    const struct { const char *sql, *why; } refused[] = {
        { "DELETE FROM subjects", "never deleted" },
        { "DELETE FROM rights_applications", "never deleted" },
        { "DELETE FROM rights_applications WHERE state = 'pending'", "never deleted" },
        { "DELETE FROM grants", "never deleted" },
        { "DELETE FROM grants WHERE revoked_at IS NOT NULL", "never deleted" },
        { "UPDATE subjects SET name = 'tanaka'", "keeps its number and name" },
        /* what an application entered, its decision */
        { "UPDATE rights_applications SET ops = 4095 WHERE state = 'pending'", "never changes" },
        { "UPDATE rights_applications SET subject = 'tanaka' WHERE state = 'pending'",
          "never changes" },
        { "UPDATE rights_applications SET decision_reason = 'x' WHERE state = 'approved'",
          "decided once" },
        { "UPDATE rights_applications SET state = 'rejected' WHERE state = 'approved'",
          "decided once" },
        { "INSERT INTO rights_applications (kind, target_grant, applicant, reason, entered_by,"
          " entered_at, state, decided_by, decided_at) VALUES ('revoke', 1, 'a', 'r', 'u', 1,"
          " 'approved', 'v', 1)", "entered pending" },
        { sql[0], "folder lies in its area" },
        { sql[1], "UNIQUE constraint failed" },   /* a second revoke waiting */
        /* a grant: only from its approved application, never changed, revoked once */
        { "INSERT INTO grants (subject, area, folder, ops, valid_from, valid_until, granted_by,"
          " granted_at, application) SELECT 1, area, folder, 4095, valid_from, valid_until,"
          " 'uid:1000', 1, id FROM rights_applications WHERE state = 'pending'"
          " AND kind = 'grant'", "approved application" },
        { "UPDATE grants SET ops = 4095", "never changes" },
        { "UPDATE grants SET valid_until = valid_until + 1", "never changes" },
        { "UPDATE grants SET folder = folder + 1", "never changes" },
        { sql[2], "approved revoke application" },
        { sql[3], "revoked once" },
        { "UPDATE grants SET revoked_at = NULL, revoked_by = NULL, revoke_application = NULL"
          " WHERE revoked_at IS NOT NULL", "revoked once" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert_msg(sqlite3_exec(db, refused[i].sql, NULL, NULL, NULL) != SQLITE_OK,
                      "accepted: %s", refused[i].sql);
        ck_assert_msg(strstr(sqlite3_errmsg(db), refused[i].why) != NULL, "%s: %s",
                      refused[i].sql, sqlite3_errmsg(db));
    }
    ck_assert_int_eq(count("SELECT count(*) FROM subjects"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM rights_applications"), 5);
    ck_assert_int_eq(count("SELECT count(*) FROM rights_applications WHERE state = 'pending'"), 2);
    grant_rows g = grants_of_area(area, 1);
    ck_assert_int_eq(g.n, 2);
    ck_assert_int_eq(g.row[0].revoked_at, NOW + 3);
    ck_assert_int_eq(g.row[1].revoked_at, 0);
    ck_assert_uint_eq(g.row[1].ops, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    ck_assert_str_eq(g.row[1].subject, "sato");
}
END_TEST

/* A failure half-way through an approval stores nothing of it: a test
 * trigger (in the connection's temporary schema) fails the grant's insert,
 * after the decision and the subject's number were written; another fails
 * a revoke's update. @relation(REQ-ACCT-009, REQ-RUN-020) */
START_TEST(test_rights_failed_approval_stores_nothing)
{
    dsg_acct_problem p;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", area, f.row[2].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t id = apply_ok(&a, "uid:0", NOW);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TEMP TRIGGER fail_grant BEFORE INSERT ON main.grants"
                                      " BEGIN SELECT RAISE(ABORT, 'test: the grant fails'); END;",
                                  NULL, NULL, NULL), SQLITE_OK);
    int64_t grant = -7;
    ck_assert_int_eq(dsg_rights_store_approve(db, id, "uid:1000", NOW + 1, &grant, &p), -1);
    ck_assert_str_eq(p.code, "storage");
    ck_assert_ptr_nonnull(strstr(p.message, "the grant fails"));
    ck_assert_int_eq(grant, -7);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);   /* no transaction left open */
    dsg_rights_app_row r = app_row(id);
    ck_assert_int_eq(r.state, DSG_AREA_APP_PENDING);
    ck_assert_str_eq(r.decided_by, "");
    ck_assert_int_eq(count("SELECT count(*) FROM subjects"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM grants"), 0);
    ck_assert_int_eq(subject_id(DSG_ACCESS_ORG_GROUP, "テスト重工"), 0);
    ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER temp.fail_grant", NULL, NULL, NULL),
                     SQLITE_OK);
    grant = approve_ok(id, "uid:1000", NOW + 1);
    ck_assert_int_eq(app_row(id).grant, grant);

    dsg_rights_app rv = revoke_app(grant);
    int64_t rid = apply_ok(&rv, "uid:0", NOW + 2);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TEMP TRIGGER fail_revoke BEFORE UPDATE ON"
                                      " main.grants BEGIN SELECT RAISE(ABORT, 'test: the revoke"
                                      " fails'); END;", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_rights_store_approve(db, rid, "uid:1000", NOW + 3, &grant, &p), -1);
    ck_assert_str_eq(p.code, "storage");
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    ck_assert_int_eq(app_row(rid).state, DSG_AREA_APP_PENDING);
    dsg_grant g[2];
    ck_assert_int_eq(load(area, g, 2), 1);
}
END_TEST

static int count_apps(const dsg_rights_app_row *r, void *ctx)
{
    int64_t *n = ctx;
    n[n[0] + 1] = r->id;
    n[0]++;
    return 0;
}

static int stop_app(const dsg_rights_app_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 1;
}

static int stop_grant(const dsg_grant_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 1;
}

/* The same grants from the area's side and from the subject's.
 * @relation(REQ-ACCT-009) */
START_TEST(test_rights_listings)
{
    char err[200];
    const uint32_t read = DSG_ACCESS_BIT(DSG_ACCESS_READ);
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area), o = area_folders(other);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "Sato", area, f.row[1].id, read);
    int64_t g1 = grant_ok(&a);
    a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", area, f.row[2].id, read);
    int64_t g2 = grant_ok(&a);
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", other, o.row[0].id, read);
    int64_t g3 = grant_ok(&a);
    revoke_ok(g1, NOW + 5);
    a = grant_app(DSG_ACCESS_ACCOUNT, "tanaka", area, f.row[0].id, read);
    int64_t pending = apply_ok(&a, "uid:0", NOW + 6);

    grant_rows g = grants_of_area(area, 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, g2);
    g = grants_of_area(area, 1);
    ck_assert_int_eq(g.n, 2);   /* by number */
    ck_assert_int_eq(g.row[0].id, g1);
    ck_assert_int_eq(g.row[1].id, g2);
    g = grants_of_area(other, 1);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, g3);
    g = grants_of_subject(DSG_ACCESS_ACCOUNT, "SATO", 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, g3);
    g = grants_of_subject(DSG_ACCESS_ACCOUNT, "sato", 1);
    ck_assert_int_eq(g.n, 2);
    ck_assert_int_eq(g.row[0].id, g1);
    ck_assert_int_eq(g.row[1].id, g3);
    ck_assert_int_eq(g.row[0].subject_id, g.row[1].subject_id);
    g = grants_of_subject(DSG_ACCESS_ORG_GROUP, "テスト重工", 1);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, g2);
    ck_assert_uint_eq(g.row[0].subject_kind, DSG_ACCESS_ORG_GROUP);
    ck_assert_int_eq(grants_of_subject(DSG_ACCESS_ACCOUNT, "tanaka", 1).n, 0);
    ck_assert_int_eq(grants_of_subject(DSG_ACCESS_ORG_GROUP, "sato", 1).n, 0);
    /* neither an area nor a subject */
    ck_assert_int_eq(dsg_grant_store_each(db, -1, 0, NULL, 1, keep_grant, &g, err, sizeof err),
                     -1);
    ck_assert_int_eq(dsg_grant_store_each(db, 0, 0, "sato", 1, keep_grant, &g, err, sizeof err),
                     -1);
    ck_assert_int_eq(dsg_grant_store_each(db, 0, DSG_ACCESS_ACCOUNT, "sa to", 1, keep_grant, &g,
                                          err, sizeof err), -1);
    ck_assert_int_eq(dsg_grant_store_each(db, 0, DSG_ACCESS_ACCOUNT, NULL, 1, keep_grant, &g,
                                          err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "subject"));
    int k = 0;
    ck_assert_int_eq(dsg_grant_store_each(db, area, 0, NULL, 1, stop_grant, &k, err, sizeof err),
                     -1);
    ck_assert_int_eq(k, 1);

    /* applications, newest first */
    int64_t n[12] = { 0 };
    ck_assert_int_eq(dsg_rights_store_each_app(db, 0, count_apps, n, err, sizeof err), 0);
    ck_assert_int_eq(n[0], 5);
    ck_assert_int_eq(n[1], pending);
    for (int i = 1; i < 5; i++)
        ck_assert_int_gt(n[i], n[i + 1]);
    memset(n, 0, sizeof n);
    ck_assert_int_eq(dsg_rights_store_each_app(db, 1, count_apps, n, err, sizeof err), 0);
    ck_assert_int_eq(n[0], 1);
    ck_assert_int_eq(n[1], pending);
    k = 0;
    ck_assert_int_eq(dsg_rights_store_each_app(db, 0, stop_app, &k, err, sizeof err), -1);
    ck_assert_int_eq(k, 1);
    dsg_rights_app_row r;
    ck_assert_int_eq(dsg_rights_store_get_app(db, pending + 1, &r, err, sizeof err), 0);
}
END_TEST

/* Every grant in force of every area and subject, by number: neither a
 * revoked one nor one whose until has come. @relation(REQ-ACCT-008) */
START_TEST(test_grants_in_force)
{
    char err[200];
    const uint32_t read = DSG_ACCESS_BIT(DSG_ACCESS_READ);
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area), o = area_folders(other);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[1].id, read);
    int64_t g1 = grant_ok(&a);
    a = grant_app(DSG_ACCESS_ORG_GROUP, "他社", other, o.row[2].id, read);
    a.until = NOW + 2 * DAY;
    int64_t g2 = grant_ok(&a);
    a = grant_app(DSG_ACCESS_ACCOUNT, "tanaka", area, f.row[0].id, read);
    int64_t g3 = grant_ok(&a);
    revoke_ok(g3, NOW + 5);
    grant_rows g;
    memset(&g, 0, sizeof g);
    ck_assert_msg(dsg_grant_store_each_in_force(db, NOW + 10, keep_grant, &g, err,
                                                sizeof err) == 0, "%s", err);
    ck_assert_int_eq(g.n, 2);
    ck_assert_int_eq(g.row[0].id, g1);
    ck_assert_int_eq(g.row[0].area, area);
    ck_assert_str_eq(g.row[0].subject, "sato");
    ck_assert_int_eq(g.row[1].id, g2);
    ck_assert_int_eq(g.row[1].area, other);
    ck_assert_uint_eq(g.row[1].subject_kind, DSG_ACCESS_ORG_GROUP);
    ck_assert_str_eq(g.row[1].subject, "他社");
    memset(&g, 0, sizeof g);
    ck_assert_int_eq(dsg_grant_store_each_in_force(db, NOW + 2 * DAY, keep_grant, &g, err,
                                                   sizeof err), 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, g1);
    int k = 0;
    ck_assert_int_eq(dsg_grant_store_each_in_force(db, NOW, stop_grant, &k, err, sizeof err),
                     -1);
    ck_assert_int_eq(k, 1);
}
END_TEST

/* A new account holds no grant: no number, nothing loaded for it, until
 * an approved application grants one; a pending or rejected one gives
 * nothing. @relation(REQ-ACCT-010) */
START_TEST(test_rights_new_account_holds_no_grant)
{
    dsg_acct_problem p;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_grant g[4];
    ck_assert_int_eq(subject_id(DSG_ACCESS_ACCOUNT, "newcomer"), 0);
    ck_assert_int_eq(subject_id(DSG_ACCESS_ORG_GROUP, "新規株式会社"), 0);
    ck_assert_int_eq(subject_id(DSG_ACCESS_ACCOUNT, "not a user id"), 0);
    ck_assert_int_eq(subject_id(7, "newcomer"), 0);
    ck_assert_int_eq(load(area, g, 4), 0);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "newcomer", area, f.row[0].id,
                                 DSG_ACCESS_ALL_OPS);
    int64_t rejected = apply_ok(&a, "uid:0", NOW);
    ck_assert_int_eq(dsg_rights_store_reject(db, rejected, "uid:1000", "不要", NOW, &p), 0);
    int64_t pending = apply_ok(&a, "uid:0", NOW);
    ck_assert_int_eq(subject_id(DSG_ACCESS_ACCOUNT, "newcomer"), 0);
    ck_assert_int_eq(load(area, g, 4), 0);
    ck_assert_int_eq(grants_of_subject(DSG_ACCESS_ACCOUNT, "newcomer", 1).n, 0);
    /* another's grant is not the newcomer's */
    a = grant_app(DSG_ACCESS_ACCOUNT, "veteran", area, f.row[0].id, DSG_ACCESS_ALL_OPS);
    grant_ok(&a);
    ck_assert_int_eq(load(area, g, 4), 1);
    ck_assert_int_eq(g[0].subject, subject_id(DSG_ACCESS_ACCOUNT, "veteran"));
    ck_assert_int_eq(subject_id(DSG_ACCESS_ACCOUNT, "newcomer"), 0);
    /* the approval numbers the newcomer */
    approve_ok(pending, "uid:1000", NOW + 1);
    int64_t newcomer = subject_id(DSG_ACCESS_ACCOUNT, "NewComer");
    ck_assert_int_gt(newcomer, 0);
    ck_assert_int_ne(newcomer, g[0].subject);
    ck_assert_int_eq(load(area, g, 4), 2);
    ck_assert_int_eq(g[1].subject, newcomer);
}
END_TEST

/* ---- what the decision reads ------------------------------------------------------- */

/* The loaded grants: times in ms, only those in force of that area, never
 * a part of them. @relation(REQ-SHARE-007, REQ-ACCT-010) */
START_TEST(test_grant_load)
{
    char err[200];
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area), o = area_folders(other);
    const uint32_t ops = DSG_ACCESS_BIT(DSG_ACCESS_LIST) | DSG_ACCESS_BIT(DSG_ACCESS_UPLOAD);
    dsg_rights_app a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", area, f.row[2].id, ops);
    a.from = NOW + DAY, a.until = NOW + 2 * DAY;
    grant_ok(&a);
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[1].id, DSG_ACCESS_ALL_OPS);
    revoke_ok(grant_ok(&a), NOW + 3);
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[0].id, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    grant_ok(&a);
    a.area = other, a.folder = o.row[0].id;
    grant_ok(&a);
    dsg_grant g[4];
    memset(g, 0, sizeof g);
    ck_assert_int_eq(load(area, g, 4), 2);
    ck_assert_uint_eq(g[0].kind, DSG_ACCESS_ORG_GROUP);
    ck_assert_int_eq(g[0].subject, subject_id(DSG_ACCESS_ORG_GROUP, "テスト重工"));
    ck_assert_int_eq(g[0].area, area);
    ck_assert_int_eq(g[0].folder, f.row[2].id);
    ck_assert_uint_eq(g[0].ops, ops);
    ck_assert_int_eq(g[0].from, (NOW + DAY) * 1000);
    ck_assert_int_eq(g[0].until, (NOW + 2 * DAY) * 1000);
    ck_assert_uint_eq(g[1].kind, DSG_ACCESS_ACCOUNT);
    ck_assert_int_eq(g[1].folder, f.row[0].id);
    ck_assert_int_eq(g[1].from, NOW * 1000);
    ck_assert_int_eq(load(other, g, 4), 1);
    ck_assert_int_eq(load(other + 1, g, 4), 0);
    /* more than cap: refused rather than decided on a part */
    ck_assert_int_eq(dsg_grant_store_load(db, area, g, 1, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "more than 1"));
    ck_assert_int_eq(dsg_grant_store_load(db, area, g, 2, err, sizeof err), 2);
}
END_TEST

/* The ancestry from the area's root down to the folder.
 * @relation(REQ-SHARE-007, REQ-SHARE-008) */
START_TEST(test_grant_object_chain)
{
    char err[200];
    dsg_access_object obj;
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area), o = area_folders(other);
    ck_assert_int_eq(dsg_grant_store_object(db, area, f.row[0].id, &obj, err, sizeof err), 1);
    ck_assert_int_eq(obj.area, area);
    ck_assert_uint_eq(obj.depth, 1);
    ck_assert_int_eq(obj.chain[0], f.row[0].id);
    int64_t sub = add_folder(area, f.row[2].id, "設計"), leaf = add_folder(area, sub, "図面");
    ck_assert_int_eq(dsg_grant_store_object(db, area, leaf, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, 4);
    ck_assert_int_eq(obj.chain[0], f.row[0].id);
    ck_assert_int_eq(obj.chain[1], f.row[2].id);
    ck_assert_int_eq(obj.chain[2], sub);
    ck_assert_int_eq(obj.chain[3], leaf);
    /* a folder of another area, or none, is no object of this area */
    ck_assert_int_eq(dsg_grant_store_object(db, area, o.row[1].id, &obj, err, sizeof err), 0);
    ck_assert_int_eq(dsg_grant_store_object(db, other, leaf, &obj, err, sizeof err), 0);
    ck_assert_int_eq(dsg_grant_store_object(db, area, leaf + 1, &obj, err, sizeof err), 0);
    ck_assert_int_eq(dsg_grant_store_object(db, area, 0, &obj, err, sizeof err), 0);
    ck_assert_int_eq(dsg_grant_store_object(db, area + 5, f.row[0].id, &obj, err, sizeof err), 0);
    /* DSG_ACCESS_MAX_DEPTH folders deep, and one more */
    int64_t id = f.row[0].id;
    for (uint32_t d = 1; d < DSG_ACCESS_MAX_DEPTH; d++)
        id = add_folder(area, id, "d");
    ck_assert_int_eq(dsg_grant_store_object(db, area, id, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, DSG_ACCESS_MAX_DEPTH);
    ck_assert_int_eq(obj.chain[0], f.row[0].id);
    ck_assert_int_eq(obj.chain[DSG_ACCESS_MAX_DEPTH - 1], id);
    id = add_folder(area, id, "d");
    err[0] = '\0';
    ck_assert_int_eq(dsg_grant_store_object(db, area, id, &obj, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "deeper than 32"));
}
END_TEST

typedef struct decision {
    dsg_grant grants[16];
    int n;
    int64_t account, group;
} decision;

/* Loads the area's grants and the numbers of sato and テスト重工. */
static decision load_for(int64_t area, const char *account, const char *org)
{
    decision d;
    memset(&d, 0, sizeof d);
    d.n = load(area, d.grants, 16);
    d.account = subject_id(DSG_ACCESS_ACCOUNT, account);
    d.group = subject_id(DSG_ACCESS_ORG_GROUP, org);
    return d;
}

/* The verdict on op on folder of area at now (seconds). */
static dsg_access_verdict verdict(const decision *d, int64_t account, uint32_t op, int64_t area,
                                  int64_t folder, int64_t now)
{
    dsg_access_req req;
    char err[200];
    size_t which;
    memset(&req, 0, sizeof req);
    req.ask.account = account;
    req.ask.group = d->group;
    req.ask.op = op;
    req.ask.now = now;
    ck_assert_int_eq(dsg_grant_store_object(db, area, folder, &req.object, err, sizeof err), 1);
    return dsg_access_decide(d->grants, (size_t)d->n, &req, &which);
}

/* The decision over what the store loads: an approved grant on a folder
 * allows its operations there and in a sub-folder created later, and
 * nothing else; an approved revoke or the end of the period takes it
 * away. @relation(REQ-SHARE-007, REQ-SHARE-009, REQ-ACCT-010) */
START_TEST(test_grant_decision_over_the_store)
{
    const int64_t t = (NOW + 60) * 1000;   /* ms */
    int64_t area = make_area("C-1", END), other = make_area("C-2", END);
    folders f = area_folders(area), o = area_folders(other);
    const uint32_t ops = DSG_ACCESS_BIT(DSG_ACCESS_READ) | DSG_ACCESS_BIT(DSG_ACCESS_CREATE_FOLDER);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id, ops);
    int64_t grant = grant_ok(&a);
    a = grant_app(DSG_ACCESS_ACCOUNT, "tanaka", other, o.row[0].id, DSG_ACCESS_ALL_OPS);
    grant_ok(&a);
    int64_t sub = add_folder(area, f.row[2].id, "設計");   /* created after the grant */
    decision d = load_for(area, "sato", "テスト重工");
    int64_t sato = d.account, tanaka = subject_id(DSG_ACCESS_ACCOUNT, "tanaka");
    ck_assert_int_eq(d.n, 1);
    ck_assert_int_eq(d.group, 0);   /* no grant for the organisation: no number */
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, f.row[2].id, t), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, t), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_CREATE_FOLDER, area, sub, t),
                     DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_UPLOAD, area, f.row[2].id, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_DELETE, area, sub, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, f.row[0].id, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, f.row[1].id, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, tanaka, DSG_ACCESS_READ, area, f.row[2].id, t), DSG_ACCESS_DENY);
    /* another area: its own grants say nothing for sato */
    decision e = load_for(other, "sato", "テスト重工");
    ck_assert_int_eq(verdict(&e, sato, DSG_ACCESS_READ, other, o.row[2].id, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&e, tanaka, DSG_ACCESS_READ, other, o.row[2].id, t), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, tanaka, DSG_ACCESS_READ, area, f.row[0].id, t), DSG_ACCESS_DENY);
    /* the period in ms: from inclusive, until exclusive */
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, NOW * 1000), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, NOW * 1000 - 1),
                     DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, (NOW + 30 * DAY) * 1000 - 1),
                     DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, (NOW + 30 * DAY) * 1000),
                     DSG_ACCESS_DENY);
    /* an organisation's grant reaches its accounts through the group */
    a = grant_app(DSG_ACCESS_ORG_GROUP, "テスト重工", area, f.row[1].id,
                  DSG_ACCESS_BIT(DSG_ACCESS_LIST));
    grant_ok(&a);
    d = load_for(area, "sato", "テスト重工");
    ck_assert_int_gt(d.group, 0);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_LIST, area, f.row[1].id, t), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_LIST, area, f.row[2].id, t), DSG_ACCESS_DENY);
    /* after an approved revoke: denied */
    revoke_ok(grant, NOW + 100);
    d = load_for(area, "sato", "テスト重工");
    ck_assert_int_eq(d.n, 1);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, f.row[2].id, t), DSG_ACCESS_DENY);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, t), DSG_ACCESS_DENY);
    /* an expired grant: denied once its period is over */
    a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id, DSG_ACCESS_BIT(DSG_ACCESS_READ));
    a.until = NOW + DAY;
    grant_ok(&a);
    d = load_for(area, "sato", "テスト重工");
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, t), DSG_ACCESS_ALLOW);
    ck_assert_int_eq(verdict(&d, sato, DSG_ACCESS_READ, area, sub, (NOW + 2 * DAY) * 1000),
                     DSG_ACCESS_DENY);
}
END_TEST

/* The rights tables come with version 2 and survive a reopen.
 * @relation(REQ-ACCT-009, REQ-RUN-020) */
START_TEST(test_rights_reopen_keeps_grants)
{
    char err[256], path[128];
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_rights_app a = grant_app(DSG_ACCESS_ACCOUNT, "sato", area, f.row[2].id,
                                 DSG_ACCESS_BIT(DSG_ACCESS_READ));
    int64_t grant = grant_ok(&a);
    int64_t pending = apply_ok(&a, "uid:0", NOW + 1);
    dsg_db_close(db);
    db = NULL;
    snprintf(path, sizeof path, "%s/share.db", dir);
    ck_assert_msg(dsg_area_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 6);
    grant_rows g = grants_of_subject(DSG_ACCESS_ACCOUNT, "sato", 0);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.row[0].id, grant);
    ck_assert_int_eq(app_row(pending).state, DSG_AREA_APP_PENDING);
    ck_assert_int_gt(approve_ok(pending, "uid:1000", NOW + 2), grant);
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

Suite *suite_grant_store(void)
{
    Suite *s = suite_create("grant_store");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_grant_op_words);
    tcase_add_test(c, test_grant_ops_words);
    tcase_add_test(c, test_rights_check_refusals);
    tcase_add_test(c, test_rights_json_round_trip);
    tcase_add_test(c, test_rights_json_refusals);
    tcase_add_test(c, test_rights_grant_made_on_approval);
    tcase_add_test(c, test_rights_self_approval_refused);
    tcase_add_test(c, test_rights_decided_once);
    tcase_add_test(c, test_rights_apply_store_refusals);
    tcase_add_test(c, test_rights_approval_rechecks);
    tcase_add_test(c, test_rights_revoke);
    tcase_add_test(c, test_rights_database_refuses_deletes_and_changes);
    tcase_add_test(c, test_rights_failed_approval_stores_nothing);
    tcase_add_test(c, test_rights_listings);
    tcase_add_test(c, test_grants_in_force);
    tcase_add_test(c, test_rights_new_account_holds_no_grant);
    tcase_add_test(c, test_grant_load);
    tcase_add_test(c, test_grant_object_chain);
    tcase_add_test(c, test_grant_decision_over_the_store);
    tcase_add_test(c, test_rights_reopen_keeps_grants);
    suite_add_tcase(s, c);
    return s;
}
