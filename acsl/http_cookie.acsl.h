/*
 * ACSL logic for the Cookie header parser (src/core/http_cookie.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_HTTP_COOKIE_H
#define DSG_ACSL_HTTP_COOKIE_H

/*@
  // A tchar of RFC 9110 §5.6.2 (RFC 6265's cookie-name = token): visible
  // ASCII but DQUOTE and the delimiters ( ) , / : ; < = > ? @ [ \ ] { }.
  predicate dsg_cookie_tchar(integer c) =
    0x21 <= c <= 0x7E && c != '"' && c != '(' && c != ')' && c != ',' &&
    c != '/' && c != ':' && c != ';' && c != '<' && c != '=' && c != '>' &&
    c != '?' && c != '@' && c != '[' && c != '\\' && c != ']' && c != '{' &&
    c != '}';

  // A cookie-octet of RFC 6265 §4.1.1: %x21 / %x23-2B / %x2D-3A / %x3C-5B /
  // %x5D-7E (visible ASCII but DQUOTE, comma, semicolon and backslash).
  predicate dsg_cookie_octet(integer c) =
    0x21 <= c <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';

  predicate dsg_cookie_all_tchar{L}(uint8_t *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> dsg_cookie_tchar(s[k]);

  predicate dsg_cookie_all_octet{L}(uint8_t *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> dsg_cookie_octet(s[k]);

  // One parsed pair of s[0 .. len): a non-empty token name directly
  // followed by "=", a value of cookie-octets, both inside the input.
  predicate dsg_cookie_pair_ok{L}(uint8_t *s, integer len, dsg_cookie p) =
    1 <= p.name_len && p.name_off + p.name_len < len &&
    s[p.name_off + p.name_len] == '=' &&
    p.name_off + p.name_len < p.value_off &&
    p.value_off + p.value_len <= len &&
    dsg_cookie_all_tchar(s, p.name_off, p.name_off + p.name_len) &&
    dsg_cookie_all_octet(s, p.value_off, p.value_off + p.value_len);

  predicate dsg_cookie_pairs_ok{L}(uint8_t *s, integer len, dsg_cookie *p, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_cookie_pair_ok(s, len, p[k]);

  // A slice of s lies inside s[0 .. len).
  predicate dsg_cookie_in(integer off, integer n, integer len) =
    0 <= off && 0 <= n && off + n <= len;

  // The name of pair p is exactly the bytes name[0 .. n).
  predicate dsg_cookie_named{L}(uint8_t *s, dsg_cookie p, uint8_t *name, integer n) =
    p.name_len == n &&
    \forall integer k; 0 <= k < n ==> s[p.name_off + k] == name[k];

  // Every pair's name slice lies inside s[0 .. len).
  predicate dsg_cookie_names_in{L}(dsg_cookie *p, integer n, integer len) =
    \forall integer k; 0 <= k < n ==> dsg_cookie_in(p[k].name_off, p[k].name_len, len);
*/

#endif
