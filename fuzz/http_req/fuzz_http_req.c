/*
 * libFuzzer harness for the HTTP/1.1 request head parser
 * (src/core/http_req.h).
 *
 * Input: three setup bytes, then the bytes a client sent.
 *
 *   byte 0   head_bytes_max: 0 -> 8192, else byte * 4
 *   byte 1   headers_max (0-255; above DSG_HTTP_FIELDS_MAX it is capped)
 *   byte 2   target_max: byte * 4
 *
 * The parser's status and, on OK, everything it reports (bytes eaten,
 * method, target, version, every field slice, host, framing, length,
 * keep-alive) must equal those of a reference parser written out here from
 * RFC 9112 / RFC 9110 and the rules in http_req.h: it cuts the head into
 * lines with memmem first and judges each line with string functions,
 * instead of a cursor; abort() on any disagreement. Also checked: every
 * slice inside the head, nothing written on refusal, every strict prefix of
 * an accepted head is NEED_MORE (split invariance), and the target's path
 * decodes (dsg_http_path_decode) exactly when an independent decoder with
 * its own UTF-8 check says it should, to the same bytes.
 */
#define _GNU_SOURCE   /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/http_req.h"

/* @relation(REQ-RUN-029) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define SETUP 3u

struct ref {
    int status;
    size_t eaten;
    size_t m_off, m_len, t_off, t_len;
    int method, minor;
    size_t nf;
    size_t name_off[DSG_HTTP_FIELDS_MAX], name_len[DSG_HTTP_FIELDS_MAX];
    size_t val_off[DSG_HTTP_FIELDS_MAX], val_len[DSG_HTTP_FIELDS_MAX];
    int has_host;
    size_t host_off, host_len;
    int framing;
    uint64_t length;
    int keep_alive;
};

static struct ref want;
static dsg_http_request got;

/* ---- reference parser ------------------------------------------------------ */

static int upper_eq(const uint8_t *p, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(p, s, n) == 0;
}

static int ci_eq(const uint8_t *p, size_t n, const char *s)
{
    return strlen(s) == n && strncasecmp((const char *)p, s, n) == 0;
}

static int is_tchar(uint8_t c)
{
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL ? 1
         : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Where the head ends, or the status of the first byte that breaks lines. */
static int ref_head_end(const uint8_t *b, size_t len, size_t max, size_t *end)
{
    size_t lim = len < max ? len : max;
    size_t e = SIZE_MAX;
    if (lim >= 2 && b[0] == '\r' && b[1] == '\n')
        e = 2;
    else {
        const uint8_t *p = lim >= 4 ? memmem(b, lim, "\r\n\r\n", 4) : NULL;
        if (p)
            e = (size_t)(p - b) + 4;
    }
    size_t region = e == SIZE_MAX ? lim : e;
    for (size_t i = 0; i < region; i++) {
        if (b[i] == '\r' && i + 1 < lim && b[i + 1] != '\n')
            return DSG_HTTP_ERR_BAD_LINE_ENDING;
        if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r'))
            return DSG_HTTP_ERR_BAD_LINE_ENDING;
        if (i > 0 && b[i - 1] == '\n' && (b[i] == ' ' || b[i] == '\t'))
            return DSG_HTTP_ERR_OBS_FOLD;
    }
    if (e == SIZE_MAX)
        return len < max ? DSG_HTTP_NEED_MORE : DSG_HTTP_ERR_HEAD_TOO_LARGE;
    *end = e;
    return DSG_HTTP_OK;
}

static int ref_request_line(const uint8_t *b, size_t n, const dsg_http_limits *lim)
{
    static const char *methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
                                     "PATCH" };
    if (upper_eq(b, n, "PRI * HTTP/2.0"))
        return DSG_HTTP_ERR_BAD_VERSION;
    const uint8_t *sp = memchr(b, ' ', n);
    if (!sp)
        return DSG_HTTP_ERR_BAD_METHOD;
    size_t ml = (size_t)(sp - b);
    want.method = -1;
    for (int i = 0; i < 7; i++)
        if (upper_eq(b, ml, methods[i]))
            want.method = i;
    if (want.method < 0)
        return DSG_HTTP_ERR_BAD_METHOD;
    want.m_off = 0;
    want.m_len = ml;
    size_t t = ml + 1;
    if (t >= n || b[t] != '/')
        return DSG_HTTP_ERR_BAD_TARGET;
    size_t i = t;
    for (; i < n && b[i] != ' '; i++) {
        if (b[i] < 0x21 || b[i] > 0x7E || b[i] == '#')
            return DSG_HTTP_ERR_BAD_TARGET;
        if (i - t >= lim->target_max)
            return DSG_HTTP_ERR_TARGET_TOO_LONG;
    }
    if (i == n)
        return DSG_HTTP_ERR_BAD_VERSION;
    want.t_off = t;
    want.t_len = i - t;
    if (upper_eq(b + i + 1, n - i - 1, "HTTP/1.1"))
        want.minor = 1;
    else if (upper_eq(b + i + 1, n - i - 1, "HTTP/1.0"))
        want.minor = 0;
    else
        return DSG_HTTP_ERR_BAD_VERSION;
    return DSG_HTTP_OK;
}

/* A Content-Length list: every member 1*DIGIT <= 2^63-1, all equal. */
static int ref_cl(const uint8_t *v, size_t n, uint64_t *out)
{
    char tmp[8192];
    memcpy(tmp, v, n);
    tmp[n] = 0;
    int first = 1;
    char *save = NULL, *s = tmp;
    /* strsep keeps empty members, which are errors */
    for (char *m = strsep(&s, ","); m; m = strsep(&s, ",")) {
        while (*m == ' ' || *m == '\t')
            m++;
        size_t ml = strlen(m);
        while (ml > 0 && (m[ml - 1] == ' ' || m[ml - 1] == '\t'))
            m[--ml] = 0;
        if (ml == 0 || strspn(m, "0123456789") != ml)
            return DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
        size_t z = strspn(m, "0");
        if (ml - z > 19 || (ml - z == 19 && strcmp(m + z, "9223372036854775807") > 0))
            return DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
        uint64_t x = strtoull(m, NULL, 10);
        if (!first && x != *out)
            return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
        *out = x;
        first = 0;
    }
    (void)save;
    return DSG_HTTP_OK;
}

static void ref_connection(const uint8_t *v, size_t n, int *close, int *keep)
{
    size_t i = 0;
    while (i <= n) {
        const uint8_t *c = memchr(v + i, ',', n - i);
        size_t e = c ? (size_t)(c - v) : n;
        size_t s = i;
        while (s < e && (v[s] == ' ' || v[s] == '\t'))
            s++;
        size_t t = s;
        while (t < e && v[t] != ' ' && v[t] != '\t')
            t++;
        if (ci_eq(v + s, t - s, "close"))
            *close = 1;
        if (ci_eq(v + s, t - s, "keep-alive"))
            *keep = 1;
        i = e + 1;
    }
}

static int ref_fields(const uint8_t *b, size_t from, size_t to, const dsg_http_limits *lim)
{
    size_t cap = lim->headers_max < DSG_HTTP_FIELDS_MAX ? lim->headers_max
                                                        : DSG_HTTP_FIELDS_MAX;
    int cl = 0, te = 0, close = 0, keep = 0;
    uint64_t length = 0;
    want.nf = 0;
    want.has_host = 0;
    for (size_t p = from; p < to;) {
        const uint8_t *crlf = memmem(b + p, to - p + 2, "\r\n", 2);
        size_t e = (size_t)(crlf - b);
        const uint8_t *colon = memchr(b + p, ':', e - p);
        if (!colon || colon == b + p)
            return DSG_HTTP_ERR_BAD_HEADER;
        size_t c = (size_t)(colon - b);
        for (size_t k = p; k < c; k++)
            if (!is_tchar(b[k]))
                return DSG_HTTP_ERR_BAD_HEADER;
        size_t vs = c + 1, ve = e;
        for (size_t k = vs; k < ve; k++)
            if (b[k] != '\t' && (b[k] < 0x20 || b[k] == 0x7F))
                return DSG_HTTP_ERR_BAD_HEADER;
        while (vs < ve && (b[vs] == ' ' || b[vs] == '\t'))
            vs++;
        while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t'))
            ve--;
        if (want.nf >= cap)
            return DSG_HTTP_ERR_TOO_MANY_HEADERS;
        const uint8_t *name = b + p, *val = b + vs;
        size_t nl = c - p, vl = ve - vs;
        if (ci_eq(name, nl, "content-length")) {
            uint64_t x = 0;
            if (te)
                return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
            int r = ref_cl(val, vl, &x);
            if (r != DSG_HTTP_OK)
                return r;
            if (cl && x != length)
                return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
            cl = 1;
            length = x;
        } else if (ci_eq(name, nl, "transfer-encoding")) {
            if (want.minor == 0)
                return DSG_HTTP_ERR_BAD_TRANSFER_ENCODING;
            if (cl)
                return DSG_HTTP_ERR_AMBIGUOUS_FRAMING;
            if (te || !ci_eq(val, vl, "chunked"))
                return DSG_HTTP_ERR_BAD_TRANSFER_ENCODING;
            te = 1;
        } else if (ci_eq(name, nl, "host")) {
            if (want.has_host)
                return DSG_HTTP_ERR_DUPLICATE_HOST;
            want.has_host = 1;
            want.host_off = vs;
            want.host_len = vl;
        } else if (ci_eq(name, nl, "connection")) {
            ref_connection(val, vl, &close, &keep);
        }
        want.name_off[want.nf] = p;
        want.name_len[want.nf] = nl;
        want.val_off[want.nf] = vs;
        want.val_len[want.nf] = vl;
        want.nf++;
        p = e + 2;
    }
    if (want.minor == 1 && !want.has_host)
        return DSG_HTTP_ERR_MISSING_HOST;
    if (!want.has_host)
        want.host_off = want.host_len = 0;
    want.framing = te ? DSG_HTTP_FRAMING_CHUNKED : cl ? DSG_HTTP_FRAMING_LENGTH
                                                      : DSG_HTTP_FRAMING_NONE;
    want.length = cl ? length : 0;
    want.keep_alive = want.minor == 1 ? !close : (keep && !close);
    return DSG_HTTP_OK;
}

static int ref_parse(const uint8_t *b, size_t len, const dsg_http_limits *lim)
{
    size_t end = 0;
    int r = ref_head_end(b, len, lim->head_bytes_max, &end);
    if (r != DSG_HTTP_OK)
        return r;
    want.eaten = end;
    if (end == 2)
        return DSG_HTTP_ERR_BAD_METHOD;                 /* empty request line */
    const uint8_t *crlf = memmem(b, end, "\r\n", 2);
    size_t rl = (size_t)(crlf - b);
    r = ref_request_line(b, rl, lim);
    if (r != DSG_HTTP_OK)
        return r;
    return ref_fields(b, rl + 2, end - 2, lim);
}

/* ---- the path --------------------------------------------------------------- */

static int hexv(uint8_t c)
{
    const char *d = "0123456789abcdef";
    const char *p = c ? strchr(d, c | 0x20) : NULL;
    return p && ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
               ? (int)(p - d) : -1;
}

/* Well-formed UTF-8 after Unicode table 3-7, written out by ranges. */
static int utf8_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c == 0xE0) { k = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) k = 2;
        else if (c == 0xED) { k = 2; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) k = 2;
        else if (c == 0xF0) { k = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) k = 3;
        else if (c == 0xF4) { k = 3; hi = 0x8F; }
        else return 0;
        if (n - i - 1 < k) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t j = 2; j <= k; j++)
            if (s[i + j] < 0x80 || s[i + j] > 0xBF) return 0;
        i += k + 1;
    }
    return 1;
}

/* Decodes segment by segment: 1 and the bytes when the path is acceptable. */
static int ref_path(const uint8_t *t, size_t n, uint8_t *out, size_t cap, size_t *w)
{
    const uint8_t *q = memchr(t, '?', n);
    size_t pe = q ? (size_t)(q - t) : n;
    if (pe == 0 || t[0] != '/')
        return 0;
    size_t k = 0;
    size_t i = 0;
    while (i < pe) {                 /* one raw segment: "/" then up to the next "/" */
        size_t s = i + 1, e = s;
        while (e < pe && t[e] != '/')
            e++;
        if (k >= cap) return 0;
        out[k++] = '/';
        size_t seg = k;
        for (size_t j = s; j < e; j++) {
            uint8_t c = t[j];
            if (c == '%') {
                if (e - j < 3 || hexv(t[j + 1]) < 0 || hexv(t[j + 2]) < 0) return 0;
                c = (uint8_t)(hexv(t[j + 1]) * 16 + hexv(t[j + 2]));
                if (c == '/' || c == '\\') return 0;
                j += 2;
            } else if (c < 0x21 || c > 0x7E || c == '#' || c == '\\') {
                return 0;
            }
            if (c == 0 || c < 0x20 || c == 0x7F) return 0;
            if (k >= cap) return 0;
            out[k++] = c;
        }
        size_t sl = k - seg;
        if ((sl == 1 && out[seg] == '.') ||
            (sl == 2 && out[seg] == '.' && out[seg + 1] == '.'))
            return 0;
        if (sl == 0 && e < pe)       /* "//": empty, not last */
            return 0;
        i = e;
    }
    if (!utf8_ok(out, k)) return 0;
    *w = k;
    return 1;
}

/* ---- the harness ------------------------------------------------------------ */

static void check_path(const uint8_t *t, size_t n)
{
    static uint8_t a[4096], b[4096];
    size_t cap = n < sizeof a ? n : sizeof a;
    size_t wa = 12345, wb = 0;
    dsg_http_path_status st = dsg_http_path_decode(t, n, a, cap, &wa);
    int ok = ref_path(t, n, b, cap, &wb);
    CHECK((st == DSG_HTTP_PATH_OK) == (ok == 1));
    if (st != DSG_HTTP_PATH_OK) {
        CHECK(wa == 12345);
        return;
    }
    CHECK(wa == wb && memcmp(a, b, wa) == 0);
    size_t off = 0, ql = 0;
    int hq = dsg_http_query(t, n, &off, &ql);
    CHECK(off + ql == n);
    CHECK(hq == (memchr(t, '?', n) != NULL));
}

static void slice_in(dsg_http_slice s, size_t m)
{
    CHECK((uint64_t)s.off + s.len <= m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < SETUP || size - SETUP > 8000)
        return 0;
    dsg_http_limits lim = {
        data[0] == 0 ? 8192u : (uint32_t)data[0] * 4u,
        data[1],
        (uint32_t)data[2] * 4u,
    };
    const uint8_t *b = data + SETUP;
    size_t len = size - SETUP;
    check_path(b, len);            /* the path decoder on any bytes at all */

    size_t eaten = 777;
    memset(&got, 0x5A, sizeof got);
    memset(&want, 0, sizeof want);
    int st = (int)dsg_http_parse_head(b, len, &lim, &got, &eaten);
    int ref = ref_parse(b, len, &lim);
    CHECK(st == ref);
    if (st != DSG_HTTP_OK) {
        CHECK(eaten == 777 && got.field_count == 0);
        if (st == DSG_HTTP_NEED_MORE)
            CHECK(len < lim.head_bytes_max);
        return 0;
    }
    CHECK(eaten > 0 && eaten <= len && eaten <= lim.head_bytes_max && eaten == want.eaten);
    slice_in(got.method, eaten);
    slice_in(got.target, eaten);
    slice_in(got.host, eaten);
    CHECK(got.method.off == want.m_off && got.method.len == want.m_len);
    CHECK((int)got.method_id == want.method);
    CHECK(got.target.off == want.t_off && got.target.len == want.t_len);
    CHECK((int)got.version_minor == want.minor);
    CHECK(got.field_count == want.nf && got.field_count <= lim.headers_max);
    for (size_t i = 0; i < want.nf; i++) {
        slice_in(got.fields[i].name, eaten);
        slice_in(got.fields[i].value, eaten);
        CHECK(got.fields[i].name.off == want.name_off[i]);
        CHECK(got.fields[i].name.len == want.name_len[i]);
        CHECK(got.fields[i].value.off == want.val_off[i]);
        CHECK(got.fields[i].value.len == want.val_len[i]);
    }
    CHECK((int)got.has_host == want.has_host);
    CHECK(got.host.off == want.host_off && got.host.len == want.host_len);
    CHECK((int)got.framing == want.framing && got.content_length == want.length);
    CHECK((int)got.keep_alive == want.keep_alive);

    /* split invariance: every strict prefix is incomplete */
    size_t step = eaten <= 256 ? 1 : eaten / 64;
    for (size_t k = 0; k < eaten; k += step) {
        size_t e2 = 777;
        CHECK(dsg_http_parse_head(b, k, &lim, &got, &e2) == DSG_HTTP_NEED_MORE && e2 == 777);
    }
    check_path(b + want.t_off, want.t_len);
    return 0;
}
