/*
 * Unit tests of the configured TLS policy check (src/run/tls_policy.h):
 * REQ-RUN-010. `dsgd -n` refuses a portal.tls12_ciphers that selects a
 * suite without AEAD or without ECDHE key exchange, as OpenSSL describes
 * the suites the list expands to, naming file, line and suite. Bad lists
 * first.
 */
#include <check.h>
#include <string.h>

#include "conf/config.h"
#include "run/tls_policy.h"

Suite *suite_tls_policy(void);

static char why[512];

static int check_list(const char *list)
{
    why[0] = '\0';
    return dsgd_tls12_ciphers_check(list, why, sizeof why);
}

/* @relation(REQ-RUN-010) */
START_TEST(test_tls_policy_refuses_cbc_suites)
{
    ck_assert_int_eq(check_list("AES128-SHA"), -1);
    ck_assert_str_eq(why, "suite AES128-SHA is not an AEAD suite (AES-GCM)");
    /* ECDHE, but CBC: refused for the cipher, not the key exchange */
    ck_assert_int_eq(check_list("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA"), -1);
    ck_assert_ptr_nonnull(strstr(why, "ECDHE-RSA-AES128-SHA is not an AEAD suite"));
}
END_TEST

/* @relation(REQ-RUN-010) */
START_TEST(test_tls_policy_refuses_non_ecdhe_aead)
{
    ck_assert_int_eq(check_list("ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256"), -1);
    ck_assert_str_eq(why, "suite DHE-RSA-AES128-GCM-SHA256 has no ECDHE key exchange");
    ck_assert_int_eq(check_list("AES256-GCM-SHA384"), -1);
    ck_assert_str_eq(why, "suite AES256-GCM-SHA384 has no ECDHE key exchange");
    ck_assert_int_eq(check_list("PSK-AES128-GCM-SHA256"), -1);
}
END_TEST

/* @relation(REQ-RUN-010) */
START_TEST(test_tls_policy_refuses_lists_that_expand_to_bad_suites)
{
    /* an alias is judged by what OpenSSL expands it to */
    ck_assert_int_eq(check_list("HIGH"), -1);
    ck_assert_int_eq(check_list("ECDHE"), -1);
    ck_assert_int_eq(check_list("no-such-suite"), -1);
    ck_assert_ptr_nonnull(strstr(why, "selects no cipher suite"));
    ck_assert_int_eq(check_list(""), -1);
}
END_TEST

/* @relation(REQ-RUN-010) */
START_TEST(test_tls_policy_accepts_the_default_and_aead_ecdhe_aliases)
{
    static dsg_config c;
    ck_assert_int_eq(dsg_config_defaults(&c), 0);
    ck_assert_int_eq(check_list(c.v[DSG_CFG_PORTAL_TLS12_CIPHERS].text), 0);
    ck_assert_int_eq(check_list("ECDHE+AESGCM"), 0);
    ck_assert_int_eq(check_list("ECDHE-ECDSA-AES256-GCM-SHA384"), 0);
}
END_TEST

/* AEAD suites with ECDHE whose cipher is not AES-GCM are outside the
 * algorithm register, so no configuration can select them */
/* @relation(REQ-RUN-010, REQ-STOR-006) */
START_TEST(test_tls_policy_refuses_aead_outside_the_register)
{
    ck_assert_int_eq(check_list("ECDHE-ECDSA-CHACHA20-POLY1305"), -1);
    ck_assert_str_eq(why, "suite ECDHE-ECDSA-CHACHA20-POLY1305 uses a cipher outside the "
                          "algorithm register (AES-GCM only)");
    ck_assert_int_eq(check_list("ECDHE+AESGCM:ECDHE+CHACHA20"), -1);
    ck_assert_int_eq(check_list("ECDHE-ECDSA-AES128-CCM"), -1);
    ck_assert_ptr_nonnull(strstr(why, "outside the algorithm register"));
    ck_assert_int_eq(check_list("ECDHE-ECDSA-ARIA128-GCM-SHA256"), -1);
}
END_TEST

/* @relation(REQ-RUN-010) */
START_TEST(test_tls_policy_names_file_and_line)
{
    static dsg_config c;
    dsg_config_error e;
    char err[600];
    static const char bad[] = "# ciphers\nportal.tls12_ciphers = \"ECDHE-RSA-AES128-SHA256\"\n";
    static const char old[] = "\n\nportal.tls_min_version = TLSv1.0\n";
    ck_assert_int_eq(dsg_config_defaults(&c), 0);
    ck_assert_int_eq(dsgd_tls_policy_check(&c, err, sizeof err), 0);
    ck_assert_int_eq(dsg_config_load_buffer("gw.conf", bad, sizeof bad - 1, &c, &e), DSG_CONFIG_OK);
    ck_assert_int_eq(dsgd_tls_policy_check(&c, err, sizeof err), -1);
    ck_assert_str_eq(err, "gw.conf:2: portal.tls12_ciphers: suite ECDHE-RSA-AES128-SHA256 is not "
                          "an AEAD suite (AES-GCM)");
    ck_assert_int_eq(dsg_config_load_buffer("gw.conf", old, sizeof old - 1, &c, &e), DSG_CONFIG_OK);
    ck_assert_int_eq(dsgd_tls_policy_check(&c, err, sizeof err), -1);
    ck_assert_str_eq(err, "gw.conf:3: portal.tls_min_version: 'TLSv1.0': want TLSv1.2 or TLSv1.3");
}
END_TEST

Suite *suite_tls_policy(void)
{
    Suite *s = suite_create("tls_policy");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_tls_policy_refuses_cbc_suites);
    tcase_add_test(bad, test_tls_policy_refuses_non_ecdhe_aead);
    tcase_add_test(bad, test_tls_policy_refuses_lists_that_expand_to_bad_suites);
    tcase_add_test(bad, test_tls_policy_refuses_aead_outside_the_register);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("accepted");
    tcase_add_test(ok, test_tls_policy_accepts_the_default_and_aead_ecdhe_aliases);
    tcase_add_test(ok, test_tls_policy_names_file_and_line);
    suite_add_tcase(s, ok);
    return s;
}
