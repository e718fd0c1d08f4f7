/* Unit tests: an item's access history as the file API's rows
 * (src/run/history_rows). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "run/history_rows.h"

static const char line1[] =
    "2026-11-27T10:00:00.000Z\tsato\tfile-uploaded\t/装備研究\tname=a.bin; size=3\n";
static const char line2[] =
    "2026-11-27T10:00:01.000Z\tsuzuki\tfile-downloaded\t/装備研究\tversion=1\n";

/* The rows of h (max rows) as one JSON array into out. */
static unsigned rows_json(dsgd_hist_lines *h, unsigned max, char *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, (uint8_t *)out, cap - 1);
    ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
    unsigned n = dsgd_hist_rows(h, &w, max);
    ck_assert_int_eq(dsg_json_out_array_end(&w), 0);
    ck_assert_int_eq(dsg_json_out_finish(&w, &len), 0);
    out[len] = '\0';
    return n;
}

/* Lines arriving in pieces that split them anywhere come out as whole
 * rows of five named columns, in order, nothing cut.
 * @relation(REQ-SHARE-017) */
START_TEST(test_hist_rows_from_pieces)
{
    uint8_t buf[1024];
    char all[512], out[2048];
    dsgd_hist_lines h = { buf, sizeof buf, 0, 0 };
    snprintf(all, sizeof all, "%s%s", line1, line2);
    for (size_t at = 0; at < strlen(all); at += 7)
        dsgd_hist_add(&h, (const uint8_t *)all + at, strlen(all) - at < 7 ? strlen(all) - at : 7);
    ck_assert_uint_eq(h.len, strlen(all));
    ck_assert_uint_eq(rows_json(&h, 10, out, sizeof out), 2);
    ck_assert_int_eq(h.cut, 0);
    ck_assert_str_eq(out, "[{\"time\":\"2026-11-27T10:00:00.000Z\",\"user\":\"sato\","
                          "\"event\":\"file-uploaded\",\"location\":\"/装備研究\","
                          "\"data\":\"name=a.bin; size=3\"},"
                          "{\"time\":\"2026-11-27T10:00:01.000Z\",\"user\":\"suzuki\","
                          "\"event\":\"file-downloaded\",\"location\":\"/装備研究\","
                          "\"data\":\"version=1\"}]");
}
END_TEST

/* Over the bound of bytes, the line cut short and everything after it are
 * left out and the history is cut; over the bound of rows, the rows after
 * it; no buffer keeps nothing and says so; an empty history is no row and
 * not cut. @relation(REQ-SHARE-017) */
START_TEST(test_hist_rows_bounded)
{
    uint8_t buf[1024];
    char out[2048];
    size_t cap = strlen(line1) + 10;
    dsgd_hist_lines h = { buf, cap, 0, 0 };
    dsgd_hist_add(&h, (const uint8_t *)line1, strlen(line1));
    dsgd_hist_add(&h, (const uint8_t *)line2, strlen(line2));
    ck_assert_int_eq(h.cut, 1);
    ck_assert_uint_eq(h.len, cap);
    dsgd_hist_add(&h, (const uint8_t *)line2, strlen(line2));   /* after a cut: nothing */
    ck_assert_uint_eq(h.len, cap);
    ck_assert_uint_eq(rows_json(&h, 10, out, sizeof out), 1);
    ck_assert_ptr_null(strstr(out, "suzuki"));

    dsgd_hist_lines r = { buf, sizeof buf, 0, 0 };
    dsgd_hist_add(&r, (const uint8_t *)line1, strlen(line1));
    dsgd_hist_add(&r, (const uint8_t *)line2, strlen(line2));
    ck_assert_uint_eq(rows_json(&r, 1, out, sizeof out), 1);
    ck_assert_int_eq(r.cut, 1);
    ck_assert_ptr_null(strstr(out, "suzuki"));

    dsgd_hist_lines none = { NULL, 0, 0, 0 };
    dsgd_hist_add(&none, (const uint8_t *)line1, strlen(line1));
    ck_assert_int_eq(none.cut, 1);
    ck_assert_uint_eq(rows_json(&none, 10, out, sizeof out), 0);
    ck_assert_str_eq(out, "[]");

    dsgd_hist_lines empty = { buf, sizeof buf, 0, 0 };
    dsgd_hist_add(&empty, (const uint8_t *)"", 0);
    ck_assert_uint_eq(rows_json(&empty, 10, out, sizeof out), 0);
    ck_assert_int_eq(empty.cut, 0);
}
END_TEST

/* A line of fewer columns gives the missing ones empty; an empty line is
 * a row of empty columns; nothing is read past the kept bytes.
 * @relation(REQ-SHARE-017) */
START_TEST(test_hist_rows_short_lines)
{
    uint8_t buf[64];
    char out[1024];
    dsgd_hist_lines h = { buf, sizeof buf, 0, 0 };
    dsgd_hist_add(&h, (const uint8_t *)"t\tu\n\n", 5);
    ck_assert_uint_eq(rows_json(&h, 10, out, sizeof out), 2);
    ck_assert_str_eq(out, "[{\"time\":\"t\",\"user\":\"u\",\"event\":\"\",\"location\":\"\","
                          "\"data\":\"\"},{\"time\":\"\",\"user\":\"\",\"event\":\"\","
                          "\"location\":\"\",\"data\":\"\"}]");
    ck_assert_int_eq(h.cut, 0);
}
END_TEST

Suite *suite_history_rows(void)
{
    Suite *s = suite_create("history_rows");
    TCase *t = tcase_create("history_rows");
    tcase_add_test(t, test_hist_rows_from_pieces);
    tcase_add_test(t, test_hist_rows_bounded);
    tcase_add_test(t, test_hist_rows_short_lines);
    suite_add_tcase(s, t);
    return s;
}
