/*
 * Unit tests of the Accept-Language parser and chooser
 * (src/core/accept_lang.h): REQ-SHARE-023, the portal's language.
 *
 * Bad input first: a malformed list of supported tags or default, the
 * length and element limits, garbage elements (skipped), q=0; then the
 * headers real browsers send in Japanese and English locales, q ties,
 * case, whitespace and subtag boundaries; then, over many generated
 * headers, that the choice is always a supported index.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/accept_lang.h"

Suite *suite_accept_lang(void);

enum { JA, EN };

/* The portal's list: Japanese (the default) and English. */
static const dsg_al_lang portal[] = { { "ja", 2 }, { "en", 2 } };

static dsg_al_status choose(const char *h, size_t dflt, size_t *choice)
{
    *choice = 77;
    dsg_al_status st = dsg_al_select(h, strlen(h), portal, 2, dflt, choice);
    ck_assert_uint_lt(*choice, 2);
    return st;
}

static void expect_choice(const char *h, dsg_al_status want, size_t lang)
{
    size_t c = 0;
    dsg_al_status st = choose(h, JA, &c);
    ck_assert_msg(st == want && c == lang, "\"%s\": status %s choice %zu, want %s %zu", h,
                  dsg_al_status_token(st), c, dsg_al_status_token(want), lang);
}

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_malformed_supported_list_is_refused)
{
    dsg_al_lang bad[DSG_AL_LANGS_MAX + 1];
    for (size_t k = 0; k <= DSG_AL_LANGS_MAX; k++)
        bad[k] = portal[k % 2];
    size_t c = 42;
    const char *h = "ja";
    ck_assert_int_eq(dsg_al_select(h, 2, bad, 0, 0, &c), DSG_AL_ERR_ARGS);
    ck_assert_int_eq(dsg_al_select(h, 2, bad, DSG_AL_LANGS_MAX + 1, 0, &c), DSG_AL_ERR_ARGS);
    ck_assert_int_eq(dsg_al_select(h, 2, bad, 2, 2, &c), DSG_AL_ERR_ARGS);   /* default */
    bad[1].len = 0;
    ck_assert_int_eq(dsg_al_select(h, 2, bad, 2, 0, &c), DSG_AL_ERR_ARGS);
    bad[1].len = DSG_AL_TAG_MAX + 1;
    ck_assert_int_eq(dsg_al_select(h, 2, bad, 2, 0, &c), DSG_AL_ERR_ARGS);
    ck_assert_uint_eq(c, 42);
    ck_assert_int_eq(dsg_al_langs_is_valid(bad, 2), 0);
    bad[1].len = DSG_AL_TAG_MAX;
    ck_assert_int_eq(dsg_al_langs_is_valid(bad, 2), 1);
    ck_assert_int_eq(dsg_al_langs_is_valid(bad, DSG_AL_LANGS_MAX), 1);
    /* a range outside the header is refused by the chooser */
    dsg_al_range r = { 1, 2, 1000 };
    size_t which = 9;
    ck_assert_int_eq(dsg_al_choose(h, 2, &r, 1, portal, 2, 0, &c, &which), DSG_AL_ERR_ARGS);
    r = (dsg_al_range){ 0, 2, 1001 };
    ck_assert_int_eq(dsg_al_choose(h, 2, &r, 1, portal, 2, 0, &c, &which), DSG_AL_ERR_ARGS);
    ck_assert_uint_eq(c, 42);
    ck_assert_uint_eq(which, 9);
    ck_assert_str_eq(dsg_al_status_token(DSG_AL_ERR_ARGS), "bad-args");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_length_limit)
{
    char h[DSG_AL_LEN_MAX + 2];
    memset(h, ' ', sizeof h);
    memcpy(h, "en", 2);
    h[DSG_AL_LEN_MAX] = '\0';
    expect_choice(h, DSG_AL_MATCHED, EN);   /* exactly the limit */
    h[DSG_AL_LEN_MAX] = ' ';
    h[DSG_AL_LEN_MAX + 1] = '\0';
    expect_choice(h, DSG_AL_ERR_TOO_LONG, JA);
    size_t c = 0;
    ck_assert_int_eq(choose(h, EN, &c), DSG_AL_ERR_TOO_LONG);
    ck_assert_uint_eq(c, EN);   /* the default, whichever it is */
    ck_assert_str_eq(dsg_al_status_token(DSG_AL_ERR_TOO_LONG), "too-long");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_element_limit)
{
    char h[512] = "";
    for (unsigned k = 0; k < DSG_AL_ELEMS_MAX; k++)
        strcat(h, k % 2 ? "en;q=0.5," : "x-y-z-1!,");   /* half malformed */
    expect_choice(h, DSG_AL_MATCHED, EN);   /* 32 elements and a trailing empty one */
    strcat(h, ",, ,");
    expect_choice(h, DSG_AL_MATCHED, EN);   /* empty elements do not count */
    strcat(h, "en");
    expect_choice(h, DSG_AL_ERR_TOO_MANY, JA);
    /* a caller's array smaller than the ranges */
    dsg_al_range r[2];
    size_t count = 9, skipped = 9;
    const char *three = "ja,en,fr";
    ck_assert_int_eq(dsg_al_parse(three, strlen(three), r, 2, &count, &skipped),
                     DSG_AL_ERR_TOO_MANY);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_str_eq(dsg_al_status_token(DSG_AL_ERR_TOO_MANY), "too-many");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_garbage_elements_are_skipped)
{
    static const char *const garbage[] = {
        "\x01", "\xff", "\xe6\x97\xa5\xe6\x9c\xac",   /* 日本 */
        "en;q=2", "en;q=1.001", "en;q=0.1234", "en;q=", "en;q", "en;", "en;x=1",
        "en;q=0.5;q=0.5", "en q=0.5", "en;q = 0.5", "en;q=.5", "en;q=-1", "en-", "-en",
        "en--us", "e1", "1en", "toolongtag", "en-123456789", "en_US", "\"en\"", "en;level=1",
        "**", "*-en", "en*",
    };
    for (size_t k = 0; k < sizeof garbage / sizeof garbage[0]; k++) {
        char h[64];
        snprintf(h, sizeof h, "%s", garbage[k]);
        expect_choice(h, DSG_AL_DEFAULT, JA);
        /* and the well-formed elements beside it still count */
        snprintf(h, sizeof h, "%s, en;q=0.1", garbage[k]);
        expect_choice(h, DSG_AL_MATCHED, EN);
        dsg_al_range r[4];
        size_t count = 0, skipped = 0;
        ck_assert_int_eq(dsg_al_parse(h, strlen(h), r, 4, &count, &skipped),
                         DSG_AL_OK);
        ck_assert_uint_eq(count, 1);
        ck_assert_uint_eq(skipped, 1);
    }
    expect_choice("", DSG_AL_DEFAULT, JA);
    expect_choice(" , ,\t", DSG_AL_DEFAULT, JA);
    ck_assert_str_eq(dsg_al_status_token(DSG_AL_DEFAULT), "default");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_q_zero_is_not_acceptable)
{
    expect_choice("en;q=0", DSG_AL_DEFAULT, JA);
    expect_choice("ja;q=0, en;q=0.1", DSG_AL_MATCHED, EN);
    expect_choice("en;q=0.9, en-US;q=0", DSG_AL_MATCHED, EN);   /* en-US;q=0 leaves en */
    expect_choice("en-US;q=0.9, en;q=0", DSG_AL_DEFAULT, JA);  /* en;q=0 refuses en */
    expect_choice("ja;q=0, *", DSG_AL_DEFAULT, JA);                  /* "*" offers only the default */
    expect_choice("ja;q=0.000, *;q=0.5, en;q=0.1", DSG_AL_MATCHED, EN);
    expect_choice("*;q=0", DSG_AL_DEFAULT, JA);
    expect_choice("*;q=0, en", DSG_AL_MATCHED, EN);
    /* when every supported tag is refused the default is still shown */
    expect_choice("ja;q=0,en;q=0", DSG_AL_DEFAULT, JA);
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_star)
{
    expect_choice("*", DSG_AL_MATCHED, JA);
    expect_choice("*;q=0.1", DSG_AL_MATCHED, JA);
    expect_choice("fr, *;q=0.1", DSG_AL_MATCHED, JA);
    expect_choice("fr, en;q=0.5, *;q=0.1", DSG_AL_MATCHED, EN);
    expect_choice("fr, *;q=0.5, en;q=0.1", DSG_AL_MATCHED, JA);
    size_t c = 0;
    ck_assert_int_eq(choose("de-DE, *;q=0.5", EN, &c), DSG_AL_MATCHED);
    ck_assert_uint_eq(c, EN);
}
END_TEST

/* Headers as Chrome, Edge, Firefox and Safari send them. */
/* @relation(REQ-SHARE-023) */
START_TEST(test_al_browser_headers)
{
    expect_choice("ja,en-US;q=0.9,en;q=0.8", DSG_AL_MATCHED, JA);              /* Chrome ja */
    expect_choice("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", DSG_AL_MATCHED, JA);  /* Chrome Windows ja */
    expect_choice("en-US,en;q=0.9", DSG_AL_MATCHED, EN);                       /* Chrome en */
    expect_choice("en-US,en;q=0.9,ja;q=0.8", DSG_AL_MATCHED, EN);
    expect_choice("ja,en;q=0.9,en-GB;q=0.8,en-US;q=0.7", DSG_AL_MATCHED, JA);  /* Edge ja */
    expect_choice("ja,en-US;q=0.7,en;q=0.3", DSG_AL_MATCHED, JA);              /* Firefox ja */
    expect_choice("en-US,en;q=0.5", DSG_AL_MATCHED, EN);                       /* Firefox en */
    expect_choice("en-GB,en;q=0.8,ja;q=0.5,fr;q=0.3", DSG_AL_MATCHED, EN);
    expect_choice("ja", DSG_AL_MATCHED, JA);                                   /* Safari macOS ja */
    expect_choice("ja-JP", DSG_AL_MATCHED, JA);                                /* older Safari ja */
    expect_choice("ja-jp", DSG_AL_MATCHED, JA);
    expect_choice("en-us", DSG_AL_MATCHED, EN);                                /* older Safari en */
    expect_choice("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", DSG_AL_MATCHED, EN);
    expect_choice("zh-CN,zh;q=0.9", DSG_AL_DEFAULT, JA);
    ck_assert_str_eq(dsg_al_status_token(DSG_AL_MATCHED), "matched");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_q_order_and_ties)
{
    expect_choice("en;q=0.5, ja;q=0.5", DSG_AL_MATCHED, EN);
    expect_choice("ja;q=0.5, en;q=0.5", DSG_AL_MATCHED, JA);
    expect_choice("ja;q=0.499, en;q=0.5", DSG_AL_MATCHED, EN);
    expect_choice("en;q=0.001, ja;q=0", DSG_AL_MATCHED, EN);
    expect_choice("ja;q=0.9, en", DSG_AL_MATCHED, EN);          /* no weight is q=1 */
    expect_choice("en;q=1.000, ja;q=1", DSG_AL_MATCHED, EN);
    expect_choice("ja;Q=0.8, en;q=0.7", DSG_AL_MATCHED, JA);    /* "q" in either case */
    dsg_al_range r[8];
    size_t count = 0, skipped = 0;
    const char *h = "ja-JP,ja;q=0.9,en;q=0.8,fr;q=0.05,de;q=0.,it;q=1.,*;q=0.123";
    ck_assert_int_eq(dsg_al_parse(h, strlen(h), r, 8, &count, &skipped),
                     DSG_AL_OK);
    ck_assert_uint_eq(count, 7);
    ck_assert_uint_eq(skipped, 0);
    static const unsigned q[] = { 1000, 900, 800, 50, 0, 1000, 123 };
    static const size_t off[] = { 0, 6, 15, 24, 34, 42, 50 }, len[] = { 5, 2, 2, 2, 2, 2, 1 };
    for (size_t k = 0; k < 7; k++) {
        ck_assert_uint_eq(r[k].q, q[k]);
        ck_assert_uint_eq(r[k].off, off[k]);
        ck_assert_uint_eq(r[k].len, len[k]);
    }
    size_t c = 0, which = 0;
    ck_assert_int_eq(dsg_al_choose(h, strlen(h), r, count, portal, 2, EN, &c,
                                   &which),
                     DSG_AL_MATCHED);
    ck_assert_uint_eq(c, JA);
    ck_assert_uint_eq(which, 0);
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_case_whitespace_and_boundaries)
{
    expect_choice("EN", DSG_AL_MATCHED, EN);
    expect_choice("  \ten-Latn-US \t ;\t q=0.5 \t,ja;q=0.4", DSG_AL_MATCHED, EN);
    expect_choice(",,en,,", DSG_AL_MATCHED, EN);
    expect_choice("eng", DSG_AL_DEFAULT, JA);        /* not a prefix at a '-' */
    expect_choice("english", DSG_AL_DEFAULT, JA);
    expect_choice("jav, en;q=0.2", DSG_AL_MATCHED, EN);
    expect_choice("e", DSG_AL_DEFAULT, JA);
    /* a range shorter than a supported tag matches it at a '-' */
    static const dsg_al_lang regional[] = { { "ja-JP", 5 }, { "en-GB", 5 }, { "en-US", 5 } };
    size_t c = 0;
    const char *h = "fr, en;q=0.9";
    ck_assert_int_eq(dsg_al_select(h, strlen(h), regional, 3, 0, &c),
                     DSG_AL_MATCHED);
    ck_assert_uint_eq(c, 1);   /* the first tag it matches */
    h = "en-us;q=0.9, en-gb;q=0.8";
    ck_assert_int_eq(dsg_al_select(h, strlen(h), regional, 3, 0, &c),
                     DSG_AL_MATCHED);
    ck_assert_uint_eq(c, 2);
    h = "en-u";
    ck_assert_int_eq(dsg_al_select(h, strlen(h), regional, 3, 0, &c),
                     DSG_AL_DEFAULT);
    ck_assert_uint_eq(c, 0);
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_al_many_headers_choose_a_supported_tag)
{
    static const char *const pieces[] = { "ja", "en", "en-US", "ja-JP", "*", "fr", ";q=0",
                                          ";q=0.5", ";q=1", ",", " ", "-", ";", "q", "=",
                                          "\t", "0.9", "x", "\xe6\x97\xa5", "EN" };
    unsigned seed = 4242;
    int in_range = 1, dflt_ok = 1;
    for (int round = 0; round < 5000; round++) {
        char h[256] = "";
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 16;
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            strcat(h, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        size_t dflt = (size_t)(seed >> 8) % 2, c = 99;
        dsg_al_status st =
            dsg_al_select(h, strlen(h), portal, 2, dflt, &c);
        in_range &= c < 2 && (st == DSG_AL_MATCHED || st == DSG_AL_DEFAULT);
        dflt_ok &= st != DSG_AL_DEFAULT || c == dflt;
    }
    ck_assert(in_range);
    ck_assert(dflt_ok);
}
END_TEST

Suite *suite_accept_lang(void)
{
    Suite *s = suite_create("accept_lang");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_al_malformed_supported_list_is_refused);
    tcase_add_test(bad, test_al_length_limit);
    tcase_add_test(bad, test_al_element_limit);
    tcase_add_test(bad, test_al_garbage_elements_are_skipped);
    tcase_add_test(bad, test_al_q_zero_is_not_acceptable);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("choices");
    tcase_add_test(ok, test_al_star);
    tcase_add_test(ok, test_al_browser_headers);
    tcase_add_test(ok, test_al_q_order_and_ties);
    tcase_add_test(ok, test_al_case_whitespace_and_boundaries);
    tcase_add_test(ok, test_al_many_headers_choose_a_supported_tag);
    suite_add_tcase(s, ok);
    return s;
}
