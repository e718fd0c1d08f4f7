/*
 * ACSL logic for the canonical audit record encoding (src/log/audit_enc.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms: every function and predicate is a plain definition, and the
 * one lemma (injectivity) is proved by WP like any other goal. Its
 * converse, that equal records give equal bytes, is the contract of the
 * ghost function dsg_aenc_deterministic (audit_enc.h): its proof needs an
 * induction over the offset table, which is a loop there.
 */
#ifndef DSG_ACSL_AUDIT_ENC_H
#define DSG_ACSL_AUDIT_ENC_H

/*@
  // Little-endian integers at p.
  logic integer dsg_aenc_le32{L}(uint8_t *p) =
    p[0] + 256 * p[1] + 65536 * p[2] + 16777216 * p[3];
  logic integer dsg_aenc_le64{L}(uint8_t *p) =
    dsg_aenc_le32(p) + 4294967296 * dsg_aenc_le32(p + 4);

  // Entry k of the offset table: where item k starts (entry nitems: the end).
  logic integer dsg_aenc_off{L}(uint8_t *b, integer k) =
    dsg_aenc_le32(b + DSG_AENC_HEAD + 4 * k);

  // Where the items start: after the header and the nitems + 1 offsets.
  logic integer dsg_aenc_data(integer m) = DSG_AENC_HEAD + 4 * (m + 1);

  // A record the encoder takes: source, recorded_at and name/value pairs
  // (an even number of items, at least two), no item over the limit.
  predicate dsg_aenc_record_ok{L}(dsg_aenc_record *r) =
    2 <= r->nitems <= DSG_AENC_ITEMS_MAX && r->nitems % 2 == 0 &&
    (\forall integer k; 0 <= k < r->nitems ==> r->item[k].len <= DSG_AENC_ITEM_MAX);

  // The memory a record needs: the struct and the bytes of its items.
  predicate dsg_aenc_record_mem{L}(dsg_aenc_record *r) =
    \valid_read(r) &&
    (\forall integer k; 0 <= k < r->nitems && k < DSG_AENC_ITEMS_MAX ==>
       \valid_read(r->item[k].p + (0 .. r->item[k].len - 1)));

  // b[0 .. n) is the encoding of r: version, type, seq, nitems, then the
  // offset table (first entry the start of the data, last entry n, each
  // item as long as the record's), then each item's bytes at its offset.
  predicate dsg_aenc_encodes{L}(dsg_aenc_record *r, uint8_t *b, integer n) =
    b[0] == DSG_AENC_VERSION &&
    dsg_aenc_le32(b + 1) == r->type &&
    dsg_aenc_le64(b + 5) == r->seq &&
    dsg_aenc_le32(b + 13) == r->nitems &&
    dsg_aenc_off(b, 0) == dsg_aenc_data(r->nitems) &&
    dsg_aenc_off(b, r->nitems) == n &&
    (\forall integer k; 0 <= k < r->nitems ==>
       dsg_aenc_off(b, k + 1) == dsg_aenc_off(b, k) + r->item[k].len) &&
    (\forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
       b[dsg_aenc_off(b, k) + j] == r->item[k].p[j]);

  // Two records with the same content (items compared byte by byte).
  predicate dsg_aenc_same{L}(dsg_aenc_record *a, dsg_aenc_record *c) =
    a->type == c->type && a->seq == c->seq && a->nitems == c->nitems &&
    (\forall integer k; 0 <= k < a->nitems ==> a->item[k].len == c->item[k].len) &&
    (\forall integer k, j; 0 <= k < a->nitems && 0 <= j < a->item[k].len ==>
       a->item[k].p[j] == c->item[k].p[j]);

  // The encoding is injective: bytes that encode two records encode the
  // same record (REQ-LOG-003). The converse, same record => same bytes, is
  // dsg_aenc_deterministic in audit_enc.h.
  lemma dsg_aenc_injective{L}:
    \forall dsg_aenc_record *a, *c, uint8_t *b, integer n;
      dsg_aenc_encodes(a, b, n) && dsg_aenc_encodes(c, b, n) ==> dsg_aenc_same(a, c);

  // What the decoder accepts, read from the bytes alone: the canonical
  // encodings, those the encoder can produce.
  predicate dsg_aenc_table_ok{L}(uint8_t *b, integer n, integer m) =
    \forall integer k; 0 <= k < m ==>
      dsg_aenc_off(b, k) <= dsg_aenc_off(b, k + 1) <= n &&
      dsg_aenc_off(b, k + 1) - dsg_aenc_off(b, k) <= DSG_AENC_ITEM_MAX;

  predicate dsg_aenc_canonical{L}(uint8_t *b, integer n) =
    n >= DSG_AENC_HEAD && b[0] == DSG_AENC_VERSION &&
    2 <= dsg_aenc_le32(b + 13) <= DSG_AENC_ITEMS_MAX &&
    dsg_aenc_le32(b + 13) % 2 == 0 &&
    n >= dsg_aenc_data(dsg_aenc_le32(b + 13)) &&
    dsg_aenc_off(b, 0) == dsg_aenc_data(dsg_aenc_le32(b + 13)) &&
    dsg_aenc_off(b, dsg_aenc_le32(b + 13)) == n &&
    dsg_aenc_table_ok(b, n, dsg_aenc_le32(b + 13));
*/

#endif
