/*
 * The search index's tokens (REQ-SHARE-015): the terms of src/core/bigram.h,
 * each turned into a keyed token, and the SQLite FTS5 tokenizer that emits
 * them, so that an FTS5 index holds no file name or document text in the
 * clear.
 *
 * Token of a term: the first 16 bytes of HMAC-SHA-256 under the 32-byte
 * index key of the term's canonical bytes
 *     "dsg-search-term-v1" 0x00, then the number of code points (1 or 2),
 *     then the code points as UTF-8,
 * written as base64url without padding: 22 characters. The label keeps
 * these MACs apart from any other use of a key; the count keeps a unigram
 * apart from a bigram.
 *
 * The tokenizer ("dsg_bigram", registered with dsg_stok_register) takes
 * one argument, the table's label (1 to DSG_STOK_LABEL_MAX bytes, e.g. the
 * number of the area the table indexes), and keys its tokens with
 * HMAC-SHA-256 under the registered key of "dsg-search-table-v1" 0x00
 * label: each table has its own key, so equal terms in two tables have
 * unrelated tokens. It emits,
 * for a document (and for FTS5's auxiliary functions), the DOCUMENT-mode
 * terms: every bigram of a run, and every character's unigram as a token
 * colocated with the bigram that holds it (FTS5_TOKEN_COLOCATED), so that a
 * run of n >= 2 characters takes n - 1 positions and a run of one
 * character one. For a query it emits the QUERY-mode terms: the bigrams of
 * a run, or the unigram of a one-character run, which take the same
 * positions. So a one-character query matches every document holding the
 * character, a longer one is a phrase of its bigrams, and a quoted string
 * of several runs matches the same runs in a row.
 *
 * Refused with an error (the statement fails): text that is not strict
 * UTF-8, prefix queries ("設*": a token is a MAC, it has no prefixes), a
 * missing label and any further tokenizer argument.
 *
 * Use a contentless table, or FTS5 keeps the text itself:
 *     CREATE VIRTUAL TABLE t USING fts5(name, body, content='',
 *                                       tokenize='dsg_bigram 17');
 */
#ifndef DSG_SHARE_SEARCH_TOKEN_H
#define DSG_SHARE_SEARCH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define DSG_STOK_KEY_LEN 32u
#define DSG_STOK_TOKEN_LEN 22u   /* base64url of 16 bytes */
#define DSG_STOK_TOKENIZER "dsg_bigram"
#define DSG_STOK_LABEL_MAX 32u   /* bytes of a table's label */

typedef struct dsg_stok_hasher dsg_stok_hasher;

/* A hasher keyed with key[0 .. DSG_STOK_KEY_LEN); NULL when OpenSSL fails.
 * @relation(REQ-SHARE-015) */
dsg_stok_hasher *dsg_stok_hasher_new(const uint8_t *key);

/* Frees h (NULL is fine), wiping its key.
 * @relation(REQ-SHARE-015) */
void dsg_stok_hasher_free(dsg_stok_hasher *h);

/* The token of the term (cp1, cp2), cp2 == 0 for a unigram, into
 * out[0 .. DSG_STOK_TOKEN_LEN] with a NUL: 0; -1 for a code point that is
 * not a scalar value (0, a surrogate, above U+10FFFF) or an OpenSSL
 * failure, out then holding "".
 * @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_stok_token(dsg_stok_hasher *h, uint32_t cp1, uint32_t cp2,
                   char out[DSG_STOK_TOKEN_LEN + 1u]);

/* Registers the tokenizer DSG_STOK_TOKENIZER on db, its tables' keys
 * derived from a copy of key[0 .. DSG_STOK_KEY_LEN) (wiped when db closes): SQLITE_OK or an
 * SQLite error code (no FTS5 in this SQLite: SQLITE_ERROR).
 * @relation(REQ-SHARE-015) */
__attribute__((warn_unused_result))
int dsg_stok_register(sqlite3 *db, const uint8_t *key);

#endif
