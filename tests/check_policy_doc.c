/*
 * Unit tests of the access-control policy document's pure parts
 * (src/ctl/policy_doc.h): the configuration hash and the HTML escaping.
 */
#include <check.h>
#include <string.h>

#include "ctl/policy_doc.h"

Suite *suite_policy_doc(void);

/* SHA-256 of "auth.lockout_threshold=5\nauth.logon_notice=A <b> & c\n
 * portal.listen=0.0.0.0:8443\n" (Python's hashlib). */
#define THREE_KEYS "b9d22fa4ab09097422099ab10c25843d9e13ea38aa956a7db105bbd0f099938a"

/* The hash is over "key=value\n" sorted by key, whatever the order given;
 * no key is the hash of the empty text. @relation(REQ-ACCT-017) */
START_TEST(test_policy_hash)
{
    dsg_policy_kv kv[] = {
        { "portal.listen", "0.0.0.0:8443" },
        { "auth.logon_notice", "A <b> & c" },
        { "auth.lockout_threshold", "5" },
    };
    char hex[65];
    ck_assert_int_eq(dsg_policy_config_hash(kv, 3, hex), 0);
    ck_assert_str_eq(hex, THREE_KEYS);
    ck_assert_str_eq(kv[0].key, "auth.lockout_threshold");
    ck_assert_str_eq(kv[2].key, "portal.listen");
    ck_assert_int_eq(dsg_policy_config_hash(kv, 3, hex), 0);
    ck_assert_str_eq(hex, THREE_KEYS);
    ck_assert_int_eq(dsg_policy_config_hash(kv, 0, hex), 0);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

/* A changed value changes the hash. @relation(REQ-ACCT-017) */
START_TEST(test_policy_hash_value)
{
    dsg_policy_kv a[] = { { "auth.lockout_threshold", "5" } };
    dsg_policy_kv b[] = { { "auth.lockout_threshold", "7" } };
    char ha[65], hb[65];
    ck_assert_int_eq(dsg_policy_config_hash(a, 1, ha), 0);
    ck_assert_int_eq(dsg_policy_config_hash(b, 1, hb), 0);
    ck_assert_str_ne(ha, hb);
}
END_TEST

/* & < > " ' become references, everything else (UTF-8 included) stays;
 * output that does not fit is refused and left empty.
 * @relation(REQ-ACCT-017) */
START_TEST(test_policy_html_escape)
{
    char out[64];
    ck_assert_uint_eq(dsg_policy_html_escape("a<b>&\"c'", out, sizeof out), 27);
    ck_assert_str_eq(out, "a&lt;b&gt;&amp;&quot;c&#39;");
    ck_assert_uint_eq(dsg_policy_html_escape("方針", out, sizeof out), strlen("方針"));
    ck_assert_str_eq(out, "方針");
    ck_assert_uint_eq(dsg_policy_html_escape("", out, sizeof out), 0);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(dsg_policy_html_escape("abc", out, 4), 3);
    ck_assert_uint_eq(dsg_policy_html_escape("abcd", out, 4), (size_t)-1);
    ck_assert_str_eq(out, "");
    ck_assert_uint_eq(dsg_policy_html_escape("a&", out, 6), (size_t)-1);
    ck_assert_uint_eq(dsg_policy_html_escape("a&", out, 7), 6);
    ck_assert_str_eq(out, "a&amp;");
    ck_assert_uint_eq(dsg_policy_html_escape("x", out, 0), (size_t)-1);
}
END_TEST

Suite *suite_policy_doc(void)
{
    Suite *s = suite_create("policy_doc");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_policy_hash);
    tcase_add_test(c, test_policy_hash_value);
    tcase_add_test(c, test_policy_html_escape);
    suite_add_tcase(s, c);
    return s;
}
