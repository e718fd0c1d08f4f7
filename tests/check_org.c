/*
 * Unit tests of the organisations and their networks (REQ-ACCT-016): the
 * checks of what an administrator enters and the control line's JSON
 * (src/auth/org_policy.h), the decision over every combination of its
 * facts, and the records in auth.db (src/auth/org_store.h: schema 9, the
 * triggers, the access over a stored organisation). Refusals first; after
 * a refusal the stored rows are checked unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/org_store.h"
#include "db/db.h"
#include "tests/db_fixture.h"

Suite *suite_org(void);

#define NOW 1800000000LL

static char dir[DB_FIXTURE_DIR_MAX];
static sqlite3 *db;

static void setup(void)
{
    db = db_fixture_open(dir, "/tmp/dsg-org-XXXXXX", "auth.db", dsg_acct_store_open, NULL);
}

static void teardown(void)
{
    db_fixture_close(&db, dir);
}

/* The decision over all 2 x 2 x 3 x 2 x 2 combinations of its facts:
 * allowed exactly when registered with the matching kind and inside its
 * networks, or a Ministry account inside auth.ministry_networks; a
 * malformed list (-1) never allows. @relation(REQ-ACCT-016, REQ-ACCT-024) */
START_TEST(test_org_decision_table)
{
    for (int reg = 0; reg < 2; reg++)
        for (int kind = 0; kind < 2; kind++)
            for (int in = -1; in <= 1; in++)
                for (int min = 0; min < 2; min++)
                    for (int inm = 0; inm < 2; inm++) {
                        dsg_org_facts f = { reg, kind, in, min, inm };
                        dsg_org_access a = dsg_org_access_decide(&f);
                        int org_ok = reg && kind && in == 1, min_ok = min && inm;
                        ck_assert_int_eq(dsg_org_access_allowed(a), org_ok || min_ok);
                        if (org_ok)
                            ck_assert_int_eq(a, DSG_ORG_ALLOWED);
                        else if (min_ok)
                            ck_assert_int_eq(a, DSG_ORG_ALLOWED_MINISTRY);
                        else if (!reg)
                            ck_assert_int_eq(a, DSG_ORG_UNREGISTERED);
                        else if (!kind)
                            ck_assert_int_eq(a, DSG_ORG_KIND_MISMATCH);
                        else
                            ck_assert_int_eq(a, DSG_ORG_OUTSIDE);
                        ck_assert_ptr_nonnull(dsg_org_access_text(a));
                    }
}
END_TEST

/* Names, kinds and network lists as dsgctl and the auth role check them.
 * @relation(REQ-ACCT-016, REQ-ACCT-020) */
START_TEST(test_org_input_checks)
{
    dsg_acct_problem p;
    dsg_ip_net nets[DSG_NETLIST_MAX];
    size_t count = 9;
    char long_name[DSG_ACCT_TEXT_MAX + 2], long_list[DSG_ORG_NETWORKS_MAX + 2];
    ck_assert_int_eq(dsg_org_name_check("", &p), -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_int_eq(dsg_org_name_check("a\tb", &p), -1);
    ck_assert_str_eq(p.message, "org: holds a control character");
    ck_assert_int_eq(dsg_org_name_check("\xff", &p), -1);
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ck_assert_int_eq(dsg_org_name_check(long_name, &p), -1);
    ck_assert_int_eq(dsg_org_name_check("テスト重工 株式会社", &p), 0);
    ck_assert_int_eq(dsg_org_class_parse("company"), DSG_ORG_CLASS_COMPANY);
    ck_assert_int_eq(dsg_org_class_parse("ministry"), DSG_ORG_CLASS_MINISTRY);
    ck_assert_int_eq(dsg_org_class_parse("prime"), -1);
    ck_assert_ptr_null(dsg_org_class_name(DSG_ORG_CLASS_COUNT));
    ck_assert_int_eq(dsg_org_class_of(DSG_ORG_PRIME), DSG_ORG_CLASS_COMPANY);
    ck_assert_int_eq(dsg_org_class_of(DSG_ORG_VENDOR), DSG_ORG_CLASS_COMPANY);
    ck_assert_int_eq(dsg_org_class_of(DSG_ORG_MINISTRY), DSG_ORG_CLASS_MINISTRY);
    ck_assert_int_eq(dsg_org_networks_check("", nets, DSG_NETLIST_MAX, &count, &p), -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_int_eq(dsg_org_networks_check("10.0.0.0/8,10.0.0.1/8", nets, DSG_NETLIST_MAX,
                                            &count, &p), -1);
    ck_assert_str_eq(p.message, "networks: not a network list: host-bits-set at byte 11");
    ck_assert_uint_eq(count, 0);
    ck_assert_int_eq(dsg_org_networks_check("10.0.0.0/8,", nets, DSG_NETLIST_MAX, &count, &p),
                     -1);
    memset(long_list, ' ', sizeof long_list - 1);
    memcpy(long_list, "10.0.0.0/8", 10);
    long_list[sizeof long_list - 1] = '\0';
    ck_assert_int_eq(dsg_org_networks_check(long_list, nets, DSG_NETLIST_MAX, &count, &p), -1);
    ck_assert_str_eq(p.code, "bad_field");
    ck_assert_int_eq(dsg_org_networks_check("192.0.2.0/24, 2001:db8::/32", nets,
                                            DSG_NETLIST_MAX, &count, &p), 0);
    ck_assert_uint_eq(count, 2);
}
END_TEST

/* The control line's JSON: what is written reads back; anything else is
 * refused. @relation(REQ-ACCT-016) */
START_TEST(test_org_request_json)
{
    dsg_org_req q, back;
    dsg_acct_problem p;
    uint8_t json[DSG_ORG_JSON_MAX];
    size_t n;
    memset(&q, 0, sizeof q);
    snprintf(q.org, sizeof q.org, "テスト \"重工\"");
    q.kind = DSG_ORG_CLASS_COMPANY;
    snprintf(q.networks, sizeof q.networks, "127.0.0.0/8");
    ck_assert_int_eq(dsg_org_req_to_json(&q, json, sizeof json, &n), 0);
    ck_assert_int_eq(dsg_org_req_from_json(json, n, &back, &p), 0);
    ck_assert_str_eq(back.org, q.org);
    ck_assert_int_eq(back.kind, DSG_ORG_CLASS_COMPANY);
    ck_assert_str_eq(back.networks, "127.0.0.0/8");
    q.kind = -1;
    q.networks[0] = '\0';
    ck_assert_int_eq(dsg_org_req_to_json(&q, json, sizeof json, &n), 0);
    ck_assert_int_eq(dsg_org_req_from_json(json, n, &back, &p), 0);
    ck_assert_int_eq(back.kind, -1);
    ck_assert_str_eq(back.networks, "");
    static const char *const bad[] = {
        "", "[]", "{\"org\":1}", "{\"kind\":\"prime\"}", "{\"org\":\"a\",\"org\":\"b\"}",
        "{\"user\":\"a\"}", "{\"org\":\"a\\u0000b\"}", "{\"org\":\"a\"} x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsg_org_req_from_json((const uint8_t *)bad[i], strlen(bad[i]), &back, &p) ==
                          -1, "accepted %s", bad[i]);
        ck_assert_str_eq(p.code, "bad_request");
    }
}
END_TEST

static int count(const char *sql)
{
    return (int)db_fixture_count(db, sql);
}

static int collect(const dsg_org_row *r, void *ctx)
{
    char *names = ctx;
    strcat(names, r->org);
    strcat(names, ";");
    return 0;
}

/* Registration, the change of networks with the row before it, the
 * refusals (nothing stored), and the listing; who and when are kept.
 * @relation(REQ-ACCT-016) */
START_TEST(test_org_store_add_change_list)
{
    dsg_acct_problem p;
    dsg_org_row r, before;
    char err[200], names[256] = "";
    ck_assert_int_eq(dsg_org_store_add(db, "", DSG_ORG_CLASS_COMPANY, "10.0.0.0/8", "k1", NOW,
                                       &p), -1);
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", 7, "10.0.0.0/8", "k1", NOW, &p), -1);
    ck_assert_str_eq(p.field, "kind");
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY, "10.0.0.1/8",
                                       "k1", NOW, &p), -1);
    ck_assert_str_eq(p.field, "networks");
    ck_assert_int_eq(count("SELECT count(*) FROM organisations"), 0);
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY,
                                       "192.0.2.0/24", "k1", NOW, &p), 0);
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_MINISTRY, "10.0.0.0/8",
                                       "k2", NOW + 1, &p), -1);
    ck_assert_str_eq(p.code, "org_exists");
    ck_assert_int_eq(dsg_org_store_add(db, "防衛装備庁", DSG_ORG_CLASS_MINISTRY,
                                       "10.20.0.0/16, 2001:db8:10::/48", "k2", NOW + 2, &p), 0);
    ck_assert_int_eq(dsg_org_store_set_networks(db, "未登録", "10.0.0.0/8", "k1", NOW + 3,
                                                &before, &p), -1);
    ck_assert_str_eq(p.code, "unknown_org");
    ck_assert_int_eq(dsg_org_store_set_networks(db, "テスト重工", "::ffff:10.0.0.0/104", "k1",
                                                NOW + 3, &before, &p), -1);
    ck_assert_str_eq(p.field, "networks");
    ck_assert_int_eq(dsg_org_store_set_networks(db, "テスト重工", "198.51.100.0/24", "k2",
                                                NOW + 4, &before, &p), 0);
    ck_assert_str_eq(before.networks, "192.0.2.0/24");
    ck_assert_int_eq(dsg_org_store_get(db, "テスト重工", &r, err, sizeof err), 1);
    ck_assert_str_eq(r.networks, "198.51.100.0/24");
    ck_assert_int_eq(r.kind, DSG_ORG_CLASS_COMPANY);
    ck_assert_str_eq(r.registered_by, "k1");
    ck_assert_int_eq(r.registered_at, NOW);
    ck_assert_str_eq(r.changed_by, "k2");
    ck_assert_int_eq(r.changed_at, NOW + 4);
    ck_assert_int_eq(dsg_org_store_get(db, "テスト", &r, err, sizeof err), 0);
    ck_assert_int_eq(dsg_org_store_each(db, collect, names, err, sizeof err), 0);
    ck_assert_str_eq(names, "テスト重工;防衛装備庁;");
}
END_TEST

/* Below the code: a row is never deleted, its name, kind and
 * registration never change, and the kind and lengths are checked.
 * @relation(REQ-ACCT-016) */
START_TEST(test_org_store_triggers)
{
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY, "192.0.2.0/24",
                                       "k1", NOW, &p), 0);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM organisations", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE organisations SET kind = 'ministry'", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE organisations SET org = 'x'", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE organisations SET registered_by = 'x'", NULL,
                                  NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO organisations VALUES ('x', 'prime',"
                                      " '10.0.0.0/8', 'a', 1, 'a', 1)", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE organisations SET networks = ''", NULL, NULL,
                                  NULL), SQLITE_OK);
    ck_assert_int_eq(count("SELECT count(*) FROM organisations WHERE org = 'テスト重工' AND"
                           " kind = 'company' AND networks = '192.0.2.0/24'"), 1);
    ck_assert_int_eq(dsg_db_version(db), 10);
}
END_TEST

/* The access of an account over its stored organisation: the address in
 * its networks, an unregistered organisation, the wrong kind, a Ministry
 * account on auth.ministry_networks, no address, and a stored list that
 * no longer parses (written around the code: refused).
 * @relation(REQ-ACCT-016) */
START_TEST(test_org_store_access)
{
    dsg_acct_problem p;
    dsg_acct_row row;
    dsg_org_access a;
    char err[200];
    memset(&row, 0, sizeof row);
    snprintf(row.org, sizeof row.org, "テスト重工");
    row.org_kind = DSG_ORG_PRIME;
    row.type = DSG_ACCT_COMPANY;
    ck_assert_int_eq(dsg_org_store_access(db, &row, "192.0.2.7", 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_UNREGISTERED);
    ck_assert_int_eq(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY,
                                       "192.0.2.0/24, 2001:db8::/32", "k1", NOW, &p), 0);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "192.0.2.7", 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_ALLOWED);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "::ffff:192.0.2.7", 0, &a, err, sizeof err),
                     0);
    ck_assert_int_eq(a, DSG_ORG_ALLOWED);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "2001:db8::1", 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_ALLOWED);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "192.0.3.7", 1, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_OUTSIDE);   /* a company account: no Ministry network */
    ck_assert_int_eq(dsg_org_store_access(db, &row, NULL, 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_OUTSIDE);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "not an address", 0, &a, err, sizeof err),
                     0);
    ck_assert_int_eq(a, DSG_ORG_OUTSIDE);
    row.org_kind = DSG_ORG_MINISTRY;
    row.type = DSG_ACCT_MINISTRY;
    ck_assert_int_eq(dsg_org_store_access(db, &row, "192.0.2.7", 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_KIND_MISMATCH);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "192.0.2.7", 1, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_ALLOWED_MINISTRY);
    row.org_kind = DSG_ORG_PRIME;
    row.type = DSG_ACCT_COMPANY;
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE organisations SET networks = '10.0.0.1/8'", NULL,
                                  NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_org_store_access(db, &row, "10.0.0.1", 0, &a, err, sizeof err), 0);
    ck_assert_int_eq(a, DSG_ORG_OUTSIDE);
}
END_TEST

Suite *suite_org(void)
{
    Suite *s = suite_create("org");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_org_decision_table);
    tcase_add_test(c, test_org_input_checks);
    tcase_add_test(c, test_org_request_json);
    tcase_add_test(c, test_org_store_add_change_list);
    tcase_add_test(c, test_org_store_triggers);
    tcase_add_test(c, test_org_store_access);
    suite_add_tcase(s, c);
    return s;
}
