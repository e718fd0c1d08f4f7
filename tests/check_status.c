/*
 * Unit tests of `dsgctl status`'s renderings (src/run/status.h): REQ-RUN-023.
 * The JSON is checked with jansson, the table line by line; then what is
 * read from /proc for a live process.
 */
#include <check.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "run/status.h"

Suite *suite_status(void);

static dsgd_status sample(void)
{
    dsgd_status s;
    memset(&s, 0, sizeof s);
    s.version = "0.1.0";
    s.pid = 100;
    s.uptime_ms = 3 * 86400000ull + 4 * 3600000ull + 59000;
    s.config_generation = 2;
    s.nroles = 3;
    s.roles[0] = (dsgd_role_status){ "portal", "running", 101, 999, 61000, 2, 1, 2, "/", 0 };
    s.roles[1] = (dsgd_role_status){ "logd", "running", 102, 999, 3600000, 0, 1, 2,
                                     "/var/lib/dsg/logd", 7 };
    s.roles[2] = (dsgd_role_status){ "ctl", "restarting", 0, -1, 0, 5, -1, -1, "", 0 };
    s.storage_used_percent = 42;
    s.storage_capacity_bytes = 10ull << 30;
    s.storage_warn_percent = 75;
    return s;
}

/* @relation(REQ-RUN-023) */
START_TEST(test_status_output_too_small_is_refused)
{
    dsgd_status s = sample();
    uint8_t buf[64];
    ck_assert_uint_eq(dsgd_status_json(&s, buf, sizeof buf), 0);
    ck_assert_uint_eq(dsgd_status_text(&s, (char *)buf, sizeof buf), 0);
}
END_TEST

/* @relation(REQ-RUN-023) */
START_TEST(test_status_json_has_every_field)
{
    dsgd_status s = sample();
    static uint8_t buf[8192];
    size_t n = dsgd_status_json(&s, buf, sizeof buf);
    json_error_t e;
    ck_assert_uint_gt(n, 0);
    json_t *doc = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &e);
    ck_assert_msg(doc != NULL, "%s", e.text);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "version")), "0.1.0");
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "pid")), 100);
    ck_assert_int_eq(json_integer_value(json_object_get(doc, "config_generation")), 2);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "sandbox")), "on");
    json_t *roles = json_object_get(doc, "roles");
    ck_assert_uint_eq(json_array_size(roles), 3);
    json_t *logd = json_array_get(roles, 1);
    ck_assert_str_eq(json_string_value(json_object_get(logd, "root")), "/var/lib/dsg/logd");
    ck_assert_int_eq(json_integer_value(json_object_get(logd, "landlock_abi")), 7);
    ck_assert_int_eq(json_integer_value(json_object_get(logd, "uptime_ms")), 3600000);
    json_t *ctl = json_array_get(roles, 2);
    ck_assert_str_eq(json_string_value(json_object_get(ctl, "state")), "restarting");
    ck_assert_int_eq(json_integer_value(json_object_get(ctl, "uid")), -1);
    ck_assert_int_eq(json_integer_value(json_object_get(ctl, "restarts")), 5);
    ck_assert_uint_eq(json_object_size(ctl), 10);
    json_t *storage = json_object_get(doc, "audit_storage");
    ck_assert_int_eq(json_integer_value(json_object_get(storage, "used_percent")), 42);
    ck_assert_int_eq(json_integer_value(json_object_get(storage, "capacity_bytes")), 10ll << 30);
    ck_assert_int_eq(json_integer_value(json_object_get(storage, "warn_percent")), 75);
    json_decref(doc);
}
END_TEST

/* @relation(REQ-RUN-023, REQ-LOG-009) */
START_TEST(test_status_table_rows)
{
    dsgd_status s = sample();
    static char buf[8192];
    s.sanitized = 1;
    ck_assert_uint_gt(dsgd_status_text(&s, buf, sizeof buf), 0);
    ck_assert_ptr_nonnull(strstr(buf, "dsgd 0.1.0, pid 100, up 3d04h, configuration generation 2, "
                                      "sandbox OFF (sanitizer build)\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\nportal   running        101    999    1m01s        2 "
                                      "yes  filter   -        /\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\nlogd     running        102    999    1h00m        0 "
                                      "yes  filter   ABI 7    /var/lib/dsg/logd\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\nctl      restarting       -      -        -        5 "
                                      "?    none     -        ?\n"));
    ck_assert_ptr_nonnull(strstr(buf, "\naudit storage: 42% used of 10240 MiB, warning at 75%\n"));
    s.storage_used_percent = -1;
    ck_assert_uint_gt(dsgd_status_text(&s, buf, sizeof buf), 0);
    ck_assert_ptr_nonnull(strstr(buf, "\naudit storage: unknown, warning at 75%\n"));
}
END_TEST

/* @relation(REQ-RUN-023) */
START_TEST(test_status_reads_proc_of_a_live_process)
{
    dsgd_role_status r;
    memset(&r, 0, sizeof r);
    dsgd_status_read_proc((int)getpid(), &r);
    ck_assert(r.no_new_privs == 0 || r.no_new_privs == 1);
    ck_assert(r.seccomp >= 0 && r.seccomp <= 2);
    ck_assert_str_eq(r.root, "/");
    dsgd_status_read_proc(0, &r);   /* not running: unknown */
    ck_assert_int_eq(r.no_new_privs, -1);
    ck_assert_int_eq(r.seccomp, -1);
    ck_assert_str_eq(r.root, "");
}
END_TEST

Suite *suite_status(void)
{
    Suite *s = suite_create("status");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, test_status_output_too_small_is_refused);
    tcase_add_test(tc, test_status_json_has_every_field);
    tcase_add_test(tc, test_status_table_rows);
    tcase_add_test(tc, test_status_reads_proc_of_a_live_process);
    suite_add_tcase(s, tc);
    return s;
}
