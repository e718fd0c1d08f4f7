/*
 * Unit tests of the upload scanning interface (src/share/scan.h):
 * REQ-SHARE-014.
 *
 * Fail-closed first: a disabled engine, an object never fed or fed fewer
 * or more bytes than declared, a missing or misused scanner all give
 * NOT_SCANNED with a reason, never CLEAN. Then the built-in check's rule
 * for the EICAR test file (the 68-byte string, then only SP, TAB, LF, CR
 * or CTRL-Z, 128 bytes at most): whole, split at every offset, byte by
 * byte, with the whitespace it allows and the content it does not, and
 * near-misses. Then CLEAN: an empty object and a stream of 5 GiB.
 *
 * The test string is put together at run time from two halves, so that
 * this source is not itself taken for the test file by a scanner.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "share/scan.h"

Suite *suite_scan(void);

static const char eicar_a[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
static const char eicar_b[] = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/* The test file with `extra` bytes of `pad` after the string, in buf;
 * its length. */
static size_t eicar(uint8_t *buf, size_t cap, uint8_t pad, size_t extra)
{
    size_t a = strlen(eicar_a), b = strlen(eicar_b);
    ck_assert_uint_eq(a + b, 68);
    ck_assert_uint_le(a + b + extra, cap);
    memcpy(buf, eicar_a, a);
    memcpy(buf + a, eicar_b, b);
    memset(buf + a + b, pad, extra);
    return a + b + extra;
}

/* Scans p[0 .. n) declared as size bytes, in pieces cut at `cut` (0 or n:
 * one piece), with engine; the verdict, *r filled. */
static dsg_scan_verdict scan_in_two(dsg_scan_engine engine, uint64_t size, const uint8_t *p,
                                    size_t n, size_t cut, dsg_scan_result *r)
{
    dsg_scan *s = dsg_scan_new(engine, size);
    ck_assert_ptr_nonnull(s);
    int rc1 = dsg_scan_push(s, p, cut);
    int rc2 = dsg_scan_push(s, p + cut, n - cut);
    dsg_scan_verdict v = dsg_scan_finish(s, r);
    dsg_scan_free(s);
    ck_assert_int_eq(v, r->verdict);
    ck_assert_uint_eq(r->seen, n);
    ck_assert_uint_eq(r->size, size);
    /* a push only fails once the object has gone past its size */
    ck_assert_int_eq(rc1, (uint64_t)cut > size ? -1 : 0);
    ck_assert_int_eq(rc2, (uint64_t)n > size ? -1 : 0);
    return v;
}

static dsg_scan_verdict scan_whole(const uint8_t *p, size_t n, dsg_scan_result *r)
{
    return scan_in_two(DSG_SCAN_ENGINE_BUILTIN, n, p, n, 0, r);
}

static void expect_infected(const uint8_t *p, size_t n)
{
    dsg_scan_result r;
    ck_assert_int_eq(scan_whole(p, n, &r), DSG_SCAN_INFECTED);
    ck_assert_str_eq(r.text, "EICAR-Test-File");
    ck_assert_str_eq(r.engine, "builtin-eicar");
}

static void expect_clean(const uint8_t *p, size_t n)
{
    dsg_scan_result r;
    ck_assert_int_eq(scan_whole(p, n, &r), DSG_SCAN_CLEAN);
    ck_assert_str_eq(r.text, "");
    ck_assert_str_eq(r.engine, "builtin-eicar");
}

/* @relation(REQ-SHARE-014, REQ-AV-001) */
START_TEST(test_scan_disabled_engine_is_not_scanned)
{
    uint8_t buf[128];
    size_t n = eicar(buf, sizeof buf, ' ', 0);
    dsg_scan_result r;
    ck_assert_int_eq(dsg_scan_engine_available(DSG_SCAN_ENGINE_NONE), 0);
    ck_assert_int_eq(dsg_scan_engine_available(DSG_SCAN_ENGINE_BUILTIN), 1);
    ck_assert_int_eq(dsg_scan_engine_available((dsg_scan_engine)7), 0);
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_NONE, n, buf, n, 0, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "no engine");
    ck_assert_str_eq(r.engine, "none");
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_NONE, 5, (const uint8_t *)"hello", 5, 2, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "no engine");
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_NONE, 0, buf, 0, 0, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_int_eq(scan_in_two((dsg_scan_engine)7, 5, (const uint8_t *)"hello", 5, 0, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "no engine");
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_never_fed_is_not_scanned)
{
    dsg_scan_result r;
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 68);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "size mismatch: 0 of 68 bytes");
    ck_assert_uint_eq(r.seen, 0);
    dsg_scan_free(s);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_fewer_or_more_bytes_than_declared)
{
    uint8_t buf[128];
    size_t n = eicar(buf, sizeof buf, ' ', 0);
    dsg_scan_result r;
    /* the test file cut short, and a clean object cut short */
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_BUILTIN, 100, buf, n, 10, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "size mismatch: 68 of 100 bytes");
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_BUILTIN, 6, (const uint8_t *)"hello", 5, 5, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "size mismatch: 5 of 6 bytes");
    /* more than declared: the push that goes past fails, and so does the verdict */
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_BUILTIN, 4, (const uint8_t *)"hello", 5, 4, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "size mismatch: 5 of 4 bytes");
    ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_BUILTIN, 67, buf, n, 30, &r),
                     DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "size mismatch: 68 of 67 bytes");
}
END_TEST

/* An object whose size is declared at its end (a multipart part): the
 * verdict is the same as with the size known at first; a declared size
 * below what was seen fails. @relation(REQ-SHARE-014, REQ-SHARE-010) */
START_TEST(test_scan_size_declared_at_the_end)
{
    uint8_t buf[128];
    size_t n = eicar(buf, sizeof buf, ' ', 0);
    dsg_scan_result r;
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, UINT64_MAX);
    ck_assert_int_eq(dsg_scan_push(s, buf, n), 0);
    ck_assert_int_eq(dsg_scan_declare(s, n), 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_INFECTED);
    dsg_scan_free(s);
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, UINT64_MAX);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"hello", 5), 0);
    ck_assert_int_eq(dsg_scan_declare(s, 5), 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    ck_assert_int_eq(dsg_scan_declare(s, 5), -1);            /* finished */
    dsg_scan_free(s);
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, UINT64_MAX);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"hello", 5), 0);
    ck_assert_int_eq(dsg_scan_declare(s, 4), -1);            /* fewer than seen */
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_NOT_SCANNED);
    dsg_scan_free(s);
    ck_assert_int_eq(dsg_scan_declare(NULL, 1), -1);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_missing_or_misused_scanner_is_internal_error)
{
    dsg_scan_result r;
    memset(&r, 0, sizeof r);
    /* no scanner (out of memory at dsg_scan_new) */
    ck_assert_int_eq(dsg_scan_push(NULL, (const uint8_t *)"x", 1), -1);
    ck_assert_int_eq(dsg_scan_finish(NULL, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "internal error");
    dsg_scan_free(NULL);
    /* bytes promised without a pointer */
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 5);
    ck_assert_int_eq(dsg_scan_push(s, NULL, 5), -1);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"hello", 5), -1);   /* sticky */
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "internal error");
    dsg_scan_free(s);
    /* a push after the verdict, and a second verdict */
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 5);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"hello", 5), 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"", 0), -1);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "internal error");
    dsg_scan_free(s);
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 5);
    ck_assert_int_eq(dsg_scan_push(s, (const uint8_t *)"hello", 5), 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_NOT_SCANNED);
    ck_assert_str_eq(r.text, "internal error");
    dsg_scan_free(s);
    /* no place for the result: never CLEAN */
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 0);
    ck_assert_int_eq(dsg_scan_finish(s, NULL), DSG_SCAN_NOT_SCANNED);
    dsg_scan_free(s);
}
END_TEST

/* @relation(REQ-SHARE-014, REQ-AV-001) */
START_TEST(test_scan_eicar_whole)
{
    uint8_t buf[128];
    expect_infected(buf, eicar(buf, sizeof buf, ' ', 0));
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_eicar_split_at_every_offset)
{
    uint8_t buf[128];
    size_t n = eicar(buf, sizeof buf, '\n', 2);
    dsg_scan_result r;
    for (size_t cut = 0; cut <= n; cut++) {
        ck_assert_int_eq(scan_in_two(DSG_SCAN_ENGINE_BUILTIN, n, buf, n, cut, &r),
                         DSG_SCAN_INFECTED);
        ck_assert_str_eq(r.text, "EICAR-Test-File");
    }
    /* one byte at a time, with empty pushes between */
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(dsg_scan_push(s, buf + i, 1), 0);
        ck_assert_int_eq(dsg_scan_push(s, buf, 0), 0);
    }
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_INFECTED);
    dsg_scan_free(s);
}
END_TEST

/* @relation(REQ-SHARE-014, REQ-AV-001) */
START_TEST(test_scan_eicar_with_the_whitespace_it_allows)
{
    uint8_t buf[160];
    static const uint8_t spaces[] = { ' ', '\t', '\n', '\r', 0x1a };
    for (size_t k = 0; k < sizeof spaces; k++) {
        expect_infected(buf, eicar(buf, sizeof buf, spaces[k], 1));
        expect_infected(buf, eicar(buf, sizeof buf, spaces[k], 60));   /* exactly 128 bytes */
    }
    /* a mixture, as an editor leaves it: CR LF and a final CTRL-Z */
    size_t n = eicar(buf, sizeof buf, '\r', 3);
    buf[69] = '\n';
    buf[70] = 0x1a;
    expect_infected(buf, n);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_eicar_with_too_much_after_it_is_not_the_test_file)
{
    uint8_t buf[4096];
    /* 129 bytes: one whitespace byte too many */
    expect_clean(buf, eicar(buf, sizeof buf, ' ', 61));
    /* anything but those five bytes after the string */
    static const uint8_t other[] = { 'x', '\v', '\f', 0x00, 0x1b, 0xa0, '!' };
    for (size_t k = 0; k < sizeof other; k++) {
        expect_clean(buf, eicar(buf, sizeof buf, other[k], 1));
        size_t n = eicar(buf, sizeof buf, ' ', 10);
        buf[n - 1] = other[k];   /* at the end of allowed whitespace */
        expect_clean(buf, n);
    }
    /* the string inside a larger file */
    expect_clean(buf, eicar(buf, sizeof buf, 'A', 4000));
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_near_misses_are_clean)
{
    uint8_t buf[160];
    size_t n = eicar(buf, sizeof buf, ' ', 0);
    /* every byte changed in turn */
    for (size_t i = 0; i < n; i++) {
        n = eicar(buf, sizeof buf, ' ', 0);
        buf[i] ^= 0x20;
        expect_clean(buf, n);
    }
    /* one byte short, the digit zero for the letter O, a leading space */
    n = eicar(buf, sizeof buf, ' ', 0);
    expect_clean(buf, n - 1);
    buf[2] = '0';
    expect_clean(buf, n);
    n = eicar(buf + 1, sizeof buf - 1, ' ', 0);
    buf[0] = ' ';
    expect_clean(buf, n + 1);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_empty_object_is_clean)
{
    dsg_scan_result r;
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    ck_assert_uint_eq(r.seen, 0);
    dsg_scan_free(s);
    s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, 0);
    ck_assert_int_eq(dsg_scan_push(s, NULL, 0), 0);
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    dsg_scan_free(s);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_huge_clean_stream)
{
    static uint8_t piece[65536];
    const uint64_t pieces = 81920;   /* 5 GiB: past 2^32 */
    /* starts like the test file, then goes on */
    size_t k = eicar(piece, sizeof piece, ' ', 60);
    for (size_t i = k; i < sizeof piece; i++)
        piece[i] = (uint8_t)(i * 7);
    dsg_scan *s = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, pieces * sizeof piece);
    int ok = 1;
    for (uint64_t i = 0; i < pieces; i++)
        ok &= dsg_scan_push(s, piece, sizeof piece) == 0;
    ck_assert(ok);
    dsg_scan_result r;
    ck_assert_int_eq(dsg_scan_finish(s, &r), DSG_SCAN_CLEAN);
    ck_assert_uint_eq(r.seen, pieces * sizeof piece);
    dsg_scan_free(s);
}
END_TEST

/* @relation(REQ-SHARE-014) */
START_TEST(test_scan_verdict_tokens)
{
    ck_assert_str_eq(dsg_scan_verdict_token(DSG_SCAN_CLEAN), "clean");
    ck_assert_str_eq(dsg_scan_verdict_token(DSG_SCAN_INFECTED), "infected");
    ck_assert_str_eq(dsg_scan_verdict_token(DSG_SCAN_NOT_SCANNED), "not-scanned");
    ck_assert_str_eq(dsg_scan_verdict_token((dsg_scan_verdict)9), "not-scanned");
}
END_TEST

Suite *suite_scan(void)
{
    Suite *s = suite_create("scan");
    TCase *closed = tcase_create("fail_closed");
    tcase_add_test(closed, test_scan_disabled_engine_is_not_scanned);
    tcase_add_test(closed, test_scan_never_fed_is_not_scanned);
    tcase_add_test(closed, test_scan_fewer_or_more_bytes_than_declared);
    tcase_add_test(closed, test_scan_size_declared_at_the_end);
    tcase_add_test(closed, test_scan_missing_or_misused_scanner_is_internal_error);
    suite_add_tcase(s, closed);
    TCase *eicar_tc = tcase_create("eicar");
    tcase_add_test(eicar_tc, test_scan_eicar_whole);
    tcase_add_test(eicar_tc, test_scan_eicar_split_at_every_offset);
    tcase_add_test(eicar_tc, test_scan_eicar_with_the_whitespace_it_allows);
    tcase_add_test(eicar_tc, test_scan_eicar_with_too_much_after_it_is_not_the_test_file);
    tcase_add_test(eicar_tc, test_scan_near_misses_are_clean);
    suite_add_tcase(s, eicar_tc);
    TCase *clean = tcase_create("clean");
    tcase_add_test(clean, test_scan_empty_object_is_clean);
    tcase_add_test(clean, test_scan_huge_clean_stream);
    tcase_add_test(clean, test_scan_verdict_tokens);
    suite_add_tcase(s, clean);
    return s;
}
