/*
 * Unit tests of the download's Content-Disposition value
 * (src/core/dispo.h): REQ-SHARE-013.
 *
 * Bad input first: names that try to end the header (CR LF, NUL, quotes,
 * backslash), bytes that are not UTF-8, the empty name, buffers one byte
 * short; then Japanese and ASCII names, written out in full; then, over
 * many generated names, that the value is printable, that filename*
 * decodes back to the name and that the fallback is a clean quoted-string.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/dispo.h"

Suite *suite_dispo(void);

#define HEAD "attachment; filename=\""
#define MID "\"; filename*=UTF-8''"

/* Writes the value for name[0 .. len) into a buffer of exactly cap bytes
 * followed by a guard, and checks what every call must hold. */
static int dispo_checked(const char *name, size_t len, char *out, size_t cap, size_t *outlen)
{
    char buf[1024];
    ck_assert_uint_le(cap + 16, sizeof buf);
    memset(buf, '#', sizeof buf);
    size_t got = 7777;
    int rc = dsg_dispo_attachment((const uint8_t *)name, len, buf, cap, &got);
    /* (a flag per loop: Check marks every assertion it passes, which is slow) */
    int guard = 1, printable = 1;
    for (size_t i = cap; i < sizeof buf; i++)
        guard &= buf[i] == '#';   /* nothing at or past out[cap] */
    ck_assert(guard);
    if (rc == 0) {
        ck_assert_uint_lt(got, cap);
        ck_assert_int_eq(buf[got], '\0');
        for (size_t i = 0; i < got; i++)
            printable &= buf[i] >= 0x20 && buf[i] <= 0x7e;
        ck_assert(printable);
        memcpy(out, buf, got + 1);
        *outlen = got;
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_uint_eq(got, 7777);
        if (cap > 0)
            ck_assert_int_eq(buf[0], '\0');
    }
    return rc;
}

static void expect_value(const char *name, size_t len, const char *want)
{
    char out[1024];
    size_t n = 0;
    ck_assert_int_eq(dispo_checked(name, len, out, 1000, &n), 0);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, strlen(want));
}

#define VALUE(name, want) expect_value((name), sizeof(name) - 1, (want))

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_crlf_cannot_inject_a_header)
{
    VALUE("x\r\nSet-Cookie: a=b",
          HEAD "x__Set-Cookie: a=b" MID "x%0D%0ASet-Cookie%3A%20a%3Db");
    VALUE("\n", HEAD "_" MID "%0A");
    VALUE("a\tb\x7f" "c\x1b", HEAD "a_b_c_" MID "a%09b%7Fc%1B");
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_nul_in_the_name_is_encoded)
{
    VALUE("a\0b.txt", HEAD "a_b.txt" MID "a%00b.txt");
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_quotes_backslash_percent_leave_the_fallback)
{
    VALUE("a\"b\\c%41.txt", HEAD "a_b_c_41.txt" MID "a%22b%5Cc%2541.txt");
    VALUE("\"", HEAD "_" MID "%22");
    /* a name that would close the quoted-string and add a parameter */
    VALUE("x\"; filename=\"evil.html", HEAD "x_; filename=_evil.html"
          MID "x%22%3B%20filename%3D%22evil.html");
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_bytes_that_are_not_utf8)
{
    /* each byte of an ill-formed sequence is one '_' */
    VALUE("\xff\xfe.txt", HEAD "__.txt" MID "%FF%FE.txt");
    VALUE("\xe8\xa8", HEAD "__" MID "%E8%A8");           /* cut short */
    VALUE("\xc0\xaf", HEAD "__" MID "%C0%AF");           /* overlong '/' */
    VALUE("\xed\xa0\x80", HEAD "___" MID "%ED%A0%80");   /* a surrogate */
    VALUE("\x80" "a", HEAD "_a" MID "%80a");              /* stray continuation */
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_empty_name)
{
    VALUE("", HEAD MID);
    ck_assert_uint_eq(strlen(HEAD MID), 42);
    expect_value("x.pdf", 0, HEAD MID);   /* the length wins over the bytes */
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_too_small_writes_only_an_empty_string)
{
    static const char name[] = "設計書.pdf";
    const size_t len = sizeof name - 1;
    const char *want = HEAD "___.pdf" MID "%E8%A8%AD%E8%A8%88%E6%9B%B8.pdf";
    size_t need = strlen(want), n = 0;
    char out[1024];
    /* every size below need + 1, down to nothing at all */
    for (size_t cap = 0; cap <= need; cap++)
        ck_assert_int_eq(dispo_checked(name, len, out, cap, &n), -1);
    ck_assert_int_eq(dispo_checked(name, len, out, need + 1, &n), 0);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, need);
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_japanese_names)
{
    VALUE("設計書.pdf", HEAD "___.pdf" MID "%E8%A8%AD%E8%A8%88%E6%9B%B8.pdf");
    VALUE("見積書 第2版.xlsx",
          HEAD "___ _2_.xlsx"
          MID "%E8%A6%8B%E7%A9%8D%E6%9B%B8%20%E7%AC%AC2%E7%89%88.xlsx");
    /* half-width katakana and a character outside the BMP */
    VALUE("ｶﾀｶﾅ.txt", HEAD "____.txt" MID "%EF%BD%B6%EF%BE%80%EF%BD%B6%EF%BE%85.txt");
    VALUE("\xf0\x9f\x93\x84.png", HEAD "_.png" MID "%F0%9F%93%84.png");
}
END_TEST

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_ascii_names)
{
    VALUE("report-2026.pdf", HEAD "report-2026.pdf" MID "report-2026.pdf");
    VALUE("my file (1).txt", HEAD "my file (1).txt" MID "my%20file%20%281%29.txt");
    /* every attr-char stands for itself (RFC 8187 §3.2.1) */
    VALUE("!#$&+-.^_`|~", HEAD "!#$&+-.^_`|~" MID "!#$&+-.^_`|~");
    /* and the other printable ASCII is percent-encoded, upper-case hex */
    VALUE("*'(),/:;<=>?@[]{}", HEAD "*'(),/:;<=>?@[]{}"
          MID "%2A%27%28%29%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5D%7B%7D");
}
END_TEST

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;   /* lower case is not what dsg writes */
}

static int attr(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$&+-.^_`|~", c) != NULL);
}

/* 1 when the value has its shape and filename* gives the name back. */
static int shape_ok(const uint8_t *name, size_t len, const char *v, size_t n)
{
    size_t head = strlen(HEAD), mid = strlen(MID);
    if (strncmp(v, HEAD, head) != 0)
        return 0;
    const char *q = strchr(v + head, '"');   /* the fallback holds no quote */
    if (q == NULL)
        return 0;
    for (const char *p = v + head; p < q; p++)
        if (*p == '\\' || *p == '%')
            return 0;
    if (strncmp(q, MID, mid) != 0)
        return 0;
    const char *e = q + mid;
    size_t k = 0;
    while (e < v + n) {
        unsigned char b;
        if (*e == '%') {
            int hi = hexval(e[1]), lo = e[1] ? hexval(e[2]) : -1;
            if (hi < 0 || lo < 0)
                return 0;
            b = (unsigned char)(hi * 16 + lo);
            if (attr(b))
                return 0;   /* nothing encoded that could stand as itself */
            e += 3;
        } else {
            b = (unsigned char)*e++;
            if (!attr(b))
                return 0;
        }
        if (k >= len || b != name[k])
            return 0;
        k++;
    }
    return k == len;
}

/* @relation(REQ-SHARE-013) */
START_TEST(test_dispo_many_names_round_trip)
{
    uint32_t x = 20261127u;
    uint8_t name[200];
    char out[1024];
    for (int round = 0; round < 5000; round++) {
        x = x * 1103515245u + 12345u;
        size_t len = (x >> 16) % sizeof name;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            /* half the names mostly ASCII, half any bytes */
            name[i] = (uint8_t)(round % 2 ? (x >> 16) : 0x20 + (x >> 16) % 0x60);
        }
        size_t n = 0;
        ck_assert_int_eq(dispo_checked((const char *)name, len, out, 1000, &n), 0);
        ck_assert_msg(shape_ok(name, len, out, n), "round %d: %s", round, out);
    }
}
END_TEST

Suite *suite_dispo(void)
{
    Suite *s = suite_create("dispo");
    TCase *bad = tcase_create("hostile");
    tcase_add_test(bad, test_dispo_crlf_cannot_inject_a_header);
    tcase_add_test(bad, test_dispo_nul_in_the_name_is_encoded);
    tcase_add_test(bad, test_dispo_quotes_backslash_percent_leave_the_fallback);
    tcase_add_test(bad, test_dispo_bytes_that_are_not_utf8);
    tcase_add_test(bad, test_dispo_empty_name);
    tcase_add_test(bad, test_dispo_too_small_writes_only_an_empty_string);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("names");
    tcase_add_test(ok, test_dispo_japanese_names);
    tcase_add_test(ok, test_dispo_ascii_names);
    tcase_add_test(ok, test_dispo_many_names_round_trip);
    suite_add_tcase(s, ok);
    return s;
}
