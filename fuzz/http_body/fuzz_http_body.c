/*
 * libFuzzer harness for the HTTP/1.1 body decoder (src/core/http_body.h).
 *
 * Input: four setup bytes, then the bytes that follow a request head.
 *
 *   byte 0   bit 0: chunked (1) or Content-Length (0)
 *   byte 1   the limit: 0-127 -> that many bytes, 128-254 -> 4096,
 *            255 -> UINT64_MAX
 *   byte 2   Content-Length bodies: the declared length (0-255)
 *   byte 3   the size of the pieces the input is handed over in
 *            (0: all at once)
 *
 * The decoder's verdict, body and bytes consumed must equal those of a
 * reference decoder written out here from RFC 9112 §7.1 and the rules in
 * http_body.h, which reads the whole input at once with a cursor rather
 * than a state machine; abort() on any disagreement. Every call is also
 * checked against the contract: consumed <= len, DATA slices non-empty and
 * inside the input, NEED_MORE consuming everything, the state well-formed,
 * the total never above the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_body.h"

/* @relation(REQ-RUN-028) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define SETUP 4u
#define MAX_BODY 65536u

struct result {
    int status;
    size_t consumed;
    size_t body_len;
    uint8_t body[MAX_BODY];
};

static struct result got, want;

/* ---- reference decoder ------------------------------------------------------ */

struct cursor {
    const uint8_t *in;
    size_t len, pos;
};

static int next_byte(struct cursor *c)
{
    return c->pos < c->len ? c->in[c->pos++] : -1;
}

static int is_token(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int is_text(int c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int finish(struct cursor *c, struct result *r, int status)
{
    r->status = status;
    r->consumed = c->pos;
    return status;
}

/* A chunk-size line; sets *size. Returns 0 or a final status. */
static int ref_size_line(struct cursor *c, struct result *r, uint64_t room, uint64_t *size)
{
    int digits = 0, in_ext = 0;
    *size = 0;
    for (unsigned k = 0;; k++) {
        if (c->pos == c->len)
            return finish(c, r, DSG_HTTP_BODY_NEED_MORE);
        int ch = next_byte(c);
        if (k == DSG_HTTP_CHUNK_LINE_MAX)
            return finish(c, r, DSG_HTTP_BODY_ERR_LINE_TOO_LONG);
        if (in_ext) {
            if (ch == '\r')
                break;
            if (!is_text(ch))
                return finish(c, r, DSG_HTTP_BODY_ERR_CHUNK_EXT);
        } else if (hexval(ch) >= 0) {
            if (*size > UINT64_MAX / 16 || *size * 16 + (uint64_t)hexval(ch) > room)
                return finish(c, r, DSG_HTTP_BODY_ERR_TOO_LARGE);
            *size = *size * 16 + (uint64_t)hexval(ch);
            digits++;
        } else if (digits > 0 && ch == ';') {
            in_ext = 1;
        } else if (digits > 0 && ch == '\r') {
            break;
        } else {
            return finish(c, r, DSG_HTTP_BODY_ERR_CHUNK_SIZE);
        }
    }
    if (c->pos == c->len)
        return finish(c, r, DSG_HTTP_BODY_NEED_MORE);
    if (next_byte(c) != '\n')
        return finish(c, r, DSG_HTTP_BODY_ERR_CRLF);
    return 0;
}

static int ref_trailers(struct cursor *c, struct result *r)
{
    enum { START, NAME, VALUE, LF, END } at = START;
    for (unsigned n = 0;; n++) {
        if (c->pos == c->len)
            return finish(c, r, DSG_HTTP_BODY_NEED_MORE);
        int ch = next_byte(c);
        if (n == DSG_HTTP_TRAILER_MAX)
            return finish(c, r, DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG);
        switch (at) {
        case START:
            if (ch == '\r')
                at = END;
            else if (is_token(ch))
                at = NAME;
            else
                return finish(c, r, DSG_HTTP_BODY_ERR_TRAILER);
            break;
        case NAME:
            if (ch == ':')
                at = VALUE;
            else if (!is_token(ch))
                return finish(c, r, DSG_HTTP_BODY_ERR_TRAILER);
            break;
        case VALUE:
            if (ch == '\r')
                at = LF;
            else if (!is_text(ch))
                return finish(c, r, DSG_HTTP_BODY_ERR_TRAILER);
            break;
        case LF:
            if (ch != '\n')
                return finish(c, r, DSG_HTTP_BODY_ERR_CRLF);
            at = START;
            break;
        case END:
            return finish(c, r, ch == '\n' ? DSG_HTTP_BODY_DONE : DSG_HTTP_BODY_ERR_CRLF);
        }
    }
}

static void append(struct result *r, const uint8_t *p, size_t n)
{
    CHECK(r->body_len + n <= MAX_BODY);
    memcpy(r->body + r->body_len, p, n);
    r->body_len += n;
}

static void ref_chunked(const uint8_t *in, size_t len, uint64_t limit, struct result *r)
{
    struct cursor c = { in, len, 0 };
    uint64_t total = 0;
    r->body_len = 0;
    for (;;) {
        uint64_t size;
        if (ref_size_line(&c, r, limit - total, &size) != 0)
            return;
        if (size == 0) {
            ref_trailers(&c, r);
            return;
        }
        size_t avail = c.len - c.pos < size ? c.len - c.pos : (size_t)size;
        append(r, in + c.pos, avail);
        c.pos += avail;
        total += avail;
        if (avail < size) {
            finish(&c, r, DSG_HTTP_BODY_NEED_MORE);
            return;
        }
        for (const char *crlf = "\r\n"; *crlf != '\0'; crlf++) {
            if (c.pos == c.len) {
                finish(&c, r, DSG_HTTP_BODY_NEED_MORE);
                return;
            }
            if (next_byte(&c) != *crlf) {
                finish(&c, r, DSG_HTTP_BODY_ERR_CRLF);
                return;
            }
        }
    }
}

static void ref_length(const uint8_t *in, size_t len, uint64_t declared, uint64_t limit,
                       struct result *r)
{
    r->body_len = 0;
    r->consumed = 0;
    if (declared > limit) {
        r->status = DSG_HTTP_BODY_ERR_TOO_LARGE;
        return;
    }
    size_t n = len < declared ? len : (size_t)declared;
    append(r, in, n);
    r->consumed = n;
    r->status = n == declared ? DSG_HTTP_BODY_DONE : DSG_HTTP_BODY_NEED_MORE;
}

/* ---- the decoder under test ------------------------------------------------- */

static void decode(dsg_http_body *b, const uint8_t *in, size_t len, size_t piece,
                   struct result *r)
{
    size_t end = piece == 0 || piece > len ? len : piece;
    size_t pos = 0;
    r->body_len = 0;
    for (;;) {
        dsg_http_body_out out;
        uint64_t before = b->total;
        dsg_http_body_status st = dsg_http_body_feed(b, in + pos, end - pos, &out);
        CHECK(out.consumed <= end - pos);
        CHECK(dsg_http_body_is_valid(b));
        CHECK(b->total <= b->limit);
        if (st == DSG_HTTP_BODY_DATA) {
            CHECK(out.data_len >= 1 && out.data_off + out.data_len == out.consumed);
            CHECK(b->total == before + out.data_len);
            append(r, in + pos + out.data_off, out.data_len);
        } else {
            CHECK(out.data_len == 0 && b->total == before);
        }
        if (st == DSG_HTTP_BODY_NEED_MORE)
            CHECK(out.consumed == end - pos);
        if (st >= DSG_HTTP_BODY_ERR_TOO_LARGE)
            CHECK(b->phase == DSG_HTTP_PH_FAILED);
        pos += out.consumed;
        if (st == DSG_HTTP_BODY_DATA)
            continue;
        if (st == DSG_HTTP_BODY_NEED_MORE && end < len) {
            end = piece == 0 || len - end < piece ? len : end + piece;
            continue;
        }
        r->status = st;
        r->consumed = pos;
        return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < SETUP)
        return 0;
    const uint8_t *in = data + SETUP;
    size_t len = size - SETUP;
    if (len > MAX_BODY)
        return 0;
    int chunked = data[0] & 1;
    uint64_t limit = data[1] < 128 ? data[1] : data[1] < 255 ? 4096u : UINT64_MAX;
    size_t piece = data[3];
    dsg_http_body b;

    if (chunked) {
        dsg_http_body_init_chunked(&b, limit);
        ref_chunked(in, len, limit, &want);
        decode(&b, in, len, piece, &got);
    } else {
        uint64_t declared = data[2];
        dsg_http_body_status init = dsg_http_body_init_length(&b, declared, limit);
        CHECK(dsg_http_body_is_valid(&b));
        ref_length(in, len, declared, limit, &want);
        if (init == DSG_HTTP_BODY_ERR_TOO_LARGE) {
            got.status = init;
            got.consumed = 0;
            got.body_len = 0;
        } else {
            decode(&b, in, len, piece, &got);
        }
    }
    CHECK(got.status == want.status);
    CHECK(got.consumed == want.consumed);
    CHECK(got.body_len == want.body_len);
    CHECK(memcmp(got.body, want.body, got.body_len) == 0);
    if (got.status == DSG_HTTP_BODY_DONE && !chunked)
        CHECK(b.total == b.declared);
    return 0;
}
