/*
 * Unit tests of `dsgctl status`'s renderings (src/run/status.h): REQ-RUN-023.
 * The JSON is checked with jansson, the table line by line; then what is
 * read from /proc for a live process. Then `dsgctl storage usage`
 * (REQ-STOR-014): the areas measured apart in a temporary state
 * directory, and their renderings.
 */
#define _GNU_SOURCE
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void put_file(const char *dir, const char *name, size_t bytes)
{
    char path[512];
    static const char zeros[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(zeros, 1, bytes, f), bytes);
    ck_assert_int_eq(fclose(f), 0);
}

static void put_dir(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* Each area counts its own files: the share databases' area leaves the
 * objects out, a missing area and backups without bkup.dest are not
 * measured and say why. @relation(REQ-STOR-014) */
START_TEST(test_usage_measures_each_area_apart)
{
    char state[] = "/tmp/dsg-usage-XXXXXX", dest[] = "/tmp/dsg-usage-dest-XXXXXX";
    static dsgd_area_usage a[DSGD_USAGE_AREAS];
    ck_assert_ptr_nonnull(mkdtemp(state));
    ck_assert_ptr_nonnull(mkdtemp(dest));
    put_dir(state, "share");
    put_dir(state, "share/objects");
    put_dir(state, "share/objects/ab");
    put_file(state, "share/objects/ab/obj.1", 8192);
    put_file(state, "share/objects/ab/obj.2", 100);
    put_file(state, "share/share.db", 4096);
    put_dir(state, "auth");
    put_file(state, "auth/auth.db", 10);
    put_dir(state, "logd");
    put_file(dest, "backup-1", 1000);
    dsgd_usage_measure(state, dest, a);
    ck_assert_str_eq(a[0].area, "protected-information");
    ck_assert_int_eq(a[0].measured, 1);
    ck_assert_int_eq(a[0].complete, 1);
    ck_assert_uint_eq(a[0].files, 2);
    ck_assert_uint_ge(a[0].used_bytes, 8192);
    ck_assert_uint_gt(a[0].fs_bytes, 0);
    ck_assert_str_eq(a[1].area, "share-databases");
    ck_assert_uint_eq(a[1].files, 1);   /* the objects are not counted twice */
    ck_assert_str_eq(a[2].area, "accounts");
    ck_assert_uint_eq(a[2].files, 1);
    ck_assert_str_eq(a[3].area, "audit-trail");
    ck_assert_int_eq(a[3].measured, 1);
    ck_assert_uint_eq(a[3].files, 0);
    ck_assert_str_eq(a[4].area, "keys");
    ck_assert_int_eq(a[4].measured, 0);
    ck_assert_str_eq(a[4].why, "not a directory yet");
    ck_assert_str_eq(a[5].area, "backups");
    ck_assert_uint_eq(a[5].files, 1);
    ck_assert_str_eq(a[5].dir, dest);
    dsgd_usage_measure(state, "", a);
    ck_assert_int_eq(a[5].measured, 0);
    ck_assert_str_eq(a[5].why, "bkup.dest is not set");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", state, dest);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* @relation(REQ-STOR-014) */
START_TEST(test_usage_renderings)
{
    static dsgd_area_usage a[3];
    static uint8_t buf[4096];
    a[0] = (dsgd_area_usage){ .area = "protected-information", .measured = 1, .complete = 1,
                              .owner = "dsg",
                              .files = 3, .used_bytes = 3u << 20, .free_bytes = 1u << 19,
                              .fs_bytes = 6u << 20, .dir = "/var/lib/dsg/share/objects" };
    a[1] = (dsgd_area_usage){ .area = "backups", .why = "bkup.dest is not set" };
    a[2] = (dsgd_area_usage){ .area = "audit-trail", .measured = 1, .owner = "dsg", .files = 7,
                              .used_bytes = 1u << 20, .dir = "/x" };   /* cut short */
    size_t n = dsgd_usage_json(a, 3, buf, sizeof buf);
    json_error_t e;
    ck_assert_uint_gt(n, 0);
    json_t *doc = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &e);
    ck_assert_msg(doc != NULL, "%s", e.text);
    json_t *areas = json_object_get(doc, "areas");
    ck_assert_uint_eq(json_array_size(areas), 3);
    ck_assert(json_is_false(json_object_get(json_array_get(areas, 2), "complete")));
    json_t *p = json_array_get(areas, 0), *b = json_array_get(areas, 1);
    ck_assert_str_eq(json_string_value(json_object_get(p, "directory")),
                     "/var/lib/dsg/share/objects");
    ck_assert(json_is_true(json_object_get(p, "measured")));
    ck_assert(json_is_true(json_object_get(p, "complete")));
    ck_assert_int_eq(json_integer_value(json_object_get(p, "used_bytes")), 3 << 20);
    ck_assert_int_eq(json_integer_value(json_object_get(p, "filesystem_bytes")), 6 << 20);
    ck_assert(json_is_false(json_object_get(b, "measured")));
    ck_assert_str_eq(json_string_value(json_object_get(b, "why")), "bkup.dest is not set");
    json_decref(doc);
    n = dsgd_usage_text(a, 3, (char *)buf, sizeof buf);
    ck_assert_uint_gt(n, 0);
    buf[n] = 0;
    ck_assert_ptr_nonnull(strstr((char *)buf, "protected-information  dsg             3"));
    ck_assert_ptr_nonnull(strstr((char *)buf, " 3.0          0.5          6.0 /var/lib/dsg/share/objects\n"));
    ck_assert_ptr_nonnull(strstr((char *)buf, "backups"));
    ck_assert_ptr_nonnull(strstr((char *)buf, "- (bkup.dest is not set)\n"));
    ck_assert_ptr_nonnull(strstr((char *)buf, "audit-trail            dsg            7+         1.0+"));
    ck_assert_uint_eq(dsgd_usage_text(a, 2, (char *)buf, 80), 0);
    ck_assert_uint_eq(dsgd_usage_json(a, 2, buf, 40), 0);
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
    tcase_add_test(tc, test_usage_measures_each_area_apart);
    tcase_add_test(tc, test_usage_renderings);
    suite_add_tcase(s, tc);
    return s;
}
