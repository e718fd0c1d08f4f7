/*
 * ACSL logic for the HTTP/1.1 request head parser (src/core/http_req.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every function and predicate here is a plain
 * definition.
 */
#ifndef DSG_ACSL_HTTP_REQ_H
#define DSG_ACSL_HTTP_REQ_H

/*@
  // A slice lies inside b[0 .. n).
  predicate dsg_http_slice_in(dsg_http_slice s, integer n) =
    s.off + s.len <= n;

  // ASCII lowercase, as the case-insensitive comparisons of RFC 9110 use it.
  logic integer dsg_http_lower(integer c) = 'A' <= c <= 'Z' ? c + 32 : c;

  // Every CR in b[0 .. n) is followed by LF, every LF preceded by CR: no bare
  // CR, no bare LF (RFC 9112 §2.2, read strictly).
  predicate dsg_http_crlf_only{L}(uint8_t *b, integer n) =
    (\forall integer k; 0 <= k < n && b[k] == '\r' ==> k + 1 < n && b[k + 1] == '\n') &&
    (\forall integer k; 0 <= k < n && b[k] == '\n' ==> 1 <= k && b[k - 1] == '\r');

  // No line of b[0 .. n) starts with SP or HTAB: no obsolete line folding
  // (RFC 9112 §5.2).
  predicate dsg_http_no_fold{L}(uint8_t *b, integer n) =
    \forall integer k; 1 <= k < n && b[k - 1] == '\n' ==> b[k] != ' ' && b[k] != '\t';

  // The field name b[o .. o + n) is Content-Length / Transfer-Encoding (any case).
  predicate dsg_http_is_cl{L}(uint8_t *b, integer o, integer n) =
    n == 14 &&
    dsg_http_lower(b[o]) == 'c' && dsg_http_lower(b[o + 1]) == 'o' &&
    dsg_http_lower(b[o + 2]) == 'n' && dsg_http_lower(b[o + 3]) == 't' &&
    dsg_http_lower(b[o + 4]) == 'e' && dsg_http_lower(b[o + 5]) == 'n' &&
    dsg_http_lower(b[o + 6]) == 't' && b[o + 7] == '-' &&
    dsg_http_lower(b[o + 8]) == 'l' && dsg_http_lower(b[o + 9]) == 'e' &&
    dsg_http_lower(b[o + 10]) == 'n' && dsg_http_lower(b[o + 11]) == 'g' &&
    dsg_http_lower(b[o + 12]) == 't' && dsg_http_lower(b[o + 13]) == 'h';

  predicate dsg_http_is_te{L}(uint8_t *b, integer o, integer n) =
    n == 17 &&
    dsg_http_lower(b[o]) == 't' && dsg_http_lower(b[o + 1]) == 'r' &&
    dsg_http_lower(b[o + 2]) == 'a' && dsg_http_lower(b[o + 3]) == 'n' &&
    dsg_http_lower(b[o + 4]) == 's' && dsg_http_lower(b[o + 5]) == 'f' &&
    dsg_http_lower(b[o + 6]) == 'e' && dsg_http_lower(b[o + 7]) == 'r' &&
    b[o + 8] == '-' &&
    dsg_http_lower(b[o + 9]) == 'e' && dsg_http_lower(b[o + 10]) == 'n' &&
    dsg_http_lower(b[o + 11]) == 'c' && dsg_http_lower(b[o + 12]) == 'o' &&
    dsg_http_lower(b[o + 13]) == 'd' && dsg_http_lower(b[o + 14]) == 'i' &&
    dsg_http_lower(b[o + 15]) == 'n' && dsg_http_lower(b[o + 16]) == 'g';

  // The first n fields of r lie inside b[0 .. m).
  predicate dsg_http_fields_in{L}(dsg_http_request *r, integer n, integer m) =
    \forall integer i; 0 <= i < n ==>
      dsg_http_slice_in(r->fields[i].name, m) && dsg_http_slice_in(r->fields[i].value, m);

  // Among the first n fields, none is Content-Length / Transfer-Encoding.
  predicate dsg_http_no_cl{L}(uint8_t *b, dsg_http_request *r, integer n) =
    \forall integer i; 0 <= i < n ==> !dsg_http_is_cl(b, r->fields[i].name.off, r->fields[i].name.len);
  predicate dsg_http_no_te{L}(uint8_t *b, dsg_http_request *r, integer n) =
    \forall integer i; 0 <= i < n ==> !dsg_http_is_te(b, r->fields[i].name.off, r->fields[i].name.len);

  // A parsed request: every slice inside the head b[0 .. m), fields within
  // the array, a known version, framing and keep-alive flag.
  predicate dsg_http_request_in{L}(dsg_http_request *r, integer m) =
    r->field_count <= DSG_HTTP_FIELDS_MAX &&
    dsg_http_slice_in(r->method, m) && dsg_http_slice_in(r->target, m) &&
    dsg_http_slice_in(r->host, m) &&
    dsg_http_fields_in(r, r->field_count, m) &&
    (r->version_minor == 0 || r->version_minor == 1) &&
    (r->framing == DSG_HTTP_FRAMING_NONE || r->framing == DSG_HTTP_FRAMING_LENGTH ||
     r->framing == DSG_HTTP_FRAMING_CHUNKED) &&
    (r->keep_alive == 0 || r->keep_alive == 1) &&
    (r->has_host == 0 || r->has_host == 1);

  // The head carries no pair of framing fields that could be read two ways
  // (RFC 9112 §6.3 item 3): never both Content-Length and Transfer-Encoding.
  predicate dsg_http_unambiguous{L}(uint8_t *b, dsg_http_request *r) =
    dsg_http_no_cl(b, r, r->field_count) || dsg_http_no_te(b, r, r->field_count);

  // A path segment starting at s in o[0 .. n) is "." or "..".
  predicate dsg_http_dot_seg{L}(uint8_t *o, integer s, integer n) =
    (s < n && o[s] == '.' && (s + 1 == n || o[s + 1] == '/')) ||
    (s + 1 < n && o[s] == '.' && o[s + 1] == '.' && (s + 2 == n || o[s + 2] == '/'));

  // A decoded path: starts with "/", no NUL, no "." or ".." segment, no
  // empty segment but (possibly) the last.
  predicate dsg_http_path_ok{L}(uint8_t *o, integer n) =
    1 <= n && o[0] == '/' &&
    (\forall integer k; 0 <= k < n ==> o[k] != 0) &&
    (\forall integer k; 0 <= k < n && o[k] == '/' ==> !dsg_http_dot_seg(o, k + 1, n)) &&
    (\forall integer k; 0 <= k < n - 1 && o[k] == '/' ==> o[k + 1] != '/');
*/

#endif
