/*
 * ACSL logic for the JSON tokenizer (src/core/json_tok.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_JSON_TOK_H
#define DSG_ACSL_JSON_TOK_H

/*@
  predicate dsg_json_type_ok(integer t) = DSG_JSON_OBJECT <= t <= DSG_JSON_NULL;

  predicate dsg_json_container(integer t) = t == DSG_JSON_OBJECT || t == DSG_JSON_ARRAY;

  // Token i sits in its parent: the parent comes first, is an object or an
  // array, starts before it, ends at or after it, and is one level up.
  predicate dsg_json_tok_in_parent{L}(dsg_json_tok *t, integer i) =
    t[i].parent < i && dsg_json_container(t[t[i].parent].type) &&
    t[t[i].parent].start < t[i].start &&
    t[i].start + t[i].len <= t[t[i].parent].start + t[t[i].parent].len &&
    t[i].depth == t[t[i].parent].depth + 1;

  // The tokens of a successful run over a text of len bytes: at least one;
  // token 0 is the top value (no parent, depth 1); every token is a
  // non-empty span of the text, at most max_depth deep, of a known type,
  // and every other token lies in its parent.
  predicate dsg_json_toks_ok{L}(dsg_json_tok *t, integer n, integer len, integer max_depth) =
    n >= 1 && t[0].parent == DSG_JSON_NONE && t[0].depth == 1 &&
    \forall integer i; 0 <= i < n ==>
      0 < t[i].len && t[i].start + t[i].len <= len &&
      1 <= t[i].depth <= max_depth && dsg_json_type_ok(t[i].type) &&
      i < t[i].next <= n &&
      (i > 0 ==> dsg_json_tok_in_parent(t, i));

  predicate dsg_json_error(integer e) = DSG_JSON_E_DEPTH <= e <= DSG_JSON_E_BAD_TOKEN;
*/

#endif
