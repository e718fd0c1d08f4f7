/*
 * Unit tests of `dsgctl config show`'s rendering (src/run/config_show.h):
 * REQ-RUN-018. Every key appears once with its value and origin (default
 * with the default's source, FILE:LINE, or the command-line option), the
 * text form is itself a configuration file that loads to the same values,
 * and the JSON form says the same.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "run/config_show.h"

Suite *suite_config_show(void);

static dsgd_config_in_force in;
static char text[65536];
static uint8_t json[65536];

static void load(const char *conf)
{
    dsg_config_error e;
    memset(&in, 0, sizeof in);
    ck_assert_int_eq(dsg_config_defaults(&in.cfg), 0);
    ck_assert_int_eq(dsg_config_load_buffer("/etc/dsg/dsgd.conf", conf, strlen(conf), &in.cfg, &e),
                     DSG_CONFIG_OK);
}

/* @relation(REQ-RUN-018) */
START_TEST(test_config_show_marks_each_origin)
{
    load("# gateway\n\ndsgd.restart_burst = 3\nportal.origin = \"https://gw.example\"\n");
    ck_assert_int_eq(dsgd_config_override(&in, DSG_CFG_PORTAL_LISTEN, "127.0.0.1:9443"), 0);
    ck_assert_uint_gt(dsgd_config_show_text(&in, 4, text, sizeof text), 0);
    ck_assert_ptr_nonnull(strstr(text, "# dsgd configuration in force, generation 4\n"));
    ck_assert_ptr_nonnull(strstr(text, "\ndsgd.restart_burst = 3  # /etc/dsg/dsgd.conf:3\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nportal.origin = \"https://gw.example\"  # /etc/dsg/dsgd.conf:4\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nportal.listen = \"127.0.0.1:9443\"  # command line -l\n"));
    ck_assert_ptr_nonnull(strstr(text, "\ndsgd.restart_interval = 10s  # default (source: systemd "
                                       "StartLimitIntervalSec default)\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nlog.ack_timeout = 2s  # default (source: project default;"));
    /* one line per key, and the header */
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, DSG_CFG_COUNT + 1);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_show_text_is_a_config_file)
{
    static dsg_config back;
    dsg_config_error e;
    size_t len;
    load("portal.tls12_ciphers = \"ECDHE+AESGCM\"\nshare.forbidden_extensions_extra = \"tar.xz, .Ps1\"\n"
         "auth.rp_id = \"a\\\\b\\\"c\"\n");
    len = dsgd_config_show_text(&in, 1, text, sizeof text);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsg_config_load_buffer("shown", text, len, &back, &e), DSG_CONFIG_OK);
    for (unsigned i = 0; i < DSG_CFG_COUNT; i++)
        ck_assert_str_eq(back.v[i].text, in.cfg.v[i].text);
    ck_assert_str_eq(back.v[DSG_CFG_AUTH_RP_ID].text, "a\\b\"c");
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_show_json)
{
    size_t len;
    load("dsgd.restart_burst = 7\n");
    ck_assert_int_eq(dsgd_config_override(&in, DSG_CFG_DSGD_USER, "gw"), 0);
    len = dsgd_config_show_json(&in, 2, json, sizeof json);
    ck_assert_uint_gt(len, 0);
    json[len] = '\0';
    ck_assert_ptr_nonnull(strstr((char *)json, "{\"config_generation\":2,\"keys\":[{\"key\":\"dsgd.state_dir\""));
    ck_assert_ptr_nonnull(strstr((char *)json, "{\"key\":\"dsgd.restart_burst\",\"value\":\"7\",\"origin\":"
                                               "\"file\",\"file\":\"/etc/dsg/dsgd.conf\",\"line\":1,"
                                               "\"default\":\"5\",\"source\":\"systemd StartLimitBurst default\"}"));
    ck_assert_ptr_nonnull(strstr((char *)json, "{\"key\":\"dsgd.user\",\"value\":\"gw\",\"origin\":"
                                               "\"command-line\",\"option\":\"-u\""));
    /* too small a buffer gives nothing rather than half a document */
    ck_assert_uint_eq(dsgd_config_show_json(&in, 2, json, 100), 0);
    ck_assert_uint_eq(dsgd_config_show_text(&in, 2, text, 100), 0);
}
END_TEST

/* @relation(REQ-RUN-018) */
START_TEST(test_config_show_resolved_keeps_origin)
{
    char where[64];
    load("");
    ck_assert_int_eq(dsgd_config_resolved(&in, DSG_CFG_DSGD_PIDFILE, "/srv/dsg/var/dsgd.pid"), 0);
    dsgd_config_where(&in, DSG_CFG_DSGD_PIDFILE, where, sizeof where);
    ck_assert_str_eq(where, "default");
    ck_assert_str_eq(in.cfg.v[DSG_CFG_DSGD_PIDFILE].text, "/srv/dsg/var/dsgd.pid");
    ck_assert_ptr_null(dsgd_config_option(DSG_CFG_LOG_ACK_TIMEOUT));
    ck_assert_int_eq(dsgd_config_override(&in, DSG_CFG_COUNT, "x"), -1);
}
END_TEST

/* Without a file: the portal on 127.0.0.1:8443, origin https://localhost:8443,
 * WebAuthn RP ID localhost, each marked default with its source.
 * @relation(REQ-RUN-011) */
START_TEST(test_config_show_embedded_defaults_serve_localhost_8443)
{
    memset(&in, 0, sizeof in);
    ck_assert_int_eq(dsg_config_defaults(&in.cfg), 0);
    ck_assert_uint_gt(dsgd_config_show_text(&in, 1, text, sizeof text), 0);
    ck_assert_ptr_nonnull(strstr(text, "\nportal.listen = \"127.0.0.1:8443\"  # default (source: NIST SP 800-53 Rev.5 CM-7"));
    ck_assert_ptr_nonnull(strstr(text, "\nportal.origin = \"https://localhost:8443\"  # default (source: W3C WebAuthn Level 2"));
    ck_assert_ptr_nonnull(strstr(text, "\nauth.rp_id = \"localhost\"  # default (source: W3C WebAuthn Level 2"));
}
END_TEST

Suite *suite_config_show(void)
{
    Suite *s = suite_create("config_show");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, test_config_show_marks_each_origin);
    tcase_add_test(tc, test_config_show_text_is_a_config_file);
    tcase_add_test(tc, test_config_show_json);
    tcase_add_test(tc, test_config_show_resolved_keeps_origin);
    tcase_add_test(tc, test_config_show_embedded_defaults_serve_localhost_8443);
    suite_add_tcase(s, tc);
    return s;
}
