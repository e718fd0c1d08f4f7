/*
 * libFuzzer harness for the streaming multipart/form-data parser
 * (src/core/multipart.h).
 *
 * Input: two setup bytes, the boundary, then the body.
 *
 *   byte 0   the size of the pieces the body is handed over in (0: one
 *            byte at a time)
 *   byte 1   the boundary's length (taken mod 80, so some are over 70 or
 *            empty), then that many bytes of boundary
 *
 * dsg_mp_init must refuse the boundary exactly when a reference check of
 * RFC 2046's rule (written out here) does. The body is parsed whole, in
 * pieces of the chosen size and cut in two at the middle: the three
 * transcripts (events, header names and values, the data of consecutive
 * DATA and HELD events joined, the final verdict) must be equal. Every
 * call is checked against the contract: consumed <= len, DATA inside the
 * input and ending at consumed, HELD inside the delimiter, a header inside
 * the caller's buffer, NEED_MORE consuming everything, the partial match
 * shorter than the delimiter, every answer but HELD consuming a byte and
 * HELD leaving no candidate, errors leaving the parser FAILED, the state
 * well-formed. Each header value also goes through dsg_mp_disposition,
 * whose slices must lie in the value and whose decoded file name must be
 * free of NUL.
 *
 * When the parser accepts the body, a reference written out here from RFC
 * 2046 §5.1.1 cuts the whole body at the delimiters with string searches
 * (no state machine) and must find the same parts, header lines (name,
 * value without the blanks around it) and data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/multipart.h"

/* @relation(REQ-SHARE-010) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define SCRIPT_MAX (1u << 20)
#define HDR_CAP 512u

struct script {
    uint8_t text[SCRIPT_MAX];
    size_t len;
    int in_data;
};

static struct script whole, pieces;
static uint8_t hdr_buf[HDR_CAP];
static uint8_t ext_buf[128];

static void put(struct script *s, const void *p, size_t n)
{
    if (n > SCRIPT_MAX - s->len)
        n = SCRIPT_MAX - s->len;   /* truncated alike in both transcripts */
    memcpy(s->text + s->len, p, n);
    s->len += n;
}

static void mark(struct script *s, uint8_t what)
{
    s->in_data = 0;
    put(s, &what, 1);
}

static void put_data(struct script *s, const uint8_t *p, size_t n)
{
    if (!s->in_data)
        put(s, "D", 1);
    s->in_data = 1;
    put(s, p, n);
}

static int reference_boundary_ok(const uint8_t *b, size_t n)
{
    if (n < 1 || n > 70 || b[n - 1] == ' ')
        return 0;
    for (size_t k = 0; k < n; k++) {
        uint8_t c = b[k];
        int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c != 0 && strchr("'()+_,-./:=? ", c) != NULL);
        if (!ok)
            return 0;
    }
    return 1;
}

static void check_disposition(const uint8_t *v, size_t n)
{
    dsg_mp_disp d;
    dsg_mp_disp_status st = dsg_mp_disposition(v, n, &d, ext_buf, sizeof ext_buf);
    CHECK(st <= DSG_MP_DISP_ERR_TOO_LONG);
    if (st != DSG_MP_DISP_OK)
        return;
    CHECK(d.name_off + d.name_len <= n);
    CHECK(d.has_file <= 1 && d.has_ext <= 1);
    if (d.has_file)
        CHECK(d.file_off + d.file_len <= n);
    if (d.has_ext) {
        CHECK(d.ext_len <= sizeof ext_buf);
        for (size_t k = 0; k < d.ext_len; k++)
            CHECK(ext_buf[k] != 0);
    } else {
        CHECK(d.ext_len == 0);
    }
}

static dsg_mp_status feed_checked(dsg_mp *mp, const uint8_t *in, size_t len, dsg_mp_out *out)
{
    dsg_mp_status st = dsg_mp_feed(mp, in, len, out);
    CHECK(out->consumed <= len);
    CHECK(dsg_mp_is_valid(mp) == 1);
    CHECK(mp->pos.match < mp->delim_len);
    if (st == DSG_MP_DATA) {
        CHECK(out->len >= 1 && out->off + out->len == out->consumed);
    } else if (st == DSG_MP_HELD) {
        CHECK(out->len >= 1 && out->off + out->len <= mp->delim_len);
    } else if (st == DSG_MP_HEADER) {
        CHECK(out->name_len >= 1 && out->off == out->name_len);
        CHECK(out->off + out->len <= mp->hdr_cap);
    } else {
        CHECK(out->len == 0);
    }
    if (st == DSG_MP_NEED_MORE)
        CHECK(out->consumed == len);
    if (st == DSG_MP_HELD)
        CHECK(mp->pos.match == 0);
    else if (len > 0)
        CHECK(out->consumed >= 1);
    CHECK(st < DSG_MP_ERR_STATE || st > DSG_MP_ERR_BOUNDARY);
    if (st >= DSG_MP_ERR_STATE)
        CHECK(mp->pos.phase == DSG_MP_PH_FAILED);
    return st;
}

/* Parses body[0 .. len) handed over in pieces ending at the cut, then
 * every `step` bytes. */
static void run(const uint8_t *b, size_t blen, const uint8_t *body, size_t len, size_t cut,
                size_t step, struct script *s)
{
    dsg_mp mp;
    s->len = 0;
    s->in_data = 0;
    CHECK(dsg_mp_init(&mp, b, blen, hdr_buf, sizeof hdr_buf) == DSG_MP_NEED_MORE);
    size_t pos = 0, end = cut < len ? cut : len;
    for (;;) {
        dsg_mp_out out;
        dsg_mp_status st = feed_checked(&mp, body + pos, end - pos, &out);
        const uint8_t *at = body + pos;
        pos += out.consumed;
        uint8_t code = (uint8_t)('a' + st);
        switch (st) {
        case DSG_MP_DATA:
            put_data(s, at + out.off, out.len);
            break;
        case DSG_MP_HELD:
            put_data(s, mp.delim + out.off, out.len);
            break;
        case DSG_MP_HEADER:
            mark(s, code);
            put(s, mp.hdr, out.name_len);
            put(s, ":", 1);
            put(s, mp.hdr + out.off, out.len);
            check_disposition(mp.hdr + out.off, out.len);
            break;
        case DSG_MP_NEED_MORE:
            if (end < len) {
                end = len - end < step ? len : end + step;
                break;
            }
            mark(s, 'f');
            mark(s, (uint8_t)('a' + dsg_mp_finish(&mp)));
            return;
        case DSG_MP_PART:
        case DSG_MP_BODY:
        case DSG_MP_PART_END:
        case DSG_MP_END:
            mark(s, code);
            break;
        default:
            mark(s, code);
            put(s, &pos, sizeof pos);   /* where it stopped */
            CHECK(dsg_mp_feed(&mp, body, len, &out) == DSG_MP_ERR_FAILED);
            CHECK(dsg_mp_finish(&mp) == DSG_MP_ERR_FAILED);
            return;
        }
    }
}

/* ---- reference: the whole body at once -------------------------------------- */

static uint8_t text[1u << 16];   /* CR LF, then the body */
static struct script want;

/* The first d[0 .. dn) in t[from .. n), or n. */
static size_t find(const uint8_t *t, size_t n, size_t from, const uint8_t *d, size_t dn)
{
    for (size_t p = from; p + dn <= n; p++)
        if (memcmp(t + p, d, dn) == 0)
            return p;
    return n;
}

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* The transcript of a body the parser accepted, or 0 if the reference
 * cannot read it as one (which fails the run). */
static int reference(const uint8_t *b, size_t blen, const uint8_t *body, size_t len)
{
    uint8_t d[DSG_MP_DELIM_MAX];
    size_t dl = blen + 4, n = len + 2;
    if (n > sizeof text)
        return 1;                      /* too long to check; the fuzzer keeps inputs short */
    memcpy(d, "\r\n--", 4);
    memcpy(d + 4, b, blen);
    memcpy(text, "\r\n", 2);
    memcpy(text + 2, body, len);
    want.len = 0;
    want.in_data = 0;
    size_t pos = find(text, n, 0, d, dl);
    if (pos == n)
        return 0;
    pos += dl;
    for (;;) {
        if (pos + 2 <= n && text[pos] == '-' && text[pos + 1] == '-') {
            mark(&want, 'a' + DSG_MP_END);
            break;
        }
        while (pos < n && is_blank(text[pos]))
            pos++;
        if (pos + 2 > n || text[pos] != '\r' || text[pos + 1] != '\n')
            return 0;
        pos += 2;
        mark(&want, 'a' + DSG_MP_PART);
        size_t h = pos;                /* header lines up to the empty line's CR */
        while (h + 2 <= n && !(text[h] == '\r' && text[h + 1] == '\n')) {
            size_t e = find(text, n, h, (const uint8_t *)"\r\n", 2);
            size_t colon = find(text, e, h, (const uint8_t *)":", 1);
            if (e == n || colon == e)
                return 0;
            size_t vs = colon + 1, ve = e;
            while (vs < ve && is_blank(text[vs]))
                vs++;
            while (ve > vs && is_blank(text[ve - 1]))
                ve--;
            mark(&want, 'a' + DSG_MP_HEADER);
            put(&want, text + h, colon - h);
            put(&want, ":", 1);
            put(&want, text + vs, ve - vs);
            h = e + 2;
        }
        if (h + 2 > n)
            return 0;
        mark(&want, 'a' + DSG_MP_BODY);
        size_t q = find(text, n, h, d, dl);   /* the empty line's CR LF may open it */
        if (q == n)
            return 0;
        if (q > h + 2)
            put_data(&want, text + h + 2, q - h - 2);
        mark(&want, 'a' + DSG_MP_PART_END);
        pos = q + dl;
    }
    mark(&want, 'f');
    mark(&want, 'a' + DSG_MP_END);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t step = data[0] == 0 ? 1 : data[0];
    size_t blen = data[1] % 80u;
    if (blen > size - 2)
        blen = size - 2;
    const uint8_t *b = data + 2;
    const uint8_t *body = b + blen;
    size_t len = size - 2 - blen;

    dsg_mp mp;
    dsg_mp_status st = dsg_mp_init(&mp, b, blen, hdr_buf, sizeof hdr_buf);
    CHECK(dsg_mp_is_valid(&mp) == 1);
    if (!reference_boundary_ok(b, blen)) {
        CHECK(st == DSG_MP_ERR_BOUNDARY);
        return 0;
    }
    CHECK(st == DSG_MP_NEED_MORE && mp.delim_len == blen + 4);

    run(b, blen, body, len, len, len + 1, &whole);
    run(b, blen, body, len, step, step, &pieces);
    CHECK(pieces.len == whole.len && memcmp(pieces.text, whole.text, whole.len) == 0);
    run(b, blen, body, len, len / 2, len + 1, &pieces);
    CHECK(pieces.len == whole.len && memcmp(pieces.text, whole.text, whole.len) == 0);
    if (whole.len >= 2 && whole.len < SCRIPT_MAX && whole.text[whole.len - 2] == 'f' &&
        whole.text[whole.len - 1] == 'a' + DSG_MP_END && len + 2 <= sizeof text) {
        CHECK(reference(b, blen, body, len));
        CHECK(want.len == whole.len && memcmp(want.text, whole.text, whole.len) == 0);
    }
    return 0;
}
