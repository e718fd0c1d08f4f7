/*
 * HTTP/1.1 request body decoder (REQ-RUN-028). See http_body.h for the
 * grammar and the contract; acsl/PROOFS.md for what is proved.
 *
 * Body bytes are never copied: the decoder points at them. Framing bytes
 * (chunk-size lines, CRLFs, trailers) are read one at a time by a small
 * state machine whose every step is a function of the phase and one byte,
 * which is what makes the decoder resumable: a call that ends in the middle
 * of a line leaves nothing behind but the phase and two counters.
 */
#include "core/http_body.h"

#define BIT(c) ((int)(c))

/* ---- character classes ---------------------------------------------------- */

/* The value of a hex digit, or 16 for any other byte. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 16;
    ensures \result < 16 <==> ('0' <= c <= '9' || 'a' <= c <= 'f' || 'A' <= c <= 'F');
*/
static unsigned hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned)(c - 'a') + 10u;
    if (c >= 'A' && c <= 'F')
        return (unsigned)(c - 'A') + 10u;
    return 16u;
}

/* A byte of a chunk extension or trailer value: HTAB, SP, visible ASCII or
 * obs-text (>= 0x80); never another control byte or DEL. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (c == 9 || (0x20 <= c && c != 0x7F));
*/
static int text_byte(uint8_t c)
{
    return BIT(c == 9u) | (BIT(c >= 0x20u) & BIT(c != 0x7Fu));
}

/* A tchar of RFC 9110 §5.6.2: the bytes of a field name. */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> 0x21 <= c <= 0x7E && c != ':';
*/
static int token_byte(uint8_t c)
{
    return BIT(c >= '0' && c <= '9') | BIT(c >= 'a' && c <= 'z') |
           BIT(c >= 'A' && c <= 'Z') | BIT(c == '!') | BIT(c == '#') |
           BIT(c == '$') | BIT(c == '%') | BIT(c == '&') | BIT(c == '\'') |
           BIT(c == '*') | BIT(c == '+') | BIT(c == '-') | BIT(c == '.') |
           BIT(c == '^') | BIT(c == '_') | BIT(c == '`') | BIT(c == '|') |
           BIT(c == '~');
}

/* ---- the state ------------------------------------------------------------ */

int dsg_http_body_is_valid(const dsg_http_body *b)
{
    if (b->total > b->limit)
        return 0;
    uint64_t room = b->limit - b->total;
    int sizing = BIT(b->phase >= DSG_HTTP_PH_SIZE_START) &
                 BIT(b->phase <= DSG_HTTP_PH_SIZE_LF);
    int length_ok = (BIT(b->phase == DSG_HTTP_PH_DATA) | BIT(b->phase == DSG_HTTP_PH_DONE) |
                     BIT(b->phase == DSG_HTTP_PH_FAILED)) &
                    (BIT(b->phase != DSG_HTTP_PH_DATA) |
                     BIT(b->remaining <= b->declared && b->total == b->declared - b->remaining)) &
                    (BIT(b->phase != DSG_HTTP_PH_DONE) | BIT(b->total == b->declared));
    return (BIT(b->kind == DSG_HTTP_BODY_LENGTH) | BIT(b->kind == DSG_HTTP_BODY_CHUNKED)) &
           BIT(b->phase <= DSG_HTTP_PH_FAILED) &
           BIT(b->line_bytes <= DSG_HTTP_CHUNK_LINE_MAX) &
           BIT(b->trailer_bytes <= DSG_HTTP_TRAILER_MAX) &
           (BIT(b->phase != DSG_HTTP_PH_DATA) |
            (BIT(b->remaining >= 1u) & BIT(b->remaining <= room))) &
           (BIT(sizing == 0) | BIT(b->remaining <= room)) &
           (BIT(b->kind != DSG_HTTP_BODY_LENGTH) | length_ok);
}

dsg_http_body_status dsg_http_body_init_length(dsg_http_body *b, uint64_t declared,
                                               uint64_t limit)
{
    b->kind = DSG_HTTP_BODY_LENGTH;
    b->line_bytes = 0;
    b->trailer_bytes = 0;
    b->limit = limit;
    b->declared = declared;
    b->total = 0;
    b->remaining = 0;
    if (declared > limit) {
        b->phase = DSG_HTTP_PH_FAILED;
        return DSG_HTTP_BODY_ERR_TOO_LARGE;
    }
    if (declared == 0) {
        b->phase = DSG_HTTP_PH_DONE;
        return DSG_HTTP_BODY_DONE;
    }
    b->phase = DSG_HTTP_PH_DATA;
    b->remaining = declared;
    return DSG_HTTP_BODY_NEED_MORE;
}

void dsg_http_body_init_chunked(dsg_http_body *b, uint64_t limit)
{
    b->kind = DSG_HTTP_BODY_CHUNKED;
    b->phase = DSG_HTTP_PH_SIZE_START;
    b->line_bytes = 0;
    b->trailer_bytes = 0;
    b->limit = limit;
    b->declared = 0;
    b->total = 0;
    b->remaining = 0;
}

/* ---- framing steps: one byte each ------------------------------------------ */

/*
 * The steps below share one contract shape: from a well-formed chunked
 * state in a framing phase, one byte moves to another well-formed state
 * without delivering anything; NEED_MORE means "go on", DONE that the final
 * empty line ended, and an error leaves the decoder FAILED.
 */
/*@ predicate framing_pre{L}(dsg_http_body *b) =
      dsg_http_body_ok(b) && b->kind == DSG_HTTP_BODY_CHUNKED &&
      DSG_HTTP_PH_SIZE_START <= b->phase <= DSG_HTTP_PH_END_LF;
    predicate framing_post{L1,L2}(dsg_http_body *b, integer r) =
      dsg_http_body_ok{L2}(b) &&
      dsg_http_body_same_frame{L1,L2}(b) &&
      \at(b->kind, L2) == DSG_HTTP_BODY_CHUNKED &&
      \at(b->total, L2) == \at(b->total, L1) &&
      (r == DSG_HTTP_BODY_NEED_MORE || r == DSG_HTTP_BODY_DONE ||
       r == DSG_HTTP_BODY_ERR_TOO_LARGE || r == DSG_HTTP_BODY_ERR_CHUNK_SIZE ||
       r == DSG_HTTP_BODY_ERR_CHUNK_EXT || r == DSG_HTTP_BODY_ERR_LINE_TOO_LONG ||
       r == DSG_HTTP_BODY_ERR_CRLF || r == DSG_HTTP_BODY_ERR_TRAILER ||
       r == DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG) &&
      (r == DSG_HTTP_BODY_DONE <==> \at(b->phase, L2) == DSG_HTTP_PH_DONE) &&
      (dsg_http_body_error(r) <==> \at(b->phase, L2) == DSG_HTTP_PH_FAILED);
*/

/* Records an error: the decoder stays FAILED from now on. */
/*@ requires \valid(b) && dsg_http_body_ok(b) && b->kind == DSG_HTTP_BODY_CHUNKED;
    requires dsg_http_body_error(err);
    assigns b->phase;
    ensures b->phase == DSG_HTTP_PH_FAILED && dsg_http_body_ok(b);
    ensures \result == err;
*/
static dsg_http_body_status fail(dsg_http_body *b, dsg_http_body_status err)
{
    b->phase = DSG_HTTP_PH_FAILED;
    return err;
}

/* One more hex digit of the chunk size, refused as soon as the size would
 * take the body past its limit (so `remaining` never overflows). */
/*@ requires \valid(b) && framing_pre(b);
    requires b->phase == DSG_HTTP_PH_SIZE_START || b->phase == DSG_HTTP_PH_SIZE;
    requires h < 16;
    assigns b->phase, b->remaining;
    ensures framing_post{Pre,Post}(b, \result);
    ensures \result == DSG_HTTP_BODY_NEED_MORE ==>
              b->phase == DSG_HTTP_PH_SIZE && b->remaining == \old(b->remaining) * 16 + h;
*/
static dsg_http_body_status size_digit(dsg_http_body *b, unsigned h)
{
    uint64_t room = b->limit - b->total;
    if (b->remaining > (UINT64_MAX >> 4))
        return fail(b, DSG_HTTP_BODY_ERR_TOO_LARGE);
    uint64_t size = b->remaining * 16u + h;
    if (size > room)
        return fail(b, DSG_HTTP_BODY_ERR_TOO_LARGE);
    b->remaining = size;
    b->phase = DSG_HTTP_PH_SIZE;
    return DSG_HTTP_BODY_NEED_MORE;
}

/* A byte of a chunk-size line: hex digits, then ";" and an extension or
 * CR. The line's length is bounded however it is made up. */
/*@ requires \valid(b) && framing_pre(b);
    requires DSG_HTTP_PH_SIZE_START <= b->phase <= DSG_HTTP_PH_EXT;
    assigns b->phase, b->remaining, b->line_bytes;
    ensures framing_post{Pre,Post}(b, \result);
*/
static dsg_http_body_status size_line(dsg_http_body *b, uint8_t c)
{
    if (b->line_bytes >= DSG_HTTP_CHUNK_LINE_MAX)
        return fail(b, DSG_HTTP_BODY_ERR_LINE_TOO_LONG);
    b->line_bytes++;
    if (b->phase == DSG_HTTP_PH_EXT) {
        if (c == '\r')
            b->phase = DSG_HTTP_PH_SIZE_LF;
        else if (!text_byte(c))
            return fail(b, DSG_HTTP_BODY_ERR_CHUNK_EXT);
        return DSG_HTTP_BODY_NEED_MORE;
    }
    unsigned h = hex_value(c);
    if (h < 16u)
        return size_digit(b, h);
    if (b->phase == DSG_HTTP_PH_SIZE_START)
        return fail(b, DSG_HTTP_BODY_ERR_CHUNK_SIZE);
    if (c == ';')
        b->phase = DSG_HTTP_PH_EXT;
    else if (c == '\r')
        b->phase = DSG_HTTP_PH_SIZE_LF;
    else
        return fail(b, DSG_HTTP_BODY_ERR_CHUNK_SIZE);
    return DSG_HTTP_BODY_NEED_MORE;
}

/* The CR LF pairs outside trailers: after a size line (then the chunk's
 * data, or the trailers after a zero size) and after a chunk's data (then
 * the next size line). */
/*@ requires \valid(b) && framing_pre(b);
    requires DSG_HTTP_PH_SIZE_LF <= b->phase <= DSG_HTTP_PH_DATA_LF;
    assigns b->phase, b->remaining, b->line_bytes, b->trailer_bytes;
    ensures framing_post{Pre,Post}(b, \result);
    ensures \old(b->phase) == DSG_HTTP_PH_SIZE_LF && \result == DSG_HTTP_BODY_NEED_MORE ==>
              b->remaining == \old(b->remaining);
*/
static dsg_http_body_status line_end(dsg_http_body *b, uint8_t c)
{
    if (b->phase == DSG_HTTP_PH_DATA_CR) {
        if (c != '\r')
            return fail(b, DSG_HTTP_BODY_ERR_CRLF);
        b->phase = DSG_HTTP_PH_DATA_LF;
        return DSG_HTTP_BODY_NEED_MORE;
    }
    if (c != '\n')
        return fail(b, DSG_HTTP_BODY_ERR_CRLF);
    if (b->phase == DSG_HTTP_PH_DATA_LF) {
        b->phase = DSG_HTTP_PH_SIZE_START;
        b->remaining = 0;
        b->line_bytes = 0;
    } else if (b->remaining == 0) {
        b->phase = DSG_HTTP_PH_TRAILER;
        b->trailer_bytes = 0;
    } else {
        b->phase = DSG_HTTP_PH_DATA;
    }
    return DSG_HTTP_BODY_NEED_MORE;
}

/* A byte of the trailer section: field lines "name: value" CR LF, then an
 * empty line CR LF that ends the body. */
/*@ requires \valid(b) && framing_pre(b);
    requires DSG_HTTP_PH_TRAILER <= b->phase <= DSG_HTTP_PH_END_LF;
    assigns b->phase, b->trailer_bytes;
    ensures framing_post{Pre,Post}(b, \result);
*/
static dsg_http_body_status trailer(dsg_http_body *b, uint8_t c)
{
    if (b->trailer_bytes >= DSG_HTTP_TRAILER_MAX)
        return fail(b, DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG);
    b->trailer_bytes++;
    switch (b->phase) {
    case DSG_HTTP_PH_TRAILER:          /* SP or HTAB here would be line folding */
        if (c == '\r')
            b->phase = DSG_HTTP_PH_END_LF;
        else if (token_byte(c))
            b->phase = DSG_HTTP_PH_TRAILER_NAME;
        else
            return fail(b, DSG_HTTP_BODY_ERR_TRAILER);
        return DSG_HTTP_BODY_NEED_MORE;
    case DSG_HTTP_PH_TRAILER_NAME:
        if (c == ':')
            b->phase = DSG_HTTP_PH_TRAILER_VALUE;
        else if (!token_byte(c))
            return fail(b, DSG_HTTP_BODY_ERR_TRAILER);
        return DSG_HTTP_BODY_NEED_MORE;
    case DSG_HTTP_PH_TRAILER_VALUE:
        if (c == '\r')
            b->phase = DSG_HTTP_PH_TRAILER_LF;
        else if (!text_byte(c))
            return fail(b, DSG_HTTP_BODY_ERR_TRAILER);
        return DSG_HTTP_BODY_NEED_MORE;
    case DSG_HTTP_PH_TRAILER_LF:
        if (c != '\n')
            return fail(b, DSG_HTTP_BODY_ERR_CRLF);
        b->phase = DSG_HTTP_PH_TRAILER;
        return DSG_HTTP_BODY_NEED_MORE;
    default:                           /* END_LF */
        if (c != '\n')
            return fail(b, DSG_HTTP_BODY_ERR_CRLF);
        b->phase = DSG_HTTP_PH_DONE;
        return DSG_HTTP_BODY_DONE;
    }
}

/*@ requires \valid(b) && framing_pre(b);
    assigns b->phase, b->remaining, b->line_bytes, b->trailer_bytes;
    ensures framing_post{Pre,Post}(b, \result);
*/
static dsg_http_body_status step(dsg_http_body *b, uint8_t c)
{
    if (b->phase <= DSG_HTTP_PH_EXT)
        return size_line(b, c);
    if (b->phase <= DSG_HTTP_PH_DATA_LF)
        return line_end(b, c);
    return trailer(b, c);
}

/* ---- delivering body bytes ------------------------------------------------- */

/* Points at the body bytes in[i .. i + n), n = as many as the input holds
 * and the body or chunk still has; at the end of a Content-Length body the
 * decoder is done, at the end of a chunk it expects CR LF. */
/*@ requires \valid(b) && \valid(out) && \separated(b, out);
    requires dsg_http_body_ok(b) && b->phase == DSG_HTTP_PH_DATA;
    requires i < len;
    assigns b->phase, b->remaining, b->total, *out;
    ensures dsg_http_body_ok(b);
    ensures b->phase != DSG_HTTP_PH_FAILED;
    ensures \result == DSG_HTTP_BODY_DATA;
    ensures out->data_off == i && 1 <= out->data_len;
    ensures out->consumed == i + out->data_len && out->consumed <= len;
    ensures b->total == \old(b->total) + out->data_len;
*/
static dsg_http_body_status deliver(dsg_http_body *b, size_t i, size_t len,
                                    dsg_http_body_out *out)
{
    uint64_t n = len - i;
    if (n > b->remaining)
        n = b->remaining;
    b->remaining -= n;
    b->total += n;
    if (b->remaining == 0)
        b->phase = b->kind == DSG_HTTP_BODY_LENGTH ? DSG_HTTP_PH_DONE : DSG_HTTP_PH_DATA_CR;
    out->data_off = i;
    out->data_len = n;
    out->consumed = i + n;
    return DSG_HTTP_BODY_DATA;
}

dsg_http_body_status dsg_http_body_feed(dsg_http_body *b, const uint8_t *in, size_t len,
                                        dsg_http_body_out *out)
{
    out->consumed = 0;
    out->data_off = 0;
    out->data_len = 0;
    if (!dsg_http_body_is_valid(b))
        return DSG_HTTP_BODY_ERR_STATE;
    if (b->phase == DSG_HTTP_PH_DONE)
        return DSG_HTTP_BODY_DONE;
    if (b->phase == DSG_HTTP_PH_FAILED)
        return DSG_HTTP_BODY_ERR_FAILED;
    size_t i = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant dsg_http_body_ok(b);
        loop invariant dsg_http_body_same_frame{Pre,Here}(b);
        loop invariant b->total == \at(b->total, Pre);
        loop invariant b->phase != DSG_HTTP_PH_DONE && b->phase != DSG_HTTP_PH_FAILED;
        loop invariant out->data_len == 0 && out->consumed == 0 && out->data_off == 0;
        loop assigns i, b->phase, b->remaining, b->total, b->line_bytes, b->trailer_bytes, *out;
        loop variant len - i;
    */
    while (i < len) {
        if (b->phase == DSG_HTTP_PH_DATA)
            return deliver(b, i, len, out);
        dsg_http_body_status st = step(b, in[i]);
        i++;
        if (st != DSG_HTTP_BODY_NEED_MORE) {
            out->consumed = i;
            return st;
        }
    }
    out->consumed = len;
    return DSG_HTTP_BODY_NEED_MORE;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG + 2][20] = {
    "data", "need-more", "done", "bad-state", "failed", "too-large",
    "bad-chunk-size", "bad-chunk-ext", "chunk-line-too-long", "bad-crlf",
    "bad-trailer", "trailer-too-long", "unknown",
};

const char *dsg_http_body_status_token(dsg_http_body_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG)
        i = (unsigned)DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG + 1u;
    return status_tokens[i];
}
