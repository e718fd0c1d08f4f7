/*
 * ACSL logic for the Content-Disposition value of a download
 * (src/core/dispo.h). Included by that header; installed with it. Plain
 * definitions; nothing assumed.
 */
#ifndef DSG_ACSL_DISPO_H
#define DSG_ACSL_DISPO_H

/*@
  // A byte a header value may carry without any risk: printable ASCII,
  // SP to '~' (no CR, LF, NUL, other control or DEL, no byte >= 0x80).
  predicate dsg_dispo_printable(integer c) = 0x20 <= c <= 0x7e;

  // Every byte of s[0 .. n) is printable.
  predicate dsg_dispo_text{L}(char *s, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_dispo_printable(s[k]);

  // RFC 8187 §3.2.1 attr-char: the bytes that stand for themselves in an
  // ext-value; every other byte is percent-encoded.
  predicate dsg_dispo_attr_char(integer c) =
    ('A' <= c <= 'Z') || ('a' <= c <= 'z') || ('0' <= c <= '9') ||
    c == '!' || c == '#' || c == '$' || c == '&' || c == '+' || c == '-' ||
    c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';

  // s starts with the disposition type "attachment" and the ';' that ends
  // it (RFC 6266 §4.1): the user agent saves the file, never shows it.
  predicate dsg_dispo_is_attachment{L}(char *s) =
    s[0] == 'a' && s[1] == 't' && s[2] == 't' && s[3] == 'a' && s[4] == 'c' &&
    s[5] == 'h' && s[6] == 'm' && s[7] == 'e' && s[8] == 'n' && s[9] == 't' &&
    s[10] == ';';
*/

#endif
