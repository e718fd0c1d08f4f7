/*
 * ACSL logic for the HTTP/1.1 body decoder (src/core/http_body.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_HTTP_BODY_H
#define DSG_ACSL_HTTP_BODY_H

/*@
  // Bytes the body may still deliver without exceeding its limit.
  logic integer dsg_http_body_room{L}(dsg_http_body *b) = b->limit - b->total;

  // Phases in which a chunk-size line is being read: `remaining` holds the
  // size read so far.
  predicate dsg_http_body_sizing(integer ph) =
    ph == DSG_HTTP_PH_SIZE_START || ph == DSG_HTTP_PH_SIZE ||
    ph == DSG_HTTP_PH_EXT || ph == DSG_HTTP_PH_SIZE_LF;

  // A Content-Length body only ever reads data, then is done: the body is
  // exactly the declared number of bytes.
  predicate dsg_http_body_length_ok{L}(dsg_http_body *b) =
    (b->phase == DSG_HTTP_PH_DATA || b->phase == DSG_HTTP_PH_DONE ||
     b->phase == DSG_HTTP_PH_FAILED) &&
    (b->phase == DSG_HTTP_PH_DATA ==> b->total + b->remaining == b->declared) &&
    (b->phase == DSG_HTTP_PH_DONE ==> b->total == b->declared);

  // A well-formed decoder state: never more than the limit delivered, never
  // more promised than the limit allows, line and trailer counters bounded.
  predicate dsg_http_body_ok{L}(dsg_http_body *b) =
    (b->kind == DSG_HTTP_BODY_LENGTH || b->kind == DSG_HTTP_BODY_CHUNKED) &&
    b->phase <= DSG_HTTP_PH_FAILED &&
    b->total <= b->limit &&
    b->line_bytes <= DSG_HTTP_CHUNK_LINE_MAX &&
    b->trailer_bytes <= DSG_HTTP_TRAILER_MAX &&
    (b->phase == DSG_HTTP_PH_DATA ==>
       1 <= b->remaining <= dsg_http_body_room(b)) &&
    (dsg_http_body_sizing(b->phase) ==> b->remaining <= dsg_http_body_room(b)) &&
    (b->kind == DSG_HTTP_BODY_LENGTH ==> dsg_http_body_length_ok(b));

  predicate dsg_http_body_error(integer s) =
    DSG_HTTP_BODY_ERR_STATE <= s <= DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG;

  // What a call never changes: the kind of body, its limit, its length.
  predicate dsg_http_body_same_frame{L1,L2}(dsg_http_body *b) =
    \at(b->kind, L1) == \at(b->kind, L2) &&
    \at(b->limit, L1) == \at(b->limit, L2) &&
    \at(b->declared, L1) == \at(b->declared, L2);
*/

#endif
