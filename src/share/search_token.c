/*
 * Keyed search tokens and the FTS5 tokenizer that emits them: see
 * search_token.h for the scheme.
 */
#include "share/search_token.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/b64url.h"
#include "core/bigram.h"
#include "stor/key_mem.h"

#define LABEL "dsg-search-term-v1"
#define MAC_KEEP 16u   /* bytes of the HMAC kept: 128 bits, no collision in practice */

struct dsg_stok_hasher {
    EVP_MAC_CTX *keyed;   /* initialised with the key, copied for each token */
};

dsg_stok_hasher *dsg_stok_hasher_new(const uint8_t *key)
{
    dsg_stok_hasher *h = calloc(1, sizeof *h);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (h != NULL && mac != NULL)
        h->keyed = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);   /* the context holds its own reference */
    if (h == NULL || h->keyed == NULL ||
        EVP_MAC_init(h->keyed, key, DSG_STOK_KEY_LEN, params) != 1) {
        dsg_stok_hasher_free(h);
        return NULL;
    }
    return h;
}

void dsg_stok_hasher_free(dsg_stok_hasher *h)
{
    if (h == NULL)
        return;
    EVP_MAC_CTX_free(h->keyed);   /* wipes the HMAC key schedule */
    free(h);
}

static int scalar(uint32_t c)
{
    return c != 0 && c <= 0x10FFFFu && (c < 0xD800u || c > 0xDFFFu);
}

static size_t put_utf8(uint8_t *out, uint32_t c)
{
    if (c < 0x80u) {
        out[0] = (uint8_t)c;
        return 1;
    }
    if (c < 0x800u) {
        out[0] = (uint8_t)(0xC0u | (c >> 6));
        out[1] = (uint8_t)(0x80u | (c & 0x3Fu));
        return 2;
    }
    if (c < 0x10000u) {
        out[0] = (uint8_t)(0xE0u | (c >> 12));
        out[1] = (uint8_t)(0x80u | ((c >> 6) & 0x3Fu));
        out[2] = (uint8_t)(0x80u | (c & 0x3Fu));
        return 3;
    }
    out[0] = (uint8_t)(0xF0u | (c >> 18));
    out[1] = (uint8_t)(0x80u | ((c >> 12) & 0x3Fu));
    out[2] = (uint8_t)(0x80u | ((c >> 6) & 0x3Fu));
    out[3] = (uint8_t)(0x80u | (c & 0x3Fu));
    return 4;
}

/* The canonical bytes of a term (search_token.h) into buf; their length. */
static size_t canonical(uint32_t cp1, uint32_t cp2, uint8_t buf[sizeof LABEL + 9u])
{
    size_t n = sizeof LABEL;   /* the label and its NUL */
    memcpy(buf, LABEL, n);
    buf[n++] = cp2 == 0 ? 1u : 2u;
    n += put_utf8(buf + n, cp1);
    if (cp2 != 0)
        n += put_utf8(buf + n, cp2);
    return n;
}

int dsg_stok_token(dsg_stok_hasher *h, uint32_t cp1, uint32_t cp2,
                   char out[DSG_STOK_TOKEN_LEN + 1u])
{
    out[0] = '\0';
    if (h == NULL || !scalar(cp1) || (cp2 != 0 && !scalar(cp2)))
        return -1;
    uint8_t buf[sizeof LABEL + 9u];
    size_t n = canonical(cp1, cp2, buf);
    uint8_t mac[32];
    size_t mac_len = 0, tok_len = 0;
    EVP_MAC_CTX *c = EVP_MAC_CTX_dup(h->keyed);
    int ok = c != NULL && EVP_MAC_update(c, buf, n) == 1 &&
             EVP_MAC_final(c, mac, &mac_len, sizeof mac) == 1 && mac_len == sizeof mac &&
             dsg_b64url_encode(mac, MAC_KEEP, out, DSG_STOK_TOKEN_LEN, &tok_len) ==
                 DSG_B64URL_OK &&
             tok_len == DSG_STOK_TOKEN_LEN;
    EVP_MAC_CTX_free(c);
    OPENSSL_cleanse(buf, sizeof buf);
    OPENSSL_cleanse(mac, sizeof mac);
    out[ok ? DSG_STOK_TOKEN_LEN : 0] = '\0';
    return ok ? 0 : -1;
}

/* ---- the FTS5 tokenizer -------------------------------------------------- */

/* What dsg_stok_register hands FTS5: the key, for each table's tokenizer. */
typedef struct {
    uint8_t key[DSG_STOK_KEY_LEN];
} stok_reg;

static void reg_free(void *p)
{
    dsg_key_mem_free(p, sizeof(stok_reg));
}

/* The key of one table: HMAC-SHA-256 under the registered key of
 * "dsg-search-table-v1" 0x00 label. 0, or -1. */
static int table_key(const uint8_t *key, const char *label, uint8_t out[DSG_STOK_KEY_LEN])
{
    static const char table_label[] = "dsg-search-table-v1";
    size_t n = strlen(label), out_len = 0;
    uint8_t buf[sizeof table_label + DSG_STOK_LABEL_MAX];
    if (n == 0 || n > DSG_STOK_LABEL_MAX)
        return -1;
    memcpy(buf, table_label, sizeof table_label);   /* with its NUL */
    memcpy(buf + sizeof table_label, label, n);
    return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, DSG_STOK_KEY_LEN, buf,
                     sizeof table_label + n, out, DSG_STOK_KEY_LEN, &out_len) != NULL &&
                   out_len == DSG_STOK_KEY_LEN
               ? 0
               : -1;
}

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
    uint8_t key[DSG_STOK_KEY_LEN];
    *out = NULL;
    if (argc != 1)
        return SQLITE_ERROR;   /* the table's label alone: a typo must not pass unnoticed */
    if (table_key(((const stok_reg *)ctx)->key, argv[0], key) != 0)
        return SQLITE_ERROR;
    dsg_stok_hasher *h = dsg_stok_hasher_new(key);
    OPENSSL_cleanse(key, sizeof key);
    if (h == NULL)
        return SQLITE_NOMEM;
    *out = (Fts5Tokenizer *)h;
    return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
    dsg_stok_hasher_free((dsg_stok_hasher *)t);
}

typedef int (*tok_cb)(void *, int, const char *, int, int, int);

/* The FTS5 flag of a DOCUMENT-mode term: a unigram inside the bytes of the
 * bigram before it stands at that bigram's position. */
static int colocated(const dsg_bg_term *t, size_t bg_off, size_t bg_end)
{
    return t->cp2 == 0 && t->off >= bg_off && t->off + t->len <= bg_end;
}

static int tok_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
                        int ntext, tok_cb emit)
{
    if ((flags & FTS5_TOKENIZE_PREFIX) != 0 || ntext < 0)
        return SQLITE_ERROR;
    int mode = (flags & FTS5_TOKENIZE_QUERY) != 0 ? DSG_BG_QUERY : DSG_BG_DOCUMENT;
    dsg_bg_cursor c;
    dsg_bg_term t;
    int rc = dsg_bg_init(&c, mode);
    size_t bg_off = 0, bg_end = 0;   /* the last bigram's bytes; none yet */
    while (rc != DSG_BG_INVALID && rc != DSG_BG_BAD_CURSOR &&
           (rc = dsg_bg_next(&c, (const uint8_t *)text, (size_t)ntext, &t)) == DSG_BG_TERM) {
        char out[DSG_STOK_TOKEN_LEN + 1u];
        if (dsg_stok_token((dsg_stok_hasher *)tok, t.cp1, t.cp2, out) != 0)
            return SQLITE_ERROR;
        int tflags = colocated(&t, bg_off, bg_end) ? FTS5_TOKEN_COLOCATED : 0;
        if (t.cp2 != 0) {
            bg_off = t.off;
            bg_end = t.off + t.len;
        }
        int erc = emit(ctx, tflags, out, (int)DSG_STOK_TOKEN_LEN, (int)t.off,
                       (int)(t.off + t.len));
        if (erc != SQLITE_OK)
            return erc;
    }
    return rc == DSG_BG_END ? SQLITE_OK : SQLITE_ERROR;
}

/* The fts5_api of db, the documented way: SELECT fts5(?1) with a pointer. */
static fts5_api *fts5_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    (void)sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

int dsg_stok_register(sqlite3 *db, const uint8_t *key)
{
    fts5_api *api = fts5_of(db);
    if (api == NULL || api->iVersion < 2)
        return SQLITE_ERROR;
    stok_reg *reg = (stok_reg *)dsg_key_mem_new(sizeof *reg);   /* REQ-STOR-010 */
    if (reg == NULL)
        return SQLITE_NOMEM;
    memcpy(reg->key, key, DSG_STOK_KEY_LEN);
    fts5_tokenizer impl = { tok_create, tok_delete, tok_tokenize };
    int rc = api->xCreateTokenizer(api, DSG_STOK_TOKENIZER, reg, &impl, reg_free);
    if (rc != SQLITE_OK)
        reg_free(reg);   /* FTS5 calls reg_free only once it holds reg */
    return rc;
}
