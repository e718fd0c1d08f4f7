/*
 * CTAP2 canonical CBOR decoder (REQ-MFA-019): checks ONE data item at the
 * start of a buffer and describes it as an array of tokens in the
 * caller's memory, for the WebAuthn parsers (attestation object, COSE
 * keys, authenticatorData extensions). No allocation, no I/O.
 *
 *   dsg_cbor_tok toks[64];
 *   size_t n, eaten, at;
 *   int rc = dsg_cbor_decode(buf, len, 8, toks, 64, &n, &eaten, &at);
 *   if (rc != DSG_CBOR_OK) ... refuse: dsg_cbor_error_token(rc), offset at
 *   ... buf[eaten .. len) is what follows the item (authenticatorData
 *       holds a COSE key followed by extensions)
 *
 * What is accepted: the CTAP2 canonical CBOR encoding form (CTAP 2.0 §6,
 * CTAP 2.1 §8 "Message Encoding") restricted to what WebAuthn uses, the
 * "dsg CTAP2 profile":
 * - major types 0 and 1 (integers), 2 (byte strings), 3 (text strings,
 *   which must be strict UTF-8: no overlong form, no surrogate, nothing
 *   above U+10FFFF), 4 (arrays), 5 (maps), and from major type 7 only
 *   false (0xf4), true (0xf5) and null (0xf6);
 * - every integer, length and count in its shortest head (0..23 in the
 *   initial byte, then 1, 2, 4, 8 bytes only when the value needs them);
 * - definite lengths only;
 * - map keys are integers, byte strings or text strings, and each key
 *   sorts strictly after the one before it in the CTAP2 order: the lower
 *   major type first, then the shorter encoding, then the lower encoding
 *   byte by byte (so duplicate keys are refused too).
 * Refused: tags (major type 6, which CTAP2 forbids), floating-point
 * numbers, undefined and every other simple value (CTAP2 allows floats;
 * WebAuthn never carries one), indefinite lengths and the break code,
 * the reserved additional information 28..30.
 *
 * Tokens, in encoding order (a parent before its children):
 * - type: the major type (DSG_CBOR_UINT .. DSG_CBOR_MAP, DSG_CBOR_SIMPLE);
 * - arg: the head's argument: an unsigned integer's value, a negative
 *   integer's -1 - value (dsg_cbor_int gives the value), a string's
 *   payload length, an array's items, a map's pairs, a simple value's
 *   number (20 false, 21 true, 22 null);
 * - start/len: the item's whole encoding buf[start .. start + len), its
 *   children included; head: the head's bytes (1, 2, 3, 5 or 9), so a
 *   string's payload is buf[start + head .. start + len);
 * - parent: the enclosing array or map, DSG_CBOR_NONE for token 0;
 * - next: the index just past the token's subtree (its next sibling);
 * - kids: direct children (items; 2 per pair in a map: key, value, ...);
 * - depth: 1 for the top item, one more for each enclosing container;
 * - prev_key: for a map key, the previous key of the same map
 *   (DSG_CBOR_NONE for the first key and for any other token); last_key:
 *   for a map, its last key (DSG_CBOR_NONE for an empty map and for any
 *   other token).
 *
 * What is refused (the first error wins; the offset is the head of the
 * item at fault, len when the input ends too early):
 * - depth: an item deeper than max_depth (the top item has depth 1);
 * - too-many-tokens: more items than cap;
 * - truncated: the input ends inside the item (also a count or length
 *   larger than the bytes left could hold, found at the head);
 * - not-shortest, indefinite, reserved, tag, simple, bad-utf8: the rules
 *   above; key-type: a map key that is not an integer or a string;
 *   key-order: a key not after the previous one.
 */
#ifndef DSG_CBOR_H
#define DSG_CBOR_H

#include <stddef.h>
#include <stdint.h>

#define DSG_CBOR_NONE SIZE_MAX

/* Token types: the CBOR major types that are accepted. */
#define DSG_CBOR_UINT   0
#define DSG_CBOR_NEGINT 1
#define DSG_CBOR_BYTES  2
#define DSG_CBOR_TEXT   3
#define DSG_CBOR_ARRAY  4
#define DSG_CBOR_MAP    5
#define DSG_CBOR_SIMPLE 7

/* Simple values (arg of a DSG_CBOR_SIMPLE token). */
#define DSG_CBOR_FALSE 20
#define DSG_CBOR_TRUE  21
#define DSG_CBOR_NULL  22

/* Results: DSG_CBOR_OK or one error; dsg_cbor_error_token names each. */
#define DSG_CBOR_OK                0
#define DSG_CBOR_E_DEPTH           1   /* "depth" */
#define DSG_CBOR_E_TOO_MANY_TOKENS 2   /* "too-many-tokens" */
#define DSG_CBOR_E_TRUNCATED       3   /* "truncated" */
#define DSG_CBOR_E_NOT_SHORTEST    4   /* "not-shortest" */
#define DSG_CBOR_E_INDEFINITE      5   /* "indefinite": additional information 31 */
#define DSG_CBOR_E_RESERVED        6   /* "reserved": additional information 28..30 */
#define DSG_CBOR_E_TAG             7   /* "tag" */
#define DSG_CBOR_E_SIMPLE          8   /* "simple": a float or a simple value but false/true/null */
#define DSG_CBOR_E_BAD_UTF8        9   /* "bad-utf8" */
#define DSG_CBOR_E_KEY_TYPE        10  /* "key-type" */
#define DSG_CBOR_E_KEY_ORDER       11  /* "key-order": unsorted or duplicate */
#define DSG_CBOR_E_NOT_FOUND       12  /* "not-found": no such key */
#define DSG_CBOR_E_BAD_TOKEN       13  /* "bad-token": not a token of the right type */
#define DSG_CBOR_E_RANGE           14  /* "range": an integer outside int64_t */

typedef struct dsg_cbor_tok {
    uint64_t arg;      /* the head's argument (see above) */
    size_t start;      /* offset of the head */
    size_t len;        /* the whole encoding, children included */
    size_t parent;     /* enclosing array or map; DSG_CBOR_NONE for token 0 */
    size_t next;       /* index just past this token's subtree */
    size_t kids;       /* direct children */
    size_t prev_key;   /* a map key: the map's previous key, else DSG_CBOR_NONE */
    size_t last_key;   /* a map: its last key, else DSG_CBOR_NONE */
    uint32_t depth;    /* 1 for the top item */
    /* head and type are wider than their values need: no field of a token
     * has the input's type (uint8_t), which keeps the proof of the key
     * order short (acsl/PROOFS.md, section cbor) */
    uint16_t head;     /* head bytes: 1, 2, 3, 5 or 9 */
    uint16_t type;     /* DSG_CBOR_UINT .. DSG_CBOR_MAP, DSG_CBOR_SIMPLE */
} dsg_cbor_tok;

#include "acsl/cbor.acsl.h"

/* Decodes the one item at the start of buf[0 .. len) into toks[0 .. cap):
 * DSG_CBOR_OK, the number of tokens in *ntoks and the item's length in
 * *eaten; or an error and its offset in *err_at. On error toks may hold
 * partial tokens. @relation(REQ-MFA-019) */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(toks + (0 .. cap - 1)) && \valid(ntoks) && \valid(eaten) && \valid(err_at);
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1), ntoks, eaten, err_at);
    requires \separated(ntoks, eaten, err_at, buf + (0 .. len - 1));
    assigns toks[0 .. cap - 1], *ntoks, *eaten, *err_at;
    ensures \result == DSG_CBOR_OK || dsg_cbor_decode_error(\result);
    ensures \result == DSG_CBOR_OK ==>
              0 < *eaten <= len && 1 <= *ntoks <= cap &&
              dsg_cbor_toks_ok(toks, *ntoks, *eaten, max_depth) &&
              dsg_cbor_keys_ok(buf, toks, *ntoks);
    ensures \result != DSG_CBOR_OK ==> *err_at <= len;
*/
__attribute__((warn_unused_result))
int dsg_cbor_decode(const uint8_t *buf, size_t len, uint32_t max_depth, dsg_cbor_tok *toks,
                    size_t cap, size_t *ntoks, size_t *eaten, size_t *err_at);

/* The value of an integer token: DSG_CBOR_OK and the value in *out;
 * DSG_CBOR_E_RANGE when it lies outside int64_t; DSG_CBOR_E_BAD_TOKEN
 * when *t is not an integer. @relation(REQ-MFA-019) */
/*@ requires \valid_read(t) && \valid(out) && \separated(t, out);
    assigns *out;
    ensures \result == DSG_CBOR_OK || \result == DSG_CBOR_E_RANGE ||
            \result == DSG_CBOR_E_BAD_TOKEN;
    ensures \result == DSG_CBOR_OK && t->type == DSG_CBOR_UINT ==> *out == t->arg;
    ensures \result == DSG_CBOR_OK && t->type == DSG_CBOR_NEGINT ==> *out == -1 - t->arg;
    ensures \result == DSG_CBOR_OK ==> t->type == DSG_CBOR_UINT || t->type == DSG_CBOR_NEGINT;
*/
__attribute__((warn_unused_result))
int dsg_cbor_int(const dsg_cbor_tok *t, int64_t *out);

/* The value of the key `key` (an integer key) in the map token toks[map]:
 * DSG_CBOR_OK and the value's index in *value; DSG_CBOR_E_NOT_FOUND;
 * DSG_CBOR_E_BAD_TOKEN when toks[map] is not a map of these tokens.
 * Tokens that are not those of a successful decode are read safely.
 * @relation(REQ-MFA-019) */
/*@ requires \valid_read(toks + (0 .. n - 1)) && \valid(value);
    requires \separated(value, toks + (0 .. n - 1));
    assigns *value;
    ensures \result == DSG_CBOR_OK || \result == DSG_CBOR_E_NOT_FOUND ||
            \result == DSG_CBOR_E_BAD_TOKEN;
    ensures \result == DSG_CBOR_OK ==>
              map < *value < n && toks[*value].parent == map &&
              dsg_cbor_int_key(toks[*value - 1], key);
*/
__attribute__((warn_unused_result))
int dsg_cbor_map_find_int(const dsg_cbor_tok *toks, size_t n, size_t map, int64_t key,
                          size_t *value);

/* The value of the text key key[0 .. klen) in the map token toks[map] of
 * buf[0 .. len): as dsg_cbor_map_find_int. @relation(REQ-MFA-019) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(key + (0 .. klen - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(value);
    requires \separated(value, toks + (0 .. n - 1), buf + (0 .. len - 1), key + (0 .. klen - 1));
    assigns *value;
    ensures \result == DSG_CBOR_OK || \result == DSG_CBOR_E_NOT_FOUND ||
            \result == DSG_CBOR_E_BAD_TOKEN;
    ensures \result == DSG_CBOR_OK ==>
              map < *value < n && toks[*value].parent == map &&
              dsg_cbor_text_key{Here}(buf, len, toks[*value - 1], key, klen);
*/
__attribute__((warn_unused_result))
int dsg_cbor_map_find_text(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                           size_t map, const uint8_t *key, size_t klen, size_t *value);

/* A stable, lowercase token for a result, e.g. "key-order"; "ok" for
 * DSG_CBOR_OK, "unknown" outside the list. @relation(REQ-MFA-019) */
/*@ assigns \result \from code;
    ensures \valid_read(\result);
*/
const char *dsg_cbor_error_token(int code);

#endif
