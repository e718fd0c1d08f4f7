/*
 * ACSL logic for the HTML escaper (src/core/html_esc.h). Included by that
 * header; installed with it. Plain definitions; nothing assumed.
 */
#ifndef DSG_ACSL_HTML_ESC_H
#define DSG_ACSL_HTML_ESC_H

/*@
  // The five characters that end text or a quoted attribute value, or
  // start markup or a character reference.
  predicate dsg_html_special(integer c) =
    c == '&' || c == '<' || c == '>' || c == '"' || c == '\'';

  // The length of the escape of byte c: &amp; &lt; &gt; &quot; &#39; or
  // the byte itself.
  logic integer dsg_html_esc_len(integer c) =
    c == '&' ? 5 : (c == '<' || c == '>') ? 4 : c == '"' ? 6 : c == '\'' ? 5 : 1;

  // The length of the escape of s[0 .. n).
  logic integer dsg_html_out_len{L}(uint8_t *s, integer n) =
    n <= 0 ? 0 : dsg_html_out_len(s, n - 1) + dsg_html_esc_len(s[n - 1]);

  // The escapes of the prefixes of s[0 .. n) grow with the prefix: the
  // escape of s[j] ends where that of any later prefix does, or before.
  predicate dsg_html_mono{L}(uint8_t *s, integer n) =
    \forall integer j, k; 0 <= j < k <= n ==>
      dsg_html_out_len(s, j) + dsg_html_esc_len(s[j]) <= dsg_html_out_len(s, k);

  // A byte of an accepted text: not a C0 control other than TAB, LF and
  // CR, not DEL (HTML's "control" code points, less its whitespace).
  predicate dsg_html_allowed(integer c) =
    c >= 0x80 || (0x20 <= c && c != 0x7f) || c == 0x09 || c == 0x0a || c == 0x0d;

  predicate dsg_html_clean{L}(uint8_t *s, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_html_allowed(s[k]);

  // The two bytes of a C1 control U+0080..U+009F at s[k].
  predicate dsg_html_c1_at{L}(uint8_t *s, integer n, integer k) =
    k + 1 < n && s[k] == 0xC2 && s[k + 1] <= 0x9F;

  // The char holding byte c (char is signed on the target).
  logic integer dsg_html_char(integer c) = c < 0x80 ? c : c - 0x100;

  // o[k] is a '&' that starts one of the five references, all of it
  // before o[m].
  predicate dsg_html_entity_at{L}(char *o, integer k, integer m) =
    (k + 5 <= m && o[k + 1] == 'a' && o[k + 2] == 'm' && o[k + 3] == 'p' && o[k + 4] == ';') ||
    (k + 4 <= m && o[k + 1] == 'l' && o[k + 2] == 't' && o[k + 3] == ';') ||
    (k + 4 <= m && o[k + 1] == 'g' && o[k + 2] == 't' && o[k + 3] == ';') ||
    (k + 6 <= m && o[k + 1] == 'q' && o[k + 2] == 'u' && o[k + 3] == 'o' &&
       o[k + 4] == 't' && o[k + 5] == ';') ||
    (k + 5 <= m && o[k + 1] == '#' && o[k + 2] == '3' && o[k + 3] == '9' && o[k + 4] == ';');

  // Byte o[k] of o[0 .. m) is safe: not < > " ', and a '&' only as the
  // start of a reference.
  predicate dsg_html_ok_at{L}(char *o, integer k, integer m) =
    o[k] != '<' && o[k] != '>' && o[k] != '"' && o[k] != '\'' &&
    (o[k] == '&' ==> dsg_html_entity_at(o, k, m));

  // o[0 .. m) is safe in HTML text and in a double- or single-quoted
  // attribute value: no < > " ', and every & starts a reference.
  predicate dsg_html_safe{L}(char *o, integer m) =
    \forall integer k; 0 <= k < m ==> dsg_html_ok_at(o, k, m);

  // Byte r of the escape of byte c.
  logic integer dsg_html_esc_byte(integer c, integer r) =
    c == '&' ? (r == 0 ? '&' : r == 1 ? 'a' : r == 2 ? 'm' : r == 3 ? 'p' : ';') :
    c == '<' ? (r == 0 ? '&' : r == 1 ? 'l' : r == 2 ? 't' : ';') :
    c == '>' ? (r == 0 ? '&' : r == 1 ? 'g' : r == 2 ? 't' : ';') :
    c == '"' ? (r == 0 ? '&' : r == 1 ? 'q' : r == 2 ? 'u' : r == 3 ? 'o' : r == 4 ? 't' : ';') :
    c == '\'' ? (r == 0 ? '&' : r == 1 ? '#' : r == 2 ? '3' : r == 3 ? '9' : ';') :
    dsg_html_char(c);

  // o[p ..] holds the escape of byte c.
  predicate dsg_html_esc_at{L}(char *o, integer p, integer c) =
    \forall integer r; 0 <= r < dsg_html_esc_len(c) ==> o[p + r] == dsg_html_esc_byte(c, r);

  // o holds the escape of s[0 .. n), byte after byte.
  predicate dsg_html_escapes{L}(uint8_t *s, integer n, char *o) =
    \forall integer i; 0 <= i < n ==> dsg_html_esc_at(o, dsg_html_out_len(s, i), s[i]);
*/

#endif
