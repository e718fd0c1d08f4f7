/*
 * JSON tokenizer (REQ-RUN-044, the parsing half of REQ-RUN-016): checks one
 * JSON text (RFC 8259: any value at the top, whitespace around it) and
 * describes it as an array of tokens in the caller's memory, so that the
 * portal can read request bodies without an allocator and without a
 * parser it cannot prove.
 *
 *   dsg_json_tok toks[64];
 *   size_t n, at;
 *   int rc = dsg_json_tokenize(body, body_len, 32, toks, 64, &n, &at);
 *   if (rc == DSG_JSON_OK)
 *       rc = dsg_json_check_keys(body, body_len, toks, n, &at);
 *   if (rc != DSG_JSON_OK) ... refuse: dsg_json_error_token(rc), offset at
 *
 * Tokens, in document order (a parent before its children):
 * - start/len: the token's bytes in the text. Objects and arrays run from
 *   the opening to the closing bracket, strings from the opening to the
 *   closing quote (both quotes included; dsg_json_string_value gives the
 *   decoded value), numbers and true/false/null are their exact bytes.
 * - parent: the index of the enclosing object or array, DSG_JSON_NONE for
 *   the top value (always token 0).
 * - size: objects the number of members, arrays of elements, others 0.
 * - next: the index just past the token's subtree, i.e. its next sibling.
 * - depth: 1 for the top value, one more for each enclosing container.
 * An object's children alternate: the name of a member (a string token),
 * then its value; so member m's name is reached from the first child by
 * following `next` 2m times.
 *
 * What is refused (the first error in the text wins; the offset is where
 * it was found, len when the text ends too early):
 * - depth: a value deeper than max_depth (the top value has depth 1, so
 *   max_depth 0 refuses everything, 32 allows 31 levels of containers
 *   around a scalar and 32 around an empty container; jansson counts the
 *   same way);
 * - too-many-tokens: more values than cap;
 * - bad-utf8: a string that is not strict UTF-8 (no overlong forms, no
 *   surrogates, nothing above U+10FFFF);
 * - bad-escape: an escape other than \" \\ \/ \b \f \n \r \t \uXXXX, or a
 *   \u escape of a lone surrogate (a high one must be followed by \u and a
 *   low one);
 * - control-char: a byte below 0x20 inside a string;
 * - bad-number: outside the RFC 8259 grammar (leading zeros, a lone minus,
 *   a point or an exponent without digits, a plus sign in front);
 * - number-range: the number policy below;
 * - trailing: anything but whitespace (space, tab, LF, CR) after the value;
 * - unexpected: a byte that cannot come where it is (a missing comma or
 *   colon, a trailing comma, a NUL byte, an unknown word, a name that is
 *   not a string, a closing bracket of the wrong kind);
 * - truncated: the text ends inside a value, or is empty or blank.
 *
 * Number policy (the same as jansson's, which the fuzzer checks): a number
 * without a fraction or an exponent is an integer and must lie in
 * [INT64_MIN, INT64_MAX]; any other number is a real and must not round to
 * infinity as an IEEE 754 binary64 (its magnitude must be below
 * 2^1024 - 2^970, the point where round-to-nearest gives infinity); reals
 * that round to zero are accepted. The decision is exact for numbers
 * shorter than 10^9 bytes (docs/json.md).
 *
 * dsg_json_check_keys then refuses an object with two members whose names
 * decode to the same string ("a" and "\u0061"), and a name holding U+0000
 * (jansson refuses both; string values may hold U+0000).
 *
 * Pure functions over caller-owned memory: no allocation, no I/O.
 */
#ifndef DSG_JSON_TOK_H
#define DSG_JSON_TOK_H

#include <stddef.h>
#include <stdint.h>

#define DSG_JSON_NONE SIZE_MAX              /* the top value's parent */
#define DSG_JSON_MAX_DEPTH_DEFAULT 32u      /* portal.json_max_depth */

/* Token types. */
#define DSG_JSON_OBJECT 1
#define DSG_JSON_ARRAY  2
#define DSG_JSON_STRING 3
#define DSG_JSON_NUMBER 4
#define DSG_JSON_TRUE   5
#define DSG_JSON_FALSE  6
#define DSG_JSON_NULL   7

/* Results: DSG_JSON_OK or one error; dsg_json_error_token names each. */
#define DSG_JSON_OK                 0
#define DSG_JSON_E_DEPTH            1   /* "depth" */
#define DSG_JSON_E_TOO_MANY_TOKENS  2   /* "too-many-tokens" */
#define DSG_JSON_E_BAD_UTF8         3   /* "bad-utf8" */
#define DSG_JSON_E_BAD_ESCAPE       4   /* "bad-escape" */
#define DSG_JSON_E_CONTROL_CHAR     5   /* "control-char" */
#define DSG_JSON_E_BAD_NUMBER       6   /* "bad-number" */
#define DSG_JSON_E_NUMBER_RANGE     7   /* "number-range" */
#define DSG_JSON_E_TRAILING         8   /* "trailing" */
#define DSG_JSON_E_UNEXPECTED       9   /* "unexpected" */
#define DSG_JSON_E_TRUNCATED        10  /* "truncated" */
#define DSG_JSON_E_DUPLICATE_KEY    11  /* "duplicate-key" */
#define DSG_JSON_E_NUL_IN_KEY       12  /* "nul-in-key" */
#define DSG_JSON_E_NO_ROOM          13  /* "no-room": the output buffer is too small */
#define DSG_JSON_E_BAD_TOKEN        14  /* "bad-token": not a string token of this text */

typedef struct dsg_json_tok {
    size_t start;     /* offset of the first byte */
    size_t len;       /* bytes (strings: both quotes included) */
    size_t parent;    /* enclosing object or array; DSG_JSON_NONE for token 0 */
    size_t size;      /* members (objects), elements (arrays), 0 otherwise */
    size_t next;      /* index just past this token's subtree */
    uint32_t depth;   /* 1 for the top value */
    uint8_t type;     /* DSG_JSON_OBJECT .. DSG_JSON_NULL */
} dsg_json_tok;

#include "acsl/json_tok.acsl.h"

/* Tokenizes the JSON text buf[0 .. len) into toks[0 .. cap): DSG_JSON_OK and
 * the number of tokens in *ntoks, or an error and its offset in *err_at.
 * On error toks may hold partial tokens. @relation(REQ-RUN-044) */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid(toks + (0 .. cap - 1)) && \valid(ntoks) && \valid(err_at);
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1), ntoks, err_at);
    requires \separated(ntoks, err_at, buf + (0 .. len - 1));
    assigns toks[0 .. cap - 1], *ntoks, *err_at;
    ensures \result == DSG_JSON_OK || dsg_json_error(\result);
    ensures \result == DSG_JSON_OK ==>
              *ntoks <= cap && dsg_json_toks_ok(toks, *ntoks, len, max_depth);
    ensures \result != DSG_JSON_OK ==> *err_at <= len;
*/
__attribute__((warn_unused_result))
int dsg_json_tokenize(const uint8_t *buf, size_t len, uint32_t max_depth,
                      dsg_json_tok *toks, size_t cap, size_t *ntoks, size_t *err_at);

/* Refuses duplicate member names (compared decoded) and names holding
 * U+0000 in the tokens of a successful dsg_json_tokenize of buf: DSG_JSON_OK,
 * or DSG_JSON_E_DUPLICATE_KEY / DSG_JSON_E_NUL_IN_KEY with the offset of
 * the offending name in *err_at. Costs O(k^2) name comparisons for an
 * object of k members; the caller bounds k through cap. Any other tokens
 * are read safely, with an unspecified verdict. @relation(REQ-RUN-044) */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid_read(toks + (0 .. n - 1)) && \valid(err_at);
    requires \separated(err_at, buf + (0 .. len - 1), toks + (0 .. n - 1));
    assigns *err_at;
    ensures \result == DSG_JSON_OK || \result == DSG_JSON_E_DUPLICATE_KEY ||
            \result == DSG_JSON_E_NUL_IN_KEY;
    ensures \result != DSG_JSON_OK ==> *err_at < len;
*/
__attribute__((warn_unused_result))
int dsg_json_check_keys(const uint8_t *buf, size_t len, const dsg_json_tok *toks, size_t n,
                        size_t *err_at);

/* Decodes the string token *tok of buf into out[0 .. cap) (UTF-8, escapes
 * resolved, U+0000 kept as a 0 byte): DSG_JSON_OK and the length in
 * *out_len; DSG_JSON_E_NO_ROOM when cap is too small; DSG_JSON_E_BAD_TOKEN
 * when *tok is not a string lying in buf; the tokenizer's error when the
 * bytes are not a valid string. On error out may hold a prefix.
 * @relation(REQ-RUN-044) */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(tok);
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), out_len, buf + (0 .. len - 1), tok);
    requires \separated(out_len, buf + (0 .. len - 1), tok);
    assigns out[0 .. cap - 1], *out_len;
    ensures \result == DSG_JSON_OK || dsg_json_error(\result);
    ensures \result == DSG_JSON_OK ==> *out_len <= cap;
*/
__attribute__((warn_unused_result))
int dsg_json_string_value(const uint8_t *buf, size_t len, const dsg_json_tok *tok,
                          uint8_t *out, size_t cap, size_t *out_len);

/* A stable, lowercase token for a result, e.g. "bad-escape"; "ok" for
 * DSG_JSON_OK, "unknown" outside the list. @relation(REQ-RUN-044) */
/*@ assigns \result \from code;
    ensures \valid_read(\result);
*/
const char *dsg_json_error_token(int code);

#endif
