/*
 * Unit tests of the clientDataJSON check (src/auth/client_data.h):
 * REQ-MFA-019 (parsing through the JSON tokenizer), REQ-MFA-004 (login:
 * "webauthn.get"), REQ-MFA-003 (enrolment: "webauthn.create").
 *
 * Bad input first: unusable expectations, texts that are not JSON, not an
 * object, duplicate names; then each member rule (type, challenge, origin,
 * crossOrigin, topOrigin) broken one way after another; then what is
 * accepted: both ceremonies, escapes that decode to the expected value,
 * members that WebAuthn says to ignore.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/client_data.h"
#include "core/b64url.h"

Suite *suite_client_data(void);

#define ORIGIN "https://dsg.example.jp"

static uint8_t CHAL[32];          /* 0, 1, .. 31 */
static char CHAL_TEXT[64];        /* its base64url text */
static dsg_client_data_view view;

static void setup(void)
{
    for (size_t i = 0; i < sizeof CHAL; i++)
        CHAL[i] = (uint8_t)i;
    size_t n = 0;
    ck_assert_int_eq(dsg_b64url_encode(CHAL, sizeof CHAL, CHAL_TEXT, sizeof CHAL_TEXT - 1, &n),
                     DSG_B64URL_OK);
    CHAL_TEXT[n] = '\0';
    ck_assert_str_eq(CHAL_TEXT, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
}

/* Checks text as a clientDataJSON of a login for CHAL and ORIGIN. */
static int check_as(const char *text, dsg_client_data_type type)
{
    return dsg_client_data_check((const uint8_t *)text, strlen(text), type, CHAL, sizeof CHAL,
                                 (const uint8_t *)ORIGIN, strlen(ORIGIN), &view);
}

static int check_get(const char *text)
{
    return check_as(text, DSG_CD_GET);
}

/* A clientDataJSON with the given type, challenge and origin texts (already
 * JSON string contents) and extra members appended. */
static const char *doc(const char *type, const char *challenge, const char *origin,
                       const char *extra)
{
    static char buf[2048];
    int n = snprintf(buf, sizeof buf, "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\"%s}",
                     type, challenge, origin, extra);
    ck_assert(n > 0 && (size_t)n < sizeof buf);
    return buf;
}

static const char *good_get(const char *extra)
{
    return doc("webauthn.get", CHAL_TEXT, ORIGIN, extra);
}

/* ---- expectations and JSON ----------------------------------------------------- */

/* @relation(REQ-MFA-019) */
START_TEST(test_client_data_bad_expectations_refused)
{
    const char *t = good_get("");
    const uint8_t *j = (const uint8_t *)t;
    const uint8_t *o = (const uint8_t *)ORIGIN;
    size_t ol = strlen(ORIGIN);
    uint8_t big[DSG_CD_CHALLENGE_MAX + 1] = { 0 };
    uint8_t long_origin[DSG_CD_ORIGIN_MAX + 1];
    memset(long_origin, 'a', sizeof long_origin);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), (dsg_client_data_type)0, CHAL, 32, o, ol,
                                           &view), DSG_CD_ERR_ARGS);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), (dsg_client_data_type)3, CHAL, 32, o, ol,
                                           &view), DSG_CD_ERR_ARGS);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, CHAL, 0, o, ol, &view),
                     DSG_CD_ERR_ARGS);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, big, sizeof big, o, ol,
                                           &view), DSG_CD_ERR_ARGS);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, CHAL, 32, o, 0, &view),
                     DSG_CD_ERR_ARGS);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, CHAL, 32, long_origin,
                                           sizeof long_origin, &view), DSG_CD_ERR_ARGS);
    /* the limits themselves are usable */
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, big, DSG_CD_CHALLENGE_MAX,
                                           o, ol, &view), DSG_CD_ERR_CHALLENGE);
    ck_assert_int_eq(dsg_client_data_check(j, strlen(t), DSG_CD_GET, CHAL, 32, long_origin,
                                           DSG_CD_ORIGIN_MAX, &view), DSG_CD_ERR_ORIGIN);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_client_data_not_json_refused)
{
    ck_assert_int_eq(check_get(""), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_TRUNCATED);
    /* truncated: every proper prefix of a good document */
    const char *t = good_get("");
    char buf[512];
    size_t n = strlen(t);
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(buf, t, cut);
        buf[cut] = '\0';
        int rc = dsg_client_data_check((const uint8_t *)buf, cut, DSG_CD_GET, CHAL, 32,
                                       (const uint8_t *)ORIGIN, strlen(ORIGIN), &view);
        ck_assert_msg(rc == DSG_CD_ERR_JSON, "cut at %zu: %d", cut, rc);
    }
    ck_assert_int_eq(check_get("{\"type\":\"webauthn.get\",}"), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_UNEXPECTED);
    ck_assert_int_eq(check_get("{} x"), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_TRAILING);
    ck_assert_int_eq(check_get("{\"a\\u0000\":1}"), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_NUL_IN_KEY);
    /* invalid UTF-8 inside the origin */
    ck_assert_int_eq(check_get(doc("webauthn.get", CHAL_TEXT, "https://dsg.\xC0\xAE", "")),
                     DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_BAD_UTF8);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_client_data_limits_refused)
{
    /* more than DSG_CD_MAX_TOKENS values, deeper than DSG_CD_MAX_DEPTH */
    char buf[1024];
    size_t k = (size_t)snprintf(buf, sizeof buf, "%s", good_get(""));
    buf[k - 1] = '\0';
    strcat(buf, ",\"x\":[");
    for (int i = 0; i < 70; i++)
        strcat(buf, i ? ",1" : "1");
    strcat(buf, "]}");
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_int_eq(check_get(good_get(",\"x\":[[[[[[[[1]]]]]]]]")), DSG_CD_ERR_JSON);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_DEPTH);
    ck_assert_int_eq(check_get(good_get(",\"x\":[[[[[[1]]]]]]")), DSG_CD_OK);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_client_data_not_object_refused)
{
    ck_assert_int_eq(check_get("[]"), DSG_CD_ERR_NOT_OBJECT);
    ck_assert_int_eq(check_get("\"webauthn.get\""), DSG_CD_ERR_NOT_OBJECT);
    ck_assert_int_eq(check_get("1"), DSG_CD_ERR_NOT_OBJECT);
    ck_assert_int_eq(check_get("null"), DSG_CD_ERR_NOT_OBJECT);
    char buf[512];
    snprintf(buf, sizeof buf, "[%s]", good_get(""));
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_NOT_OBJECT);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-004) */
START_TEST(test_client_data_duplicate_key_refused)
{
    /* a second challenge after the good one: a parser keeping the last
     * or the first would disagree with another one */
    char extra[128];
    snprintf(extra, sizeof extra, ",\"challenge\":\"%s\"", CHAL_TEXT);
    ck_assert_int_eq(check_get(good_get(extra)), DSG_CD_ERR_DUPLICATE_KEY);
    ck_assert_int_eq(view.json_error, DSG_JSON_E_DUPLICATE_KEY);
    ck_assert_int_eq(check_get(good_get(",\"challeng\\u0065\":\"AAAA\"")), DSG_CD_ERR_DUPLICATE_KEY);
    ck_assert_int_eq(check_get(good_get(",\"type\":\"webauthn.get\"")), DSG_CD_ERR_DUPLICATE_KEY);
    /* duplicates inside an ignored member count too */
    ck_assert_int_eq(check_get(good_get(",\"x\":{\"a\":1,\"a\":2}")), DSG_CD_ERR_DUPLICATE_KEY);
}
END_TEST

/* ---- type --------------------------------------------------------------------- */

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_client_data_wrong_type_refused)
{
    ck_assert_int_eq(check_get(doc("webauthn.create", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_as(doc("webauthn.get", CHAL_TEXT, ORIGIN, ""), DSG_CD_CREATE),
                     DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("webauthn.gets", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("webauthn.ge", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("Webauthn.get", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("webauthn_get", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("", CHAL_TEXT, ORIGIN, "")), DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("webauthn.get\\u0000", CHAL_TEXT, ORIGIN, "")),
                     DSG_CD_ERR_TYPE);
    ck_assert_int_eq(check_get(doc("payment.get.and.some.more", CHAL_TEXT, ORIGIN, "")),
                     DSG_CD_ERR_TYPE);
    char buf[256];
    snprintf(buf, sizeof buf, "{\"type\":1,\"challenge\":\"%s\",\"origin\":\"%s\"}", CHAL_TEXT,
             ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_TYPE);
    snprintf(buf, sizeof buf, "{\"challenge\":\"%s\",\"origin\":\"%s\"}", CHAL_TEXT, ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_TYPE_MISSING);
    /* a nested "type" is not the member */
    snprintf(buf, sizeof buf, "{\"x\":{\"type\":\"webauthn.get\"},\"challenge\":\"%s\","
             "\"origin\":\"%s\"}", CHAL_TEXT, ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_TYPE_MISSING);
}
END_TEST

/* ---- challenge ---------------------------------------------------------------- */

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_client_data_challenge_one_bit_off_refused)
{
    /* every byte, one bit flipped in the expected value */
    const char *t = good_get("");
    for (size_t i = 0; i < sizeof CHAL; i++) {
        uint8_t other[32];
        memcpy(other, CHAL, sizeof other);
        other[i] ^= (uint8_t)(1u << (i % 8));
        int rc = dsg_client_data_check((const uint8_t *)t, strlen(t), DSG_CD_GET, other, 32,
                                       (const uint8_t *)ORIGIN, strlen(ORIGIN), &view);
        ck_assert_msg(rc == DSG_CD_ERR_CHALLENGE, "byte %zu: %d", i, rc);
    }
    /* and bits off in the text: 'G' for 'H' in the last group */
    char text[64];
    strcpy(text, CHAL_TEXT);
    text[strlen(text) - 3] ^= 0x0F;   /* 'H' -> 'G': still base64url */
    ck_assert_int_eq(check_get(doc("webauthn.get", text, ORIGIN, "")), DSG_CD_ERR_CHALLENGE);
    /* a prefix or a longer value of the expected bytes */
    ck_assert_int_eq(check_get(doc("webauthn.get", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg",
                                   ORIGIN, "")), DSG_CD_ERR_CHALLENGE);
    ck_assert_int_eq(check_get(doc("webauthn.get",
                                   "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", ORIGIN, "")),
                     DSG_CD_ERR_CHALLENGE);
    /* longer than any challenge: 100 characters */
    char long_text[101];
    memset(long_text, 'A', 100);
    long_text[100] = '\0';
    ck_assert_int_eq(check_get(doc("webauthn.get", long_text, ORIGIN, "")), DSG_CD_ERR_CHALLENGE);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-019) */
START_TEST(test_client_data_challenge_padding_or_std_alphabet_refused)
{
    char text[80];
    snprintf(text, sizeof text, "%s=", CHAL_TEXT);
    ck_assert_int_eq(check_get(doc("webauthn.get", text, ORIGIN, "")),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    ck_assert_int_eq(view.b64_err_at, 43);
    /* bytes fb ff bf: "-_-_" in base64url, "+/+/" in standard base64 */
    static const uint8_t odd[3] = { 0xfb, 0xff, 0xbf };
    const char *good = doc("webauthn.get", "-_-_", ORIGIN, "");
    ck_assert_int_eq(dsg_client_data_check((const uint8_t *)good, strlen(good), DSG_CD_GET, odd, 3,
                                           (const uint8_t *)ORIGIN, strlen(ORIGIN), &view),
                     DSG_CD_OK);
    const char *std = doc("webauthn.get", "+/+/", ORIGIN, "");
    ck_assert_int_eq(dsg_client_data_check((const uint8_t *)std, strlen(std), DSG_CD_GET, odd, 3,
                                           (const uint8_t *)ORIGIN, strlen(ORIGIN), &view),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    /* "QR" beside the canonical "QQ" (0x41): stray low bits */
    static const uint8_t a[1] = { 0x41 };
    const char *stray = doc("webauthn.get", "QR", ORIGIN, "");
    ck_assert_int_eq(dsg_client_data_check((const uint8_t *)stray, strlen(stray), DSG_CD_GET, a, 1,
                                           (const uint8_t *)ORIGIN, strlen(ORIGIN), &view),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    /* 4k + 1 characters, white space, non-ASCII, an empty text */
    ck_assert_int_eq(check_get(doc("webauthn.get", "AAAAA", ORIGIN, "")),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    ck_assert_int_eq(check_get(doc("webauthn.get", "AAAA AAAA", ORIGIN, "")),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    ck_assert_int_eq(check_get(doc("webauthn.get", "AAAA\xC3\xA9", ORIGIN, "")),
                     DSG_CD_ERR_CHALLENGE_ENCODING);
    ck_assert_int_eq(check_get(doc("webauthn.get", "", ORIGIN, "")), DSG_CD_ERR_CHALLENGE);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-019) */
START_TEST(test_client_data_challenge_missing_or_not_string_refused)
{
    char buf[256];
    snprintf(buf, sizeof buf, "{\"type\":\"webauthn.get\",\"origin\":\"%s\"}", ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_CHALLENGE_MISSING);
    snprintf(buf, sizeof buf, "{\"type\":\"webauthn.get\",\"challenge\":[\"%s\"],\"origin\":\"%s\"}",
             CHAL_TEXT, ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_CHALLENGE_ENCODING);
    snprintf(buf, sizeof buf, "{\"type\":\"webauthn.get\",\"challenge\":null,\"origin\":\"%s\"}",
             ORIGIN);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_CHALLENGE_ENCODING);
}
END_TEST

/* ---- origin ------------------------------------------------------------------- */

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_client_data_wrong_origin_refused)
{
    static const char *const bad[] = {
        "https://dsg.example.jp/",       /* trailing slash */
        "http://dsg.example.jp",         /* http */
        "https://dsg.example.jp:8443",   /* another port */
        "https://dsg.example.jp:443",    /* the default port spelt out */
        "https://DSG.example.jp",        /* case */
        "https://dsg.example.jp.evil.example",
        "https://evil.example",
        "https://dsg.example.j",
        "",
        "https://dsg.example.jp\\u0000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = check_get(doc("webauthn.get", CHAL_TEXT, bad[i], ""));
        ck_assert_msg(rc == DSG_CD_ERR_ORIGIN, "%s: %d", bad[i], rc);
    }
    char buf[512];
    snprintf(buf, sizeof buf, "{\"type\":\"webauthn.get\",\"challenge\":\"%s\"}", CHAL_TEXT);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_ORIGIN_MISSING);
    snprintf(buf, sizeof buf, "{\"type\":\"webauthn.get\",\"challenge\":\"%s\",\"origin\":{}}",
             CHAL_TEXT);
    ck_assert_int_eq(check_get(buf), DSG_CD_ERR_ORIGIN);
    /* longer than DSG_CD_ORIGIN_MAX */
    char long_origin[300];
    memset(long_origin, 'a', sizeof long_origin - 1);
    long_origin[sizeof long_origin - 1] = '\0';
    ck_assert_int_eq(check_get(doc("webauthn.get", CHAL_TEXT, long_origin, "")), DSG_CD_ERR_ORIGIN);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-004) */
START_TEST(test_client_data_escaped_origin_accepted)
{
    /* "\/" and "\u0073" decode to the expected origin: the same string */
    ck_assert_int_eq(check_get(doc("webauthn.get", CHAL_TEXT, "https:\\/\\/dsg.example.jp", "")),
                     DSG_CD_OK);
    ck_assert_int_eq(check_get(doc("webauthn.get", CHAL_TEXT, "http\\u0073://dsg.example.jp", "")),
                     DSG_CD_OK);
    ck_assert_uint_eq(view.origin_len, strlen(ORIGIN));
    ck_assert(memcmp(view.origin, ORIGIN, strlen(ORIGIN)) == 0);
    /* escapes in the type and the challenge decode too */
    ck_assert_int_eq(check_get(doc("webauthn\\u002eget", "\\u0041AECAwQFBgcICQoLDA0ODxAREhMUFRYX"
                                   "GBkaGxwdHh8", ORIGIN, "")), DSG_CD_OK);
}
END_TEST

/* ---- crossOrigin, topOrigin ------------------------------------------------------ */

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_client_data_cross_origin_refused)
{
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":true")), DSG_CD_ERR_CROSS_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":\"false\"")), DSG_CD_ERR_CROSS_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":null")), DSG_CD_ERR_CROSS_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":0")), DSG_CD_ERR_CROSS_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":false")), DSG_CD_OK);
    ck_assert_int_eq(check_get(good_get(",\"topOrigin\":\"https://dsg.example.jp\"")),
                     DSG_CD_ERR_TOP_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":true,\"topOrigin\":\"https://a.example\"")),
                     DSG_CD_ERR_CROSS_ORIGIN);
    ck_assert_int_eq(check_get(good_get(",\"crossOrigin\":false,\"topOrigin\":null")),
                     DSG_CD_ERR_TOP_ORIGIN);
}
END_TEST

/* ---- accepted ----------------------------------------------------------------- */

/* @relation(REQ-MFA-004, REQ-MFA-019) */
START_TEST(test_client_data_good_get_accepted)
{
    ck_assert_int_eq(check_get(good_get("")), DSG_CD_OK);
    ck_assert_uint_eq(view.type_len, 12);
    ck_assert(memcmp(view.type, "webauthn.get", 12) == 0);
    ck_assert_uint_eq(view.challenge_len, 32);
    ck_assert(memcmp(view.challenge, CHAL, 32) == 0);
    ck_assert_uint_eq(view.challenge_text_len, strlen(CHAL_TEXT));
    ck_assert(memcmp(view.challenge_text, CHAL_TEXT, strlen(CHAL_TEXT)) == 0);
    /* the order of the members does not matter, white space neither */
    char buf[512];
    snprintf(buf, sizeof buf, " {\r\n \"origin\" : \"%s\",\t\"challenge\":\"%s\", \"type\":"
             "\"webauthn.get\"}\n", ORIGIN, CHAL_TEXT);
    ck_assert_int_eq(check_get(buf), DSG_CD_OK);
}
END_TEST

/* @relation(REQ-MFA-003, REQ-MFA-019) */
START_TEST(test_client_data_good_create_accepted)
{
    ck_assert_int_eq(check_as(doc("webauthn.create", CHAL_TEXT, ORIGIN, ",\"crossOrigin\":false"),
                              DSG_CD_CREATE), DSG_CD_OK);
    ck_assert_uint_eq(view.type_len, 15);
    ck_assert(memcmp(view.type, "webauthn.create", 15) == 0);
}
END_TEST

/* @relation(REQ-MFA-019, REQ-MFA-004) */
START_TEST(test_client_data_unknown_members_ignored)
{
    /* a browser's own additions, tokenBinding even when "present" (not
     * used by the portal), long names, nested values */
    ck_assert_int_eq(check_get(good_get(",\"other_keys_can_be_added_here\":\"do not compare "
                                        "clientDataJSON against a template. See https://goo.gl/"
                                        "yabPex\"")), DSG_CD_OK);
    ck_assert_int_eq(check_get(good_get(",\"tokenBinding\":{\"status\":\"present\",\"id\":\"AAAA\"}")),
                     DSG_CD_OK);
    ck_assert_int_eq(check_get(good_get(",\"tokenBinding\":{\"status\":\"supported\"}")), DSG_CD_OK);
    ck_assert_int_eq(check_get(good_get(",\"x\":[{\"challenge\":\"AAAA\",\"origin\":\"x\"}],"
                                        "\"y\":null,\"z\":-1.5e3")), DSG_CD_OK);
    /* a value that looks like a name */
    ck_assert_int_eq(check_get(good_get(",\"n\":\"topOrigin\"")), DSG_CD_OK);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_client_data_error_tokens_distinct)
{
    for (int a = DSG_CD_OK; a <= DSG_CD_ERR_TOP_ORIGIN; a++) {
        ck_assert_str_ne(dsg_client_data_error_token(a), "unknown");
        for (int b = a + 1; b <= DSG_CD_ERR_TOP_ORIGIN; b++)
            ck_assert_str_ne(dsg_client_data_error_token(a), dsg_client_data_error_token(b));
    }
    ck_assert_str_eq(dsg_client_data_error_token(-1), "unknown");
    ck_assert_str_eq(dsg_client_data_error_token(DSG_CD_ERR_TOP_ORIGIN + 1), "unknown");
    ck_assert_str_eq(dsg_client_data_error_token(DSG_CD_ERR_ORIGIN), "wrong-origin");
}
END_TEST

Suite *suite_client_data(void)
{
    Suite *s = suite_create("client_data");
    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, setup, NULL);
    tcase_add_test(bad, test_client_data_bad_expectations_refused);
    tcase_add_test(bad, test_client_data_not_json_refused);
    tcase_add_test(bad, test_client_data_limits_refused);
    tcase_add_test(bad, test_client_data_not_object_refused);
    tcase_add_test(bad, test_client_data_duplicate_key_refused);
    tcase_add_test(bad, test_client_data_wrong_type_refused);
    tcase_add_test(bad, test_client_data_challenge_one_bit_off_refused);
    tcase_add_test(bad, test_client_data_challenge_padding_or_std_alphabet_refused);
    tcase_add_test(bad, test_client_data_challenge_missing_or_not_string_refused);
    tcase_add_test(bad, test_client_data_wrong_origin_refused);
    tcase_add_test(bad, test_client_data_cross_origin_refused);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("accepted");
    tcase_add_checked_fixture(good, setup, NULL);
    tcase_add_test(good, test_client_data_escaped_origin_accepted);
    tcase_add_test(good, test_client_data_good_get_accepted);
    tcase_add_test(good, test_client_data_good_create_accepted);
    tcase_add_test(good, test_client_data_unknown_members_ignored);
    tcase_add_test(good, test_client_data_error_tokens_distinct);
    suite_add_tcase(s, good);
    return s;
}
