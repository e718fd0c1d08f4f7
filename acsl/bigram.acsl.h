/*
 * ACSL logic for the search-term scanner (src/core/bigram.h). Included by
 * that header after its types; installed with it. Plain definitions only:
 * no axioms, no lemmas.
 *
 * The decoding is Unicode 15.0 table 3-7 (strict UTF-8: no overlong forms,
 * no surrogates, nothing above U+10FFFF), stated byte by byte.
 */
#ifndef DSG_ACSL_BIGRAM_H
#define DSG_ACSL_BIGRAM_H

/*@
  predicate dsg_bg_cont(integer b) = 0x80 <= b <= 0xBF;

  // The length a lead byte announces (meaningful when dsg_bg_wf holds).
  logic integer dsg_bg_seqlen(integer b) =
    b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;

  // s[p ..) starts with a well-formed sequence that ends by len.
  predicate dsg_bg_wf{L}(uint8_t *s, integer len, integer p) =
    0 <= p < len &&
    (s[p] < 0x80 ||
     (0xC2 <= s[p] <= 0xDF && p + 2 <= len && dsg_bg_cont(s[p + 1])) ||
     (0xE0 <= s[p] <= 0xEF && p + 3 <= len &&
      (s[p] == 0xE0 ? 0xA0 : 0x80) <= s[p + 1] <= (s[p] == 0xED ? 0x9F : 0xBF) &&
      dsg_bg_cont(s[p + 2])) ||
     (0xF0 <= s[p] <= 0xF4 && p + 4 <= len &&
      (s[p] == 0xF0 ? 0x90 : 0x80) <= s[p + 1] <= (s[p] == 0xF4 ? 0x8F : 0xBF) &&
      dsg_bg_cont(s[p + 2]) && dsg_bg_cont(s[p + 3])));

  // The code point of the well-formed sequence at s[p].
  logic integer dsg_bg_cp{L}(uint8_t *s, integer p) =
    s[p] < 0x80 ? s[p] :
    s[p] < 0xE0 ? (s[p] - 0xC0) * 64 + (s[p + 1] - 0x80) :
    s[p] < 0xF0 ? (s[p] - 0xE0) * 4096 + (s[p + 1] - 0x80) * 64 + (s[p + 2] - 0x80) :
    (s[p] - 0xF0) * 262144 + (s[p + 1] - 0x80) * 4096 + (s[p + 2] - 0x80) * 64 +
    (s[p + 3] - 0x80);

  // Folding: full-width ASCII U+FF01..U+FF5E to ASCII, then A-Z to a-z.
  logic integer dsg_bg_ascii(integer c) =
    0xFF01 <= c <= 0xFF5E ? c - 0xFEE0 : c;
  logic integer dsg_bg_fold(integer c) =
    'A' <= dsg_bg_ascii(c) <= 'Z' ? dsg_bg_ascii(c) + 32 : dsg_bg_ascii(c);

  // Separators (of folded code points): C0 controls, space, DEL, ASCII
  // punctuation, C1 controls, the Unicode White_Space characters, the BOM,
  // the CJK punctuation 、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟 and the
  // half-width ｡｢｣､. Every other code point is a word character.
  predicate dsg_bg_sep(integer c) =
    c <= 0x2F || 0x3A <= c <= 0x40 || 0x5B <= c <= 0x60 ||
    0x7B <= c <= 0xA0 || c == 0x1680 || 0x2000 <= c <= 0x200A ||
    c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
    0x3000 <= c <= 0x3002 || 0x3008 <= c <= 0x3011 ||
    0x3014 <= c <= 0x301F || c == 0xFEFF || 0xFF61 <= c <= 0xFF64;

  // s[p ..) is a word character whose folded code point is f.
  predicate dsg_bg_wchar{L}(uint8_t *s, integer len, integer p, integer f) =
    dsg_bg_wf(s, len, p) && f == dsg_bg_fold(dsg_bg_cp(s, p)) && !dsg_bg_sep(f);

  // (cp1, cp2) at s[off .. off + n) is a term of s[0 .. len): one word
  // character (cp2 == 0), or two consecutive ones, with their folded code
  // points, inside the input.
  predicate dsg_bg_term_ok{L}(uint8_t *s, integer len, integer cp1, integer cp2,
                              integer off, integer n) =
    dsg_bg_wchar(s, len, off, cp1) &&
    (cp2 == 0 ?
       n == dsg_bg_seqlen(s[off]) :
       dsg_bg_wchar(s, len, off + dsg_bg_seqlen(s[off]), cp2) &&
       n == dsg_bg_seqlen(s[off]) + dsg_bg_seqlen(s[off + dsg_bg_seqlen(s[off])])) &&
    off + n <= len;

  // The cursor's fields hold their allowed values for an input of len bytes.
  predicate dsg_bg_cursor_ok(dsg_bg_cursor c, integer len) =
    c.pos <= len && c.prev_word <= 1 && c.uni_due <= 1 && c.unigrams <= 1 &&
    (c.uni_due == 1 ==> c.unigrams == 1);
*/

#endif
