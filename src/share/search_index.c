/* The share role's search index: see search_index.h. */
#define _POSIX_C_SOURCE 200809L
#include "share/search_index.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "core/bigram.h"
#include "core/utf8.h"
#include "db/db.h"

struct dsg_search_index {
    sqlite3 *db;
};

sqlite3 *dsg_search_db(dsg_search_index *ix)
{
    return ix->db;
}

static const char *const migrations[] = {
    /* 1: the documents; the terms tables are made per area as needed */
    "CREATE TABLE docs ("
    "  id INTEGER PRIMARY KEY,"
    "  area INTEGER NOT NULL CHECK (area > 0),"
    "  file INTEGER NOT NULL CHECK (file > 0),"
    "  version INTEGER NOT NULL CHECK (version >= 0),"   /* 0: the name */
    "  live INTEGER NOT NULL CHECK (live IN (0, 1)));"
    "CREATE INDEX docs_file ON docs (file, live);"
    "CREATE INDEX docs_area ON docs (area, version, live, file);",
};

int dsg_search_open(const char *path, uint32_t busy_timeout_ms, const uint8_t *key,
                    dsg_search_index **out, char *err, size_t n)
{
    dsg_search_index *ix = calloc(1, sizeof *ix);
    *out = NULL;
    if (ix == NULL) {
        snprintf(err, n, "out of memory");
        return -1;
    }
    if (dsg_db_open(path, busy_timeout_ms, migrations, 1, &ix->db, err, n) != 0) {
        free(ix);
        return -1;
    }
    if (dsg_stok_register(ix->db, key) != SQLITE_OK) {
        snprintf(err, n, "%s: this SQLite has no FTS5", path);
        dsg_search_close(ix);
        return -1;
    }
    *out = ix;
    return 0;
}

void dsg_search_close(dsg_search_index *ix)
{
    if (ix == NULL)
        return;
    dsg_db_close(ix->db);
    free(ix);
}

static int failed(dsg_search_index *ix, char *err, size_t n)
{
    snprintf(err, n, "the search index failed: %s", sqlite3_errmsg(ix->db));
    return -1;
}

/* The area's terms table exists: 0, or -1. */
static int terms_table(dsg_search_index *ix, int64_t area, char *err, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE IF NOT EXISTS terms_%" PRId64 " USING fts5(name, body, "
             "content='', tokenize='" DSG_STOK_TOKENIZER " %" PRId64 "')",
             area, area);
    return dsg_db_exec(ix->db, sql, err, n);
}

/* Marks the file's live documents of one kind (name: version 0, else the
 * texts) not live. 0, or -1. */
static int retire(dsg_search_index *ix, int64_t file, int names, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(ix->db, names
        ? "UPDATE docs SET live = 0 WHERE file = ? AND live = 1 AND version = 0"
        : "UPDATE docs SET live = 0 WHERE file = ? AND live = 1 AND version > 0");
    if (st != NULL)
        sqlite3_bind_int64(st, 1, file);
    return dsg_db_run(st) == 0 ? 0 : failed(ix, err, n);
}

/* A new live document and its terms. 0, or -1. */
static int add_doc(dsg_search_index *ix, int64_t area, int64_t file, int64_t version,
                   const char *name, const uint8_t *text, size_t len, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(ix->db,
        "INSERT INTO docs (area, file, version, live) VALUES (?, ?, ?, 1)");
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, area);
        sqlite3_bind_int64(st, 2, file);
        sqlite3_bind_int64(st, 3, version);
    }
    if (dsg_db_run(st) != 0)
        return failed(ix, err, n);
    int64_t doc = sqlite3_last_insert_rowid(ix->db);
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO terms_%" PRId64 " (rowid, name, body) VALUES (?, ?, ?)",
             area);
    if ((st = dsg_db_prepare(ix->db, sql)) != NULL) {
        sqlite3_bind_int64(st, 1, doc);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, (const char *)text, (int)len, SQLITE_STATIC);
    }
    return dsg_db_run(st) == 0 ? 0 : failed(ix, err, n);
}

/* Replaces the file's documents of one kind with a new one, as one
 * transaction. 0, or -1. */
static int replace_doc(dsg_search_index *ix, int64_t area, int64_t file, int64_t version,
                       const char *name, const uint8_t *text, size_t len, char *err, size_t n)
{
    if (area <= 0 || file <= 0 || version < 0) {
        snprintf(err, n, "the search index: area, file or version out of range");
        return -1;
    }
    if (terms_table(ix, area, err, n) != 0 || dsg_db_begin(ix->db, err, n) != 0)
        return -1;
    if (retire(ix, file, version == 0, err, n) != 0 ||
        add_doc(ix, area, file, version, name, text, len, err, n) != 0) {
        dsg_db_rollback(ix->db);
        return -1;
    }
    return dsg_db_commit(ix->db, err, n);
}

int dsg_search_put_name(dsg_search_index *ix, int64_t area, int64_t file, const char *name,
                        char *err, size_t n)
{
    return replace_doc(ix, area, file, 0, name, (const uint8_t *)"", 0, err, n);
}

size_t dsg_search_whole_chars(const uint8_t *text, size_t len)
{
    size_t start = len;
    /* the last lead byte, at most 3 bytes back */
    while (start > 0 && len - start < 4 && (text[start - 1] & 0xC0u) == 0x80u)
        start--;
    if (start == 0 || len - start >= 4)
        return len;   /* continuation bytes with no lead: the check refuses it */
    uint8_t lead = text[start - 1];
    size_t want = lead < 0x80u ? 1 : lead >= 0xF0u ? 4 : lead >= 0xE0u ? 3 : lead >= 0xC0u ? 2 : 1;
    return len - (start - 1) >= want ? len : start - 1;
}

/* 1 when s[0 .. len) is strict UTF-8 without a NUL. */
static int utf8_text(const uint8_t *s, size_t len)
{
    uint32_t cp;
    size_t step;
    for (size_t at = 0; at < len; at += step)
        if ((step = dsg_utf8_decode(s, len, at, &cp)) == 0 || cp == 0)
            return 0;
    return 1;
}

int dsg_search_put_text(dsg_search_index *ix, int64_t area, int64_t file, int64_t version,
                        const uint8_t *text, size_t len, char *err, size_t n)
{
    if (len > DSG_SEARCH_TEXT_MAX)
        len = DSG_SEARCH_TEXT_MAX;
    len = dsg_search_whole_chars(text, len);
    if (version <= 0) {
        snprintf(err, n, "the search index: a text's version must be 1 or more");
        return -1;
    }
    if (!utf8_text(text, len))
        return dsg_search_forget_text(ix, file, err, n) == 0 ? 1 : -1;
    return replace_doc(ix, area, file, version, "", text, len, err, n);
}

int dsg_search_forget_text(dsg_search_index *ix, int64_t file, char *err, size_t n)
{
    return retire(ix, file, 0, err, n);
}

int dsg_search_forget(dsg_search_index *ix, int64_t file, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(ix->db,
        "UPDATE docs SET live = 0 WHERE file = ? AND live = 1");
    if (st != NULL)
        sqlite3_bind_int64(st, 1, file);
    return dsg_db_run(st) == 0 ? 0 : failed(ix, err, n);
}

/* ---- queries -------------------------------------------------------------------- */

/* One white-space-separated word of a query. */
typedef struct word {
    const char *p;
    size_t len;
} word;

/* The length of the white space at s: ASCII space, tab, CR, LF, or the
 * ideographic space U+3000; 0 when s is not white space. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        return 1;
    return (uint8_t)s[0] == 0xE3u && (uint8_t)s[1] == 0x80u && (uint8_t)s[2] == 0x80u ? 3 : 0;
}

/* 1 when the word has a term to look for (not only separators). */
static int has_term(const word *w)
{
    dsg_bg_cursor c;
    dsg_bg_term t;
    return dsg_bg_init(&c, DSG_BG_QUERY) == DSG_BG_END &&
           dsg_bg_next(&c, (const uint8_t *)w->p, w->len, &t) == DSG_BG_TERM;
}

/* The words of query into w[0 .. DSG_SEARCH_WORDS_MAX): OK and *count;
 * a word without a term is skipped. */
static dsg_search_status split_words(const char *query, word *w, size_t *count)
{
    size_t len = strlen(query), k = 0, seen = 0;
    if (len > DSG_SEARCH_QUERY_MAX)
        return DSG_SEARCH_TOO_LONG;
    if (!utf8_text((const uint8_t *)query, len))
        return DSG_SEARCH_BAD_TEXT;
    for (size_t i = 0; i < len;) {
        size_t sp = space_at(query + i), start = i;
        if (sp > 0) {
            i += sp;
            continue;
        }
        while (i < len && space_at(query + i) == 0)
            i++;
        word one = { query + start, i - start };
        seen++;
        if (!has_term(&one))
            continue;
        if (k == DSG_SEARCH_WORDS_MAX)
            return DSG_SEARCH_TOO_MANY_WORDS;
        w[k++] = one;
    }
    *count = k;
    return seen > 0 && k == 0 ? DSG_SEARCH_NO_WORDS : DSG_SEARCH_OK;
}

/* The FTS5 expression of one word: a phrase of its text (quotes doubled),
 * restricted to the scope's column. */
static int match_expr(const word *w, dsg_search_scope scope, char *out, size_t cap)
{
    static const char *const column[] = { "", "name : ", "body : ", "" };
    if (2 * w->len + 16 > cap)
        return -1;   /* every byte doubled, the column and the quotes */
    size_t k = (size_t)snprintf(out, cap, "%s\"", column[scope & 3]);
    for (size_t i = 0; i < w->len; i++) {
        if (w->p[i] == '"')
            out[k++] = '"';
        out[k++] = w->p[i];
    }
    out[k++] = '"';
    out[k] = '\0';
    return 0;
}

/* The statement of a query of `count` words (bound 1 .. count), the limit
 * last: the files whose live documents match each word, intersected. */
static sqlite3_stmt *find_statement(dsg_search_index *ix, int64_t area, size_t count)
{
    char sql[2048];
    size_t k = 0;
    if (count == 0)
        return dsg_db_prepare(ix->db,
            "SELECT DISTINCT file FROM docs WHERE area = ?1 AND version = 0 AND live = 1 "
            "ORDER BY file DESC LIMIT ?2");
    for (size_t i = 0; i < count; i++)
        k += (size_t)snprintf(sql + k, sizeof sql - k,
                              "%sSELECT DISTINCT d.file FROM terms_%" PRId64 " t JOIN docs d "
                              "ON d.id = t.rowid WHERE t.terms_%" PRId64 " MATCH ?%zu "
                              "AND d.live = 1",
                              i == 0 ? "" : " INTERSECT ", area, area, i + 1);
    snprintf(sql + k, sizeof sql - k, " ORDER BY 1 DESC LIMIT ?%zu", count + 1);
    return dsg_db_prepare(ix->db, sql);
}

static dsg_search_status find_failed(dsg_search_index *ix, sqlite3_stmt *st, char *err,
                                     size_t n)
{
    failed(ix, err, n);
    sqlite3_finalize(st);
    return DSG_SEARCH_FAILED;
}

dsg_search_status dsg_search_check(const char *query)
{
    word w[DSG_SEARCH_WORDS_MAX];
    size_t count = 0;
    return split_words(query, w, &count);
}

dsg_search_status dsg_search_find(dsg_search_index *ix, int64_t area, const char *query,
                                  dsg_search_scope scope, size_t max,
                                  int (*fn)(int64_t file, void *ctx), void *ctx, int *more,
                                  char *err, size_t n)
{
    word w[DSG_SEARCH_WORDS_MAX];
    char expr[DSG_SEARCH_WORDS_MAX][2 * DSG_SEARCH_QUERY_MAX + 16];
    size_t count = 0, got = 0;
    dsg_search_status s = split_words(query, w, &count);
    *more = 0;
    if (s != DSG_SEARCH_OK)
        return s;
    if (area <= 0 || max > INT32_MAX || (scope & DSG_SEARCH_ALL) == 0 ||
        (scope & ~DSG_SEARCH_ALL) != 0) {
        snprintf(err, n, "the search index: area, scope or limit out of range");
        return DSG_SEARCH_FAILED;
    }
    if (terms_table(ix, area, err, n) != 0)
        return DSG_SEARCH_FAILED;
    sqlite3_stmt *st = find_statement(ix, area, count);
    if (st == NULL)
        return find_failed(ix, st, err, n);
    if (count == 0)
        sqlite3_bind_int64(st, 1, area);
    for (size_t i = 0; i < count; i++) {
        if (match_expr(&w[i], scope, expr[i], sizeof expr[i]) != 0)
            return find_failed(ix, st, err, n);
        sqlite3_bind_text(st, (int)i + 1, expr[i], -1, SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, (int)(count == 0 ? 2 : count + 1), (int64_t)max + 1);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (got++ == max) {
            *more = 1;
            break;
        }
        if (fn(sqlite3_column_int64(st, 0), ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return find_failed(ix, st, err, n);
    sqlite3_finalize(st);
    return DSG_SEARCH_OK;
}

int dsg_search_text_like(const char *name)
{
    static const char *const ext[] = { "txt", "csv", "tsv", "md", "log", "json",
                                       "xml", "html", "htm", "yaml", "yml" };
    const char *dot = strrchr(name, '.');
    if (dot == NULL || dot == name)
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (strcasecmp(dot + 1, ext[i]) == 0)
            return 1;
    return 0;
}
