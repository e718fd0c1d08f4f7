/*
 * Unit tests of the configuration-line lexer and the typed values
 * (src/core/conf_lex.h): every error with its column first, then the
 * settings, then the typed parsers at their limits.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/conf_lex.h"

Suite *suite_conf_lex(void);

#define POISON ((size_t)0xDEAD)

static void poison(dsg_conf_entry *e)
{
    e->key_off = e->key_len = e->val_off = e->val_len = POISON;
    e->quoted = e->escaped = 0xAA;
    e->err_col = POISON;
}

static dsg_conf_kind classify(const char *s, size_t len, dsg_conf_entry *e)
{
    poison(e);
    return dsg_conf_line(s, len, e);
}

/* An error line: the kind, the column, and nothing else written. */
static void expect_error(const char *s, size_t len, dsg_conf_kind kind, size_t col, int at)
{
    dsg_conf_entry e;
    dsg_conf_kind k = classify(s, len, &e);
    ck_assert_msg(k == kind, "line %d: kind %d, expected %d", at, (int)k, (int)kind);
    ck_assert_msg(e.err_col == col, "line %d: column %zu, expected %zu", at, e.err_col, col);
    ck_assert_msg(e.key_off == POISON && e.key_len == POISON && e.val_off == POISON &&
                      e.val_len == POISON && e.quoted == 0xAA && e.escaped == 0xAA,
                  "line %d: an error wrote more than err_col", at);
}

#define ERR(str, kind, col) expect_error(str, sizeof(str) - 1, kind, col, __LINE__)

/* A setting: key and value as text, and the quoting flags. */
static void expect_setting(const char *s, size_t len, const char *key, const char *val,
                           int quoted, int escaped, int at)
{
    dsg_conf_entry e;
    dsg_conf_kind k = classify(s, len, &e);
    ck_assert_msg(k == DSG_CONF_SETTING, "line %d: kind %d", at, (int)k);
    ck_assert_msg(e.key_len == strlen(key) && memcmp(s + e.key_off, key, e.key_len) == 0,
                  "line %d: key '%.*s'", at, (int)e.key_len, s + e.key_off);
    ck_assert_msg(e.val_len == strlen(val) && memcmp(s + e.val_off, val, e.val_len) == 0,
                  "line %d: value '%.*s'", at, (int)e.val_len, s + e.val_off);
    ck_assert_msg(e.quoted == quoted && e.escaped == escaped, "line %d: flags %d %d", at,
                  e.quoted, e.escaped);
    ck_assert_msg(e.err_col == POISON, "line %d: a setting wrote err_col", at);
}

#define SET(str, key, val, q, esc) expect_setting(str, sizeof(str) - 1, key, val, q, esc, __LINE__)

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_too_long)
{
    static char big[DSG_CONF_LINE_MAX + 2];
    memset(big, 'a', sizeof big);
    memcpy(big, "a = ", 4);
    dsg_conf_entry e;
    ck_assert_int_eq(classify(big, DSG_CONF_LINE_MAX + 1, &e), DSG_CONF_ERR_TOO_LONG);
    ck_assert_uint_eq(e.err_col, DSG_CONF_LINE_MAX);
    /* exactly the limit is fine, and so is the limit plus the CR of a CRLF */
    ck_assert_int_eq(classify(big, DSG_CONF_LINE_MAX, &e), DSG_CONF_SETTING);
    ck_assert_uint_eq(e.val_len, DSG_CONF_LINE_MAX - 4);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_bad_bytes)
{
    ERR("a = b\x01", DSG_CONF_ERR_CONTROL, 5);
    ERR("a = \x7F", DSG_CONF_ERR_CONTROL, 4);
    ERR("a = b\rc", DSG_CONF_ERR_CONTROL, 5);      /* a CR not last */
    ERR("a = b\r\r", DSG_CONF_ERR_CONTROL, 5);     /* only one CR is a line end */
    ERR("a = b\n", DSG_CONF_ERR_CONTROL, 5);       /* an LF inside the line */
    ERR("# x\x00y", DSG_CONF_ERR_CONTROL, 3);      /* even in a comment */
    ERR("a = \xC3", DSG_CONF_ERR_UTF8, 4);         /* cut short */
    ERR("a = \xC0\xAF", DSG_CONF_ERR_UTF8, 4);     /* overlong */
    ERR("a = \xED\xA0\x80", DSG_CONF_ERR_UTF8, 4); /* surrogate */
    ERR("# \xFF", DSG_CONF_ERR_UTF8, 2);
    ERR("a = \"\xF4\x90\x80\x80\"", DSG_CONF_ERR_UTF8, 5);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_bad_key)
{
    ERR("A = 1", DSG_CONF_ERR_KEY, 0);
    ERR("  1a = 1", DSG_CONF_ERR_KEY, 2);
    ERR("_a = 1", DSG_CONF_ERR_KEY, 0);
    ERR("a-b = 1", DSG_CONF_ERR_KEY, 1);
    ERR("aB = 1", DSG_CONF_ERR_KEY, 1);
    ERR("a..b = 1", DSG_CONF_ERR_KEY, 2);
    ERR("a.1 = 1", DSG_CONF_ERR_KEY, 2);
    ERR("a._ = 1", DSG_CONF_ERR_KEY, 2);
    ERR("a. = 1", DSG_CONF_ERR_KEY, 1);
    ERR(".a = 1", DSG_CONF_ERR_KEY, 0);
    ERR("= 1", DSG_CONF_ERR_KEY, 0);
    ERR("\"a\" = 1", DSG_CONF_ERR_KEY, 0);
    /* 64 bytes are fine, 65 are not */
    char k[80];
    memset(k, 'a', sizeof k);
    memcpy(k + 64, "=1", 2);
    dsg_conf_entry e;
    ck_assert_int_eq(classify(k, 66, &e), DSG_CONF_SETTING);
    ck_assert_uint_eq(e.key_len, 64);
    memset(k, 'a', sizeof k);
    memcpy(k + 65, "=1", 2);
    ck_assert_int_eq(classify(k, 67, &e), DSG_CONF_ERR_KEY_LONG);
    ck_assert_uint_eq(e.err_col, 64);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_missing_parts)
{
    ERR("a", DSG_CONF_ERR_NO_EQUALS, 1);
    ERR("a b = 1", DSG_CONF_ERR_NO_EQUALS, 2);
    ERR("a # = 1", DSG_CONF_ERR_NO_EQUALS, 2);
    ERR("a : 1", DSG_CONF_ERR_NO_EQUALS, 2);
    ERR("a =", DSG_CONF_ERR_NO_VALUE, 3);
    ERR("a =   ", DSG_CONF_ERR_NO_VALUE, 6);
    ERR("a = # c", DSG_CONF_ERR_NO_VALUE, 4);
    ERR("a = =", DSG_CONF_ERR_NO_VALUE, 4);
    ERR("a =\r", DSG_CONF_ERR_NO_VALUE, 3);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_bad_quotes)
{
    ERR("a = \"x", DSG_CONF_ERR_UNTERMINATED, 4);
    ERR("a = \"", DSG_CONF_ERR_UNTERMINATED, 4);
    ERR("a = \"x\\\"", DSG_CONF_ERR_UNTERMINATED, 4);   /* the escaped quote does not close */
    ERR("a = \"x\\", DSG_CONF_ERR_UNTERMINATED, 4);     /* a backslash last */
    ERR("a = \"x\\n\"", DSG_CONF_ERR_ESCAPE, 6);
    ERR("a = \"\\t\"", DSG_CONF_ERR_ESCAPE, 5);
    ERR("a = \"\\'\"", DSG_CONF_ERR_ESCAPE, 5);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_trailing)
{
    ERR("a = b c", DSG_CONF_ERR_TRAILING, 6);
    ERR("a = b=c", DSG_CONF_ERR_TRAILING, 5);
    ERR("a = b\"c\"", DSG_CONF_ERR_TRAILING, 5);
    ERR("a = \"b\"c", DSG_CONF_ERR_TRAILING, 7);
    ERR("a = \"b\" \"c\"", DSG_CONF_ERR_TRAILING, 8);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_blank_and_comment)
{
    const char *blank[] = { "", " ", "\t \t", "#", "# comment", "   # x = y", "\r",
                            "  \r", "#\r", "# \xE6\x97\xA5\xE6\x9C\xAC" };
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        dsg_conf_entry e;
        ck_assert_msg(classify(blank[i], strlen(blank[i]), &e) == DSG_CONF_BLANK, "%zu", i);
        ck_assert_uint_eq(e.err_col, POISON);
        ck_assert_uint_eq(e.key_off, POISON);
    }
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_line_settings)
{
    SET("a=b", "a", "b", 0, 0);
    SET("a = b", "a", "b", 0, 0);
    SET("\t portal.listen\t=\t127.0.0.1:8443 \t", "portal.listen", "127.0.0.1:8443", 0, 0);
    SET("a.b_c.d9 = x # comment", "a.b_c.d9", "x", 0, 0);
    SET("a = x#comment", "a", "x", 0, 0);
    SET("a = b\r", "a", "b", 0, 0);                    /* CRLF */
    SET("a = \"\"", "a", "", 1, 0);                    /* empty quoted */
    SET("a = \"x y # z\"", "a", "x y # z", 1, 0);
    SET("a = \"say \\\"hi\\\"\"", "a", "say \\\"hi\\\"", 1, 1);
    SET("a = \"c:\\\\dir\"  # c", "a", "c:\\\\dir", 1, 1);
    SET("a = \"\\\\\"", "a", "\\\\", 1, 1);
    SET("a = back\\slash", "a", "back\\slash", 0, 0);  /* no escapes in bare words */
    SET("a = \xE6\x97\xA5\xE6\x9C\xAC", "a", "\xE6\x97\xA5\xE6\x9C\xAC", 0, 0);
    SET("a = \"'single'\"\r", "a", "'single'", 1, 0);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_unquote)
{
    char buf[16];
    size_t n = 99;
    ck_assert_int_eq(dsg_conf_unquote("a\\\"b\\\\c", 7, buf, sizeof buf, &n), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(n, 5);
    ck_assert_int_eq(memcmp(buf, "a\"b\\c", 5), 0);
    ck_assert_int_eq(dsg_conf_unquote("", 0, buf, sizeof buf, &n), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(n, 0);
    /* errors write nothing */
    memset(buf, 'Z', sizeof buf);
    n = 99;
    ck_assert_int_eq(dsg_conf_unquote("ab\\n", 4, buf, sizeof buf, &n), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(dsg_conf_unquote("ab\\", 3, buf, sizeof buf, &n), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(dsg_conf_unquote("abcd", 4, buf, 3, &n), DSG_CONF_VAL_TOO_LONG);
    ck_assert_uint_eq(n, 99);
    ck_assert_int_eq(buf[0], 'Z');
    /* the output fits exactly: 4 escapes make 4 bytes */
    ck_assert_int_eq(dsg_conf_unquote("\\\\\\\\\\\"\\\"", 8, buf, 4, &n), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(buf, "\\\\\"\"", 4), 0);
}
END_TEST

static dsg_conf_val u(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    *out = 777;
    return dsg_conf_parse_uint(s, strlen(s), min, max, out);
}

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_uint_errors)
{
    uint64_t v;
    ck_assert_int_eq(u("", 0, UINT64_MAX, &v), DSG_CONF_VAL_EMPTY);
    ck_assert_int_eq(u("-1", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(u("+1", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(u("1 ", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(u("0x10", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(u("00", 0, UINT64_MAX, &v), DSG_CONF_VAL_LEADING_ZERO);
    ck_assert_int_eq(u("010", 0, UINT64_MAX, &v), DSG_CONF_VAL_LEADING_ZERO);
    ck_assert_int_eq(u("18446744073709551616", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(u("18446744073709551620", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(u("99999999999999999999999", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(u("9", 10, 20, &v), DSG_CONF_VAL_RANGE);
    ck_assert_int_eq(u("21", 10, 20, &v), DSG_CONF_VAL_RANGE);
    ck_assert_int_eq(u("5", 6, 5, &v), DSG_CONF_VAL_RANGE);   /* empty range */
    ck_assert_uint_eq(v, 777);                                 /* never written */
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_uint_values)
{
    uint64_t v;
    ck_assert_int_eq(u("0", 0, 0, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(u("10", 10, 20, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, 10);
    ck_assert_int_eq(u("20", 10, 20, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, 20);
    ck_assert_int_eq(u("18446744073709551615", 0, UINT64_MAX, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(u("18446744073709551609", 0, UINT64_MAX, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, 18446744073709551609u);
}
END_TEST

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_bool)
{
    int b = 7;
    ck_assert_int_eq(dsg_conf_parse_bool("true", 4, &b), DSG_CONF_VAL_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(dsg_conf_parse_bool("false", 5, &b), DSG_CONF_VAL_OK);
    ck_assert_int_eq(b, 0);
    b = 7;
    const char *bad[] = { "", "True", "TRUE", "yes", "1", "0", "on", "tru", "falsey", "true " };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(dsg_conf_parse_bool(bad[i], strlen(bad[i]), &b), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(b, 7);
}
END_TEST

static dsg_conf_val dur(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    *out = 777;
    return dsg_conf_parse_duration(s, strlen(s), min, max, out);
}

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_duration)
{
    uint64_t v;
    struct { const char *s; uint64_t ms; } ok[] = {
        { "0ms", 0 }, { "100ms", 100 }, { "1s", 1000 }, { "90s", 90000 }, { "2m", 120000 },
        { "24h", 86400000 }, { "7d", 604800000 }, { "5000ms", 5000 },
        { "18446744073709551615ms", UINT64_MAX }, { "213503982334d", 213503982334u * 86400000u },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ck_assert_msg(dur(ok[i].s, 0, UINT64_MAX, &v) == DSG_CONF_VAL_OK, "%s", ok[i].s);
        ck_assert_uint_eq(v, ok[i].ms);
    }
    ck_assert_int_eq(dur("", 0, UINT64_MAX, &v), DSG_CONF_VAL_EMPTY);
    ck_assert_int_eq(dur("s", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(dur("-1s", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(dur("10", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("10 s", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("10sec", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("10min", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("10S", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("1.5s", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(dur("05s", 0, UINT64_MAX, &v), DSG_CONF_VAL_LEADING_ZERO);
    ck_assert_int_eq(dur("213503982335d", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(dur("18446744073709551616ms", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(dur("999ms", 1000, 2000, &v), DSG_CONF_VAL_RANGE);
    ck_assert_int_eq(dur("3s", 1000, 2000, &v), DSG_CONF_VAL_RANGE);
    ck_assert_uint_eq(v, 777);
    ck_assert_int_eq(dur("2s", 1000, 2000, &v), DSG_CONF_VAL_OK);
    ck_assert_uint_eq(v, 2000);
}
END_TEST

static dsg_conf_val sz(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    *out = 777;
    return dsg_conf_parse_size(s, strlen(s), min, max, out);
}

/* @relation(REQ-RUN-027) */
START_TEST(test_conf_size)
{
    uint64_t v;
    struct { const char *s; uint64_t b; } ok[] = {
        { "0", 0 }, { "32768", 32768 }, { "10B", 10 }, { "4KiB", 4096 },
        { "1MiB", 1048576 }, { "4GiB", 4294967296u }, { "17179869183GiB", 17179869183u << 30 },
        { "18446744073709551615", UINT64_MAX },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        ck_assert_msg(sz(ok[i].s, 0, UINT64_MAX, &v) == DSG_CONF_VAL_OK, "%s", ok[i].s);
        ck_assert_uint_eq(v, ok[i].b);
    }
    ck_assert_int_eq(sz("", 0, UINT64_MAX, &v), DSG_CONF_VAL_EMPTY);
    ck_assert_int_eq(sz("KiB", 0, UINT64_MAX, &v), DSG_CONF_VAL_SYNTAX);
    ck_assert_int_eq(sz("4kib", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(sz("4KB", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(sz("4K", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(sz("4TiB", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(sz("4 KiB", 0, UINT64_MAX, &v), DSG_CONF_VAL_UNIT);
    ck_assert_int_eq(sz("01KiB", 0, UINT64_MAX, &v), DSG_CONF_VAL_LEADING_ZERO);
    ck_assert_int_eq(sz("17179869184GiB", 0, UINT64_MAX, &v), DSG_CONF_VAL_OVERFLOW);
    ck_assert_int_eq(sz("2KiB", 0, 2047, &v), DSG_CONF_VAL_RANGE);
    ck_assert_uint_eq(v, 777);
}
END_TEST

Suite *suite_conf_lex(void)
{
    Suite *s = suite_create("conf_lex");
    TCase *bad = tcase_create("bad-lines");
    tcase_add_test(bad, test_conf_line_too_long);
    tcase_add_test(bad, test_conf_line_bad_bytes);
    tcase_add_test(bad, test_conf_line_bad_key);
    tcase_add_test(bad, test_conf_line_missing_parts);
    tcase_add_test(bad, test_conf_line_bad_quotes);
    tcase_add_test(bad, test_conf_line_trailing);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("lines");
    tcase_add_test(good, test_conf_line_blank_and_comment);
    tcase_add_test(good, test_conf_line_settings);
    tcase_add_test(good, test_conf_unquote);
    suite_add_tcase(s, good);
    TCase *val = tcase_create("values");
    tcase_add_test(val, test_conf_uint_errors);
    tcase_add_test(val, test_conf_uint_values);
    tcase_add_test(val, test_conf_bool);
    tcase_add_test(val, test_conf_duration);
    tcase_add_test(val, test_conf_size);
    suite_add_tcase(s, val);
    return s;
}
