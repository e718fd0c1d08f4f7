/*
 * Unit tests of the password policy (src/auth/pw_policy.h): REQ-MFA-007.
 *
 * Bad arguments first, then each rule at its limits, then the
 * common-password list against its source file, then properties over many
 * inputs. String literals are split after a \x escape followed by a
 * character that could be read as a hex digit.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pw_policy.h"
#include "core/utf8.h"

#ifndef DSG_SOURCE_DIR
#error "DSG_SOURCE_DIR must name the source tree (the build passes it)"
#endif

#define LIST_PATH DSG_SOURCE_DIR "/src/auth/common_passwords.txt"

Suite *suite_pw_policy(void);

/* ---- helpers ------------------------------------------------------------ */

static const dsg_pw_policy default_policy = { 12u, 128u, 3u };

static uint32_t check_str(const dsg_pw_policy *p, const char *pw, size_t len,
                          const char *uid)
{
    return dsg_pw_check(p, (const uint8_t *)pw, len, (const uint8_t *)uid, strlen(uid));
}

/* The default policy for user "alice", a NUL-terminated password. */
static uint32_t check_default(const char *pw)
{
    return check_str(&default_policy, pw, strlen(pw), "alice");
}

static int listed(const char *pw)
{
    return dsg_pw_listed(dsg_pw_common, DSG_PW_COMMON_COUNT,
                         (const uint8_t *)pw, strlen(pw));
}

/* n copies of the UTF-8 text unit into buf; the total length. */
static size_t repeat(char *buf, size_t cap, const char *unit, size_t n)
{
    size_t u = strlen(unit), o = 0;
    for (size_t i = 0; i < n && o + u < cap; i++, o += u)
        memcpy(buf + o, unit, u);
    buf[o] = '\0';
    return o;
}

/* ---- bad arguments ------------------------------------------------------ */

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_out_of_range_is_refused)
{
    static const dsg_pw_policy bad[] = {
        { 7u, 128u, 3u },      /* min under NIST's 8 */
        { 0u, 128u, 3u },
        { 65u, 64u, 3u },      /* min above max */
        { 12u, 63u, 3u },      /* max under the 64 NIST requires */
        { 12u, 1025u, 3u },    /* max over the ceiling */
        { 12u, 128u, 5u },     /* five of four classes */
        { 12u, 128u, UINT32_MAX },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dsg_pw_policy_is_valid(&bad[i]), 0);
        ck_assert_uint_eq(check_str(&bad[i], "Correct-Horse-42", 16, "alice"),
                          DSG_PW_BAD_ARGS);
    }
    static const dsg_pw_policy good[] = {
        { 8u, 64u, 0u }, { 12u, 128u, 3u }, { 1024u, 1024u, 4u }, { 64u, 64u, 4u },
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_int_eq(dsg_pw_policy_is_valid(&good[i]), 1);
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_bad_user_id_is_refused)
{
    char uid[DSG_PW_USER_ID_MAX + 2];
    memset(uid, 'u', sizeof uid - 1);
    uid[sizeof uid - 1] = '\0';
    ck_assert_uint_eq(check_str(&default_policy, "Correct-Horse-42", 16, ""),
                      DSG_PW_BAD_ARGS);
    ck_assert_uint_eq(check_str(&default_policy, "Correct-Horse-42", 16, uid),
                      DSG_PW_BAD_ARGS);
    uid[DSG_PW_USER_ID_MAX] = '\0';   /* exactly the longest user ID */
    ck_assert_uint_eq(check_str(&default_policy, "Correct-Horse-42", 16, uid), 0);
}
END_TEST

/* ---- each rule ------------------------------------------------------------ */

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_empty_breaks_length_and_classes)
{
    ck_assert_uint_eq(check_default(""), DSG_PW_TOO_SHORT | DSG_PW_FEW_CLASSES);
}
END_TEST

/* Lengths are code points: 2-, 3- and 4-byte characters count as one. */
/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_length_counts_code_points)
{
    static const char *units[] = { "a", "\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x94\x91" };
    char buf[4 * 200 + 1];
    const dsg_pw_policy p = { 12u, 64u, 0u };
    for (size_t u = 0; u < 4; u++) {
        size_t len = repeat(buf, sizeof buf, units[u], 11);
        ck_assert_uint_eq(check_str(&p, buf, len, "zed") & ~DSG_PW_USER_ID, DSG_PW_TOO_SHORT);
        len = repeat(buf, sizeof buf, units[u], 12);
        ck_assert_uint_eq(check_str(&p, buf, len, "zed"), 0);
        len = repeat(buf, sizeof buf, units[u], 64);
        ck_assert_uint_eq(check_str(&p, buf, len, "zed"), 0);
        len = repeat(buf, sizeof buf, units[u], 65);
        ck_assert_uint_eq(check_str(&p, buf, len, "zed"), DSG_PW_TOO_LONG);
    }
    /* 12 bytes but 4 characters: too short */
    ck_assert_uint_eq(check_str(&p, "\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5\xE6\x97\xA5", 12, "zed"),
                      DSG_PW_TOO_SHORT);
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_classes_are_counted)
{
    const dsg_pw_policy p4 = { 8u, 64u, 4u };
    ck_assert_uint_eq(check_str(&p4, "abcdefgh", 8, "zed"), DSG_PW_FEW_CLASSES);
    ck_assert_uint_eq(check_str(&p4, "abcdEFGH", 8, "zed"), DSG_PW_FEW_CLASSES);
    ck_assert_uint_eq(check_str(&p4, "abcdEF12", 8, "zed"), DSG_PW_FEW_CLASSES);
    ck_assert_uint_eq(check_str(&p4, "abcdEF1!", 8, "zed"), 0);
    ck_assert_uint_eq(check_str(&p4, "abcdEF1 ", 8, "zed"), 0);   /* space is other */
    /* a non-ASCII letter is "other", not upper or lower */
    ck_assert_uint_eq(check_str(&p4, "abcdEF1\xC3\xA9", 9, "zed"), 0);
    ck_assert_uint_eq(check_str(&p4, "ABCDEF1\xC3\xA9", 9, "zed"), DSG_PW_FEW_CLASSES);
    const dsg_pw_policy p3 = { 8u, 64u, 3u };
    ck_assert_uint_eq(check_str(&p3, "abcdEF12", 8, "zed"), 0);
    ck_assert_uint_eq(check_str(&p3, "12345678!", 9, "zed"), DSG_PW_FEW_CLASSES);
    const dsg_pw_policy p0 = { 8u, 64u, 0u };
    ck_assert_uint_eq(check_str(&p0, "qqqqqqqqqq", 10, "zed"), 0);
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_user_id_in_any_case)
{
    ck_assert_uint_eq(check_default("Xy-alice-2024"), DSG_PW_USER_ID);
    ck_assert_uint_eq(check_default("Xy-ALICE-2024"), DSG_PW_USER_ID);
    ck_assert_uint_eq(check_default("Xy-aLiCe-2024"), DSG_PW_USER_ID);
    ck_assert_uint_eq(check_default("Alice-in-2024"), DSG_PW_USER_ID);   /* at the start */
    ck_assert_uint_eq(check_default("In-2024-Alice"), DSG_PW_USER_ID);   /* at the end */
    ck_assert_uint_eq(check_default("Xy-alic-2024e"), 0);                /* split */
    /* the user ID folded too, and the whole password may be the ID */
    const dsg_pw_policy p = { 8u, 64u, 0u };
    ck_assert_uint_eq(check_str(&p, "bob.smith1", 10, "Bob.Smith1"), DSG_PW_USER_ID);
    ck_assert_uint_eq(check_str(&p, "bob.smit", 8, "Bob.Smith1"), 0);   /* shorter */
    /* only ASCII folds: no match through a non-ASCII look-alike */
    ck_assert_uint_eq(check_str(&p, "\xC3\x85lice-2024", 11, "alice"), 0);
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_common_password_in_any_case)
{
    const dsg_pw_policy p = { 8u, 64u, 0u };
    ck_assert_uint_eq(check_str(&p, "password", 8, "zed"), DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "PassWord", 8, "zed"), DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "PASSWORD", 8, "zed"), DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "12345678", 8, "zed"), DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "password!", 9, "zed"), 0);
    ck_assert_uint_eq(check_str(&p, "passwor", 7, "zed"), DSG_PW_TOO_SHORT);
    /* the first and last words of the table, and one past them */
    ck_assert_int_eq(listed("!@#$%"), 1);
    ck_assert_int_eq(listed("zzz"), 1);
    ck_assert_int_eq(listed("zzzz"), 0);
    ck_assert_int_eq(listed(" "), 0);
    ck_assert_int_eq(listed(""), 0);
    ck_assert_int_eq(listed("0123456789abcdefg"), 0);   /* over DSG_PW_WORD_MAX */
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_invalid_utf8_is_refused)
{
    static const struct { const char *s; size_t len; } bad[] = {
        { "Abcdefgh12\x80", 11 },              /* stray continuation */
        { "Abcdefgh12\xC3", 11 },              /* cut short */
        { "Abcdefgh12\xC0\xAF", 12 },          /* overlong */
        { "Abcdefgh12\xED\xA0\x80", 13 },      /* surrogate */
        { "Abcdefgh12\xF4\x90\x80\x80", 14 },  /* above U+10FFFF */
        { "Abcdefgh12\xFF", 11 },
    };
    const dsg_pw_policy p = { 8u, 64u, 3u };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint32_t r = check_str(&p, bad[i].s, bad[i].len, "zed");
        ck_assert_msg(r & DSG_PW_BAD_UTF8, "case %zu: 0x%x", i, (unsigned)r);
        ck_assert_msg((r & ~(DSG_PW_BAD_UTF8 | DSG_PW_CONTROL)) == 0, "case %zu: 0x%x", i,
                      (unsigned)r);
    }
    /* the largest code point and the last before the surrogates are fine */
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\xF4\x8F\xBF\xBF", 14, "zed"), 0);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\xED\x9F\xBF", 13, "zed"), 0);
}
END_TEST

/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_control_and_nul_are_refused)
{
    const dsg_pw_policy p = { 8u, 64u, 3u };
    ck_assert_uint_eq(check_str(&p, "Abcdefgh\0" "12", 11, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "\0" "Abcdefgh12", 11, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\x1F", 11, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\t", 11, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\x7F", 11, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\xC2\x80", 12, "zed"), DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\xC2\x9F", 12, "zed"), DSG_PW_CONTROL);
    /* U+00A0 (no-break space) and ~ are not controls */
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12\xC2\xA0", 12, "zed"), 0);
    ck_assert_uint_eq(check_str(&p, "Abcdefgh12~", 11, "zed"), 0);
}
END_TEST

/* Every broken rule is named at once. */
/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_every_rule_is_named)
{
    const dsg_pw_policy p = { 12u, 64u, 4u };
    /* "alice" is also on the common list */
    ck_assert_uint_eq(check_str(&p, "ALICE", 5, "alice"),
                      DSG_PW_TOO_SHORT | DSG_PW_FEW_CLASSES | DSG_PW_USER_ID | DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "PassWord", 8, "zed"),
                      DSG_PW_TOO_SHORT | DSG_PW_FEW_CLASSES | DSG_PW_COMMON);
    ck_assert_uint_eq(check_str(&p, "alice\x01\xFF", 7, "alice"),
                      DSG_PW_TOO_SHORT | DSG_PW_FEW_CLASSES | DSG_PW_USER_ID |
                      DSG_PW_BAD_UTF8 | DSG_PW_CONTROL);
    ck_assert_uint_eq(check_str(&p, "Correct-Horse-42", 16, "alice"), 0);
}
END_TEST

/* ---- the common-password list ------------------------------------------- */

/* The table is usable by the binary search (sorted, no duplicates). */
/* @relation(REQ-MFA-007) */
START_TEST(test_pw_common_table_is_sorted)
{
    ck_assert_int_eq(dsg_pw_list_is_sorted(dsg_pw_common, DSG_PW_COMMON_COUNT), 1);
    for (size_t i = 0; i < DSG_PW_COMMON_COUNT; i++) {
        ck_assert_uint_ge(dsg_pw_common[i].len, 1u);
        for (size_t k = 0; k < dsg_pw_common[i].len; k++)
            ck_assert(!(dsg_pw_common[i].text[k] >= 'A' && dsg_pw_common[i].text[k] <= 'Z'));
    }
    /* the C twin says no to a table out of order, or with a duplicate */
    dsg_pw_word w[3] = { { 1, "a" }, { 2, "ab" }, { 1, "b" } };
    ck_assert_int_eq(dsg_pw_list_is_sorted(w, 3), 1);
    w[2] = w[1];
    ck_assert_int_eq(dsg_pw_list_is_sorted(w, 3), 0);
    w[2].len = 16;
    ck_assert_int_eq(dsg_pw_list_is_sorted(w, 3), 0);
    dsg_pw_word v[2] = { { 1, "b" }, { 1, "a" } };
    ck_assert_int_eq(dsg_pw_list_is_sorted(v, 2), 0);
    ck_assert_int_eq(dsg_pw_list_is_sorted(v, 0), 1);
}
END_TEST

/* The generated table equals the shipped list: every word of
 * common_passwords.txt, folded, is found, and the table holds exactly as
 * many distinct words (so the generated file is up to date). */
/* @relation(REQ-MFA-007) */
START_TEST(test_pw_common_table_matches_list)
{
    FILE *f = fopen(LIST_PATH, "r");
    ck_assert_msg(f != NULL, "cannot open %s", LIST_PATH);
    static char words[DSG_PW_COMMON_COUNT + 100][DSG_PW_WORD_MAX + 1];
    size_t n = 0;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        size_t len = strcspn(line, "\n");
        line[len] = '\0';
        if (len == 0 || strncmp(line, "#!comment", 9) == 0)
            continue;
        ck_assert_msg(len <= DSG_PW_WORD_MAX, "word too long: %s", line);
        ck_assert_msg(listed(line) == 1, "not in the table: %s", line);
        for (size_t k = 0; k < len; k++)
            if (line[k] >= 'A' && line[k] <= 'Z')
                line[k] = (char)(line[k] + 32);
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp(words[i], line) == 0;
        if (!seen) {
            ck_assert_uint_lt(n, DSG_PW_COMMON_COUNT + 100);
            memcpy(words[n++], line, len + 1);
        }
    }
    fclose(f);
    ck_assert_uint_eq(n, DSG_PW_COMMON_COUNT);
}
END_TEST

/* ---- properties ---------------------------------------------------------- */

/* The character count of the policy agrees with the proved decoder on
 * well-formed UTF-8: lengths around the limits, random code points. */
/* @relation(REQ-MFA-007) */
START_TEST(test_pw_policy_length_agrees_with_decoder)
{
    srand(7);
    const dsg_pw_policy p = { 8u, 64u, 0u };
    for (int round = 0; round < 2000; round++) {
        uint8_t buf[4 * 80];
        size_t len = 0, chars = (size_t)(rand() % 72);
        for (size_t c = 0; c < chars; c++) {
            uint32_t cp;
            do
                cp = (uint32_t)rand() % 0x110000u;
            while ((cp >= 0xD800u && cp <= 0xDFFFu) || cp < 0xA0u);
            if (cp < 0x800u) {
                buf[len++] = (uint8_t)(0xC0u | (cp >> 6));
                buf[len++] = (uint8_t)(0x80u | (cp & 0x3Fu));
            } else if (cp < 0x10000u) {
                buf[len++] = (uint8_t)(0xE0u | (cp >> 12));
                buf[len++] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
                buf[len++] = (uint8_t)(0x80u | (cp & 0x3Fu));
            } else {
                buf[len++] = (uint8_t)(0xF0u | (cp >> 18));
                buf[len++] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
                buf[len++] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
                buf[len++] = (uint8_t)(0x80u | (cp & 0x3Fu));
            }
        }
        size_t decoded = 0, pos = 0;
        uint32_t cp;
        while (pos < len) {
            size_t step = dsg_utf8_decode(buf, len, pos, &cp);
            ck_assert_uint_gt(step, 0);
            pos += step;
            decoded++;
        }
        ck_assert_uint_eq(decoded, chars);
        uint32_t r = dsg_pw_check(&p, buf, len, (const uint8_t *)"zed", 3);
        ck_assert_uint_eq((r & DSG_PW_TOO_SHORT) != 0, chars < 8);
        ck_assert_uint_eq((r & DSG_PW_TOO_LONG) != 0, chars > 64);
        ck_assert_uint_eq(r & DSG_PW_BAD_UTF8, 0);
    }
}
END_TEST

Suite *suite_pw_policy(void)
{
    Suite *s = suite_create("pw_policy");
    TCase *bad = tcase_create("bad_arguments");
    tcase_add_test(bad, test_pw_policy_out_of_range_is_refused);
    tcase_add_test(bad, test_pw_policy_bad_user_id_is_refused);
    suite_add_tcase(s, bad);

    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, test_pw_policy_empty_breaks_length_and_classes);
    tcase_add_test(rules, test_pw_policy_length_counts_code_points);
    tcase_add_test(rules, test_pw_policy_classes_are_counted);
    tcase_add_test(rules, test_pw_policy_user_id_in_any_case);
    tcase_add_test(rules, test_pw_policy_common_password_in_any_case);
    tcase_add_test(rules, test_pw_policy_invalid_utf8_is_refused);
    tcase_add_test(rules, test_pw_policy_control_and_nul_are_refused);
    tcase_add_test(rules, test_pw_policy_every_rule_is_named);
    suite_add_tcase(s, rules);

    TCase *list = tcase_create("common_list");
    tcase_add_test(list, test_pw_common_table_is_sorted);
    tcase_add_test(list, test_pw_common_table_matches_list);
    suite_add_tcase(s, list);

    TCase *props = tcase_create("properties");
    tcase_add_test(props, test_pw_policy_length_agrees_with_decoder);
    suite_add_tcase(s, props);
    return s;
}
