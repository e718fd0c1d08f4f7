/*
 * The share role's search index (REQ-SHARE-015): which files of an area
 * hold every word of a query in their name or in the text of their newest
 * clean version, without a name or a text in the clear anywhere in the
 * index's database (docs/sharing.md, "Search").
 *
 * The index is a database of its own (var/share/search.db):
 * - `docs`: one row per indexed document -- a file's name (version 0) or
 *   the text of one of its versions -- with its area, file and whether it
 *   is still live;
 * - per area, an FTS5 contentless table `terms_<area>` whose tokenizer is
 *   dsg_bigram keyed for that area (search_token.h), its rowid the
 *   document's id.
 * A contentless table can delete a document only when given its text
 * again, which the index does not keep; so a document replaced (a rename,
 * a newer version, a deletion) is marked not live and its tokens stay,
 * matched by nothing any more. The file store stays the truth: the caller
 * checks every file the index names (that it lives, where it is, whether
 * the account may read it) before showing it.
 *
 * Not pure (SQLite, OpenSSL); linked into dsgd's share role and the unit
 * tests.
 */
#ifndef DSG_SHARE_SEARCH_INDEX_H
#define DSG_SHARE_SEARCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "share/search_token.h"

#define DSG_SEARCH_WORDS_MAX 8u          /* words of one query */
#define DSG_SEARCH_QUERY_MAX 256u        /* bytes of one query */
#define DSG_SEARCH_TEXT_MAX (256u * 1024u)   /* bytes of a version's text indexed */

struct sqlite3;
typedef struct dsg_search_index dsg_search_index;

/* Where a query's words are looked for. */
typedef enum dsg_search_scope {
    DSG_SEARCH_NAME = 1,
    DSG_SEARCH_TEXT = 2,
    DSG_SEARCH_ALL = 3
} dsg_search_scope;

typedef enum dsg_search_status {
    DSG_SEARCH_OK = 0,
    DSG_SEARCH_NO_WORDS,        /* the query has no character to look for */
    DSG_SEARCH_TOO_MANY_WORDS,  /* over DSG_SEARCH_WORDS_MAX */
    DSG_SEARCH_TOO_LONG,        /* over DSG_SEARCH_QUERY_MAX bytes */
    DSG_SEARCH_BAD_TEXT,        /* not strict UTF-8 */
    DSG_SEARCH_FAILED           /* the database failed (err says how) */
} dsg_search_status;

/* Opens (creating) the index at path, its tokens keyed from
 * key[0 .. DSG_STOK_KEY_LEN). 0 and *out, or -1 with a message.
 * @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_search_open(const char *path, uint32_t busy_timeout_ms, const uint8_t *key,
                    dsg_search_index **out, char *err, size_t n);

/* The index's connection, for a backup's online copy (src/db/snapshot.h).
 * @relation(REQ-BKUP-002) */
struct sqlite3 *dsg_search_db(dsg_search_index *ix);

/* Closes ix (NULL is fine). @relation(REQ-SHARE-015) */
void dsg_search_close(dsg_search_index *ix);

/* The file's name is `name` from now on: its earlier name stops matching.
 * 0, or -1 with a message. @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_search_put_name(dsg_search_index *ix, int64_t area, int64_t file, const char *name,
                        char *err, size_t n);

/* Version `version` of the file is its newest clean one and holds
 * text[0 .. len): the file's earlier texts stop matching and this one
 * matches. Text that is not strict UTF-8 is not indexed (1: the earlier
 * texts stop matching all the same); at most its first
 * DSG_SEARCH_TEXT_MAX bytes, cut after the last whole character, are.
 * 0, 1, or -1 with a message. @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_search_put_text(dsg_search_index *ix, int64_t area, int64_t file, int64_t version,
                        const uint8_t *text, size_t len, char *err, size_t n);

/* The file's newest clean version has no text to index (not a text-like
 * file): its earlier texts stop matching. 0, or -1 with a message.
 * @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_search_forget_text(dsg_search_index *ix, int64_t file, char *err, size_t n);

/* DSG_SEARCH_OK when query is one dsg_search_find takes, else why not
 * (NO_WORDS, TOO_MANY_WORDS, TOO_LONG, BAD_TEXT). @relation(REQ-SHARE-015) */
dsg_search_status dsg_search_check(const char *query);

/* The file is gone: nothing of it matches any more. 0, or -1 with a
 * message. @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_search_forget(dsg_search_index *ix, int64_t file, char *err, size_t n);

/* The files of area, newest first (by number), at most max, whose live
 * documents in scope hold every word of query (words split at white
 * space; within a word its characters in a row); with an empty query,
 * every file with a live name. fn is called with each; a non-zero return
 * stops the search (and is no failure). *more is set when there were more
 * than max. @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
dsg_search_status dsg_search_find(dsg_search_index *ix, int64_t area, const char *query,
                                  dsg_search_scope scope, size_t max,
                                  int (*fn)(int64_t file, void *ctx), void *ctx, int *more,
                                  char *err, size_t n);

/* Cuts text[0 .. len) after its last whole UTF-8 sequence (a cut one, at
 * most 3 bytes, is dropped): the length kept. @relation(REQ-SHARE-015) */
size_t dsg_search_whole_chars(const uint8_t *text, size_t len);

/* 1 when a file of this name has text worth indexing (its extension:
 * .txt .csv .tsv .md .log .json .xml .html .htm .yaml .yml), else 0.
 * @relation(REQ-SHARE-015) */
int dsg_search_text_like(const char *name);

#endif
