/*
 * libFuzzer harness for the application/x-www-form-urlencoded parser
 * (src/core/http_form.h).
 *
 * Input: two setup bytes (the capacity of the field array, 0-16; the size
 * of the decode buffer, 0-255), then the form.
 *
 * The parser's status, error offset, field count and every slice must equal
 * those of a reference written out here from the WHATWG URL Standard §5.1
 * and the rules in http_form.h, which works another way: it cuts the form
 * with memchr(), decodes a whole name or value first (recording where each
 * byte came from and where the first bad escape is), then validates the
 * bytes with its own UTF-8 decoder (code point value, then overlong,
 * surrogate and range checks, where src/core/utf8 checks the bytes against
 * table 3-7). dsg_form_decode must give the reference's status and bytes,
 * with the harness's buffer size and with a buffer as long as the slice;
 * dsg_form_find must agree with a count of the fields whose decoded name
 * memcmp() finds equal, and refuse a field array with a slice outside the
 * input. abort() on any disagreement; every result is also checked
 * against the contract.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_form.h"

/* @relation(REQ-RUN-052) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define CAP_MAX 16u
#define SETUP 2u
#define INPUT_MAX 4096u

/* ---- reference -------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0 .. n) decoded up to its first bad escape: the bytes, where each came
 * from, and the offset of the bad escape (or n when there is none). */
struct decoded {
    uint8_t bytes[INPUT_MAX];
    size_t from[INPUT_MAX];
    size_t n;
    size_t bad_escape;
};

static void ref_unescape(const uint8_t *s, size_t n, struct decoded *d)
{
    d->n = 0;
    d->bad_escape = n;
    for (size_t i = 0; i < n;) {
        int c = s[i], w = 1;
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (n - i < 3) {   /* fewer than two bytes after "%" */
                d->bad_escape = i;
                return;
            }
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) {
                d->bad_escape = i;
                return;
            }
            c = hi * 16 + lo;
            w = 3;
        }
        d->bytes[d->n] = (uint8_t)c;
        d->from[d->n] = i;
        d->n++;
        i += (size_t)w;
    }
}

/* The length of the UTF-8 sequence at b[p .. n), 0 if it is ill-formed or
 * cut short: the code point is computed, then judged. */
static size_t ref_utf8(const uint8_t *b, size_t p, size_t n)
{
    uint32_t c = b[p];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n - p < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((b[p + k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (b[p + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The status of decoding s[0 .. n) into cap bytes, the error's offset,
 * and the output in out[0 .. *out_len). */
static int ref_decode(const uint8_t *s, size_t n, size_t cap, uint8_t *out, size_t *out_len,
                      size_t *at)
{
    static struct decoded d;
    ref_unescape(s, n, &d);
    size_t p = 0;
    *out_len = 0;
    while (p < d.n) {
        size_t len = ref_utf8(d.bytes, p, d.n);
        *at = d.from[p];
        if (len == 0)
            return DSG_FORM_ERR_BAD_UTF8;
        if (len == 1 && d.bytes[p] == 0)
            return DSG_FORM_ERR_NUL;
        if (*out_len + len > cap)
            return DSG_FORM_ERR_TOO_LONG;
        memcpy(out + *out_len, d.bytes + p, len);
        *out_len += len;
        p += len;
    }
    *at = d.bad_escape;
    return d.bad_escape < n ? DSG_FORM_ERR_BAD_ESCAPE : DSG_FORM_OK;
}

struct ref {
    int status;
    size_t at, count;
    dsg_form_field fields[CAP_MAX];
};

static void ref_parse(const uint8_t *s, size_t len, size_t cap, struct ref *r)
{
    static uint8_t scratch[INPUT_MAX];
    size_t scratch_len, at = 0;
    memset(r, 0, sizeof *r);
    const uint8_t *p = s, *end = s + len;
    while (p < end) {
        const uint8_t *amp = memchr(p, '&', (size_t)(end - p));
        const uint8_t *e = amp != NULL ? amp : end;
        if (e > p) {
            size_t off = (size_t)(p - s);
            if (r->count == cap) {
                r->status = DSG_FORM_ERR_TOO_MANY;
                r->at = off;
                r->count = 0;
                return;
            }
            const uint8_t *eq = memchr(p, '=', (size_t)(e - p));
            dsg_form_field f;
            f.name_off = off;
            f.name_len = (size_t)((eq != NULL ? eq : e) - p);
            f.value_off = eq != NULL ? (size_t)(eq - s) + 1 : (size_t)(e - s);
            f.value_len = (size_t)(e - s) - f.value_off;
            size_t base = f.name_off;
            int st = ref_decode(s + f.name_off, f.name_len, INPUT_MAX, scratch, &scratch_len, &at);
            if (st == DSG_FORM_OK) {
                base = f.value_off;
                st = ref_decode(s + f.value_off, f.value_len, INPUT_MAX, scratch, &scratch_len,
                                &at);
            }
            if (st != DSG_FORM_OK) {
                r->status = st;
                r->at = base + at;
                r->count = 0;
                return;
            }
            r->fields[r->count++] = f;
        }
        p = e + (e < end);
    }
    r->status = DSG_FORM_OK;
    r->at = len;
}

/* ---- the harness ------------------------------------------------------------ */

static uint8_t got_out[INPUT_MAX + 16], want_out[INPUT_MAX];

/* Decodes s[0 .. n) with both and compares; returns the status. */
static int check_decode(const uint8_t *s, size_t n, size_t cap)
{
    size_t got_len = 54321, want_len = 0, at = 0;
    size_t guard_end = cap + 16u < sizeof got_out ? cap + 16u : sizeof got_out;
    memset(got_out, 0xA5, guard_end);
    dsg_form_status st = dsg_form_decode(s, n, got_out, cap, &got_len);
    for (size_t k = cap; k < guard_end; k++)   /* nothing written past cap */
        CHECK(got_out[k] == 0xA5);
    int want = ref_decode(s, n, cap, want_out, &want_len, &at);
    CHECK((int)st == want);
    if (st == DSG_FORM_OK) {
        CHECK(got_len <= n && got_len <= cap && got_len == want_len);
        CHECK(memcmp(got_out, want_out, got_len) == 0);
        CHECK(memchr(got_out, 0, got_len) == NULL);
    } else {
        CHECK(got_len == 54321);
    }
    return st;
}

static void check_find(const uint8_t *s, size_t len, const dsg_form_field *f, size_t count,
                       const uint8_t *name, size_t n)
{
    static struct decoded d;
    size_t m = 0, first = 0, index = 12345;
    for (size_t k = 0; k < count; k++) {
        ref_unescape(s + f[k].name_off, f[k].name_len, &d);
        if (d.bad_escape == f[k].name_len && d.n == n && memcmp(d.bytes, name, n) == 0) {
            if (m++ == 0)
                first = k;
        }
    }
    dsg_form_status st = dsg_form_find(s, len, f, count, name, n, &index);
    if (m == 0)
        CHECK(st == DSG_FORM_NOT_FOUND && index == 12345);
    else if (m == 1)
        CHECK(st == DSG_FORM_OK && index == first);
    else
        CHECK(st == DSG_FORM_DUPLICATE && index == 12345);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ref want;
    static dsg_form_field got[CAP_MAX + 1];
    static uint8_t name[INPUT_MAX];
    if (size < SETUP || size - SETUP > INPUT_MAX)
        return 0;
    size_t cap = data[0] % (CAP_MAX + 1u);
    size_t out_cap = data[1];
    const uint8_t *s = data + SETUP;
    size_t len = size - SETUP;

    memset(got, 0x5A, sizeof got);
    size_t count = 777, at = 777;
    dsg_form_status st = dsg_form_parse(s, len, got, cap, &count, &at);
    const uint8_t *guard = (const uint8_t *)&got[cap];
    for (size_t k = 0; k < sizeof got - cap * sizeof got[0]; k++)
        CHECK(guard[k] == 0x5A);

    /* the contract */
    CHECK(st == DSG_FORM_OK || st == DSG_FORM_ERR_BAD_ESCAPE || st == DSG_FORM_ERR_NUL ||
          st == DSG_FORM_ERR_BAD_UTF8 || st == DSG_FORM_ERR_TOO_MANY);
    CHECK(at <= len);
    if (st == DSG_FORM_OK) {
        CHECK(count <= cap);
        for (size_t k = 0; k < count; k++) {
            const dsg_form_field *f = &got[k];
            CHECK(f->name_off + f->name_len <= f->value_off);
            CHECK(f->value_off + f->value_len <= len);
            CHECK(memchr(s + f->name_off, '&', f->name_len) == NULL);
            CHECK(memchr(s + f->name_off, '=', f->name_len) == NULL);
            CHECK(memchr(s + f->value_off, '&', f->value_len) == NULL);
            /* what parses decodes, into as many bytes as the slice has */
            CHECK(check_decode(s + f->name_off, f->name_len, f->name_len) == DSG_FORM_OK);
            CHECK(check_decode(s + f->value_off, f->value_len, f->value_len) == DSG_FORM_OK);
        }
    } else {
        CHECK(count == 0);
    }

    /* the reference */
    ref_parse(s, len, cap, &want);
    CHECK((int)st == want.status);
    CHECK(at == want.at);
    CHECK(count == want.count);
    for (size_t k = 0; k < count; k++)
        CHECK(memcmp(&got[k], &want.fields[k], sizeof got[k]) == 0);
    CHECK(strcmp(dsg_form_status_token(st), "unknown") != 0);

    /* decoding the whole input, whatever it holds */
    (void)check_decode(s, len, out_cap);

    /* the lookup: every decoded name, one in no field, a bad slice */
    if (st == DSG_FORM_OK) {
        for (size_t k = 0; k < count; k++) {
            size_t n = 0, a = 0;
            if (ref_decode(s + got[k].name_off, got[k].name_len, sizeof name, name, &n, &a) ==
                DSG_FORM_OK)
                check_find(s, len, got, count, name, n);
        }
        check_find(s, len, got, count, (const uint8_t *)"\001", 1);
        if (count > 0) {
            size_t index = 12345;
            got[count] = got[0];
            got[count].name_off = len - got[count].name_len + 1 + (data[1] >> 5);
            CHECK(dsg_form_find(s, len, got, count + 1, (const uint8_t *)"a", 1, &index) ==
                  DSG_FORM_ERR_BAD_FIELD);
            CHECK(index == 12345);
        }
    }
    return 0;
}
