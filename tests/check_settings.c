/*
 * Unit tests of dsgd's embedded defaults (src/run/settings.h): the portal's
 * listener and limits (REQ-RUN-041, REQ-RUN-043). The conformance cases move
 * the portal off 8443 with -l, so the default address is checked here.
 */
#include <check.h>
#include <string.h>

#include "run/settings.h"

Suite *suite_settings(void);

/* @relation(REQ-RUN-041) */
START_TEST(test_settings_portal_listens_on_loopback_8443)
{
    static dsgd_settings s;
    memset(&s, 0xA5, sizeof s);
    dsgd_settings_defaults(&s);
    ck_assert_str_eq(s.portal_addr, "127.0.0.1");
    ck_assert_uint_eq(s.portal_port, 8443);
    ck_assert_str_eq(s.statedir, "var");
}
END_TEST

/* @relation(REQ-RUN-043) */
START_TEST(test_settings_portal_limits)
{
    static dsgd_settings s;
    dsgd_settings_defaults(&s);
    ck_assert_uint_eq(s.portal_max_conns, 64);
    ck_assert_uint_eq(s.portal_handshake_ms, 10000);
    ck_assert_uint_eq(s.portal_head_ms, 60000);
}
END_TEST

Suite *suite_settings(void)
{
    Suite *s = suite_create("settings");
    TCase *tc = tcase_create("defaults");
    tcase_add_test(tc, test_settings_portal_listens_on_loopback_8443);
    tcase_add_test(tc, test_settings_portal_limits);
    suite_add_tcase(s, tc);
    return s;
}
