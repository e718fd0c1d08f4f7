/*
 * ACSL logic for the password policy (src/auth/pw_policy.h). Included by that
 * header after the types it talks about; installed with it.
 * No axioms. Three lemmas about the order of common-password words
 * (asymmetry and transitivity) are proved by WP like any other goal.
 */
#ifndef DSG_ACSL_PW_POLICY_H
#define DSG_ACSL_PW_POLICY_H

/*@
  // The policy's numbers are in range: NIST SP 800-63B §5.1.1.1 sets 8 as
  // the shortest, §5.1.1.2 requires at least 64 to be accepted; the ceiling
  // bounds the work of one check; 0..4 of the four classes.
  predicate dsg_pw_policy_ok(dsg_pw_policy *p) =
    DSG_PW_LENGTH_FLOOR <= p->min_length <= p->max_length &&
    DSG_PW_MAX_LENGTH_FLOOR <= p->max_length <= DSG_PW_LENGTH_CEILING &&
    p->required_classes <= DSG_PW_CLASS_COUNT;

  // ASCII case folding (the only folding of the policy).
  logic integer dsg_pw_fold(integer b) = ('A' <= b <= 'Z') ? b + 32 : b;

  // Characters of s[0..n): the bytes that are not UTF-8 continuation bytes
  // (10xxxxxx), which is the number of code points when s is well-formed.
  logic integer dsg_pw_chars(uint8_t *s, integer n) =
    n <= 0 ? 0 :
      dsg_pw_chars(s, n - 1) + ((0x80 <= s[n - 1] && s[n - 1] <= 0xBF) ? 0 : 1);

  // The four classes: 1 when some byte of s[0..n) is of the class. A byte
  // >= 0x80 belongs to a non-ASCII code point, which is "other": only ASCII
  // letters and digits are upper, lower, digit.
  logic integer dsg_pw_upper_in(uint8_t *s, integer n) =
    n <= 0 ? 0 : (('A' <= s[n - 1] && s[n - 1] <= 'Z') ? 1 : dsg_pw_upper_in(s, n - 1));
  logic integer dsg_pw_lower_in(uint8_t *s, integer n) =
    n <= 0 ? 0 : (('a' <= s[n - 1] && s[n - 1] <= 'z') ? 1 : dsg_pw_lower_in(s, n - 1));
  logic integer dsg_pw_digit_in(uint8_t *s, integer n) =
    n <= 0 ? 0 : (('0' <= s[n - 1] && s[n - 1] <= '9') ? 1 : dsg_pw_digit_in(s, n - 1));
  logic integer dsg_pw_other_in(uint8_t *s, integer n) =
    n <= 0 ? 0 :
    ((('A' <= s[n - 1] && s[n - 1] <= 'Z') || ('a' <= s[n - 1] && s[n - 1] <= 'z') ||
      ('0' <= s[n - 1] && s[n - 1] <= '9')) ? dsg_pw_other_in(s, n - 1) : 1);

  // How many of the four classes s[0..n) draws from.
  logic integer dsg_pw_classes(uint8_t *s, integer n) =
    dsg_pw_upper_in(s, n) + dsg_pw_lower_in(s, n) +
    dsg_pw_digit_in(s, n) + dsg_pw_other_in(s, n);

  // A control character starts at s[i]: C0 (including NUL), DEL, or C1
  // (U+0080..U+009F, encoded C2 80..C2 9F).
  predicate dsg_pw_control_at(uint8_t *s, integer n, integer i) =
    s[i] < 0x20 || s[i] == 0x7F ||
    (s[i] == 0xC2 && i + 1 < n && 0x80 <= s[i + 1] <= 0x9F);

  predicate dsg_pw_has_control(uint8_t *s, integer n) =
    \exists integer i; 0 <= i < n && dsg_pw_control_at(s, n, i);

  // u[0..m) occurs in s at i, ASCII case-insensitively.
  predicate dsg_pw_match_at(uint8_t *s, uint8_t *u, integer m, integer i) =
    \forall integer k; 0 <= k < m ==> dsg_pw_fold(s[i + k]) == dsg_pw_fold(u[k]);

  // s[0..n) contains the user ID u[0..m), ASCII case-insensitively.
  predicate dsg_pw_contains(uint8_t *s, integer n, uint8_t *u, integer m) =
    \exists integer i; 0 <= i && i + m <= n && dsg_pw_match_at(s, u, m, i);

  // A word of the common-password list: folded text, at most WORD_MAX bytes.
  predicate dsg_pw_word_ok(dsg_pw_word *w) = w->len <= DSG_PW_WORD_MAX;

  predicate dsg_pw_eq_upto(dsg_pw_word *a, dsg_pw_word *b, integer k) =
    \forall integer j; 0 <= j < k ==> a->text[j] == b->text[j];

  predicate dsg_pw_word_eq(dsg_pw_word *a, dsg_pw_word *b) =
    a->len == b->len && dsg_pw_eq_upto(a, b, a->len);

  // Lexicographic byte order (a proper prefix comes first), decided at the
  // first position k where the words differ or one ends.
  predicate dsg_pw_lt_at(dsg_pw_word *a, dsg_pw_word *b, integer k) =
    0 <= k <= a->len && k <= b->len && dsg_pw_eq_upto(a, b, k) &&
    ((k == a->len && k < b->len) ||
     (k < a->len && k < b->len && a->text[k] < b->text[k]));

  predicate dsg_pw_word_lt(dsg_pw_word *a, dsg_pw_word *b) =
    \exists integer k; dsg_pw_lt_at(a, b, k);

  // A list the binary search can trust: well-formed words, strictly
  // increasing (so without duplicates).
  predicate dsg_pw_list_ok(dsg_pw_word *l, integer n) =
    (\forall integer i; 0 <= i < n ==> dsg_pw_word_ok(&l[i])) &&
    (\forall integer i, j; 0 <= i < j < n ==> dsg_pw_word_lt(&l[i], &l[j]));

  // The word w is s[0..n) folded.
  predicate dsg_pw_is_word(uint8_t *s, integer n, dsg_pw_word *w) =
    w->len == n && \forall integer k; 0 <= k < n ==> w->text[k] == dsg_pw_fold(s[k]);

  // s[0..n), folded, is one of the n words of l.
  predicate dsg_pw_listed(uint8_t *s, integer n, dsg_pw_word *l, integer cnt) =
    \exists integer i; 0 <= i < cnt && dsg_pw_is_word(s, n, &l[i]);

  lemma dsg_pw_lt_not_eq:
    \forall dsg_pw_word *a, *b; dsg_pw_word_lt(a, b) ==>
      !dsg_pw_word_eq(a, b) && !dsg_pw_word_eq(b, a);

  lemma dsg_pw_lt_trans:
    \forall dsg_pw_word *a, *b, *c, integer i, j;
      dsg_pw_lt_at(a, b, i) && dsg_pw_lt_at(b, c, j) ==>
        dsg_pw_lt_at(a, c, i < j ? i : j);

  lemma dsg_pw_lt_trans_word:
    \forall dsg_pw_word *a, *b, *c;
      dsg_pw_word_lt(a, b) && dsg_pw_word_lt(b, c) ==> dsg_pw_word_lt(a, c);
*/

#endif
