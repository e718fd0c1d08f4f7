/*
 * ACSL logic for the upload file-name policy (src/share/name_policy.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_NAME_POLICY_H
#define DSG_ACSL_NAME_POLICY_H

/*@
  // An extension entry is usable: 1..DSG_EXT_TEXT_MAX bytes of text.
  predicate dsg_ext_ok(dsg_ext *e) =
    1 <= e->len <= DSG_EXT_TEXT_MAX;

  // The operator's extra set is well formed.
  predicate dsg_ext_set_ok(dsg_ext_set *s) =
    s->count <= DSG_EXT_EXTRA_MAX &&
    \forall integer i; 0 <= i < s->count ==> dsg_ext_ok(&s->ext[i]);

  // The folded name f[0..n) ends with "." followed by the extension's text.
  predicate dsg_ext_matches(uint8_t *f, integer n, dsg_ext *e) =
    dsg_ext_ok(e) && e->len + 1 <= n &&
    f[n - e->len - 1] == (uint8_t)'.' &&
    \forall integer k; 0 <= k < e->len ==> f[n - e->len + k] == e->text[k];

  // Some baseline or extra extension matches the folded name.
  predicate dsg_name_hits(uint8_t *f, integer n, dsg_ext_set *s) =
    (\exists integer i; 0 <= i < DSG_EXT_BASELINE_COUNT &&
        dsg_ext_matches(f, n, &dsg_ext_baseline[i])) ||
    (\exists integer j; 0 <= j < s->count && dsg_ext_matches(f, n, &s->ext[j]));

  // e is an entry of the policy: the baseline table or the extra set.
  predicate dsg_ext_in_policy(dsg_ext *e, dsg_ext_set *s) =
    (\exists integer i; 0 <= i < DSG_EXT_BASELINE_COUNT && e == &dsg_ext_baseline[i]) ||
    (\exists integer j; 0 <= j < s->count && e == &s->ext[j]);

  // No matching entry is longer than len: the reported match is the longest.
  predicate dsg_ext_longest(uint8_t *f, integer n, dsg_ext_set *s, integer len) =
    (\forall integer i; 0 <= i < DSG_EXT_BASELINE_COUNT &&
        dsg_ext_matches(f, n, &dsg_ext_baseline[i]) ==> dsg_ext_baseline[i].len <= len) &&
    (\forall integer j; 0 <= j < s->count &&
        dsg_ext_matches(f, n, &s->ext[j]) ==> s->ext[j].len <= len);

  // A byte Windows never accepts in a name: C0 controls, DEL, and / \ < > : " | ? *
  predicate dsg_forbidden_ascii(integer b) =
    0 <= b < 0x20 || b == 0x7f || b == '/' || b == '\\' || b == '<' ||
    b == '>' || b == ':' || b == '"' || b == '|' || b == '?' || b == '*';

  // ASCII case folding, the only folding stated in logic (the four non-ASCII
  // letters that fold onto ASCII are specified by tests).
  logic integer dsg_fold_ascii(integer b) = ('A' <= b <= 'Z') ? b + 32 : b;

  // Every byte of s[0..n) is ASCII.
  predicate dsg_ascii_name(uint8_t *s, integer n) =
    \forall integer k; 0 <= k < n ==> s[k] < 0x80;

  // The extra set's first n entries are the same at L1 and L2.
  predicate dsg_ext_kept{L1, L2}(dsg_ext_set *s, integer n) =
    \forall integer i; 0 <= i < n ==>
      \at(s->ext[i].len, L1) == \at(s->ext[i].len, L2) &&
      \forall integer k; 0 <= k < DSG_EXT_TEXT_MAX ==>
        \at(s->ext[i].text[k], L1) == \at(s->ext[i].text[k], L2);

  // The folded name does not end in a dot or a space (Windows strips them).
  predicate dsg_name_trimmed(uint8_t *f, integer n) =
    1 <= n && f[n - 1] != (uint8_t)'.' && f[n - 1] != (uint8_t)' ';
*/

#endif
