/*
 * ACSL logic for the CTAP2 canonical CBOR decoder (src/core/cbor.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_CBOR_H
#define DSG_ACSL_CBOR_H

/*@
  predicate dsg_cbor_type_ok(integer t) = 0 <= t <= DSG_CBOR_MAP || t == DSG_CBOR_SIMPLE;

  predicate dsg_cbor_container(integer t) = t == DSG_CBOR_ARRAY || t == DSG_CBOR_MAP;

  // A map key may be an integer or a string.
  predicate dsg_cbor_key_type(integer t) = 0 <= t <= DSG_CBOR_TEXT;

  // Token i sits in its parent: the parent comes first, is an array or a
  // map, starts before it, ends at or after it, and is one level up.
  predicate dsg_cbor_tok_in_parent{L}(dsg_cbor_tok *t, integer i) =
    t[i].parent < i && dsg_cbor_container(t[t[i].parent].type) &&
    t[t[i].parent].start < t[i].start &&
    t[i].start + t[i].len <= t[t[i].parent].start + t[t[i].parent].len &&
    t[i].depth == t[t[i].parent].depth + 1;

  // The tokens of a successful decode of an item of `len` bytes: at least
  // one; token 0 is the top item (no parent, depth 1, starting at 0);
  // every token is a non-empty span of the item, at most max_depth deep,
  // of an accepted type, and every other token lies in its parent.
  predicate dsg_cbor_toks_ok{L}(dsg_cbor_tok *t, integer n, integer len, integer max_depth) =
    n >= 1 && t[0].parent == DSG_CBOR_NONE && t[0].depth == 1 &&
    \forall integer i; 0 <= i < n ==>
      0 < t[i].len && t[i].start + t[i].len <= len &&
      1 <= t[i].depth <= max_depth && dsg_cbor_type_ok(t[i].type) &&
      i < t[i].next <= n &&
      (i > 0 ==> dsg_cbor_tok_in_parent(t, i));

  // The CTAP2 key order on the encodings b[x .. x + lx) and b[y .. y + ly):
  // the lower major type first, then the shorter, then the lower bytes.
  // b[x .. x + l) sorts before b[y .. y + l): at some position p of the
  // first, after bytes equal to the second's, a lower byte. (Positions are
  // taken in b itself, b[p] rather than b[x + j], so that provers find
  // instances of the quantifiers.)
  predicate dsg_cbor_bytes_less{L}(uint8_t *b, integer x, integer y, integer l) =
    \exists integer p; x <= p < x + l &&
      (\forall integer q; x <= q < p ==> b[q] == b[q - x + y]) && b[p] < b[p - x + y];

  predicate dsg_cbor_key_less{L}(uint8_t *b, integer x, integer lx, integer y, integer ly) =
    b[x] / 32 < b[y] / 32 ||
    (b[x] / 32 == b[y] / 32 &&
     (lx < ly || (lx == ly && dsg_cbor_bytes_less(b, x, y, lx))));

  // Every map key that follows another key of its map (prev_key) is a key
  // of the same parent, of a key type, and sorts strictly after it.
  predicate dsg_cbor_keys_ok{L}(uint8_t *b, dsg_cbor_tok *t, integer n) =
    \forall integer i; 0 <= i < n ==> t[i].prev_key != DSG_CBOR_NONE ==>
      t[i].prev_key < i && t[t[i].prev_key].parent == t[i].parent &&
      dsg_cbor_key_type(t[i].type) &&
      dsg_cbor_key_less(b, t[t[i].prev_key].start, t[t[i].prev_key].len, t[i].start, t[i].len);

  // A key token equal to the integer k.
  predicate dsg_cbor_int_key(dsg_cbor_tok t, integer k) =
    (t.type == DSG_CBOR_UINT && k >= 0 && t.arg == k) ||
    (t.type == DSG_CBOR_NEGINT && k < 0 && t.arg == -1 - k);

  // A key token whose text payload equals k[0 .. kl).
  predicate dsg_cbor_text_key{L}(uint8_t *b, integer len, dsg_cbor_tok t, uint8_t *k, integer kl) =
    t.type == DSG_CBOR_TEXT && t.arg == kl && t.start + t.head + kl <= len &&
    \forall integer i; 0 <= i < kl ==> b[t.start + t.head + i] == k[i];

  predicate dsg_cbor_decode_error(integer e) = DSG_CBOR_E_DEPTH <= e <= DSG_CBOR_E_KEY_ORDER;
*/

#endif
