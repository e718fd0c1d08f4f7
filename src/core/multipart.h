/*
 * Streaming multipart/form-data parser (REQ-SHARE-010): the body of a
 * browser's upload, read in pieces of whatever size the connection gives.
 *
 * The grammar is RFC 2046 §5.1.1's, as RFC 7578 uses it:
 *   body      = [preamble CRLF] "--" boundary padding CRLF part
 *               *( CRLF "--" boundary padding CRLF part )
 *               CRLF "--" boundary "--" padding [CRLF epilogue]
 *   part      = *( header-line ) CRLF *OCTET
 *   padding   = *( SP / HTAB )
 * The boundary is 1 to 70 bchars (DIGIT ALPHA ' ( ) + _ , - . / : = ? and
 * SP), not ending in SP. The delimiter CR LF "--" boundary ends a part's
 * data wherever it appears (RFC 2046: it must not appear inside a part), so
 * its CR LF belongs to the delimiter, not to the data.
 *
 * dsg_mp_feed keeps its place between calls in a dsg_mp and reports one
 * event per call: a part begins, one header line (name and value), the
 * headers end, data bytes, a part ends, the close delimiter. Data is never
 * copied: a DATA event points into the input. When a delimiter candidate
 * begins in one piece and turns out not to be one in the next, its bytes
 * are data the earlier call consumed; they are a prefix of the delimiter,
 * so a HELD event points into the delimiter the parser keeps. The state is
 * the delimiter (at most 74 bytes) and a few counters; the only other
 * memory is the caller's buffer for one header line.
 *
 * Strict where a lenient reader would guess:
 * - a delimiter must be followed by padding and CR LF, or by "--" (the
 *   close delimiter), else BAD_DELIMITER;
 * - header lines are name ":" value CR LF, the name 1*(VCHAR but ":"),
 *   the value HTAB, SP, VCHAR and bytes >= 0x80; a bare CR or LF, a control
 *   byte, a line starting with SP or HTAB (obsolete folding) or a name
 *   without ":" is BAD_HEADER; the value is handed out without the blanks
 *   around it;
 * - a part's header block (its lines, CR LFs and the empty line) is at
 *   most DSG_MP_HEADER_MAX bytes, and each line's name and value must fit
 *   the caller's buffer, else HEADER_TOO_LONG;
 * - after the close delimiter only padding, then CR LF and an epilogue
 *   (any bytes, dropped), else BAD_EPILOGUE; the preamble is dropped too;
 * - input that ends before the close delimiter is TRUNCATED
 *   (dsg_mp_finish).
 * One leniency: "--" boundary "--" with no part before it (what browsers
 * send for a form with no field) is an empty body, although RFC 2046's
 * grammar wants one part.
 *
 * dsg_mp_disposition reads a part's Content-Disposition value (RFC 7578
 * §4.2): form-data; name="..."; filename="..."; filename*=UTF-8''...
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no
 * globals other than constant tables.
 */
#ifndef DSG_MULTIPART_H
#define DSG_MULTIPART_H

#include <stddef.h>
#include <stdint.h>

#define DSG_MP_BOUNDARY_MAX 70u                        /* RFC 2046 */
#define DSG_MP_DELIM_MAX (DSG_MP_BOUNDARY_MAX + 4u)    /* CR LF "--" boundary */
#define DSG_MP_HEADER_MAX 8192u   /* bytes of one part's header block */

/* Where the parser is (dsg_mp_pos.phase). */
enum {
    DSG_MP_PH_PREAMBLE = 0,    /* before the first delimiter: bytes dropped */
    DSG_MP_PH_BODY = 1,        /* a part's data, up to the next delimiter */
    DSG_MP_PH_DELIM = 2,       /* a delimiter just matched */
    DSG_MP_PH_DELIM_PAD = 3,   /* padding after it */
    DSG_MP_PH_DELIM_LF = 4,    /* CR at the end of the delimiter line */
    DSG_MP_PH_CLOSE = 5,       /* "-" after the delimiter: a second must come */
    DSG_MP_PH_LINE = 6,        /* a header line (or the empty line) starts */
    DSG_MP_PH_NAME = 7,        /* in a header name */
    DSG_MP_PH_VALUE_WS = 8,    /* after ":", before the value */
    DSG_MP_PH_VALUE = 9,       /* in a header value */
    DSG_MP_PH_LINE_LF = 10,    /* CR at the end of a header line */
    DSG_MP_PH_HEAD_LF = 11,    /* CR of the empty line that ends the headers */
    DSG_MP_PH_CLOSE_PAD = 12,  /* padding after the close delimiter */
    DSG_MP_PH_EPI_LF = 13,     /* CR after it: LF must come */
    DSG_MP_PH_EPILOGUE = 14,   /* the epilogue: bytes dropped */
    DSG_MP_PH_FAILED = 15      /* an error was reported; it stays */
};

/* What changes as the parser reads. */
typedef struct dsg_mp_pos {
    uint8_t phase;        /* a DSG_MP_PH_* */
    uint8_t match;        /* PREAMBLE, BODY: bytes of the delimiter matched */
    uint8_t virt;         /* of those, the CR LF the parser supplied (0 or 2):
                           * before the first boundary and after a part's
                           * headers, the line just ended; they are not data */
    uint16_t head_bytes;  /* bytes of this part's header block so far */
    uint16_t used;        /* bytes of the current header line stored */
    uint16_t name_len;    /* the name: hdr[0 .. name_len) */
    uint16_t value_end;   /* the value: hdr[name_len .. value_end), blanks trimmed */
} dsg_mp_pos;

/* A parser: dsg_mp_init sets everything but `pos` once. */
typedef struct dsg_mp {
    dsg_mp_pos pos;
    uint8_t delim_len;                /* 5 .. DSG_MP_DELIM_MAX */
    uint8_t delim[DSG_MP_DELIM_MAX];  /* CR LF "--" boundary */
    uint8_t *hdr;                     /* the caller's buffer for one header line */
    uint16_t hdr_cap;                 /* its size, at most DSG_MP_HEADER_MAX */
} dsg_mp;

/* What one call of dsg_mp_feed found. */
typedef struct dsg_mp_out {
    size_t consumed;  /* bytes of the input used; the caller drops them */
    size_t off;       /* DATA: in[off .. off + len); HELD: delim[off .. off + len);
                       * HEADER: the value, hdr[off .. off + len) */
    size_t len;
    size_t name_len;  /* HEADER: the name, hdr[0 .. name_len) */
} dsg_mp_out;

typedef enum dsg_mp_status {
    DSG_MP_NEED_MORE = 0,          /* "need-more": all input consumed, nothing to report */
    DSG_MP_PART = 1,               /* "part": a part begins; its headers follow */
    DSG_MP_HEADER = 2,             /* "header": one header line */
    DSG_MP_BODY = 3,               /* "body": the headers ended; data follows */
    DSG_MP_DATA = 4,               /* "data": data bytes in the input */
    DSG_MP_HELD = 5,               /* "held": data bytes in the delimiter */
    DSG_MP_PART_END = 6,           /* "part-end": the part's data ended */
    DSG_MP_END = 7,                /* "end": the close delimiter */
    DSG_MP_ERR_STATE = 8,          /* "bad-state": the parser struct is malformed */
    DSG_MP_ERR_FAILED = 9,         /* "failed": an error was already reported */
    DSG_MP_ERR_BOUNDARY = 10,      /* "bad-boundary": missing or not RFC 2046's */
    DSG_MP_ERR_DELIMITER = 11,     /* "bad-delimiter": a delimiter line */
    DSG_MP_ERR_HEADER = 12,        /* "bad-header": a header line */
    DSG_MP_ERR_HEADER_TOO_LONG = 13, /* "header-too-long" */
    DSG_MP_ERR_EPILOGUE = 14,      /* "bad-epilogue": bytes after the close delimiter */
    DSG_MP_ERR_TRUNCATED = 15      /* "truncated": the input ended too early */
} dsg_mp_status;

#include "acsl/multipart.acsl.h"

/* The C twin of dsg_mp_ok. @relation(REQ-SHARE-010) */
/*@ requires \valid_read(mp);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_mp_ok(mp);
*/
__attribute__((warn_unused_result))
int dsg_mp_is_valid(const dsg_mp *mp);

/* Starts a parser for `boundary` (the Content-Type parameter, unquoted),
 * header lines stored in hdr[0 .. hdr_cap) (of which at most
 * DSG_MP_HEADER_MAX bytes are used: no line is longer). A boundary that is empty, over
 * 70 bytes, holds a byte that is not a bchar or ends in SP is refused
 * (BAD_BOUNDARY, the parser FAILED). @relation(REQ-SHARE-010) */
/*@ requires \valid(mp);
    requires \valid_read(boundary + (0 .. blen - 1));
    requires \separated(mp, boundary + (0 .. blen - 1));
    assigns *mp;
    ensures dsg_mp_ok(mp);
    ensures mp->hdr == hdr;
    ensures mp->hdr_cap == (hdr_cap < DSG_MP_HEADER_MAX ? hdr_cap : DSG_MP_HEADER_MAX);
    behavior good:
      assumes dsg_mp_boundary_ok(boundary, blen);
      ensures \result == DSG_MP_NEED_MORE && mp->pos.phase == DSG_MP_PH_PREAMBLE;
      ensures mp->delim_len == blen + 4;
      ensures \forall integer k; 0 <= k < blen ==> mp->delim[k + 4] == boundary[k];
    behavior bad:
      assumes !dsg_mp_boundary_ok(boundary, blen);
      ensures \result == DSG_MP_ERR_BOUNDARY && mp->pos.phase == DSG_MP_PH_FAILED;
    complete behaviors;
    disjoint behaviors;
*/
dsg_mp_status dsg_mp_init(dsg_mp *mp, const uint8_t *boundary, size_t blen, uint8_t *hdr,
                          size_t hdr_cap);

/* Reads from in[0 .. len) up to the first event and reports it; the caller
 * acts on it, drops `consumed` bytes and calls again with the rest (or the
 * next piece after NEED_MORE). DATA: the part's bytes in[off .. off+len);
 * HELD: the part's bytes delim[off .. off+len); HEADER: the name
 * hdr[0 .. name_len) and the value hdr[off .. off+len), valid until the
 * next call. Splitting the input anywhere gives the same events, but for
 * where data is cut into DATA and HELD events. It never stalls: every
 * answer but HELD consumes a byte of a non-empty input, and HELD leaves no
 * candidate behind, so the next call consumes. After an error the parser
 * stays FAILED. @relation(REQ-SHARE-010) */
/*@ requires \valid(mp) && \valid(out);
    requires \valid_read(in + (0 .. len - 1));
    requires \valid(mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(mp, out, mp->hdr + (0 .. mp->hdr_cap - 1));
    requires \separated(in + (0 .. len - 1), mp, out);
    requires \separated(in + (0 .. len - 1), mp->hdr + (0 .. mp->hdr_cap - 1));
    assigns mp->pos, mp->hdr[0 .. mp->hdr_cap - 1], *out;
    ensures out->consumed <= len;
    behavior bad_state:
      assumes !dsg_mp_ok(mp);
      ensures \result == DSG_MP_ERR_STATE;
      ensures out->consumed == 0 && out->len == 0;
      ensures mp->pos == \old(mp->pos);
    behavior failed:
      assumes dsg_mp_ok(mp) && mp->pos.phase == DSG_MP_PH_FAILED;
      ensures \result == DSG_MP_ERR_FAILED;
      ensures out->consumed == 0 && out->len == 0;
      ensures mp->pos == \old(mp->pos);
    behavior parsing:
      assumes dsg_mp_ok(mp) && mp->pos.phase != DSG_MP_PH_FAILED;
      ensures dsg_mp_ok(mp);
      ensures dsg_mp_event(\result) || dsg_mp_parse_error(\result);
      ensures dsg_mp_parse_error(\result) <==> mp->pos.phase == DSG_MP_PH_FAILED;
      ensures \result == DSG_MP_NEED_MORE ==> out->consumed == len;
      ensures \result != DSG_MP_HELD && len > 0 ==> 1 <= out->consumed;
      ensures \result == DSG_MP_HELD ==> mp->pos.match == 0;
      ensures \result == DSG_MP_DATA ==>
                1 <= out->len && out->off + out->len == out->consumed;
      ensures \result == DSG_MP_HELD ==>
                1 <= out->len && out->off + out->len <= mp->delim_len;
      ensures \result == DSG_MP_HEADER ==>
                1 <= out->name_len && out->off == out->name_len &&
                out->off + out->len <= mp->hdr_cap;
      ensures \result != DSG_MP_DATA && \result != DSG_MP_HELD &&
              \result != DSG_MP_HEADER ==> out->len == 0;
      ensures \result == DSG_MP_BODY ==> mp->pos.phase == DSG_MP_PH_BODY;
      ensures \result == DSG_MP_END ==> mp->pos.phase == DSG_MP_PH_CLOSE_PAD;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_mp_status dsg_mp_feed(dsg_mp *mp, const uint8_t *in, size_t len, dsg_mp_out *out);

/* The input has ended: END when the close delimiter was read (and what
 * follows it is padding or an epilogue), else TRUNCATED (the parser is
 * then FAILED); FAILED and BAD_STATE as dsg_mp_feed. @relation(REQ-SHARE-010) */
/*@ requires \valid(mp);
    assigns mp->pos;
    behavior bad_state:
      assumes !dsg_mp_ok(mp);
      ensures \result == DSG_MP_ERR_STATE && mp->pos == \old(mp->pos);
    behavior failed:
      assumes dsg_mp_ok(mp) && mp->pos.phase == DSG_MP_PH_FAILED;
      ensures \result == DSG_MP_ERR_FAILED && mp->pos == \old(mp->pos);
    behavior closed:
      assumes dsg_mp_ok(mp);
      assumes mp->pos.phase == DSG_MP_PH_CLOSE_PAD || mp->pos.phase == DSG_MP_PH_EPILOGUE;
      ensures \result == DSG_MP_END && mp->pos == \old(mp->pos);
    behavior truncated:
      assumes dsg_mp_ok(mp) && mp->pos.phase != DSG_MP_PH_FAILED;
      assumes mp->pos.phase != DSG_MP_PH_CLOSE_PAD && mp->pos.phase != DSG_MP_PH_EPILOGUE;
      ensures \result == DSG_MP_ERR_TRUNCATED && mp->pos.phase == DSG_MP_PH_FAILED;
      ensures dsg_mp_ok(mp);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_mp_status dsg_mp_finish(dsg_mp *mp);

/* A stable, lowercase token for a status, e.g. "bad-delimiter".
 * @relation(REQ-SHARE-010) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_mp_status_token(dsg_mp_status status);

/* ---- Content-Disposition (RFC 7578 §4.2) ------------------------------------ */

#define DSG_MP_EXT_CHARSET "UTF-8"

/* A part's Content-Disposition, as slices of the value it was read from. */
typedef struct dsg_mp_disp {
    size_t name_off;      /* the name parameter: v[name_off .. name_off + name_len) */
    size_t name_len;
    size_t file_off;      /* filename="...": v[file_off .. file_off + file_len) */
    size_t file_len;
    size_t ext_len;       /* filename*=: the decoded name, out[0 .. ext_len) */
    uint8_t has_file;     /* 1: a filename parameter */
    uint8_t has_ext;      /* 1: a filename* parameter */
} dsg_mp_disp;

typedef enum dsg_mp_disp_status {
    DSG_MP_DISP_OK = 0,            /* "ok" */
    DSG_MP_DISP_ERR_TYPE = 1,      /* "not-form-data": the type is not form-data */
    DSG_MP_DISP_ERR_SYNTAX = 2,    /* "bad-syntax" */
    DSG_MP_DISP_ERR_NO_NAME = 3,   /* "no-name": no name parameter */
    DSG_MP_DISP_ERR_DUPLICATE = 4, /* "duplicate": a parameter given twice */
    DSG_MP_DISP_ERR_CHARSET = 5,   /* "bad-charset": filename* not in UTF-8 */
    DSG_MP_DISP_ERR_ENCODING = 6,  /* "bad-encoding": filename* escapes or UTF-8 */
    DSG_MP_DISP_ERR_TOO_LONG = 7   /* "too-long": filename* over the caller's buffer */
} dsg_mp_disp_status;

/* Reads the Content-Disposition value v[0 .. n) (as the HEADER event hands
 * it out, blanks trimmed):
 *   "form-data" *( OWS ";" OWS param-name "=" param-value )
 * The type and parameter names are case-insensitive; a value is a token
 * or a quoted string of HTAB, SP, VCHAR but DQUOTE and "\", and bytes >=
 * 0x80 (a "\" is refused: RFC 9110 makes it an escape, browsers send it as
 * it is, and the two readings differ). name is required, filename and
 * filename* optional, each at most once; other parameters are read and
 * ignored. filename*'s value is RFC 8187's ext-value (RFC 5987): charset
 * UTF-8 (any case) "'" language "'" then attr-chars and %XY escapes, which
 * are decoded into out[0 .. cap) and must make strict UTF-8 without NUL.
 * RFC 7578 §4.2 forbids senders to use filename*; it is read because some
 * do, and a caller should prefer it to filename when both are given (RFC
 * 6266 §4.3). Quoted values are handed out as they are, %22 and all: the
 * file-name policy judges them. OK: every slice inside v[0 .. n); any
 * other result: *d and out may have been written. @relation(REQ-SHARE-010) */
/*@ requires \valid_read(v + (0 .. n - 1));
    requires \valid(d) && \valid(out + (0 .. cap - 1));
    requires \separated(d, out + (0 .. cap - 1), v + (0 .. n - 1));
    requires \separated(out + (0 .. cap - 1), v + (0 .. n - 1));
    assigns *d, out[0 .. cap - 1];
    ensures \result == DSG_MP_DISP_OK || \result == DSG_MP_DISP_ERR_TYPE ||
            \result == DSG_MP_DISP_ERR_SYNTAX || \result == DSG_MP_DISP_ERR_NO_NAME ||
            \result == DSG_MP_DISP_ERR_DUPLICATE || \result == DSG_MP_DISP_ERR_CHARSET ||
            \result == DSG_MP_DISP_ERR_ENCODING || \result == DSG_MP_DISP_ERR_TOO_LONG;
    ensures \result == DSG_MP_DISP_OK ==>
              d->name_off + d->name_len <= n &&
              (d->has_file == 0 || d->has_file == 1) &&
              (d->has_ext == 0 || d->has_ext == 1) &&
              (d->has_file == 1 ==> d->file_off + d->file_len <= n) &&
              (d->has_ext == 1 ==> d->ext_len <= cap &&
                 (\forall integer k; 0 <= k < d->ext_len ==> out[k] != 0)) &&
              (d->has_ext == 0 ==> d->ext_len == 0);
*/
__attribute__((warn_unused_result))
dsg_mp_disp_status dsg_mp_disposition(const uint8_t *v, size_t n, dsg_mp_disp *d,
                                      uint8_t *out, size_t cap);

/* A stable, lowercase token for a status, e.g. "no-name".
 * @relation(REQ-SHARE-010) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_mp_disp_status_token(dsg_mp_disp_status status);

#endif
