/*
 * Tests of the share role's search index (src/share/search_index.h):
 * matching by name and text, replaced documents, areas kept apart, bad
 * queries, and a database file that holds no name or text.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share/search_index.h"

Suite *suite_search_index(void);

static const uint8_t key[DSG_STOK_KEY_LEN] = {
    0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01,
    0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f,
};

static char dir[] = "/tmp/dsg-search-index-XXXXXX";
static char path[64];
static dsg_search_index *ix;
static char err[256];

static void open_index(void)
{
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/search.db", dir);
    ck_assert_int_eq(dsg_search_open(path, 1000, key, &ix, err, sizeof err), 0);
}

static void close_index(void)
{
    char cmd[128];
    dsg_search_close(ix);
    ix = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

typedef struct hits {
    char list[256];   /* "3,1" */
} hits;

static int add_hit(int64_t file, void *ctx)
{
    hits *h = ctx;
    size_t k = strlen(h->list);
    snprintf(h->list + k, sizeof h->list - k, "%s%lld", k == 0 ? "" : ",", (long long)file);
    return 0;
}

/* The files area's index gives for query in scope, "3,1"; "error:N" for
 * a status N other than OK. */
static const char *find(int64_t area, const char *query, dsg_search_scope scope)
{
    static hits h;
    int more = 0;
    h.list[0] = '\0';
    dsg_search_status s = dsg_search_find(ix, area, query, scope, 100, add_hit, &h, &more,
                                          err, sizeof err);
    if (s != DSG_SEARCH_OK)
        snprintf(h.list, sizeof h.list, "error:%d", (int)s);
    return h.list;
}

static void name(int64_t area, int64_t file, const char *n)
{
    ck_assert_int_eq(dsg_search_put_name(ix, area, file, n, err, sizeof err), 0);
}

static void text(int64_t area, int64_t file, int64_t version, const char *t)
{
    ck_assert_int_eq(dsg_search_put_text(ix, area, file, version, (const uint8_t *)t,
                                         strlen(t), err, sizeof err), 0);
}

/* Area 1: three files, two with text. */
static void three_files(void)
{
    name(1, 1, "設計書.txt");
    text(1, 1, 1, "防衛装備の設計手順について。DSG gateway notes");
    name(1, 2, "議事録 2026-11.md");
    text(1, 2, 1, "会議の記録：設計の見直し");
    name(1, 3, "Report.PDF");
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_by_name_and_text)
{
    open_index();
    three_files();
    ck_assert_str_eq(find(1, "設", DSG_SEARCH_ALL), "2,1");      /* one character */
    ck_assert_str_eq(find(1, "設計", DSG_SEARCH_ALL), "2,1");    /* two characters */
    ck_assert_str_eq(find(1, "設計", DSG_SEARCH_NAME), "1");
    ck_assert_str_eq(find(1, "設計", DSG_SEARCH_TEXT), "2,1");
    ck_assert_str_eq(find(1, "設計書", DSG_SEARCH_ALL), "1");
    ck_assert_str_eq(find(1, "事", DSG_SEARCH_TEXT), "");
    ck_assert_str_eq(find(1, "report", DSG_SEARCH_ALL), "3");    /* case folded */
    ck_assert_str_eq(find(1, "ｄｓｇ", DSG_SEARCH_ALL), "1");      /* full width folded */
    /* every word must match, each in the name or the text */
    ck_assert_str_eq(find(1, "設計 会議", DSG_SEARCH_ALL), "2");
    ck_assert_str_eq(find(1, "議事録　見直し", DSG_SEARCH_ALL), "2");   /* U+3000 */
    ck_assert_str_eq(find(1, "設計 pdf", DSG_SEARCH_ALL), "");
    /* no query: every file with a name */
    ck_assert_str_eq(find(1, "", DSG_SEARCH_ALL), "3,2,1");
    ck_assert_str_eq(find(1, "  ", DSG_SEARCH_ALL), "3,2,1");
    close_index();
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_replaced_documents_stop_matching)
{
    open_index();
    three_files();
    name(1, 1, "仕様書.txt");                 /* a rename */
    ck_assert_str_eq(find(1, "設計書", DSG_SEARCH_NAME), "");
    ck_assert_str_eq(find(1, "仕様", DSG_SEARCH_NAME), "1");
    text(1, 1, 2, "新しい版");                /* a newer clean version */
    ck_assert_str_eq(find(1, "手順", DSG_SEARCH_TEXT), "");
    ck_assert_str_eq(find(1, "新しい", DSG_SEARCH_TEXT), "1");
    /* a newer version whose text is not UTF-8, or not text-like: the old
     * text matches no more */
    ck_assert_int_eq(dsg_search_put_text(ix, 1, 1, 3, (const uint8_t *)"\x82\xa0", 2, err,
                                         sizeof err), 1);
    ck_assert_str_eq(find(1, "新しい", DSG_SEARCH_TEXT), "");
    ck_assert_str_eq(find(1, "仕様", DSG_SEARCH_NAME), "1");
    ck_assert_str_eq(find(1, "会議", DSG_SEARCH_TEXT), "2");
    ck_assert_int_eq(dsg_search_forget_text(ix, 2, err, sizeof err), 0);
    ck_assert_str_eq(find(1, "会議", DSG_SEARCH_TEXT), "");
    ck_assert_str_eq(find(1, "議事録", DSG_SEARCH_NAME), "2");
    ck_assert_int_eq(dsg_search_forget(ix, 2, err, sizeof err), 0);   /* deleted */
    ck_assert_str_eq(find(1, "議事録", DSG_SEARCH_ALL), "");
    ck_assert_str_eq(find(1, "", DSG_SEARCH_ALL), "3,1");
    close_index();
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_areas_apart_and_limit)
{
    open_index();
    three_files();
    name(2, 10, "設計書.txt");
    ck_assert_str_eq(find(2, "設計書", DSG_SEARCH_ALL), "10");
    ck_assert_str_eq(find(1, "設計書", DSG_SEARCH_ALL), "1");
    ck_assert_str_eq(find(3, "設計書", DSG_SEARCH_ALL), "");
    hits h = { "" };
    int more = 0;
    ck_assert_int_eq(dsg_search_find(ix, 1, "", DSG_SEARCH_ALL, 2, add_hit, &h, &more, err,
                                     sizeof err), DSG_SEARCH_OK);
    ck_assert_str_eq(h.list, "3,2");
    ck_assert_int_eq(more, 1);
    close_index();
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_query_syntax_is_text)
{
    open_index();
    name(1, 1, "a\"b OR c.txt");
    name(1, 2, "NEAR(x y).txt");
    ck_assert_str_eq(find(1, "a\"b", DSG_SEARCH_ALL), "1");   /* quotes are characters */
    ck_assert_str_eq(find(1, "OR", DSG_SEARCH_ALL), "1");     /* not an operator */
    ck_assert_str_eq(find(1, "NEAR(x", DSG_SEARCH_ALL), "2");
    ck_assert_str_eq(find(1, "name:", DSG_SEARCH_ALL), "");
    ck_assert_str_eq(find(1, "txt*", DSG_SEARCH_ALL), "2,1");   /* '*' separates */
    close_index();
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_refuses_bad_queries)
{
    open_index();
    three_files();
    char s[DSG_SEARCH_QUERY_MAX + 2];
    ck_assert_str_eq(find(1, "、。「」", DSG_SEARCH_ALL), "error:1");   /* no character */
    ck_assert_str_eq(find(1, "a b c d e f g h i", DSG_SEARCH_ALL), "error:2");
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    ck_assert_str_eq(find(1, s, DSG_SEARCH_ALL), "error:3");
    ck_assert_str_eq(find(1, "\xE8\xA8", DSG_SEARCH_ALL), "error:4");
    ck_assert_str_eq(find(1, "設計", (dsg_search_scope)4), "error:5");
    ck_assert_int_eq(dsg_search_check("設計 書"), DSG_SEARCH_OK);
    ck_assert_int_eq(dsg_search_check(""), DSG_SEARCH_OK);
    ck_assert_int_eq(dsg_search_check("。"), DSG_SEARCH_NO_WORDS);
    ck_assert_int_eq(dsg_search_check("\xff"), DSG_SEARCH_BAD_TEXT);
    ck_assert_str_eq(find(0, "設計", DSG_SEARCH_ALL), "error:5");
    /* a text that is not UTF-8 is not indexed; the file's name still is */
    ck_assert_int_eq(dsg_search_put_text(ix, 1, 3, 1, (const uint8_t *)"\x82\xa0\x82\xa2", 4,
                                         err, sizeof err), 1);
    ck_assert_str_eq(find(1, "report", DSG_SEARCH_ALL), "3");
    ck_assert_int_eq(dsg_search_put_name(ix, 0, 1, "x", err, sizeof err), -1);
    ck_assert_int_eq(dsg_search_put_text(ix, 1, 1, 0, (const uint8_t *)"x", 1, err, sizeof err),
                     -1);
    close_index();
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_text_cut_at_a_whole_character)
{
    const uint8_t t[] = "ab設計";   /* 2 + 3 + 3 bytes */
    ck_assert_uint_eq(dsg_search_whole_chars(t, 8), 8);
    ck_assert_uint_eq(dsg_search_whole_chars(t, 7), 5);
    ck_assert_uint_eq(dsg_search_whole_chars(t, 6), 5);
    ck_assert_uint_eq(dsg_search_whole_chars(t, 5), 5);
    ck_assert_uint_eq(dsg_search_whole_chars(t, 2), 2);
    ck_assert_uint_eq(dsg_search_whole_chars(t, 0), 0);
    /* a cut text is indexed up to its last whole character */
    open_index();
    name(1, 1, "a.txt");
    ck_assert_int_eq(dsg_search_put_text(ix, 1, 1, 1, t, 7, err, sizeof err), 0);
    ck_assert_str_eq(find(1, "ab設", DSG_SEARCH_TEXT), "1");
    ck_assert_str_eq(find(1, "計", DSG_SEARCH_TEXT), "");
    close_index();
    ck_assert_int_eq(dsg_search_text_like("メモ.TXT"), 1);
    ck_assert_int_eq(dsg_search_text_like("data.csv"), 1);
    ck_assert_int_eq(dsg_search_text_like("図面.pdf"), 0);
    ck_assert_int_eq(dsg_search_text_like(".txt"), 0);
    ck_assert_int_eq(dsg_search_text_like("txt"), 0);
}
END_TEST

/* How many of words[] the file at p holds, as bytes anywhere. */
static size_t words_in(const char *p, const char *const *words, size_t count)
{
    FILE *f = fopen(p, "rb");
    if (f == NULL)
        return 0;
    static uint8_t buf[4 << 20];
    size_t len = fread(buf, 1, sizeof buf, f), found = 0;
    fclose(f);
    for (size_t i = 0; i < count; i++)
        found += memmem(buf, len, words[i], strlen(words[i])) != NULL;
    return found;
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_search_database_holds_no_text_and_needs_its_key)
{
    static const char *const words[] = { "設計", "防衛", "装備", "議事録", "gateway", "notes",
                                         "Report", "会議" };
    char wal[80];
    open_index();
    three_files();
    dsg_search_close(ix);
    snprintf(wal, sizeof wal, "%s-wal", path);
    ck_assert_uint_eq(words_in(path, words, 8) + words_in(wal, words, 8), 0);
    /* the same key finds the files again; another key finds nothing */
    ck_assert_int_eq(dsg_search_open(path, 1000, key, &ix, err, sizeof err), 0);
    ck_assert_str_eq(find(1, "設計書", DSG_SEARCH_ALL), "1");
    dsg_search_close(ix);
    uint8_t other[DSG_STOK_KEY_LEN];
    memcpy(other, key, sizeof other);
    other[0] ^= 1u;
    ck_assert_int_eq(dsg_search_open(path, 1000, other, &ix, err, sizeof err), 0);
    ck_assert_str_eq(find(1, "設計書", DSG_SEARCH_ALL), "");
    close_index();
}
END_TEST

Suite *suite_search_index(void)
{
    Suite *s = suite_create("search_index");
    TCase *tc = tcase_create("index");
    tcase_add_test(tc, test_search_by_name_and_text);
    tcase_add_test(tc, test_search_replaced_documents_stop_matching);
    tcase_add_test(tc, test_search_areas_apart_and_limit);
    tcase_add_test(tc, test_search_query_syntax_is_text);
    tcase_add_test(tc, test_search_text_cut_at_a_whole_character);
    tcase_add_test(tc, test_search_database_holds_no_text_and_needs_its_key);
    suite_add_tcase(s, tc);
    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_search_refuses_bad_queries);
    suite_add_tcase(s, bad);
    return s;
}
