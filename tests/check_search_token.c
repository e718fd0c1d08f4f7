/*
 * Tests of the search index's tokens and FTS5 tokenizer
 * (src/share/search_token.h) with a real SQLite: the token of a term
 * against an independent computation, the matches of one-, two- and
 * three-character Japanese queries, ASCII and full-width, the refusals, and
 * a scan of the database file for the indexed text.
 */
#define _GNU_SOURCE   /* memmem */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include "share/search_token.h"

Suite *suite_search_token(void);

static const uint8_t key[DSG_STOK_KEY_LEN] = {
    0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
    0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0,
};

/* The documents of the FTS5 tests: rowid, name, body. */
static const struct { int id; const char *name, *body; } docs[] = {
    { 1, "設計書.txt", "「防衛装備の設計」について" },
    { 2, "report.txt", "DSG gateway design notes" },
    { 3, "ＤＳＧ手順.md", "operators only" },
    { 4, "memo.txt", "設計の計書" },
    { 5, "a.txt", "設" },
};

/* The token by hand: HMAC() of the canonical bytes written out here, then
 * base64 by OpenSSL with the URL alphabet substituted and no padding. */
static void expected_token(const uint8_t *utf8, size_t n, int count, char out[23])
{
    uint8_t msg[64];
    static const char label[] = "dsg-search-term-v1";
    memcpy(msg, label, sizeof label);   /* with its NUL */
    msg[sizeof label] = (uint8_t)count;
    memcpy(msg + sizeof label + 1u, utf8, n);
    uint8_t mac[32];
    unsigned int mac_len = 0;
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), key, sizeof key, msg, sizeof label + 1u + n, mac,
                               &mac_len));
    unsigned char b64[32];
    ck_assert_int_eq(EVP_EncodeBlock(b64, mac, 16), 24);
    for (int i = 0; i < 22; i++)
        out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
    out[22] = '\0';
    ck_assert(b64[22] == '=' && b64[23] == '=');
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_refuses_non_scalar_code_points)
{
    dsg_stok_hasher *h = dsg_stok_hasher_new(key);
    ck_assert_ptr_nonnull(h);
    char out[DSG_STOK_TOKEN_LEN + 1u] = "x";
    ck_assert_int_eq(dsg_stok_token(h, 0, 0, out), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(dsg_stok_token(h, 0xD800, 0, out), -1);
    ck_assert_int_eq(dsg_stok_token(h, 'a', 0xDFFF, out), -1);
    ck_assert_int_eq(dsg_stok_token(h, 0x110000, 0, out), -1);
    ck_assert_int_eq(dsg_stok_token(h, 'a', 0x110000, out), -1);
    ck_assert_int_eq(dsg_stok_token(NULL, 'a', 0, out), -1);
    dsg_stok_hasher_free(h);
    dsg_stok_hasher_free(NULL);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_token_is_truncated_hmac_in_base64url)
{
    dsg_stok_hasher *h = dsg_stok_hasher_new(key);
    ck_assert_ptr_nonnull(h);
    char got[DSG_STOK_TOKEN_LEN + 1u], want[23];
    ck_assert_int_eq(dsg_stok_token(h, 0x8A2D, 0x8A08, got), 0);   /* 設計 */
    expected_token((const uint8_t *)"設計", 6, 2, want);
    ck_assert_str_eq(got, want);
    ck_assert_uint_eq(strlen(got), DSG_STOK_TOKEN_LEN);
    ck_assert_int_eq(dsg_stok_token(h, 0x8A2D, 0, got), 0);        /* 設 */
    expected_token((const uint8_t *)"設", 3, 1, want);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(dsg_stok_token(h, 'd', 's', got), 0);
    expected_token((const uint8_t *)"ds", 2, 2, want);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(dsg_stok_token(h, 0x20BB7, 0x10FFFF, got), 0);
    expected_token((const uint8_t *)"\U00020BB7\U0010FFFF", 8, 2, want);
    ck_assert_str_eq(got, want);
    /* a unigram and a bigram of the same bytes differ */
    char uni[DSG_STOK_TOKEN_LEN + 1u], bi[DSG_STOK_TOKEN_LEN + 1u];
    ck_assert_int_eq(dsg_stok_token(h, 0xE9, 0, uni), 0);      /* é, C3 A9 */
    ck_assert_int_eq(dsg_stok_token(h, 0xC3, 0, bi), 0);       /* Ã, C3 83 */
    ck_assert_str_ne(uni, bi);
    /* another key, another token */
    uint8_t key2[DSG_STOK_KEY_LEN];
    memcpy(key2, key, sizeof key2);
    key2[31] ^= 1u;
    dsg_stok_hasher *h2 = dsg_stok_hasher_new(key2);
    ck_assert_ptr_nonnull(h2);
    ck_assert_int_eq(dsg_stok_token(h, 0x8A2D, 0x8A08, got), 0);
    ck_assert_int_eq(dsg_stok_token(h2, 0x8A2D, 0x8A08, want), 0);
    ck_assert_str_ne(got, want);
    dsg_stok_hasher_free(h2);
    dsg_stok_hasher_free(h);
}
END_TEST

static sqlite3 *open_index(const char *path, const char *tokenize)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(dsg_stok_register(db, key), SQLITE_OK);
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE idx USING fts5(name, body, content='', tokenize='%s')",
             tokenize);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static int insert(sqlite3 *db, int id, const char *name, int name_len, const char *body)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO idx(rowid, name, body) VALUES (?, ?, ?)",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int(st, 1, id);
    sqlite3_bind_text(st, 2, name, name_len, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

static void insert_docs(sqlite3 *db)
{
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        ck_assert_int_eq(insert(db, docs[i].id, docs[i].name, -1, docs[i].body), SQLITE_DONE);
}

/* The rowids matching query, in order, as "1,3" ("" for none; "error"). */
static void match(sqlite3 *db, const char *query, char *out, size_t cap)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY rowid",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
    size_t at = 0;
    int rc;
    out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        at += (size_t)snprintf(out + at, cap - at, "%s%lld", at ? "," : "",
                               (long long)sqlite3_column_int64(st, 0));
    if (rc != SQLITE_DONE)
        snprintf(out, cap, "error");
    sqlite3_finalize(st);
}

static void expect_match(sqlite3 *db, const char *query, const char *want)
{
    char got[128];
    match(db, query, got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", query, got, want);
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_fts5_refusals)
{
    sqlite3 *db = open_index(":memory:", DSG_STOK_TOKENIZER " 1");
    /* text that is not UTF-8 is refused, not indexed as garbage */
    ck_assert_int_ne(insert(db, 1, "bad\xFF.txt", -1, "x"), SQLITE_DONE);
    ck_assert_int_ne(insert(db, 2, "ok.txt", -1, "\xE8\xA8"), SQLITE_DONE);
    ck_assert_int_eq(insert(db, 3, "ok.txt", -1, "fine"), SQLITE_DONE);
    /* a prefix query has no meaning over MACs */
    expect_match(db, "fin*", "error");
    expect_match(db, "\"\xFF\"", "error");
    /* a table without its label, and any option after it, are refused */
    ck_assert_int_ne(sqlite3_exec(db, "CREATE VIRTUAL TABLE t2 USING fts5(x, "
                                      "tokenize='dsg_bigram')",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "CREATE VIRTUAL TABLE t3 USING fts5(x, "
                                      "tokenize='dsg_bigram 1 remove_diacritics 1')",
                                  NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "CREATE VIRTUAL TABLE t4 USING fts5(x, "
                                      "tokenize='dsg_bigram 123456789012345678901234567890123')",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_fts5_japanese_queries)
{
    sqlite3 *db = open_index(":memory:", DSG_STOK_TOKENIZER " 1");
    insert_docs(db);
    expect_match(db, "設", "1,4,5");         /* one character: every document holding it */
    expect_match(db, "計", "1,4");
    expect_match(db, "設計", "1,4");
    expect_match(db, "設計書", "1");         /* 設計 then 計書, not 4's 設計の計書 */
    expect_match(db, "計書", "1,4");
    expect_match(db, "防衛装備", "1");
    expect_match(db, "装備の設計", "1");
    expect_match(db, "防衛 設計書", "1");    /* two words: both */
    expect_match(db, "防衛 memo", "");
    expect_match(db, "\"「防衛」\"", "1");   /* brackets are separators */
    expect_match(db, "手順", "3");
    expect_match(db, "name:設計", "1");      /* in the name only */
    expect_match(db, "body:設計書", "");
    expect_match(db, "\"装備 の\"", "");      /* another segmentation */
    sqlite3_close(db);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_fts5_ascii_and_full_width)
{
    sqlite3 *db = open_index(":memory:", DSG_STOK_TOKENIZER " 1");
    insert_docs(db);
    expect_match(db, "dsg", "2,3");
    expect_match(db, "DSG", "2,3");
    expect_match(db, "ＤＳＧ", "2,3");
    expect_match(db, "ｄｓｇ", "2,3");
    expect_match(db, "gateway", "2");
    expect_match(db, "\"gateway design\"", "2");
    expect_match(db, "\"design gateway\"", "");
    expect_match(db, "txt", "1,2,4,5");
    expect_match(db, "\"memo.txt\"", "4");
    expect_match(db, "zzz", "");
    sqlite3_close(db);
}
END_TEST

/* Reads the whole file at path; *len its size. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    uint8_t *buf = malloc((size_t)n);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The indexed words a `strings` over the file must not show. */
static const char *const secrets[] = {
    "設計", "防衛", "装備", "手順", "gateway", "design", "notes", "operators", "report",
    "memo", "ＤＳＧ",
};

/* How many of secrets[] the database file at path holds. */
static size_t secrets_in(const char *path)
{
    size_t len, found = 0;
    uint8_t *buf = slurp(path, &len);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        found += memmem(buf, len, secrets[i], strlen(secrets[i])) != NULL;
    free(buf);
    return found;
}

static char *temp_db(void)
{
    char *path = strdup("/tmp/dsg-search-test-XXXXXX");
    ck_assert_ptr_nonnull(path);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    return path;
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_database_file_holds_no_text)
{
    /* the control: an ordinary FTS5 table shows the words */
    char *plain = temp_db();
    sqlite3 *db = open_index(plain, "unicode61");
    insert_docs(db);
    sqlite3_close(db);
    ck_assert_uint_ge(secrets_in(plain), 5);
    unlink(plain);
    free(plain);

    char *path = temp_db();
    db = open_index(path, DSG_STOK_TOKENIZER " 1");
    insert_docs(db);
    expect_match(db, "設計書", "1");
    sqlite3_close(db);
    ck_assert_uint_eq(secrets_in(path), 0);
    unlink(path);
    free(path);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_stok_tables_have_their_own_keys)
{
    sqlite3 *db = open_index(":memory:", DSG_STOK_TOKENIZER " 1");
    ck_assert_int_eq(sqlite3_exec(db, "CREATE VIRTUAL TABLE idx2 USING fts5(name, body, "
                                      "content='', tokenize='dsg_bigram 2');"
                                      "CREATE VIRTUAL TABLE v1 USING fts5vocab(idx, 'row');"
                                      "CREATE VIRTUAL TABLE v2 USING fts5vocab(idx2, 'row');"
                                      "INSERT INTO idx(rowid, name, body) VALUES (1, '設計書', '');"
                                      "INSERT INTO idx2(rowid, name, body) VALUES (1, '設計書', '');",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM v1), "
                                            "(SELECT count(*) FROM v2), "
                                            "(SELECT count(*) FROM v1 JOIN v2 USING (term))",
                                        -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 5);   /* 設計, 計書 and three unigrams */
    ck_assert_int_eq(sqlite3_column_int(st, 1), 5);
    ck_assert_int_eq(sqlite3_column_int(st, 2), 0);   /* no token in common */
    sqlite3_finalize(st);
    sqlite3_close(db);
}
END_TEST

Suite *suite_search_token(void)
{
    Suite *s = suite_create("search_token");
    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_stok_refuses_non_scalar_code_points);
    tcase_add_test(bad, test_stok_fts5_refusals);
    suite_add_tcase(s, bad);
    TCase *tc = tcase_create("index");
    tcase_add_test(tc, test_stok_token_is_truncated_hmac_in_base64url);
    tcase_add_test(tc, test_stok_fts5_japanese_queries);
    tcase_add_test(tc, test_stok_fts5_ascii_and_full_width);
    tcase_add_test(tc, test_stok_database_file_holds_no_text);
    tcase_add_test(tc, test_stok_tables_have_their_own_keys);
    suite_add_tcase(s, tc);
    return s;
}
