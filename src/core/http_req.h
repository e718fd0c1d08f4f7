/*
 * HTTP/1.1 request head parser (REQ-RUN-029, the proved core of
 * REQ-RUN-012): the request line and header fields up to the empty line,
 * read strictly (RFC 9112, RFC 9110), and the decoding of the target's path.
 *
 * The portal hands dsg_http_parse_head whatever it has read of a connection;
 * it answers NEED_MORE until a whole head is there, then fills a
 * dsg_http_request made of offset/length slices into that buffer (never
 * pointers) and says how many bytes the head took; the body, if any, is
 * then decoded by src/core/http_body (framing LENGTH or CHUNKED), and the
 * bytes after it are the next pipelined request.
 *
 * Strict, since a gateway that is lenient where a back end is strict is how
 * requests get smuggled. Each rule has its own error:
 * - lines end in CR LF only: a bare CR or bare LF anywhere in the head is
 *   BAD_LINE_ENDING; a line starting with SP or HTAB (obsolete line
 *   folding) is OBS_FOLD; an empty line ends the head, so one before the
 *   request line is a BAD_METHOD;
 * - request-line = method SP request-target SP HTTP-version, one SP each;
 *   method one of GET HEAD POST PUT DELETE OPTIONS PATCH (CONNECT, TRACE and
 *   anything else: BAD_METHOD); the target in origin-form only: "/" then
 *   visible ASCII without "#" (else BAD_TARGET), at most lim->target_max
 *   bytes (TARGET_TOO_LONG); version HTTP/1.1 or HTTP/1.0 (else
 *   BAD_VERSION, also for the HTTP/2 preface "PRI * HTTP/2.0");
 * - field-line = field-name ":" OWS field-value OWS: the name a non-empty
 *   token directly followed by ":", the value HTAB, SP, VCHAR or obs-text
 *   (BAD_HEADER otherwise, e.g. NUL or another control byte); at most
 *   min(lim->headers_max, DSG_HTTP_FIELDS_MAX) fields (TOO_MANY_HEADERS);
 *   the whole head at most lim->head_bytes_max bytes (HEAD_TOO_LARGE, also
 *   when it is not complete yet);
 * - Host: exactly one in HTTP/1.1 (MISSING_HOST, DUPLICATE_HOST), at most
 *   one in HTTP/1.0;
 * - framing (RFC 9112 §6.3): Transfer-Encoding and Content-Length together
 *   are AMBIGUOUS_FRAMING; Transfer-Encoding must be exactly one "chunked"
 *   (any case) in one field, and is refused in HTTP/1.0
 *   (BAD_TRANSFER_ENCODING); Content-Length is a list of 1*DIGIT values
 *   up to 2^63-1 (BAD_CONTENT_LENGTH), several fields or list members
 *   accepted only when all values are equal (AMBIGUOUS_FRAMING otherwise,
 *   RFC 9110 §8.6);
 * - Connection is a comma list of tokens compared case-insensitively:
 *   HTTP/1.1 keeps the connection unless "close" is listed, HTTP/1.0 closes
 *   it unless "keep-alive" is listed (and "close" is not).
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals.
 */
#ifndef DSG_HTTP_REQ_H
#define DSG_HTTP_REQ_H

#include <stddef.h>
#include <stdint.h>

/* Fields a dsg_http_request holds: portal.max_header_count's default
 * (REQ-RUN-014, Apache httpd LimitRequestFields). */
#define DSG_HTTP_FIELDS_MAX 100u
#define DSG_HTTP_METHOD_MAX 16u      /* bytes of a method token */
#define DSG_HTTP_CL_MAX 0x7FFFFFFFFFFFFFFFull /* 2^63-1 */

typedef struct dsg_http_limits {
    uint32_t head_bytes_max;   /* request line + fields + empty line */
    uint32_t headers_max;      /* field lines (capped at DSG_HTTP_FIELDS_MAX) */
    uint32_t target_max;       /* bytes of the request-target */
} dsg_http_limits;

/* buf[off .. off + len) */
typedef struct dsg_http_slice {
    uint32_t off;
    uint32_t len;
} dsg_http_slice;

typedef struct dsg_http_field {
    dsg_http_slice name;
    dsg_http_slice value;      /* leading and trailing OWS trimmed */
} dsg_http_field;

typedef enum dsg_http_method {
    DSG_HTTP_GET = 0,
    DSG_HTTP_HEAD = 1,
    DSG_HTTP_POST = 2,
    DSG_HTTP_PUT = 3,
    DSG_HTTP_DELETE = 4,
    DSG_HTTP_OPTIONS = 5,
    DSG_HTTP_PATCH = 6
} dsg_http_method;

enum {
    DSG_HTTP_FRAMING_NONE = 0,     /* no body */
    DSG_HTTP_FRAMING_LENGTH = 1,   /* Content-Length: content_length bytes */
    DSG_HTTP_FRAMING_CHUNKED = 2   /* Transfer-Encoding: chunked */
};

typedef struct dsg_http_request {
    dsg_http_slice method;
    dsg_http_slice target;
    dsg_http_slice host;           /* the Host value; has_host says if there is one */
    /* 32-bit, not 8-bit, so that WP's typed memory model keeps them apart
     * from the uint8_t bytes of the buffer the slices point into. */
    uint32_t method_id;            /* a dsg_http_method */
    uint32_t version_minor;        /* HTTP/1.<version_minor>: 0 or 1 */
    uint32_t framing;              /* a DSG_HTTP_FRAMING_* */
    uint32_t keep_alive;           /* 1: the connection stays open after the reply */
    uint32_t has_host;
    uint64_t content_length;       /* LENGTH framing; 0 otherwise */
    uint32_t field_count;
    dsg_http_field fields[DSG_HTTP_FIELDS_MAX];
} dsg_http_request;

typedef enum dsg_http_status {
    DSG_HTTP_OK = 0,                    /* "ok" */
    DSG_HTTP_NEED_MORE = 1,             /* "need-more": no whole head yet */
    DSG_HTTP_ERR_HEAD_TOO_LARGE = 2,    /* "head-too-large" (431) */
    DSG_HTTP_ERR_BAD_LINE_ENDING = 3,   /* "bad-line-ending": bare CR or LF */
    DSG_HTTP_ERR_OBS_FOLD = 4,          /* "obs-fold" */
    DSG_HTTP_ERR_BAD_METHOD = 5,        /* "bad-method" */
    DSG_HTTP_ERR_BAD_TARGET = 6,        /* "bad-target" */
    DSG_HTTP_ERR_TARGET_TOO_LONG = 7,   /* "target-too-long" (414) */
    DSG_HTTP_ERR_BAD_VERSION = 8,       /* "bad-version" (505) */
    DSG_HTTP_ERR_BAD_HEADER = 9,        /* "bad-header" */
    DSG_HTTP_ERR_TOO_MANY_HEADERS = 10, /* "too-many-headers" (431) */
    DSG_HTTP_ERR_MISSING_HOST = 11,     /* "missing-host" */
    DSG_HTTP_ERR_DUPLICATE_HOST = 12,   /* "duplicate-host" */
    DSG_HTTP_ERR_AMBIGUOUS_FRAMING = 13,/* "ambiguous-framing" */
    DSG_HTTP_ERR_BAD_TRANSFER_ENCODING = 14, /* "bad-transfer-encoding" (501 for 1.1) */
    DSG_HTTP_ERR_BAD_CONTENT_LENGTH = 15     /* "bad-content-length" */
} dsg_http_status;

typedef enum dsg_http_path_status {
    DSG_HTTP_PATH_OK = 0,               /* "ok" */
    DSG_HTTP_PATH_BAD_TARGET = 1,       /* "bad-target": no leading "/", or a byte
                                           outside visible ASCII, or "#" */
    DSG_HTTP_PATH_BAD_ESCAPE = 2,       /* "bad-escape": "%" without two hex digits */
    DSG_HTTP_PATH_NUL = 3,              /* "nul": raw or encoded NUL */
    DSG_HTTP_PATH_ENCODED_SEPARATOR = 4,/* "encoded-separator": %2F, %5C, or "\" */
    DSG_HTTP_PATH_TRAVERSAL = 5,        /* "traversal": a "." or ".." segment */
    DSG_HTTP_PATH_EMPTY_SEGMENT = 6,    /* "empty-segment": "//" */
    DSG_HTTP_PATH_CONTROL = 7,          /* "control": a C0 control or DEL decoded */
    DSG_HTTP_PATH_BAD_UTF8 = 8,         /* "bad-utf8" */
    DSG_HTTP_PATH_TOO_LONG = 9          /* "too-long": more than cap bytes */
} dsg_http_path_status;

#include "acsl/http_req.acsl.h"

/* Parses the request head at the start of buf[0 .. len): see above for the
 * rules. OK: *eaten is the head's length (the body or the next request
 * follows) and *req its parse. Any other result: *eaten is not written, and
 * of *req only field_count is defined (0); the rest may have been written.
 * @relation(REQ-RUN-029, REQ-RUN-012) */
/*@ requires \valid_read(buf + (0 .. len - 1));
    requires \valid_read(lim) && \valid(req) && \valid(eaten);
    requires \separated(req, eaten, lim, buf + (0 .. len - 1));
    assigns *req, *eaten;
    ensures DSG_HTTP_OK <= \result <= DSG_HTTP_ERR_BAD_CONTENT_LENGTH;
    ensures \result != DSG_HTTP_OK ==> *eaten == \old(*eaten) && req->field_count == 0;
    ensures \result == DSG_HTTP_NEED_MORE ==> len < lim->head_bytes_max;
    ensures \result == DSG_HTTP_OK ==> 0 < *eaten <= len && *eaten <= lim->head_bytes_max;
    ensures \result == DSG_HTTP_OK ==> buf[*eaten - 2] == '\r' && buf[*eaten - 1] == '\n';
    ensures \result == DSG_HTTP_OK ==> dsg_http_request_in(req, *eaten);
    ensures \result == DSG_HTTP_OK ==> req->field_count <= lim->headers_max;
    ensures \result == DSG_HTTP_OK ==> dsg_http_crlf_only(buf, *eaten);
    ensures \result == DSG_HTTP_OK ==> dsg_http_no_fold(buf, *eaten);
    ensures \result == DSG_HTTP_OK ==> dsg_http_unambiguous(buf, req);
    ensures \result == DSG_HTTP_OK && req->version_minor == 1 ==> req->has_host == 1;
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_CHUNKED ==>
              dsg_http_no_cl(buf, req, req->field_count);
    ensures \result == DSG_HTTP_OK && req->framing == DSG_HTTP_FRAMING_LENGTH ==>
              dsg_http_no_te(buf, req, req->field_count) &&
              req->content_length <= DSG_HTTP_CL_MAX;
*/
__attribute__((warn_unused_result))
dsg_http_status dsg_http_parse_head(const uint8_t *buf, size_t len, const dsg_http_limits *lim,
                                    dsg_http_request *req, size_t *eaten);

/* Decodes the path of an origin-form target (up to "?") into out[0 .. cap):
 * percent-decoding, then refusing NUL, encoded separators, "." and ".."
 * segments however encoded, empty segments, control bytes and invalid
 * UTF-8. On any error *out_len is not written; out may have been.
 * @relation(REQ-RUN-029) */
/*@ requires \valid_read(target + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), target + (0 .. len - 1), out_len);
    requires \separated(out_len, target + (0 .. len - 1));
    assigns out[0 .. cap - 1], *out_len;
    ensures DSG_HTTP_PATH_OK <= \result <= DSG_HTTP_PATH_TOO_LONG;
    ensures \result != DSG_HTTP_PATH_OK ==> *out_len == \old(*out_len);
    ensures \result == DSG_HTTP_PATH_OK ==>
              *out_len <= len && *out_len <= cap && dsg_http_path_ok(out, *out_len);
*/
__attribute__((warn_unused_result))
dsg_http_path_status dsg_http_path_decode(const uint8_t *target, size_t len, uint8_t *out,
                                          size_t cap, size_t *out_len);

/* The query of a target: 1 and target[*off .. *off + *qlen) after the first
 * "?"; 0 (then *off == len, *qlen == 0) when there is none.
 * @relation(REQ-RUN-029) */
/*@ requires \valid_read(target + (0 .. len - 1));
    requires \valid(off) && \valid(qlen) && \separated(off, qlen);
    requires \separated(off, target + (0 .. len - 1));
    requires \separated(qlen, target + (0 .. len - 1));
    assigns *off, *qlen;
    ensures \result == 0 || \result == 1;
    ensures *off + *qlen == len;
    ensures \result == 1 ==> 1 <= *off && target[*off - 1] == '?' &&
              (\forall integer k; 0 <= k < *off - 1 ==> target[k] != '?');
    ensures \result == 0 ==> *off == len && *qlen == 0 &&
              (\forall integer k; 0 <= k < len ==> target[k] != '?');
*/
int dsg_http_query(const uint8_t *target, size_t len, size_t *off, size_t *qlen);

/* A stable, lowercase token for a status, e.g. "obs-fold".
 * @relation(REQ-RUN-029) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_http_status_token(dsg_http_status status);

/* @relation(REQ-RUN-029) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_http_path_status_token(dsg_http_path_status status);

#endif
