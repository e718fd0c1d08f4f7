/*
 * libFuzzer harness for the JSON tokenizer (src/core/json_tok.h),
 * differential against jansson (a test dependency only).
 *
 * Input: the JSON text itself.
 *
 * Checked, with abort() on any difference:
 *  - with jansson's own depth limit (JSON_PARSER_MAX_DEPTH, 2048; both
 *    count the top value as depth 1 and refuse a value deeper than the
 *    limit), dsg_json_tokenize followed by dsg_json_check_keys accepts the
 *    text exactly when json_loadb accepts it with JSON_DECODE_ANY |
 *    JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES (jansson also applies the
 *    same number policy: int64 integers, reals that do not overflow);
 *  - on success, the properties the proof states hold at run time, and
 *    the tokens describe the value jansson built: the same types, object
 *    members found by their decoded names, array lengths, decoded strings
 *    (dsg_json_string_value), integers equal to jansson's, reals equal to
 *    strtod of the token's bytes (what jansson calls);
 *  - on error, the offset is within the text;
 *  - with the default limit of 32, the result is the same when no token is
 *    deeper than 32 and "depth" otherwise; with one token slot fewer than
 *    needed, "too-many-tokens"; with exactly enough, the same tokens.
 *
 * The one deliberate divergence (tests/check_json_tok.c,
 * test_json_tok_nul_after_a_number_refused_unlike_jansson): jansson 2.14
 * skips a NUL byte that directly follows a number or a word ("1\0"); the
 * tokenizer refuses it, so an input where jansson accepts and the
 * tokenizer stopped at a NUL byte is not compared.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_tok.h"

/* @relation(REQ-RUN-044) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define MAX_INPUT 65536u
#define FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES)

static dsg_json_tok toks[MAX_INPUT + 1], again[MAX_INPUT + 1];
static uint8_t value[MAX_INPUT], text[MAX_INPUT + 1];

/* The properties the proof states (dsg_json_toks_ok). */
static void check_proved(const dsg_json_tok *t, size_t n, size_t len, uint32_t max_depth)
{
    CHECK(n >= 1 && t[0].parent == DSG_JSON_NONE && t[0].depth == 1);
    for (size_t i = 0; i < n; i++) {
        CHECK(t[i].len > 0 && t[i].start + t[i].len <= len);
        CHECK(t[i].depth >= 1 && t[i].depth <= max_depth);
        CHECK(t[i].type >= DSG_JSON_OBJECT && t[i].type <= DSG_JSON_NULL);
        CHECK(t[i].next > i && t[i].next <= n);
        if (i == 0)
            continue;
        const dsg_json_tok *p = &t[t[i].parent];
        CHECK(t[i].parent < i);
        CHECK(p->type == DSG_JSON_OBJECT || p->type == DSG_JSON_ARRAY);
        CHECK(p->start < t[i].start && t[i].start + t[i].len <= p->start + p->len);
        CHECK(t[i].depth == p->depth + 1);
    }
}

/* The decoded value of string token i, in value[0 .. *len). */
static void decode(const uint8_t *data, size_t size, size_t i, size_t *len)
{
    CHECK(dsg_json_string_value(data, size, &toks[i], value, sizeof value, len) == DSG_JSON_OK);
}

/* The token's bytes hold a fraction or an exponent. */
static int is_real(const uint8_t *p, size_t n)
{
    return memchr(p, '.', n) != NULL || memchr(p, 'e', n) != NULL || memchr(p, 'E', n) != NULL;
}

/* Token i and its subtree describe v; returns the index after the subtree. */
static size_t compare(const uint8_t *data, size_t size, size_t i, json_t *v)
{
    const dsg_json_tok *t = &toks[i];
    size_t j = i + 1, len;
    switch (t->type) {
    case DSG_JSON_OBJECT:
        CHECK(json_is_object(v) && json_object_size(v) == t->size);
        for (size_t m = 0; m < t->size; m++) {
            CHECK(toks[j].type == DSG_JSON_STRING && toks[j].parent == i);
            decode(data, size, j, &len);
            json_t *member = json_object_getn(v, (const char *)value, len);
            CHECK(member != NULL);
            CHECK(toks[j + 1].parent == i);
            j = compare(data, size, j + 1, member);
        }
        break;
    case DSG_JSON_ARRAY:
        CHECK(json_is_array(v) && json_array_size(v) == t->size);
        for (size_t m = 0; m < t->size; m++) {
            CHECK(toks[j].parent == i);
            j = compare(data, size, j, json_array_get(v, m));
        }
        break;
    case DSG_JSON_STRING:
        decode(data, size, i, &len);
        CHECK(json_is_string(v) && json_string_length(v) == len);
        CHECK(memcmp(json_string_value(v), value, len) == 0);
        break;
    case DSG_JSON_NUMBER:
        memcpy(text, data + t->start, t->len);
        text[t->len] = 0;
        if (is_real(text, t->len))
            CHECK(json_is_real(v) && json_real_value(v) == strtod((const char *)text, NULL));
        else
            CHECK(json_is_integer(v) &&
                  json_integer_value(v) == strtoll((const char *)text, NULL, 10));
        break;
    case DSG_JSON_TRUE:
        CHECK(json_is_true(v));
        break;
    case DSG_JSON_FALSE:
        CHECK(json_is_false(v));
        break;
    default:
        CHECK(t->type == DSG_JSON_NULL && json_is_null(v));
        break;
    }
    CHECK(t->next == j);
    return j;
}

/* The full check: tokens, then member names. */
static int parse(const uint8_t *data, size_t size, uint32_t max_depth, dsg_json_tok *t,
                 size_t cap, size_t *n, size_t *at)
{
    int rc = dsg_json_tokenize(data, size, max_depth, t, cap, n, at);
    if (rc == DSG_JSON_OK) {
        check_proved(t, *n, size, max_depth);
        CHECK(*n <= cap);
        rc = dsg_json_check_keys(data, size, t, *n, at);
    }
    if (rc != DSG_JSON_OK)
        CHECK(*at <= size);
    return rc;
}

/* The same text under the default depth limit and with tight capacities. */
static void check_limits(const uint8_t *data, size_t size, int rc, size_t n)
{
    size_t n2 = 0, at2 = 0;
    uint32_t deepest = 0;
    for (size_t i = 0; rc == DSG_JSON_OK && i < n; i++)
        if (toks[i].depth > deepest)
            deepest = toks[i].depth;
    int rc32 = parse(data, size, DSG_JSON_MAX_DEPTH_DEFAULT, again, MAX_INPUT + 1, &n2, &at2);
    if (rc != DSG_JSON_OK)
        CHECK(rc32 != DSG_JSON_OK);
    else if (deepest > DSG_JSON_MAX_DEPTH_DEFAULT)
        CHECK(rc32 == DSG_JSON_E_DEPTH);
    else
        CHECK(rc32 == DSG_JSON_OK && n2 == n && memcmp(again, toks, n * sizeof toks[0]) == 0);
    if (rc != DSG_JSON_OK)
        return;
    CHECK(dsg_json_tokenize(data, size, 2048, again, n - 1, &n2, &at2) ==
          DSG_JSON_E_TOO_MANY_TOKENS);
    CHECK(dsg_json_tokenize(data, size, 2048, again, n, &n2, &at2) == DSG_JSON_OK);
    CHECK(n2 == n && memcmp(again, toks, n * sizeof toks[0]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    size_t n = 0, at = 0;
    int rc = parse(data, size, JSON_PARSER_MAX_DEPTH, toks, MAX_INPUT + 1, &n, &at);
    json_error_t err;
    json_t *v = json_loadb((const char *)data, size, FLAGS, &err);
    /* the deliberate divergence: jansson skips a NUL byte after a number
     * or a word; the tokenizer refuses it */
    if (v != NULL && rc != DSG_JSON_OK && at < size && data[at] == 0) {
        json_decref(v);
        return 0;
    }
    CHECK((rc == DSG_JSON_OK) == (v != NULL));
    if (v != NULL)
        CHECK(compare(data, size, 0, v) == n);
    json_decref(v);
    check_limits(data, size, rc, n);
    return 0;
}
