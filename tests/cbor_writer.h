/*
 * A tiny CBOR writer for the WebAuthn tests (tests/check_authdata.c,
 * tests/check_webauthn.c): shortest heads, definite lengths; the tests
 * write map keys in CTAP2 order themselves. Assertions fail the calling
 * test.
 */
#ifndef DSG_TESTS_CBOR_WRITER_H
#define DSG_TESTS_CBOR_WRITER_H

#include <check.h>
#include <stdint.h>
#include <string.h>

typedef struct cw {
    uint8_t b[8192];
    size_t n;
} cw;

static inline void put(cw *w, const void *p, size_t n)
{
    ck_assert_uint_le(w->n + n, sizeof w->b);
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static inline void put_byte(cw *w, unsigned v)
{
    uint8_t c = (uint8_t)v;
    put(w, &c, 1);
}

/* The shortest head of major type major with argument arg. */
static inline void head(cw *w, unsigned major, uint64_t arg)
{
    unsigned m = major << 5;
    if (arg < 24) {
        put_byte(w, m | (unsigned)arg);
    } else if (arg <= 0xff) {
        put_byte(w, m | 24);
        put_byte(w, (unsigned)arg);
    } else if (arg <= 0xffff) {
        put_byte(w, m | 25);
        put_byte(w, (unsigned)(arg >> 8));
        put_byte(w, (unsigned)arg & 0xff);
    } else {
        put_byte(w, m | 26);
        for (int s = 24; s >= 0; s -= 8)
            put_byte(w, (unsigned)(arg >> s) & 0xff);
    }
}

static inline void cint(cw *w, int64_t v)
{
    if (v >= 0)
        head(w, 0, (uint64_t)v);
    else
        head(w, 1, (uint64_t)(-1 - v));
}

static inline void cbytes(cw *w, const uint8_t *p, size_t n)
{
    head(w, 2, n);
    put(w, p, n);
}

/* n bytes of value fill. */
static inline void cbytes_fill(cw *w, size_t n, unsigned fill)
{
    head(w, 2, n);
    for (size_t i = 0; i < n; i++)
        put_byte(w, fill);
}

static inline void ctext(cw *w, const char *s)
{
    head(w, 3, strlen(s));
    put(w, s, strlen(s));
}

#endif
