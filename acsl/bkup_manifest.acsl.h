/*
 * ACSL logic for the backup manifest (src/core/bkup_manifest.h). Included
 * by that header after the types it talks about; installed with it.
 * No axioms: every predicate is a plain definition, and the one lemma is
 * proved by WP.
 */
#ifndef DSG_ACSL_BKUP_MANIFEST_H
#define DSG_ACSL_BKUP_MANIFEST_H

#include "acsl/rfc3339.acsl.h"   /* dsg_rfc_mdays: days in a month */

/*@
  // A byte a member name may hold: ASCII letters, digits, ". _ -" and "/".
  predicate dsg_bkm_name_byte(integer c) =
    ('a' <= c <= 'z') || ('A' <= c <= 'Z') || ('0' <= c <= '9') ||
    c == '.' || c == '_' || c == '-' || c == '/';

  // Two neighbouring name bytes: no "//", no "/." (an empty segment, or
  // one starting with "."), no "..".
  predicate dsg_bkm_pair_ok(integer x, integer y) =
    !(x == '/' && (y == '/' || y == '.')) && !(x == '.' && y == '.');

  // s[a .. p) is a good start of a name: name bytes, neighbours fine, and
  // the first byte neither "/" nor ".".
  predicate dsg_bkm_name_run{L}(uint8_t *s, integer a, integer p) =
    (\forall integer k; a <= k < p ==> dsg_bkm_name_byte(s[k])) &&
    (a < p ==> s[a] != '/' && s[a] != '.') &&
    (\forall integer k; a < k < p ==> dsg_bkm_pair_ok(s[k - 1], s[k]));

  // The name rule: s[a .. a + n) is 1..255 bytes, a good start of a name,
  // and does not end in "/". So its "/"-separated segments are non-empty,
  // none starts with "." (none is "." or ".."), and no ".." is anywhere.
  predicate dsg_bkm_name_ok{L}(uint8_t *s, integer a, integer n) =
    1 <= n <= DSG_BKM_NAME_MAX && dsg_bkm_name_run(s, a, a + n) && s[a + n - 1] != '/';

  // What the name rule means for REQ-BKUP-017: no NUL, no control byte, no
  // backslash, no ".." and no segment "." anywhere, no "/" at either end.
  lemma dsg_bkm_name_safe{L}:
    \forall uint8_t *s, integer a, n; dsg_bkm_name_ok(s, a, n) ==>
      (\forall integer k; a <= k < a + n ==> s[k] != 0 && s[k] >= 0x20 && s[k] != '\\') &&
      (\forall integer k; a < k < a + n ==> !(s[k - 1] == '.' && s[k] == '.')) &&
      s[a] != '/' && s[a + n - 1] != '/';

  // The head: depends and role lines within their bounds (the nine roles
  // written out: no quantifier for the provers to instantiate).
  predicate dsg_bkm_head_ok{L}(dsg_bkm_head *h) =
    h->ndepends <= DSG_BKM_DEPENDS_MAX &&
    h->role_seen[0] <= 1 && h->role_seen[1] <= 1 && h->role_seen[2] <= 1 &&
    h->role_seen[3] <= 1 && h->role_seen[4] <= 1 && h->role_seen[5] <= 1 &&
    h->role_seen[6] <= 1 && h->role_seen[7] <= 1 && h->role_seen[8] <= 1;

  // One member of an accepted manifest of s[0 .. len): a role of the list,
  // a name inside the input (followed by a space) that keeps the name rule,
  // a size >= 0, a digest inside the input (followed by a byte). (That the
  // role has its role line is checked, and tested, not stated here.)
  predicate dsg_bkm_member_ok{L}(uint8_t *s, integer len, dsg_bkm_head *h, dsg_bkm_member x) =
    x.role < DSG_BKM_ROLES &&
    x.name_off + x.name_len < len && dsg_bkm_name_ok(s, x.name_off, x.name_len) &&
    0 <= x.size && x.digest_off + DSG_BKM_DIGEST_HEX < len;

  // Every member of m[0 .. n) fine.
  predicate dsg_bkm_members_ok{L}(uint8_t *s, integer len, dsg_bkm_head *h,
                                  dsg_bkm_member *m, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_bkm_member_ok(s, len, h, m[k]);
*/

#endif
