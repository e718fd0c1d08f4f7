/*
 * libFuzzer harness for the search index's queries (src/share/search_index.h).
 *
 * The input is one query: its first byte picks the scope (name, text or
 * all), the rest up to a NUL is the query's text. The index holds three
 * files of area 1 (names and texts in Japanese and ASCII, with FTS5's own
 * syntax characters in them). Any of these calls abort():
 *  - DSG_SEARCH_FAILED: the query reached SQLite as something other than
 *    text to look for (an FTS5 syntax error, an operator, a column name);
 *  - a file named that the index does not hold, or one named twice;
 *  - an empty query (white space only) that does not list all three files.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/search_index.h"

/* @relation(REQ-SHARE-015) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

static dsg_search_index *ix;

static void put(int64_t file, const char *name, const char *text)
{
    char err[256];
    CHECK(dsg_search_put_name(ix, 1, file, name, err, sizeof err) == 0);
    CHECK(dsg_search_put_text(ix, 1, file, 1, (const uint8_t *)text, strlen(text), err,
                              sizeof err) == 0);
}

/* The index, made once in a fresh directory. */
static void open_once(void)
{
    static const uint8_t key[DSG_STOK_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    char dir[] = "/tmp/dsg-fuzz-search-XXXXXX", path[64], err[256];
    if (ix != NULL)
        return;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/search.db", dir);
    CHECK(dsg_search_open(path, 1000, key, &ix, err, sizeof err) == 0);
    put(1, "設計書 NEAR(a b).txt", "防衛装備の設計手順 \"quoted\" OR AND NOT");
    put(2, "議事録-2026.md", "name: body: {name body} : ^start *star +plus -minus");
    put(3, "ＤＳＧ Report.csv", "a,b,c\n1,2,3\n設,計");
}

static unsigned seen;

static int note(int64_t file, void *ctx)
{
    (void)ctx;
    CHECK(file >= 1 && file <= 3);
    CHECK((seen & 1u << file) == 0);
    seen |= 1u << file;
    return 0;
}

static int white_only(const char *q)
{
    for (; *q != '\0'; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char query[DSG_SEARCH_QUERY_MAX + 64], err[256];
    int more = 0;
    if (size == 0)
        return 0;
    open_once();
    dsg_search_scope scope = (dsg_search_scope)(1 + data[0] % 3);
    size_t n = size - 1 < sizeof query - 1 ? size - 1 : sizeof query - 1;
    memcpy(query, data + 1, n);
    query[n] = '\0';
    seen = 0;
    dsg_search_status s = dsg_search_find(ix, 1, query, scope, 10, note, NULL, &more, err,
                                          sizeof err);
    CHECK(s != DSG_SEARCH_FAILED);
    CHECK(more == 0);
    if (s == DSG_SEARCH_OK && white_only(query))
        CHECK(seen == (1u << 1 | 1u << 2 | 1u << 3));
    return 0;
}
