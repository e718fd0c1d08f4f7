/*
 * HTTP/1.1 request body decoder (REQ-RUN-028, the framing core of
 * REQ-RUN-013): a resumable decoder for Content-Length and chunked bodies.
 *
 * The portal reads a request's body in pieces of whatever size the socket
 * gives and hands each piece to dsg_http_body_feed, which keeps its place
 * between calls in a small dsg_http_body, consumes at most what it is given,
 * and points at the body bytes inside the piece (so they can be forwarded as
 * IPC DATA frames without copying). Nothing is buffered: memory stays the
 * same for a body of any size.
 *
 * Chunked framing (RFC 9112 §7.1) is read strictly, since a gateway that is
 * lenient where a back end is strict is how requests get smuggled:
 *   chunk      = 1*HEXDIG [ ";" ext ] CRLF data CRLF
 *   last-chunk = 1*HEXDIG (all zeros) [ ";" ext ] CRLF
 *   trailers   = *( field-name ":" field-value CRLF ) CRLF
 * - every line ends in CR LF: a bare LF or a lone CR is an error;
 * - no space before ";", no sign, no "0x": only hex digits start a line;
 * - a chunk-size line (digits and extension) is at most
 *   DSG_HTTP_CHUNK_LINE_MAX bytes, however many leading zeros it has;
 * - extensions and trailer values may hold HTAB, SP, visible ASCII and
 *   bytes >= 0x80, never another control byte; extensions are ignored;
 * - trailer fields are checked and then discarded (RFC 9112 §7.1.2 lets a
 *   recipient do so), at most DSG_HTTP_TRAILER_MAX bytes in all; a trailer
 *   line starting with SP or HTAB (obsolete line folding) is an error;
 * - the body may never exceed the caller's limit: a Content-Length above it
 *   is refused at once, a chunk size that would pass it as soon as its
 *   digits say so, before any of its data arrives.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than constant tables.
 */
#ifndef DSG_HTTP_BODY_H
#define DSG_HTTP_BODY_H

#include <stddef.h>
#include <stdint.h>

#define DSG_HTTP_CHUNK_LINE_MAX 1024u  /* bytes of one chunk-size line, CR included */
#define DSG_HTTP_TRAILER_MAX 4096u     /* bytes of the whole trailer section */

typedef enum dsg_http_body_kind {
    DSG_HTTP_BODY_LENGTH = 1,      /* Content-Length: exactly `declared` bytes */
    DSG_HTTP_BODY_CHUNKED = 2      /* Transfer-Encoding: chunked */
} dsg_http_body_kind;

/* Where the decoder is (dsg_http_body.phase). */
enum {
    DSG_HTTP_PH_DATA = 0,          /* body or chunk bytes; `remaining` of them left */
    DSG_HTTP_PH_SIZE_START = 1,    /* a chunk-size line starts: a hex digit must come */
    DSG_HTTP_PH_SIZE = 2,          /* in the hex digits */
    DSG_HTTP_PH_EXT = 3,           /* in a chunk extension, after ";" */
    DSG_HTTP_PH_SIZE_LF = 4,       /* CR seen at the end of the size line */
    DSG_HTTP_PH_DATA_CR = 5,       /* chunk data ended: CR must come */
    DSG_HTTP_PH_DATA_LF = 6,       /* then LF */
    DSG_HTTP_PH_TRAILER = 7,       /* a trailer line starts (or the final CRLF) */
    DSG_HTTP_PH_TRAILER_NAME = 8,  /* in a trailer field name */
    DSG_HTTP_PH_TRAILER_VALUE = 9, /* after the ":" */
    DSG_HTTP_PH_TRAILER_LF = 10,   /* CR seen at the end of a trailer line */
    DSG_HTTP_PH_END_LF = 11,       /* CR of the final empty line seen */
    DSG_HTTP_PH_DONE = 12,         /* the body is complete */
    DSG_HTTP_PH_FAILED = 13        /* an error was reported; it stays */
};

typedef struct dsg_http_body {
    uint8_t kind;            /* a dsg_http_body_kind */
    uint8_t phase;           /* a DSG_HTTP_PH_* */
    uint16_t line_bytes;     /* bytes of the current chunk-size line */
    uint16_t trailer_bytes;  /* bytes of the trailer section so far */
    uint64_t limit;          /* the most body bytes this request may carry */
    uint64_t declared;       /* Content-Length (LENGTH bodies) */
    uint64_t total;          /* body bytes delivered so far */
    uint64_t remaining;      /* DATA: bytes left in the body or chunk;
                              * size line: the chunk size read so far */
} dsg_http_body;

/* What one call of dsg_http_body_feed did with its input. */
typedef struct dsg_http_body_out {
    size_t consumed;   /* bytes of the input used; the caller drops them */
    size_t data_off;   /* DATA: the body bytes are in[data_off .. data_off + data_len) */
    size_t data_len;   /* 0 unless DATA */
} dsg_http_body_out;

typedef enum dsg_http_body_status {
    DSG_HTTP_BODY_DATA = 0,            /* "data": body bytes in the input */
    DSG_HTTP_BODY_NEED_MORE = 1,       /* "need-more": all input consumed, no body byte in it */
    DSG_HTTP_BODY_DONE = 2,            /* "done": the body ended; the rest is the next request */
    DSG_HTTP_BODY_ERR_STATE = 3,       /* "bad-state": the decoder struct is malformed */
    DSG_HTTP_BODY_ERR_FAILED = 4,      /* "failed": an error was already reported */
    DSG_HTTP_BODY_ERR_TOO_LARGE = 5,   /* "too-large": the body would pass the limit */
    DSG_HTTP_BODY_ERR_CHUNK_SIZE = 6,  /* "bad-chunk-size" */
    DSG_HTTP_BODY_ERR_CHUNK_EXT = 7,   /* "bad-chunk-ext" */
    DSG_HTTP_BODY_ERR_LINE_TOO_LONG = 8, /* "chunk-line-too-long" */
    DSG_HTTP_BODY_ERR_CRLF = 9,        /* "bad-crlf": CR LF expected */
    DSG_HTTP_BODY_ERR_TRAILER = 10,    /* "bad-trailer" */
    DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG = 11 /* "trailer-too-long" */
} dsg_http_body_status;

#include "acsl/http_body.acsl.h"

/* The C twin of dsg_http_body_ok. @relation(REQ-RUN-028) */
/*@ requires \valid_read(b);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_http_body_ok(b);
*/
__attribute__((warn_unused_result))
int dsg_http_body_is_valid(const dsg_http_body *b);

/* Starts a Content-Length body of `declared` bytes, refusing one above
 * `limit` (the decoder is then FAILED). @relation(REQ-RUN-028) */
/*@ requires \valid(b);
    assigns *b;
    ensures dsg_http_body_ok(b);
    ensures b->kind == DSG_HTTP_BODY_LENGTH && b->limit == limit &&
            b->declared == declared && b->total == 0;
    behavior too_large:
      assumes declared > limit;
      ensures \result == DSG_HTTP_BODY_ERR_TOO_LARGE;
      ensures b->phase == DSG_HTTP_PH_FAILED;
    behavior empty:
      assumes declared == 0;
      ensures \result == DSG_HTTP_BODY_DONE;
      ensures b->phase == DSG_HTTP_PH_DONE;
    behavior body:
      assumes 0 < declared <= limit;
      ensures \result == DSG_HTTP_BODY_NEED_MORE;
      ensures b->phase == DSG_HTTP_PH_DATA && b->remaining == declared;
    complete behaviors;
    disjoint behaviors;
*/
dsg_http_body_status dsg_http_body_init_length(dsg_http_body *b, uint64_t declared,
                                               uint64_t limit);

/* Starts a chunked body of at most `limit` bytes. @relation(REQ-RUN-028) */
/*@ requires \valid(b);
    assigns *b;
    ensures dsg_http_body_ok(b);
    ensures b->kind == DSG_HTTP_BODY_CHUNKED && b->limit == limit && b->total == 0;
    ensures b->phase == DSG_HTTP_PH_SIZE_START && b->remaining == 0;
*/
void dsg_http_body_init_chunked(dsg_http_body *b, uint64_t limit);

/* Decodes from in[0 .. len): consumes framing bytes and stops at the first
 * body bytes (DATA: the caller forwards in[data_off .. data_off+data_len),
 * drops `consumed` bytes and calls again), at the end of the body (DONE:
 * the bytes after `consumed` belong to the next request), at the end of the
 * input (NEED_MORE), or at the first byte that breaks the framing (an error;
 * the caller answers 400, or 413 for too-large, and closes the connection).
 * Splitting the input anywhere gives the same body and the same verdict.
 * @relation(REQ-RUN-028) */
/*@ requires \valid(b) && \valid(out);
    requires \valid_read(in + (0 .. len - 1));
    requires \separated(b, out);
    requires \separated(in + (0 .. len - 1), b, out);
    assigns *b, *out;
    ensures out->consumed <= len;
    ensures out->data_off + out->data_len == out->consumed || out->data_len == 0;
    behavior bad_state:
      assumes !dsg_http_body_ok(b);
      ensures \result == DSG_HTTP_BODY_ERR_STATE;
      ensures out->consumed == 0 && out->data_len == 0;
      ensures *b == \old(*b);
    behavior finished:
      assumes dsg_http_body_ok(b);
      assumes b->phase == DSG_HTTP_PH_DONE || b->phase == DSG_HTTP_PH_FAILED;
      ensures b->phase == DSG_HTTP_PH_DONE ==> \result == DSG_HTTP_BODY_DONE;
      ensures b->phase == DSG_HTTP_PH_FAILED ==> \result == DSG_HTTP_BODY_ERR_FAILED;
      ensures out->consumed == 0 && out->data_len == 0;
      ensures *b == \old(*b);
    behavior decoding:
      assumes dsg_http_body_ok(b);
      assumes b->phase != DSG_HTTP_PH_DONE && b->phase != DSG_HTTP_PH_FAILED;
      ensures dsg_http_body_ok(b);
      ensures dsg_http_body_same_frame{Pre,Post}(b);
      ensures \result == DSG_HTTP_BODY_DATA || \result == DSG_HTTP_BODY_NEED_MORE ||
              \result == DSG_HTTP_BODY_DONE || \result == DSG_HTTP_BODY_ERR_TOO_LARGE ||
              \result == DSG_HTTP_BODY_ERR_CHUNK_SIZE || \result == DSG_HTTP_BODY_ERR_CHUNK_EXT ||
              \result == DSG_HTTP_BODY_ERR_LINE_TOO_LONG || \result == DSG_HTTP_BODY_ERR_CRLF ||
              \result == DSG_HTTP_BODY_ERR_TRAILER || \result == DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG;
      ensures \result == DSG_HTTP_BODY_DATA ==>
                1 <= out->data_len &&
                out->data_off + out->data_len == out->consumed &&
                b->total == \old(b->total) + out->data_len;
      ensures \result != DSG_HTTP_BODY_DATA ==>
                out->data_len == 0 && b->total == \old(b->total);
      ensures \result == DSG_HTTP_BODY_NEED_MORE ==> out->consumed == len;
      ensures \result == DSG_HTTP_BODY_DONE ==> b->phase == DSG_HTTP_PH_DONE;
      ensures \result == DSG_HTTP_BODY_NEED_MORE ==>
                b->phase != DSG_HTTP_PH_DONE && b->phase != DSG_HTTP_PH_FAILED;
      ensures dsg_http_body_error(\result) <==> b->phase == DSG_HTTP_PH_FAILED;
      ensures \result == DSG_HTTP_BODY_DONE && b->kind == DSG_HTTP_BODY_LENGTH ==>
                b->total == b->declared;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_http_body_status dsg_http_body_feed(dsg_http_body *b, const uint8_t *in, size_t len,
                                        dsg_http_body_out *out);

/* A stable, lowercase token for a status, e.g. "bad-chunk-size".
 * @relation(REQ-RUN-028) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_http_body_status_token(dsg_http_body_status status);

#endif
