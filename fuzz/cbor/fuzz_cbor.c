/*
 * libFuzzer harness for the CTAP2 canonical CBOR decoder (src/core/cbor.h),
 * differential against libcbor (a test dependency only).
 *
 * Input: the bytes themselves (the first 4096 of them).
 *
 * The rule, checked with abort() on any difference: dsg_cbor_decode
 * accepts the input exactly when
 *   libcbor accepts:   cbor_load(data, size) returns an item; it decodes
 *                      one item from the start and reports the bytes it
 *                      read, the rest of the input being left alone, as
 *                      dsg_cbor_decode does; and
 *   the item is canonical: the bytes libcbor read are in the dsg CTAP2
 *                      profile of cbor.h, as judged by canonical_item()
 *                      below, an independent recursive walker that shares
 *                      no code with the decoder;
 * and then *eaten equals the bytes libcbor read.
 *
 * On success, also: the properties the proof states hold at run time; the
 * tokens describe libcbor's tree (types, integers, string bytes, array
 * and map sizes, simple values); every integer and text key is found by
 * the lookups at its own value; the keys of each map chain through
 * prev_key, each to the key just before it; with one token slot fewer, or one depth
 * level less, the decoder answers too-many-tokens or depth.
 *
 * libcbor allocates a definite array's or map's slots before reading
 * them: a count of 2^32 would ask for 32 GiB, which libFuzzer reports as
 * a crash. So when the walker meets, on the path libcbor also follows, a
 * count larger than the whole input (no such item can be complete),
 * libcbor is not called and counts as refusing, which it would.
 */
#include <cbor.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cbor.h"

/* @relation(REQ-MFA-019) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define MAX_INPUT 4096u

static dsg_cbor_tok toks[MAX_INPUT + 1];

/* ---- the independent judge ---------------------------------------------- */

struct judge {
    const uint8_t *p;
    size_t size;
    int canonical;   /* still in the profile */
    int huge;        /* a count no input of this size can hold */
};

/* The argument of the head at *pos (ai < 28), moving *pos past it; -1
 * when the input ends. Clears canonical when it is not the shortest. */
static int argument(struct judge *j, size_t *pos, unsigned ai, uint64_t *arg)
{
    static const unsigned widths[4] = {1, 2, 4, 8};
    if (ai < 24) {
        *arg = ai;
        return 0;
    }
    unsigned w = widths[ai - 24];
    if (j->size - *pos < w)
        return -1;
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++)
        v = (v << 8) | j->p[*pos + i];
    *pos += w;
    static const uint64_t least[4] = {24, 0x100, 0x10000, 0x100000000};
    if (v < least[ai - 24])
        j->canonical = 0;
    *arg = v;
    return 0;
}

/* Strict UTF-8 (Unicode table 3-7), written from the table. */
static int utf8_strict(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t k;
        uint32_t cp, min;
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            k = 1, cp = b & 0x1F, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            k = 2, cp = b & 0x0F, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            k = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i - 1 < k)
            return 0;
        for (size_t m = 1; m <= k; m++) {
            if ((s[i + m] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + m] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static long item(struct judge *j, size_t pos, int in_indefinite);

/* The key at [a, a + la) sorts strictly before [b, b + lb) (CTAP2). */
static int key_before(const uint8_t *p, size_t a, size_t la, size_t b, size_t lb)
{
    if ((p[a] >> 5) != (p[b] >> 5))
        return (p[a] >> 5) < (p[b] >> 5);
    if (la != lb)
        return la < lb;
    return memcmp(p + a, p + b, la) < 0;
}

/* Items until a break (indefinite forms); the offset past the break. */
static long until_break(struct judge *j, size_t pos, int string_major)
{
    for (;;) {
        if (pos >= j->size)
            return -1;
        if (j->p[pos] == 0xFF)
            return (long)pos + 1;
        if (string_major >= 0 && ((j->p[pos] >> 5) != string_major || (j->p[pos] & 31) == 31)) {
            /* a chunk must be a definite string of the same type; libcbor
             * finds out only after it has started the item, so walk it
             * for a count too large to allocate */
            (void)item(j, pos, 0);
            return -1;
        }
        long e = item(j, pos, 0);
        if (e < 0)
            return -1;
        pos = (size_t)e;
    }
}

/* A map's n pairs from pos, checking the key rules. */
static long pairs(struct judge *j, size_t pos, uint64_t n)
{
    size_t prev = 0, prev_len = 0;
    for (uint64_t i = 0; i < n; i++) {
        long ke = item(j, pos, 0);
        if (ke < 0)
            return -1;
        if ((j->p[pos] >> 5) > 3)
            j->canonical = 0;
        else if (i > 0 && !key_before(j->p, prev, prev_len, pos, (size_t)ke - pos))
            j->canonical = 0;
        prev = pos, prev_len = (size_t)ke - pos;
        long ve = item(j, (size_t)ke, 0);
        if (ve < 0)
            return -1;
        pos = (size_t)ve;
    }
    return (long)pos;
}

/* One well-formed item (RFC 8949 appendix C) at pos: the offset past it,
 * or -1; clears canonical on anything outside the profile. */
static long item(struct judge *j, size_t pos, int in_indefinite)
{
    (void)in_indefinite;
    if (pos >= j->size)
        return -1;
    uint8_t ib = j->p[pos++];
    unsigned major = ib >> 5, ai = ib & 31;
    uint64_t arg;
    if (ai >= 28 && ai <= 30)
        return -1;
    if (ai == 31) {
        j->canonical = 0;
        switch (major) {
        case 2: case 3: return until_break(j, pos, (int)major);
        case 4: return until_break(j, pos, -1);
        case 5:
            for (;;) {
                if (pos >= j->size)
                    return -1;
                if (j->p[pos] == 0xFF)
                    return (long)pos + 1;
                long e = pairs(j, pos, 1);
                if (e < 0)
                    return -1;
                pos = (size_t)e;
            }
        default: return -1;     /* 0, 1, 6; 7 is a break outside a container */
        }
    }
    if (argument(j, &pos, ai, &arg) < 0)
        return -1;
    switch (major) {
    case 0: case 1: return (long)pos;
    case 2: case 3:
        if (arg > j->size - pos)
            return -1;
        if (major == 3 && !utf8_strict(j->p + pos, (size_t)arg))
            j->canonical = 0;
        return (long)(pos + arg);
    case 4:
        if (arg > j->size) {
            j->huge = 1;
            return -1;
        }
        for (uint64_t i = 0; i < arg; i++) {
            long e = item(j, pos, 0);
            if (e < 0)
                return -1;
            pos = (size_t)e;
        }
        return (long)pos;
    case 5:
        if (arg > j->size) {
            j->huge = 1;
            return -1;
        }
        return pairs(j, pos, arg);
    case 6:
        j->canonical = 0;
        return item(j, pos, 0);
    default:
        if (ai == 24 && arg < 32)
            return -1;          /* RFC 8949 §3.3: not well-formed */
        if (ai < 20 || ai > 22)
            j->canonical = 0;   /* floats and simple values but false/true/null */
        return (long)pos;
    }
}

/* ---- comparison with libcbor's tree --------------------------------------- */

/* Token *i describes it; *i moves past its subtree. */
static void same(const uint8_t *data, cbor_item_t *it, size_t *i, size_t n)
{
    CHECK(*i < n);
    const dsg_cbor_tok *t = &toks[(*i)++];
    const uint8_t *payload = data + t->start + t->head;
    switch (cbor_typeof(it)) {
    case CBOR_TYPE_UINT:
        CHECK(t->type == DSG_CBOR_UINT && t->arg == cbor_get_int(it));
        break;
    case CBOR_TYPE_NEGINT:
        CHECK(t->type == DSG_CBOR_NEGINT && t->arg == cbor_get_int(it));
        break;
    case CBOR_TYPE_BYTESTRING:
        CHECK(t->type == DSG_CBOR_BYTES && cbor_bytestring_is_definite(it));
        CHECK(t->arg == cbor_bytestring_length(it));
        CHECK(t->arg == 0 || memcmp(payload, cbor_bytestring_handle(it), t->arg) == 0);
        break;
    case CBOR_TYPE_STRING:
        CHECK(t->type == DSG_CBOR_TEXT && cbor_string_is_definite(it));
        CHECK(t->arg == cbor_string_length(it));
        CHECK(t->arg == 0 || memcmp(payload, cbor_string_handle(it), t->arg) == 0);
        break;
    case CBOR_TYPE_ARRAY: {
        CHECK(t->type == DSG_CBOR_ARRAY && t->arg == cbor_array_size(it));
        cbor_item_t **items = cbor_array_handle(it);
        for (size_t k = 0; k < t->arg; k++)
            same(data, items[k], i, n);
        break;
    }
    case CBOR_TYPE_MAP: {
        CHECK(t->type == DSG_CBOR_MAP && t->arg == cbor_map_size(it));
        struct cbor_pair *pp = cbor_map_handle(it);
        for (size_t k = 0; k < t->arg; k++) {
            same(data, pp[k].key, i, n);
            same(data, pp[k].value, i, n);
        }
        break;
    }
    case CBOR_TYPE_FLOAT_CTRL:
        CHECK(t->type == DSG_CBOR_SIMPLE && cbor_float_ctrl_is_ctrl(it));
        CHECK(t->arg == cbor_ctrl_value(it));
        break;
    default:
        abort();
    }
    CHECK(*i == t->next);
}

/* The properties the proof states (dsg_cbor_toks_ok, dsg_cbor_keys_ok). */
static void check_proved(const uint8_t *data, size_t n, size_t eaten, uint32_t max_depth)
{
    const dsg_cbor_tok *t = toks;
    CHECK(n >= 1 && t[0].parent == DSG_CBOR_NONE && t[0].depth == 1);
    CHECK(t[0].start == 0 && t[0].len == eaten);
    for (size_t i = 0; i < n; i++) {
        CHECK(t[i].len > 0 && t[i].start + t[i].len <= eaten);
        CHECK(t[i].depth >= 1 && t[i].depth <= max_depth);
        CHECK(t[i].type <= DSG_CBOR_MAP || t[i].type == DSG_CBOR_SIMPLE);
        CHECK(t[i].next > i && t[i].next <= n);
        if (t[i].prev_key != DSG_CBOR_NONE) {
            const dsg_cbor_tok *a = &t[t[i].prev_key];
            CHECK(t[i].prev_key < i && a->parent == t[i].parent && t[i].type <= DSG_CBOR_TEXT);
            CHECK(key_before(data, a->start, a->len, t[i].start, t[i].len));
        }
        if (i == 0)
            continue;
        const dsg_cbor_tok *p = &t[t[i].parent];
        CHECK(t[i].parent < i);
        CHECK(p->type == DSG_CBOR_ARRAY || p->type == DSG_CBOR_MAP);
        CHECK(p->start < t[i].start && t[i].start + t[i].len <= p->start + p->len);
        CHECK(t[i].depth == p->depth + 1);
    }
}

/* Every integer or text key of every map is found at its own value; the
 * keys chain through prev_key, each to the one just before it (so the
 * proved order covers every key), and only keys have one; the map's
 * last_key is its last key; kids counts the children. */
static void check_lookups(const uint8_t *data, size_t size, size_t n)
{
    size_t keys = 0, chained = 0;
    for (size_t m = 0; m < n; m++) {
        CHECK(toks[m].kids == (toks[m].type == DSG_CBOR_ARRAY  ? toks[m].arg
                               : toks[m].type == DSG_CBOR_MAP ? 2 * toks[m].arg
                                                              : 0));
        chained += toks[m].prev_key != DSG_CBOR_NONE;
        if (toks[m].type != DSG_CBOR_MAP) {
            CHECK(toks[m].last_key == DSG_CBOR_NONE);
            continue;
        }
        size_t k = m + 1, v, prev = DSG_CBOR_NONE;
        for (uint64_t e = 0; e < toks[m].arg; e++) {
            const dsg_cbor_tok *key = &toks[k];
            CHECK(key->prev_key == prev && key->parent == m);
            prev = k;
            keys += e > 0;
            int64_t iv;
            if (dsg_cbor_int(key, &iv) == DSG_CBOR_OK) {
                CHECK(dsg_cbor_map_find_int(toks, n, m, iv, &v) == DSG_CBOR_OK && v == k + 1);
            } else if (key->type == DSG_CBOR_TEXT) {
                CHECK(dsg_cbor_map_find_text(data, size, toks, n, m,
                                             data + key->start + key->head, (size_t)key->arg,
                                             &v) == DSG_CBOR_OK && v == k + 1);
            }
            k = toks[k + 1].next;
        }
        CHECK(k == toks[m].next && toks[m].last_key == prev);
    }
    CHECK(chained == keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        size = MAX_INPUT;
    struct judge j = {data, size, 1, 0};
    long end = item(&j, 0, 0);

    int lib_ok = 0;
    size_t lib_read = 0;
    cbor_item_t *it = NULL;
    if (!j.huge) {
        struct cbor_load_result r;
        it = cbor_load(data, size, &r);
        lib_ok = it != NULL && r.error.code == CBOR_ERR_NONE;
        lib_read = r.read;
    }
    int canonical = lib_ok && end >= 0 && (size_t)end == lib_read && j.canonical;

    size_t n = 0, eaten = 0, at = 0, cap = size + 1;
    int rc = dsg_cbor_decode(data, size, UINT32_MAX, toks, cap, &n, &eaten, &at);
    CHECK((rc == DSG_CBOR_OK) == canonical);
    if (rc != DSG_CBOR_OK) {
        CHECK(at <= size && rc >= DSG_CBOR_E_DEPTH && rc <= DSG_CBOR_E_KEY_ORDER);
        if (it != NULL)
            cbor_decref(&it);
        return 0;
    }
    CHECK(eaten == lib_read && eaten > 0 && eaten <= size && n <= cap);
    check_proved(data, n, eaten, UINT32_MAX);
    size_t i = 0;
    same(data, it, &i, n);
    CHECK(i == n);
    cbor_decref(&it);
    check_lookups(data, size, n);

    /* the limits, one short */
    uint32_t deepest = 0;
    for (size_t k = 0; k < n; k++)
        deepest = toks[k].depth > deepest ? toks[k].depth : deepest;
    size_t n2, e2, at2;
    CHECK(dsg_cbor_decode(data, size, deepest - 1, toks, cap, &n2, &e2, &at2) ==
          DSG_CBOR_E_DEPTH);
    CHECK(dsg_cbor_decode(data, size, deepest, toks, n - 1, &n2, &e2, &at2) ==
          DSG_CBOR_E_TOO_MANY_TOKENS);
    CHECK(dsg_cbor_decode(data, size, deepest, toks, n, &n2, &e2, &at2) == DSG_CBOR_OK);
    CHECK(n2 == n && e2 == eaten);
    return 0;
}
