/*
 * Unit tests of dsgd's embedded defaults (src/run/settings.h): the portal's
 * listener and limits (REQ-RUN-041, REQ-RUN-043). The conformance cases move
 * the portal off 8443 with -l, so the default address is checked here.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"

#include "run/roles.h"
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

/* logd's settings go to it as one argument and come back the same; any
 * other text is refused and changes nothing. @relation(REQ-LOG-007, REQ-LOG-004) */
START_TEST(test_settings_logd_argument)
{
    static dsgd_settings s;
    struct dsgd_logd_settings back, keep;
    char arg[64];
    static const char *const bad[] = { "", "1:2:3:4", "1:2:3:4:5:6", "1:2:3:4:x", "-1:2:3:4:5",
                                       "1::3:4:5", "1:2:3:4:5 ", " 1:2:3:4:5", "4294967296:2:3:4:5",
                                       "1:2:3:4:+5" };
    dsgd_settings_defaults(&s);
    ck_assert_uint_eq(s.logd.checkpoint_interval_ms, 60000);
    ck_assert_uint_eq(s.logd.checkpoint_records, 1000);
    ck_assert_uint_eq(s.logd.retention_days, 365);
    ck_assert_uint_eq(s.logd.max_field_bytes, 4096);
    ck_assert_uint_eq(s.logd.busy_timeout_ms, 5000);
    ck_assert_int_eq(dsgd_settings_logd_arg(&s.logd, arg, sizeof arg), 0);
    ck_assert_str_eq(arg, "60000:1000:365:4096:5000");
    ck_assert_int_eq(dsgd_settings_logd_parse(arg, &back), 0);
    ck_assert_int_eq(memcmp(&back, &s.logd, sizeof back), 0);
    ck_assert_int_eq(dsgd_settings_logd_arg(&s.logd, arg, 10), -1);   /* no room */
    keep = back;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsgd_settings_logd_parse(bad[i], &back) == -1, "'%s' accepted", bad[i]);
        ck_assert_int_eq(memcmp(&back, &keep, sizeof back), 0);
    }
}
END_TEST

/* The share role's settings the same way: the numbers, then the folder
 * template after a '|'; a template share.area_template refuses is
 * refused at load, naming the key; the bulk download threshold is at least
 * 1. @relation(REQ-SHARE-006, REQ-SHARE-021) */
/* @relation(REQ-MFA-015) */
START_TEST(test_settings_share_argument)
{
    static dsgd_settings s;
    struct dsgd_share_settings back, keep;
    static dsg_config c;
    char arg[1100], err[300];
    static const char *const bad[] = { "", "5000", "|共通", "x|共通", "5000|共通", "5000:30|共通",
                                       "5000:30:90|共通", "5000:1:2:3:4|共通", "-1:30:90:20|a",
                                       "5000:x:90:20|a", "5000:30:90:0|a" };
    dsgd_settings_defaults(&s);
    ck_assert_uint_eq(s.share.busy_timeout_ms, 5000);
    ck_assert_str_eq(s.share.area_template, "共通, {org}");
    ck_assert_int_eq(dsgd_settings_share_arg(&s.share, arg, sizeof arg), 0);
    ck_assert_str_eq(arg, "5000:30:90:20|共通, {org}");
    ck_assert_int_eq(dsgd_settings_share_parse(arg, &back), 0);
    ck_assert_uint_eq(back.busy_timeout_ms, 5000);
    ck_assert_uint_eq(back.notice_days, 30);
    ck_assert_uint_eq(back.retention_days, 90);
    ck_assert_uint_eq(back.bulk_threshold, 20);
    ck_assert_str_eq(back.area_template, "共通, {org}");
    ck_assert_int_eq(dsgd_settings_share_arg(&s.share, arg, 8), -1);   /* no room */
    keep = back;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsgd_settings_share_parse(bad[i], &back) == -1, "'%s' accepted", bad[i]);
        ck_assert_int_eq(memcmp(&back, &keep, sizeof back), 0);
    }
    ck_assert_int_eq(dsg_config_defaults(&c), 0);
    ck_assert_int_eq(dsgd_settings_share_check(&c, err, sizeof err), 0);
    static const char text[] = "share.area_template = \"共通, a/b\"\n";
    dsg_config_error cerr;
    ck_assert_int_eq(dsg_config_load_buffer("t.conf", text, sizeof text - 1, &c, &cerr),
                     DSG_CONFIG_OK);
    ck_assert_int_eq(dsgd_settings_share_check(&c, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "t.conf:1") != NULL && strstr(err, "share.area_template") != NULL &&
                  strstr(err, "a/b") != NULL, "%s", err);
}
END_TEST

/* The auth role's settings the same way: the numbers, then the texts
 * (auth.ministry_networks, auth.rp_id, portal.origin, the AAGUID
 * allowlist, the attestation roots, the logon notice) each after a '|'.
 * @relation(REQ-ACCT-023, REQ-MFA-024, REQ-MFA-008, REQ-MFA-025, REQ-MFA-002, REQ-MFA-014) */
/* @relation(REQ-MFA-022, REQ-MFA-013, REQ-ACCT-005, REQ-ACCT-012, REQ-MFA-010) */
START_TEST(test_settings_auth_argument)
{
    static dsgd_settings s;
    static struct dsgd_auth_settings back, keep;
    static char arg[12288];
#define N25 "1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17:18:19:20:21:22:23:24:25"
    static const char *const bad[] = {
        "", "5000", N25 "||||||", N25 ":26:27||||||", N25 ":x||||||", "-1:2:3:4:5:6:7:8:9:10:11:"
        "12:13:14:15:16:17:18:19:20:21:22:23:24:25:26||||||", N25 ":4294967296||||||",
        " " N25 ":26||||||",
        N25 ":26",                  /* no texts */
        N25 ":26|a|b|c|d|e",        /* five texts */
    };
    dsgd_settings_defaults(&s);
    ck_assert_uint_eq(s.auth.busy_timeout_ms, 5000);
    ck_assert_uint_eq(s.auth.expiry_sweep_ms, 3600000);
    ck_assert_uint_eq(s.auth.scrypt_log2_n, 17);   /* auth.scrypt_n = 131072 */
    ck_assert_uint_eq(s.auth.lockout_threshold, 3);
    ck_assert_uint_eq(s.auth.admin_factor, 0);     /* webauthn */
    ck_assert_uint_eq(s.auth.self_attestation, 0);
    ck_assert_uint_eq(s.auth.source_failures, 10);
    ck_assert_uint_eq(s.auth.inactivity_days, 35);
    ck_assert_uint_eq(s.auth.admin_token_ms, 900000);   /* auth.admin_token_lifetime = 15m */
    ck_assert_uint_eq(s.auth.reauth_ms, 900000);        /* auth.reauth_max_age = 15m */
    ck_assert_uint_eq(s.auth.password_max_age_days, 0);
    ck_assert_int_eq(dsgd_settings_auth_arg(&s.auth, arg, sizeof arg), 0);
    ck_assert_str_eq(arg, "5000:3600000:12:128:3:17:8:1:604800000:604800000:"
                          "3:900000:900000:300000:900000:43200000:10:5:1:0:0:10:35:900000:0:900000"
                          "||localhost|https://localhost:8443|||This system is for authorised"
                          " use only. Its use is monitored and recorded; unauthorised use is"
                          " prohibited.");
    ck_assert_int_eq(dsgd_settings_auth_parse(arg, &back), 0);
    ck_assert_int_eq(memcmp(&back, &s.auth, sizeof back), 0);
    snprintf(s.auth.ministry_networks, sizeof s.auth.ministry_networks,
             "10.0.0.0/8, 2001:db8::/32");
    snprintf(s.auth.aaguids, sizeof s.auth.aaguids, "40414243-4445-4647-4849-4a4b4c4d4e4f");
    snprintf(s.auth.roots, sizeof s.auth.roots, "/etc/dsg/roots.pem");
    snprintf(s.auth.notice, sizeof s.auth.notice, "利用は許可された者に限る | authorised use");
    s.auth.self_attestation = 1;
    ck_assert_int_eq(dsgd_settings_auth_arg(&s.auth, arg, sizeof arg), 0);
    ck_assert_int_eq(dsgd_settings_auth_parse(arg, &back), 0);
    ck_assert_str_eq(back.ministry_networks, "10.0.0.0/8, 2001:db8::/32");
    ck_assert_str_eq(back.rp_id, "localhost");
    ck_assert_str_eq(back.origin, "https://localhost:8443");
    ck_assert_str_eq(back.aaguids, "40414243-4445-4647-4849-4a4b4c4d4e4f");
    ck_assert_str_eq(back.roots, "/etc/dsg/roots.pem");
    ck_assert_str_eq(back.notice, "利用は許可された者に限る | authorised use");   /* the last:
                                                                               * '|' allowed */
    ck_assert_uint_eq(back.self_attestation, 1);
    ck_assert_int_eq(dsgd_settings_auth_arg(&s.auth, arg, 12), -1);   /* no room */
    snprintf(s.auth.origin, sizeof s.auth.origin, "https://a|b");
    ck_assert_int_eq(dsgd_settings_auth_arg(&s.auth, arg, sizeof arg), -1);
    snprintf(s.auth.origin, sizeof s.auth.origin, "https://localhost:8443");
    snprintf(s.auth.roots, sizeof s.auth.roots, "/etc/dsg/roots|odd.pem");
    ck_assert_int_eq(dsgd_settings_auth_arg(&s.auth, arg, sizeof arg), -1);
    keep = back;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(dsgd_settings_auth_parse(bad[i], &back) == -1, "'%s' accepted", bad[i]);
        ck_assert_int_eq(memcmp(&back, &keep, sizeof back), 0);
    }
#undef N25
}
END_TEST

/* auth.webauthn_aaguid_allowlist: UUIDs as text, commas between.
 * @relation(REQ-MFA-022) */
START_TEST(test_settings_aaguid_list)
{
    uint8_t a[2][16];
    size_t n = 9;
    char why[96];
    static const uint8_t first[16] = { 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
                                       0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f };
    ck_assert_int_eq(dsgd_settings_aaguids("", a, 2, &n, why, sizeof why), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(dsgd_settings_aaguids(" 40414243-4445-4647-4849-4A4B4C4D4E4F ,"
                                           "01020304-0506-0708-090a-0b0c0d0e0f10", a, 2, &n, why,
                                           sizeof why), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(a[0], first, 16);
    ck_assert_uint_eq(a[1][15], 0x10);
    static const char *const bad[] = {
        "40414243-4445-4647-4849-4a4b4c4d4e4",           /* short */
        "40414243-4445-4647-4849-4a4b4c4d4e4f0",         /* long */
        "4041424344454647-4849-4a4b4c4d4e4f",            /* dashes misplaced */
        "40414243-4445-4647-4849-4a4b4c4d4e4g",          /* not hex */
        "40414243-4445-4647-4849-4a4b4c4d4e4f,",         /* empty last */
        "40414243-4445-4647-4849-4a4b4c4d4e4f 40414243-4445-4647-4849-4a4b4c4d4e4f",
        "40414243-4445-4647-4849-4a4b4c4d4e4f,40414243-4445-4647-4849-4a4b4c4d4e4f,"
        "40414243-4445-4647-4849-4a4b4c4d4e4f",          /* over cap */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(dsgd_settings_aaguids(bad[i], a, 2, &n, why, sizeof why) == -1,
                      "'%s' accepted", bad[i]);
    ck_assert_msg(strstr(why, "more than 2") != NULL, "%s", why);
}
END_TEST

/* auth.scrypt_n must be a power of two within scrypt's memory bound, and
 * the password lengths in order, the AAGUID allowlist UUIDs, the roots
 * file an absolute path, the RP ID a host and the origin https under it,
 * an administrator's token no longer-lived than a session; each error
 * names the key and its line.
 * @relation(REQ-MFA-024, REQ-MFA-008, REQ-MFA-022, REQ-ACCT-012) */
START_TEST(test_settings_auth_check)
{
    static dsg_config c;
    dsg_config_error e;
    char err[300];
    static const struct { const char *text, *want; } cases[] = {
        { "auth.scrypt_n = 100000\n", "x:1: auth.scrypt_n: not a power of two" },
        { "auth.scrypt_n = 1048576\nauth.scrypt_r = 32\n",
          "x:1: auth.scrypt_n: with auth.scrypt_r and auth.scrypt_p needs more memory" },
        { "\nauth.password_min_length = 200\n",
          "x:2: auth.password_min_length: more than auth.password_max_length" },
        { "auth.webauthn_aaguid_allowlist = \"40414243-4445\"\n",
          "x:1: auth.webauthn_aaguid_allowlist: not a UUID at byte 0" },
        { "auth.webauthn_attestation_roots = \"roots.pem\"\n",
          "x:1: auth.webauthn_attestation_roots: not an absolute path" },
        { "auth.webauthn_attestation_roots = \"/etc/dsg/a|b.pem\"\n",
          "x:1: auth.webauthn_attestation_roots: holds a '|'" },
        { "auth.rp_id = \"Example.jp\"\n", "x:1: auth.rp_id: not a host name in lowercase" },
        { "auth.rp_id = \"a|b\"\n", "x:1: auth.rp_id: not a host name in lowercase" },
        { "portal.origin = \"http://localhost\"\n", "x:1: portal.origin: not https://HOST[:PORT]" },
        { "portal.origin = \"https://localhost:\"\n", "x:1: portal.origin: not https://HOST[:PORT]" },
        { "portal.origin = \"https://localhost/x\"\n", "x:1: portal.origin: not https://HOST[:PORT]" },
        { "auth.rp_id = \"example.jp\"\nportal.origin = \"https://badexample.jp\"\n",
          "x:2: portal.origin: its host is not auth.rp_id or under it" },
        { "auth.session_max_lifetime = 1h\nauth.admin_token_lifetime = 2h\n",
          "x:2: auth.admin_token_lifetime: more than auth.session_max_lifetime" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(dsg_config_defaults(&c), 0);
        ck_assert_int_eq(dsg_config_load_buffer("x", cases[i].text,
                                              strlen(cases[i].text), &c, &e), DSG_CONFIG_OK);
        ck_assert_int_eq(dsgd_settings_auth_check(&c, err, sizeof err), -1);
        ck_assert_msg(strncmp(err, cases[i].want, strlen(cases[i].want)) == 0, "%s", err);
    }
    ck_assert_int_eq(dsg_config_defaults(&c), 0);
    ck_assert_int_eq(dsgd_settings_auth_check(&c, err, sizeof err), 0);
    static const char *const good[] = {
        "auth.rp_id = \"example.jp\"\nportal.origin = \"https://gw.example.jp:8443\"\n",
        "auth.rp_id = \"example.jp\"\nportal.origin = \"https://example.jp\"\n"
        "auth.webauthn_aaguid_allowlist = \"40414243-4445-4647-4849-4a4b4c4d4e4f\"\n"
        "auth.webauthn_attestation_roots = \"/etc/dsg/roots.pem\"\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ck_assert_int_eq(dsg_config_defaults(&c), 0);
        ck_assert_int_eq(dsg_config_load_buffer("x", good[i], strlen(good[i]), &c, &e),
                         DSG_CONFIG_OK);
        ck_assert_msg(dsgd_settings_auth_check(&c, err, sizeof err) == 0, "%s", err);
    }
}
END_TEST

/* dsgd.roles: names separated by commas and blanks; logd always runs;
 * an unknown name or a name twice is refused, naming it.
 * @relation(REQ-RUN-001) */
START_TEST(test_settings_roles_list)
{
    static dsgd_settings s;
    uint32_t set = 0;
    char why[96];
    const uint32_t portal = 1u << 0, logd = 1u << DSGD_ROLE_LOGD, ctl = 1u << 2;
    const uint32_t auth = 1u << (dsgd_role_find("auth") - dsgd_roles);
    const uint32_t share = 1u << (dsgd_role_find("share") - dsgd_roles);
    dsgd_settings_defaults(&s);
    ck_assert_uint_eq(s.roles_enabled, portal | logd | ctl | auth | share);
    ck_assert_int_eq(dsgd_roles_parse("", &set, why, sizeof why), 0);
    ck_assert_uint_eq(set, logd);
    ck_assert_int_eq(dsgd_roles_parse("ctl", &set, why, sizeof why), 0);
    ck_assert_uint_eq(set, logd | ctl);
    ck_assert_int_eq(dsgd_roles_parse(" portal ,ctl, logd ", &set, why, sizeof why), 0);
    ck_assert_uint_eq(set, portal | logd | ctl);
    set = 7;
    ck_assert_int_eq(dsgd_roles_parse("portal, dns", &set, why, sizeof why), -1);
    ck_assert_str_eq(why, "'dns': no such role");
    ck_assert_uint_eq(set, 7);                       /* unchanged */
    ck_assert_int_eq(dsgd_roles_parse("ctl,ctl", &set, why, sizeof why), -1);
    ck_assert_str_eq(why, "'ctl' is named twice");
    ck_assert_int_eq(dsgd_roles_parse("Portal", &set, why, sizeof why), -1);
    ck_assert_int_eq(dsgd_roles_parse("sink", &set, why, sizeof why), -1);   /* test builds only */
    ck_assert_int_eq(dsgd_roles_parse("portal;ctl", &set, why, sizeof why), -1);
}
END_TEST

static int load_text(const char *text, dsgd_settings *s, char *err, size_t n)
{
    static dsg_config c;
    dsg_config_error e;
    ck_assert_int_eq(dsg_config_defaults(&c), 0);
    ck_assert_msg(dsg_config_load_buffer("dsgd.conf", text, strlen(text), &c, &e) == DSG_CONFIG_OK,
                  "%s", e.message);
    if (dsgd_settings_forward_check(&c, err, n) != 0)
        return -1;
    return dsgd_settings_from_config(s, &c, err, n);
}

/* log.forward: empty by default, and then logfwd does not run; collectors
 * start it; a bad entry, or collectors without log.forward_ca, are
 * refused naming the line; logfwd is never named in dsgd.roles.
 * @relation(REQ-LOG-047, REQ-RUN-053) */
START_TEST(test_settings_forward)
{
    static dsgd_settings s;
    char err[600];
    uint32_t set = 0;
    const uint32_t logfwd = 1u << DSGD_ROLE_LOGFWD;
    dsgd_settings_defaults(&s);
    ck_assert_str_eq(s.fwd.list, "");
    ck_assert_uint_eq(s.fwd.targets.n, 0);
    ck_assert_uint_eq(s.fwd.retry_max_ms, 30000);
    ck_assert_uint_eq(s.fwd.timeout_ms, 10000);
    ck_assert_uint_eq(s.roles_enabled & logfwd, 0);
    ck_assert_int_eq(load_text("log.forward = \"127.0.0.1:6514, [::1]:6514\"\n"
                               "log.forward_ca = \"/etc/dsg/ca.pem\"\n", &s, err, sizeof err), 0);
    ck_assert_uint_eq(s.fwd.targets.n, 2);
    ck_assert_str_eq(s.fwd.ca, "/etc/dsg/ca.pem");
    ck_assert_uint_eq(s.roles_enabled & logfwd, logfwd);
    ck_assert_int_eq(load_text("\nlog.forward = \"127.0.0.1:6514\"\n", &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "dsgd.conf:2: log.forward: collectors named but log.forward_ca is "
                              "not set") != NULL, "%s", err);
    ck_assert_int_eq(load_text("log.forward_ca = \"ca.pem\"\nlog.forward = \"localhost:6514\"\n",
                               &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "dsgd.conf:2: log.forward: 'localhost:6514': want") != NULL, "%s",
                  err);
    ck_assert_int_eq(dsgd_roles_parse("portal, logfwd", &set, err, sizeof err), -1);
    ck_assert_str_eq(err, "'logfwd' is started by log.forward, not named in dsgd.roles");
}
END_TEST

Suite *suite_settings(void)
{
    Suite *s = suite_create("settings");
    TCase *tc = tcase_create("defaults");
    tcase_add_test(tc, test_settings_portal_listens_on_loopback_8443);
    tcase_add_test(tc, test_settings_portal_limits);
    tcase_add_test(tc, test_settings_logd_argument);
    tcase_add_test(tc, test_settings_share_argument);
    tcase_add_test(tc, test_settings_auth_argument);
    tcase_add_test(tc, test_settings_aaguid_list);
    tcase_add_test(tc, test_settings_auth_check);
    tcase_add_test(tc, test_settings_roles_list);
    tcase_add_test(tc, test_settings_forward);
    suite_add_tcase(s, tc);
    return s;
}
