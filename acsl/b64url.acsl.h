/*
 * ACSL logic for base64url without padding (src/core/b64url.h), RFC 4648
 * §5. Included by that header; installed with it. Plain definitions and
 * one lemma that WP proves; nothing assumed.
 *
 * Bits are stated with division and remainder by powers of two rather than
 * with shifts and masks: the provers reason about those as arithmetic.
 */
#ifndef DSG_ACSL_B64URL_H
#define DSG_ACSL_B64URL_H

/*@
  // The character of sextet x (0..63): A-Z, a-z, 0-9, '-', '_' (RFC 4648 §5).
  logic integer dsg_b64url_sym(integer x) =
    x < 26 ? 'A' + x :
    x < 52 ? 'a' + (x - 26) :
    x < 62 ? '0' + (x - 52) :
    x == 62 ? '-' : '_';

  // The sextet of character c, or -1 when c is outside the alphabet.
  logic integer dsg_b64url_val(integer c) =
    'A' <= c <= 'Z' ? c - 'A' :
    'a' <= c <= 'z' ? c - 'a' + 26 :
    '0' <= c <= '9' ? c - '0' + 52 :
    c == '-' ? 62 :
    c == '_' ? 63 : -1;

  predicate dsg_b64url_alpha(integer c) = dsg_b64url_val(c) >= 0;

  // The unpadded length of the encoding of n bytes: 4 per 3, and 2 or 3
  // characters for a final 1 or 2 bytes.
  logic integer dsg_b64url_enc_len(integer n) =
    4 * (n / 3) + (n % 3 == 0 ? 0 : n % 3 + 1);

  // The bytes m characters decode to (m % 4 != 1): 3 per 4, and 1 or 2
  // bytes for a final 2 or 3 characters.
  logic integer dsg_b64url_dec_len(integer m) =
    3 * (m / 4) + (m % 4 == 0 ? 0 : m % 4 - 1);

  // Byte r (0..2) of group g of the text t: the 8 bits that start at bit
  // 6 * (4g) + 8r of the sextets.
  logic integer dsg_b64url_byte{L}(char *t, integer g, integer r) =
    r == 0 ? 4 * dsg_b64url_val(t[4 * g]) + dsg_b64url_val(t[4 * g + 1]) / 16 :
    r == 1 ? 16 * (dsg_b64url_val(t[4 * g + 1]) % 16) + dsg_b64url_val(t[4 * g + 2]) / 4 :
             64 * (dsg_b64url_val(t[4 * g + 2]) % 4) + dsg_b64url_val(t[4 * g + 3]);

  // Every character of t[0 .. m) is in the alphabet.
  predicate dsg_b64url_all_alpha{L}(char *t, integer m) =
    \forall integer k; 0 <= k < m ==> dsg_b64url_alpha(t[k]);

  // The bits of a final partial group that no byte uses are zero.
  predicate dsg_b64url_tail_zero{L}(char *t, integer m) =
    (m % 4 == 2 ==> dsg_b64url_val(t[m - 1]) % 16 == 0) &&
    (m % 4 == 3 ==> dsg_b64url_val(t[m - 1]) % 4 == 0);

  // t[0 .. m) is the canonical unpadded base64url encoding of some bytes.
  predicate dsg_b64url_ok{L}(char *t, integer m) =
    dsg_b64url_all_alpha(t, m) && m % 4 != 1 && dsg_b64url_tail_zero(t, m);

  // b[0 .. n) are the bytes t decodes to: byte j is byte j % 3 of group j / 3.
  predicate dsg_b64url_decodes{L}(char *t, uint8_t *b, integer n) =
    \forall integer j; 0 <= j < n ==> b[j] == dsg_b64url_byte(t, j / 3, j % 3);

  // The same, group by group: the bytes of groups 0 .. g-1 of t are b[0 .. 3g).
  predicate dsg_b64url_groups{L}(char *t, uint8_t *b, integer g) =
    \forall integer h, r; 0 <= h < g && 0 <= r < 3 ==>
      b[3 * h + r] == dsg_b64url_byte(t, h, r);

  // Round trip: the bytes a text decodes to are determined by the text. So
  // when dsg_b64url_encode turned x into t (and ensured that t decodes to
  // x) and dsg_b64url_decode turned t into y (ensuring that t decodes to
  // y), then y is x: decode(encode(x)) == x.
  lemma dsg_b64url_round_trip{L}:
    \forall char *t, uint8_t *x, uint8_t *y, integer n;
      dsg_b64url_decodes(t, x, n) && dsg_b64url_decodes(t, y, n) ==>
      \forall integer j; 0 <= j < n ==> x[j] == y[j];
*/

#endif
