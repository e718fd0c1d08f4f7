/*
 * libFuzzer harness for the JSON writer (src/core/json_out.h).
 *
 * Input: two bytes giving the buffer size (little-endian, at most 4096),
 * then a program of writer calls, one opcode byte each:
 *   0 object_begin  1 object_end  2 array_begin  3 array_end
 *   4 key     (a length byte, then that many bytes)
 *   5 string  (likewise)
 *   6 uint    (8 bytes)   7 int (8 bytes)   8 bool (1 byte)   9 null
 *
 * The program runs twice: on a large buffer and on the input's size.
 * Checked, with abort() on any difference:
 *  - on the large buffer, every call succeeds exactly when a grammar model
 *    written out here says the call is allowed and, for keys and strings,
 *    jansson accepts the bytes as UTF-8; after the first failure every
 *    call fails and nothing more is written;
 *  - a finished document is clean (no byte < 0x20, no DEL) and jansson
 *    reads it back (JSON_DECODE_ANY | JSON_ALLOW_NUL) as exactly the value
 *    the model built with jansson's own API from the same calls (unless
 *    a key holds U+0000 or an integer is above INT64_MAX: jansson reads
 *    neither; tests/check_json_out.c covers both);
 *  - on the small buffer, the output is a prefix of the large one, no byte
 *    is written past the buffer, and it finishes exactly when the large
 *    run finished within that size.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_out.h"

/* @relation(REQ-RUN-038) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define BIG 65536u
#define SMALL_MAX 4096u
#define CANARY 0xA5u

static uint8_t big[BIG], small[SMALL_MAX + 64];

/* ---- the model: grammar and value ------------------------------------------- */

struct model {
    json_t *stack[DSG_JSON_DEPTH_MAX + 1];   /* [0]: the top value, once made */
    int depth;
    int after_key;
    char key[256];
    size_t key_len;
    int top_done;
    int failed;
    int no_oracle;     /* jansson cannot read the document back: a key holding
                        * U+0000, or an integer above INT64_MAX */
};

static int model_in_object(const struct model *m)
{
    return m->depth > 0 && json_is_object(m->stack[m->depth]);
}

/* Places a new value, as the writer would; 0 if the grammar forbids it.
 * Containers are placed when opened and filled afterwards. */
static int model_place(struct model *m, json_t *v)
{
    if (m->depth == 0) {
        if (m->top_done)
            return 0;
        m->stack[0] = v;
        if (!json_is_object(v) && !json_is_array(v))
            m->top_done = 1;
        return 1;
    }
    json_t *parent = m->stack[m->depth];
    if (json_is_object(parent)) {
        if (!m->after_key)
            return 0;
        json_object_setn_nocheck(parent, m->key, m->key_len, v);
        m->after_key = 0;
        return 1;
    }
    json_array_append(parent, v);
    return 1;
}

static int model_open(struct model *m, json_t *container)
{
    if (m->depth >= (int)DSG_JSON_DEPTH_MAX || !model_place(m, container)) {
        if (m->stack[0] != container)
            json_decref(container);
        return 0;
    }
    m->stack[++m->depth] = container;
    if (m->depth > 1)
        json_decref(container);      /* the parent holds it now */
    return 1;
}

static int model_close(struct model *m, int object)
{
    if (m->depth == 0 || (json_is_object(m->stack[m->depth]) != object) || m->after_key)
        return 0;
    m->depth--;
    if (m->depth == 0)
        m->top_done = 1;
    return 1;
}

static int model_scalar(struct model *m, json_t *v)
{
    int ok = v != NULL && model_place(m, v);
    if (v != NULL && m->stack[0] != v)
        json_decref(v);
    return ok;
}

static int model_key(struct model *m, const uint8_t *s, size_t n)
{
    json_t *probe = json_stringn((const char *)s, n);   /* NULL: not UTF-8 */
    int ok = probe != NULL && model_in_object(m) && !m->after_key;
    json_decref(probe);
    if (ok) {
        memcpy(m->key, s, n);
        m->key_len = n;
        m->no_oracle |= memchr(s, 0, n) != NULL;
        m->after_key = 1;
    }
    return ok;
}

/* ---- one run ----------------------------------------------------------------- */

static uint64_t u64_at(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Runs the program on w. With a model, checks each call's verdict. */
static void run(const uint8_t *prog, size_t n, dsg_json_out *w, struct model *m)
{
    size_t i = 0;
    while (i < n) {
        uint8_t op = prog[i++] % 10u;
        const uint8_t *arg = prog + i;
        size_t arglen = 0;
        int got, want = 0;
        if (op == 4 || op == 5) {
            if (i >= n)
                return;
            arglen = prog[i++];
            arg = prog + i;
            if (arglen > n - i)
                arglen = n - i;
        } else if (op == 6 || op == 7) {
            if (n - i < 8)
                return;
            arglen = 8;
        } else if (op == 8) {
            if (i >= n)
                return;
            arglen = 1;
        }
        i += arglen;
        size_t len_before = w->len;
        int live = m != NULL && !m->failed;   /* the model follows until the first failure */
        switch (op) {
        case 0:
            got = dsg_json_out_object_begin(w);
            want = live && model_open(m, json_object());
            break;
        case 1:
            got = dsg_json_out_object_end(w);
            want = live && model_close(m, 1);
            break;
        case 2:
            got = dsg_json_out_array_begin(w);
            want = live && model_open(m, json_array());
            break;
        case 3:
            got = dsg_json_out_array_end(w);
            want = live && model_close(m, 0);
            break;
        case 4:
            got = dsg_json_out_key(w, arg, arglen);
            want = live && model_key(m, arg, arglen);
            break;
        case 5:
            got = dsg_json_out_string(w, arg, arglen);
            want = live && model_scalar(m, json_stringn((const char *)arg, arglen));
            break;
        case 6:
            got = dsg_json_out_uint(w, u64_at(arg));
            if (live && u64_at(arg) > INT64_MAX)
                m->no_oracle = 1;
            want = live && model_scalar(m, json_integer((json_int_t)(u64_at(arg) & INT64_MAX)));
            break;
        case 7:
            got = dsg_json_out_int(w, (int64_t)u64_at(arg));
            want = live && model_scalar(m, json_integer((json_int_t)u64_at(arg)));
            break;
        case 8:
            got = dsg_json_out_bool(w, arg[0] & 1);
            want = live && model_scalar(m, json_boolean(arg[0] & 1));
            break;
        default:
            got = dsg_json_out_null(w);
            want = live && model_scalar(m, json_null());
            break;
        }
        CHECK(got == 0 || got == -1);
        if (m != NULL) {
            if (m->failed) {
                CHECK(got == -1 && w->len == len_before);
                continue;
            }
            CHECK((got == 0) == want);
            if (!want)
                m->failed = 1;
        }
    }
}

static void check_clean(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        CHECK(p[i] >= 0x20u && p[i] != 0x7Fu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t cap = ((size_t)data[0] | (size_t)data[1] << 8) % (SMALL_MAX + 1);
    const uint8_t *prog = data + 2;
    size_t n = size - 2;
    struct model m;
    dsg_json_out w;
    size_t big_len = 0, small_len = 0;

    memset(&m, 0, sizeof m);
    dsg_json_out_init(&w, big, BIG);
    run(prog, n, &w, &m);
    int big_ok = dsg_json_out_finish(&w, &big_len) == 0;
    CHECK(big_ok == (!m.failed && m.depth == 0 && m.top_done));
    check_clean(big, w.len);
    if (big_ok && !m.no_oracle) {
        json_error_t err;
        json_t *doc = json_loadb((const char *)big, big_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        CHECK(doc != NULL);
        CHECK(json_equal(doc, m.stack[0]));
        json_decref(doc);
    }
    if (m.stack[0] != NULL)
        json_decref(m.stack[0]);

    memset(small, CANARY, sizeof small);
    dsg_json_out_init(&w, small, cap);
    run(prog, n, &w, NULL);
    CHECK(w.len <= cap);
    for (size_t i = cap; i < sizeof small; i++)
        CHECK(small[i] == CANARY);
    CHECK(memcmp(small, big, w.len) == 0);
    int small_ok = dsg_json_out_finish(&w, &small_len) == 0;
    CHECK(small_ok == (big_ok && big_len <= cap));
    if (small_ok)
        CHECK(small_len == big_len);
    return 0;
}
