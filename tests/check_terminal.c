/*
 * Unit tests of the registered terminals (REQ-MFA-002, REQ-MFA-016): the
 * checks of what an administrator enters and the control line's JSON, and
 * the records in auth.db (src/auth/terminal_store.h: schema 10, the
 * registration's refusals, revocation, the lookup of a live terminal by its
 * certificate's SHA-256, the triggers). Refusals first; after a refusal the
 * stored rows are checked unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/org_store.h"
#include "auth/terminal_store.h"
#include "db/db.h"
#include "tests/db_fixture.h"

Suite *suite_terminal(void);

#define NOW 1800000000LL

static char dir[DB_FIXTURE_DIR_MAX];
static sqlite3 *db;
static const uint8_t FP1[DSG_TERM_FP_LEN] = { 0x12, 0x34, [31] = 0xab };
static const uint8_t FP2[DSG_TERM_FP_LEN] = { 0x56, 0x78, [31] = 0xcd };

static void setup(void)
{
    dsg_acct_problem p;
    db = db_fixture_open(dir, "/tmp/dsg-terminal-XXXXXX", "auth.db", dsg_acct_store_open, NULL);
    ck_assert_int_eq(dsg_org_store_add(db, "防衛装備庁", DSG_ORG_CLASS_MINISTRY, "10.0.0.0/8",
                                       "k1", NOW - 10, &p), 0);
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY, "192.0.2.0/24",
                                       "k1", NOW - 10, &p), 0);
}

static void teardown(void)
{
    db_fixture_close(&db, dir);
}

static int count(const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Names: a host name's alphabet, 1 to 63 bytes, starting with a letter or
 * digit. @relation(REQ-MFA-016) */
START_TEST(test_terminal_name_check)
{
    dsg_acct_problem p;
    static const char *const bad[] = { "", "-pc", ".pc", "_pc", "pc 1", "pc/1", "端末",
                                       "pc\n1", "a;b" };
    char long_name[80];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsg_term_name_check(bad[i], &p) == -1, "accepted '%s'", bad[i]);
        ck_assert_str_eq(p.field, "name");
    }
    memset(long_name, 'a', sizeof long_name);
    long_name[64] = '\0';
    ck_assert_int_eq(dsg_term_name_check(long_name, &p), -1);
    ck_assert_str_eq(p.code, "bad_field");
    long_name[63] = '\0';
    ck_assert_int_eq(dsg_term_name_check(long_name, &p), 0);
    ck_assert_int_eq(dsg_term_name_check("MOD-PC_01.hq", &p), 0);
    ck_assert_int_eq(dsg_term_name_check("1pc", &p), 0);
}
END_TEST

/* Fingerprints: 64 hex digits, either case, or openssl's colon pairs; the
 * text form is lowercase hex. @relation(REQ-MFA-002) */
START_TEST(test_terminal_fingerprint_text)
{
    dsg_acct_problem p;
    uint8_t fp[DSG_TERM_FP_LEN], back[DSG_TERM_FP_LEN];
    char hex[DSG_TERM_FP_HEX + 1], colons[3 * DSG_TERM_FP_LEN];
    dsg_term_fp_text(FP1, hex);
    ck_assert_str_eq(hex, "12340000000000000000000000000000000000000000000000000000000000ab");
    ck_assert_int_eq(dsg_term_fp_parse(hex, fp, &p), 0);
    ck_assert_int_eq(memcmp(fp, FP1, sizeof fp), 0);
    for (size_t i = 0; i < DSG_TERM_FP_LEN; i++)
        snprintf(colons + 3 * i, 4, "%02X%s", FP2[i], i + 1 < DSG_TERM_FP_LEN ? ":" : "");
    ck_assert_int_eq(dsg_term_fp_parse(colons, back, &p), 0);
    ck_assert_int_eq(memcmp(back, FP2, sizeof back), 0);
    hex[10] = 'g';                                     /* not hex */
    ck_assert_int_eq(dsg_term_fp_parse(hex, fp, &p), -1);
    ck_assert_str_eq(p.field, "fingerprint");
    hex[10] = '0';
    hex[63] = '\0';                                    /* too short */
    ck_assert_int_eq(dsg_term_fp_parse(hex, fp, &p), -1);
    colons[2] = '-';                                   /* not a colon */
    ck_assert_int_eq(dsg_term_fp_parse(colons, fp, &p), -1);
    ck_assert_int_eq(dsg_term_fp_parse("", fp, &p), -1);
}
END_TEST

/* The control line's JSON: a round trip, and anything but the four string
 * members refused. @relation(REQ-MFA-016) */
START_TEST(test_terminal_request_json)
{
    dsg_term_req q, r;
    dsg_acct_problem p;
    uint8_t json[DSG_TERM_JSON_MAX];
    size_t n;
    memset(&q, 0, sizeof q);
    strcpy(q.name, "mod-pc-01");
    strcpy(q.org, "防衛装備庁");
    q.kind = DSG_ORG_CLASS_MINISTRY;
    dsg_term_fp_text(FP1, q.fp);
    ck_assert_int_eq(dsg_term_req_to_json(&q, json, sizeof json, &n), 0);
    ck_assert_int_eq(dsg_term_req_from_json(json, n, &r, &p), 0);
    ck_assert_str_eq(r.name, q.name);
    ck_assert_str_eq(r.org, q.org);
    ck_assert_int_eq(r.kind, q.kind);
    ck_assert_str_eq(r.fp, q.fp);
    static const char *const bad[] = {
        "", "[]", "{\"name\":1}", "{\"name\":\"a\",\"name\":\"b\"}", "{\"kind\":\"army\"}",
        "{\"other\":\"x\"}", "{\"name\":\"a\\u0000b\"}", "{\"name\":\"a\"", "{\"name\":true}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsg_term_req_from_json((const uint8_t *)bad[i], strlen(bad[i]), &r, &p) ==
                          -1, "accepted %s", bad[i]);
        ck_assert_str_eq(p.code, "bad_request");
    }
    ck_assert_int_eq(dsg_term_req_from_json((const uint8_t *)"{\"name\":\"a\"}", 12, &r, &p), 0);
    ck_assert_int_eq(r.kind, -1);
    ck_assert_str_eq(r.org, "");
    ck_assert_int_eq(dsg_term_req_to_json(&q, json, 16, &n), -1);   /* does not fit */
}
END_TEST

/* Registration's refusals, each leaving no row: the name, the kind, an
 * unregistered organisation, a kind not the organisation's, a name taken
 * (even once revoked), a certificate a live terminal holds.
 * @relation(REQ-MFA-016, REQ-MFA-002) */
START_TEST(test_terminal_register_refusals)
{
    dsg_acct_problem p;
    dsg_term_row before;
    ck_assert_int_eq(dsg_term_store_register(db, "-x", "防衛装備庁", 1, FP1, "k1", NOW, &p), -1);
    ck_assert_str_eq(p.field, "name");
    ck_assert_int_eq(dsg_term_store_register(db, "x", "防衛装備庁", 7, FP1, "k1", NOW, &p), -1);
    ck_assert_str_eq(p.code, "bad_field");
    ck_assert_int_eq(dsg_term_store_register(db, "x", "", 1, FP1, "k1", NOW, &p), -1);
    ck_assert_int_eq(dsg_term_store_register(db, "x", "未登録", 1, FP1, "k1", NOW, &p), -1);
    ck_assert_str_eq(p.code, "unknown_org");
    ck_assert_int_eq(dsg_term_store_register(db, "x", "テスト重工", 1, FP1, "k1", NOW, &p), -1);
    ck_assert_str_eq(p.code, "kind_mismatch");
    ck_assert_int_eq(count("SELECT count(*) FROM terminals"), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-01", "防衛装備庁", 1, FP1, "k1", NOW,
                                             &p), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-01", "防衛装備庁", 1, FP2, "k1", NOW,
                                             &p), -1);
    ck_assert_str_eq(p.code, "terminal_exists");
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-02", "防衛装備庁", 1, FP1, "k1", NOW,
                                             &p), -1);
    ck_assert_str_eq(p.code, "certificate_registered");
    ck_assert_int_eq(dsg_term_store_revoke(db, "mod-pc-01", "k2", NOW + 5, &before, &p), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-01", "防衛装備庁", 1, FP2, "k1", NOW,
                                             &p), -1);
    ck_assert_str_eq(p.code, "terminal_exists");   /* names are not reused */
    ck_assert_int_eq(count("SELECT count(*) FROM terminals"), 1);
}
END_TEST

/* A live terminal is found by its fingerprint with its name, organisation
 * and kind; once revoked, never again, and its certificate may be
 * registered anew under another name. @relation(REQ-MFA-002, REQ-MFA-016) */
START_TEST(test_terminal_lookup_and_revoke)
{
    dsg_acct_problem p;
    dsg_term_row t, before;
    char err[200];
    ck_assert_int_eq(dsg_term_store_by_fp(db, FP1, &t, err, sizeof err), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-01", "防衛装備庁", 1, FP1, "k1", NOW,
                                             &p), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "tj-pc-7", "テスト重工", 0, FP2, "k1", NOW, &p),
                     0);
    ck_assert_int_eq(dsg_term_store_by_fp(db, FP1, &t, err, sizeof err), 1);
    ck_assert_str_eq(t.name, "mod-pc-01");
    ck_assert_str_eq(t.org, "防衛装備庁");
    ck_assert_int_eq(t.kind, DSG_ORG_CLASS_MINISTRY);
    ck_assert_str_eq(t.registered_by, "k1");
    ck_assert_int_eq(t.registered_at, NOW);
    ck_assert_int_eq(t.revoked_at, 0);
    ck_assert_int_eq(dsg_term_store_by_fp(db, FP2, &t, err, sizeof err), 1);
    ck_assert_int_eq(t.kind, DSG_ORG_CLASS_COMPANY);
    ck_assert_int_eq(dsg_term_store_revoke(db, "nobody", "k2", NOW, &before, &p), -1);
    ck_assert_str_eq(p.code, "unknown_terminal");
    ck_assert_int_eq(dsg_term_store_revoke(db, "mod-pc-01", "k2", NOW + 5, &before, &p), 0);
    ck_assert_int_eq(before.revoked_at, 0);
    ck_assert_int_eq(dsg_term_store_revoke(db, "mod-pc-01", "k2", NOW + 6, &before, &p), -1);
    ck_assert_str_eq(p.code, "terminal_revoked");
    ck_assert_int_eq(dsg_term_store_by_fp(db, FP1, &t, err, sizeof err), 0);
    ck_assert_int_eq(dsg_term_store_get(db, "mod-pc-01", &t, err, sizeof err), 1);
    ck_assert_str_eq(t.revoked_by, "k2");
    ck_assert_int_eq(t.revoked_at, NOW + 5);
    ck_assert_int_eq(dsg_term_store_register(db, "mod-pc-03", "防衛装備庁", 1, FP1, "k1",
                                             NOW + 7, &p), 0);
    ck_assert_int_eq(dsg_term_store_by_fp(db, FP1, &t, err, sizeof err), 1);
    ck_assert_str_eq(t.name, "mod-pc-03");
}
END_TEST

static int collect(const dsg_term_row *r, void *ctx)
{
    strcat(ctx, r->name);
    strcat(ctx, r->revoked_at != 0 ? "(revoked);" : ";");
    return 0;
}

/* Below the code: a row is never deleted, changes only by its revocation,
 * once; one live terminal per fingerprint; the listing is by name.
 * @relation(REQ-MFA-016) */
START_TEST(test_terminal_store_triggers)
{
    dsg_acct_problem p;
    dsg_term_row before;
    char names[200] = "", err[200];
    ck_assert_int_eq(dsg_db_version(db), 10);
    ck_assert_int_eq(dsg_term_store_register(db, "b-pc", "防衛装備庁", 1, FP1, "k1", NOW, &p), 0);
    ck_assert_int_eq(dsg_term_store_register(db, "a-pc", "防衛装備庁", 1, FP2, "k1", NOW, &p), 0);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM terminals", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE terminals SET name = 'x'", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE terminals SET fingerprint = randomblob(32)", NULL,
                                  NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE terminals SET kind = 'company'", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO terminals (name, org, kind, fingerprint,"
                                      " registered_by, registered_at) SELECT 'c-pc', org, kind,"
                                      " fingerprint, 'k', 1 FROM terminals WHERE name = 'a-pc'",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO terminals (name, org, kind, fingerprint,"
                                      " registered_by, registered_at) VALUES ('d', 'o', 'army',"
                                      " randomblob(32), 'k', 1)", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE terminals SET revoked_by = 'k'", NULL, NULL, NULL),
                     SQLITE_OK);   /* without a time */
    ck_assert_int_eq(dsg_term_store_revoke(db, "a-pc", "k2", NOW, &before, &p), 0);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE terminals SET revoked_at = NULL, revoked_by = NULL"
                                      " WHERE name = 'a-pc'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_term_store_each(db, collect, names, err, sizeof err), 0);
    ck_assert_str_eq(names, "a-pc(revoked);b-pc;");
}
END_TEST

Suite *suite_terminal(void)
{
    Suite *s = suite_create("terminal");
    TCase *tc = tcase_create("terminal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_terminal_name_check);
    tcase_add_test(tc, test_terminal_fingerprint_text);
    tcase_add_test(tc, test_terminal_request_json);
    tcase_add_test(tc, test_terminal_register_refusals);
    tcase_add_test(tc, test_terminal_lookup_and_revoke);
    tcase_add_test(tc, test_terminal_store_triggers);
    suite_add_tcase(s, tc);
    return s;
}
