/*
 * ACSL logic for the configuration-line lexer (src/core/conf_lex.h).
 * Included by that header after its types; installed with it.
 * No axioms, no lemmas: every function and predicate here is a plain
 * definition (dsg_conf_dec is defined by recursion on its end index).
 */
#ifndef DSG_ACSL_CONF_LEX_H
#define DSG_ACSL_CONF_LEX_H

/*@
  // Space or TAB: the only blanks of the grammar.
  predicate dsg_conf_blank(integer c) = c == ' ' || c == '\t';

  // Bytes refused anywhere on a line: C0 controls other than TAB, and DEL.
  predicate dsg_conf_ctl(integer c) = (0 <= c < 0x20 && c != '\t') || c == 0x7F;

  predicate dsg_conf_lower(integer c) = 'a' <= c <= 'z';
  predicate dsg_conf_digit(integer c) = '0' <= c <= '9';

  // A byte that may appear in a key: [a-z0-9_.].
  predicate dsg_conf_keych(integer c) =
    dsg_conf_lower(c) || dsg_conf_digit(c) || c == '_' || c == '.';

  // A byte of a bare value: none of space, TAB, '#', '"', '=', a control.
  predicate dsg_conf_barech(integer c) =
    !dsg_conf_blank(c) && c != '#' && c != '"' && c != '=' && !dsg_conf_ctl(c);

  // The key grammar over s[i..j): 1..64 bytes, dot-separated segments
  // [a-z][a-z0-9_]*. Stated bytewise: only key bytes, a letter first and
  // after every dot, no dot last.
  predicate dsg_conf_key_ok{L}(char *s, integer i, integer j) =
    1 <= j - i <= DSG_CONF_KEY_MAX &&
    dsg_conf_lower(s[i]) && s[j - 1] != '.' &&
    (\forall integer k; i <= k < j ==> dsg_conf_keych(s[k])) &&
    (\forall integer k; i <= k < j - 1 && s[k] == '.' ==> dsg_conf_lower(s[k + 1]));

  // No byte of s[i..j) is a control byte.
  predicate dsg_conf_no_ctl{L}(char *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> !dsg_conf_ctl(s[k]);

  predicate dsg_conf_all_blank{L}(char *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> dsg_conf_blank(s[k]);

  predicate dsg_conf_all_bare{L}(char *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> dsg_conf_barech(s[k]);

  predicate dsg_conf_all_digits{L}(char *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> dsg_conf_digit(s[k]);

  predicate dsg_conf_no_backslash{L}(char *s, integer i, integer j) =
    \forall integer k; i <= k < j ==> s[k] != '\\';

  // The line is blank or a comment: its first non-blank byte, if any, is '#'.
  predicate dsg_conf_blank_line{L}(char *s, integer n) =
    \forall integer k; 0 <= k < n ==>
      dsg_conf_all_blank(s, 0, k) ==> (dsg_conf_blank(s[k]) || s[k] == '#');

  // The decimal value of the digits s[i..j).
  logic integer dsg_conf_dec{L}(char *s, integer i, integer j) =
    j <= i ? 0 : 10 * dsg_conf_dec(s, i, j - 1) + (s[j - 1] - '0');

  // The unit after the digits s[0..k) of a value s[0..n): milliseconds per
  // duration unit (ms s m h d), bytes per size unit (none, B KiB MiB GiB);
  // 0 when s[k..n) is not a unit.
  logic integer dsg_conf_ms_unit{L}(char *s, integer k, integer n) =
    n - k == 2 && s[k] == 'm' && s[k + 1] == 's' ? 1 :
    n - k == 1 && s[k] == 's' ? 1000 :
    n - k == 1 && s[k] == 'm' ? 60000 :
    n - k == 1 && s[k] == 'h' ? 3600000 :
    n - k == 1 && s[k] == 'd' ? 86400000 : 0;
  logic integer dsg_conf_size_unit{L}(char *s, integer k, integer n) =
    n == k ? 1 :
    n - k == 1 && s[k] == 'B' ? 1 :
    n - k == 3 && s[k + 1] == 'i' && s[k + 2] == 'B' ?
      (s[k] == 'K' ? 1024 : s[k] == 'M' ? 1048576 : s[k] == 'G' ? 1073741824 : 0) : 0;

  // The end of the run of digits of s[0..n) that starts at i.
  logic integer dsg_conf_run{L}(char *s, integer i, integer n) =
    i >= n ? n : ('0' <= s[i] && s[i] <= '9' ? dsg_conf_run(s, i + 1, n) : i);

  // s[0..k) is the whole leading run of digits of s[0..n).
  predicate dsg_conf_digit_run{L}(char *s, integer k, integer n) =
    0 <= k <= n && dsg_conf_all_digits(s, 0, k) && (k == n || !dsg_conf_digit(s[k]));
*/

#endif
