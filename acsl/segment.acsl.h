/*
 * ACSL logic for the stored-object format (src/stor/segment.h): the
 * header's big-endian fields, a segment's position (index, last flag), its
 * nonce and associated data bytes. Included by that header after the types
 * it talks about; installed with it. No axioms: every function and
 * predicate is a plain definition, and the lemmas are proved by WP like any
 * other goal.
 */
#ifndef DSG_ACSL_SEGMENT_H
#define DSG_ACSL_SEGMENT_H

/*@
  // Big-endian integers at p.
  logic integer dsg_seg_be16{L}(uint8_t *p) = 256 * p[0] + p[1];
  logic integer dsg_seg_be32{L}(uint8_t *p) =
    16777216 * p[0] + 65536 * p[1] + 256 * p[2] + p[3];
  logic integer dsg_seg_be64{L}(uint8_t *p) =
    4294967296 * dsg_seg_be32(p) + dsg_seg_be32(p + 4);

  // Byte k (0 .. 3) of the big-endian 32-bit form of v.
  logic integer dsg_seg_be32_byte(integer v, integer k) =
    k == 0 ? v / 16777216 % 256 :
    k == 1 ? v / 65536 % 256 :
    k == 2 ? v / 256 % 256 : v % 256;

  // A position an object can have: the index of one of at most 2^32
  // segments, a last flag of 0 or 1, and only a last segment at the
  // greatest index (a segment after it would be the 2^32 + 1st).
  predicate dsg_seg_pos_ok(integer index, integer last) =
    0 <= index <= DSG_SEG_INDEX_MAX && (last == 0 || last == 1) &&
    (last == 1 || index < DSG_SEG_INDEX_MAX);

  // Byte k (0 .. 11) of the nonce of the segment at (index, last): seven
  // zero bytes, the index big-endian, the last flag.
  logic integer dsg_seg_nonce_byte(integer index, integer last, integer k) =
    k < 7 ? 0 : (k < 11 ? dsg_seg_be32_byte(index, k - 7) : last);

  predicate dsg_seg_is_nonce{L}(uint8_t *n, integer index, integer last) =
    \forall integer k; 0 <= k < DSG_SEG_NONCE_LEN ==>
      n[k] == dsg_seg_nonce_byte(index, last, k);

  // The index is its four bytes: the step of the injectivity proof.
  lemma dsg_seg_be32_bytes_determine:
    \forall integer a, b; 0 <= a <= DSG_SEG_INDEX_MAX && 0 <= b <= DSG_SEG_INDEX_MAX &&
      dsg_seg_be32_byte(a, 0) == dsg_seg_be32_byte(b, 0) &&
      dsg_seg_be32_byte(a, 1) == dsg_seg_be32_byte(b, 1) &&
      dsg_seg_be32_byte(a, 2) == dsg_seg_be32_byte(b, 2) &&
      dsg_seg_be32_byte(a, 3) == dsg_seg_be32_byte(b, 3) ==> a == b;

  // The bytes that vary, 7 .. 11, determine the position.
  lemma dsg_seg_nonce_tail_determines:
    \forall integer i1, l1, i2, l2;
      dsg_seg_pos_ok(i1, l1) && dsg_seg_pos_ok(i2, l2) &&
      dsg_seg_nonce_byte(i1, l1, 7) == dsg_seg_nonce_byte(i2, l2, 7) &&
      dsg_seg_nonce_byte(i1, l1, 8) == dsg_seg_nonce_byte(i2, l2, 8) &&
      dsg_seg_nonce_byte(i1, l1, 9) == dsg_seg_nonce_byte(i2, l2, 9) &&
      dsg_seg_nonce_byte(i1, l1, 10) == dsg_seg_nonce_byte(i2, l2, 10) &&
      dsg_seg_nonce_byte(i1, l1, 11) == dsg_seg_nonce_byte(i2, l2, 11) ==>
      i1 == i2 && l1 == l2;

  // REQ-STOR-004: for one data key, two positions with the same nonce bytes
  // are the same position. (Bytes 7 and 11, named in the conclusion too,
  // give the provers the terms to instantiate the hypothesis with.)
  lemma dsg_seg_nonce_injective:
    \forall integer i1, l1, i2, l2;
      dsg_seg_pos_ok(i1, l1) && dsg_seg_pos_ok(i2, l2) &&
      (\forall integer k; 0 <= k < DSG_SEG_NONCE_LEN ==>
         dsg_seg_nonce_byte(i1, l1, k) == dsg_seg_nonce_byte(i2, l2, k)) ==>
      dsg_seg_nonce_byte(i1, l1, 7) == dsg_seg_nonce_byte(i2, l2, 7) &&
      dsg_seg_nonce_byte(i1, l1, 11) == dsg_seg_nonce_byte(i2, l2, 11) &&
      i1 == i2 && l1 == l2;

  // The same over the bytes of two nonces in memory: distinct positions
  // give nonces that differ in some byte.
  lemma dsg_seg_nonces_distinct{L1, L2}:
    \forall uint8_t *a, *b, integer i1, l1, i2, l2;
      dsg_seg_pos_ok(i1, l1) && dsg_seg_pos_ok(i2, l2) && (i1 != i2 || l1 != l2) &&
      dsg_seg_is_nonce{L1}(a, i1, l1) && dsg_seg_is_nonce{L2}(b, i2, l2) ==>
      \exists integer k; 0 <= k < DSG_SEG_NONCE_LEN && \at(a[k], L1) != \at(b[k], L2);

  // The associated data of the segment at (index, last) of the object id,
  // version: the object ID, the version (8 bytes), the index (4 bytes),
  // both big-endian, and the last flag.
  predicate dsg_seg_is_ad{L}(uint8_t *ad, uint8_t *id, integer version, integer index,
                             integer last) =
    (\forall integer k; 0 <= k < DSG_SEG_OBJECT_ID_LEN ==> ad[k] == id[k]) &&
    dsg_seg_be64(ad + DSG_SEG_OBJECT_ID_LEN) == version &&
    dsg_seg_be32(ad + DSG_SEG_OBJECT_ID_LEN + 8) == index &&
    ad[DSG_SEG_OBJECT_ID_LEN + 12] == last;

  // b[0 .. n) equals a[0 .. n).
  predicate dsg_seg_same_bytes{L1, L2}(uint8_t *b, uint8_t *a, integer n) =
    \forall integer k; 0 <= k < n ==> \at(b[k], L1) == \at(a[k], L2);

  predicate dsg_seg_magic_ok{L}(uint8_t *b) =
    b[0] == DSG_SEG_MAGIC0 && b[1] == DSG_SEG_MAGIC1 &&
    b[2] == DSG_SEG_MAGIC2 && b[3] == DSG_SEG_MAGIC3;

  // The header bytes b[4 .. DSG_SEG_HEADER_LEN) hold the fields of h.
  predicate dsg_seg_fields{L}(uint8_t *b, dsg_seg_header *h) =
    dsg_seg_be16(b + 4) == h->format && dsg_seg_be16(b + 6) == h->algorithm &&
    dsg_seg_same_bytes{L, L}(b + DSG_SEG_OFF_KEK_ID, &h->kek_id[0], DSG_SEG_KEK_ID_LEN) &&
    dsg_seg_same_bytes{L, L}(b + DSG_SEG_OFF_WRAPPED, &h->wrapped_key[0], DSG_SEG_WRAPPED_LEN) &&
    dsg_seg_same_bytes{L, L}(b + DSG_SEG_OFF_OBJECT_ID, &h->object_id[0],
                             DSG_SEG_OBJECT_ID_LEN) &&
    dsg_seg_be64(b + DSG_SEG_OFF_VERSION) == h->version;

  // The header bytes b[0 .. DSG_SEG_HEADER_LEN) encode h: the magic, then
  // the fields.
  predicate dsg_seg_encodes{L}(uint8_t *b, dsg_seg_header *h) =
    dsg_seg_magic_ok(b) && dsg_seg_fields(b, h);

  // The number of segments of an object of n plaintext bytes: one empty
  // last segment for 0, else n / 64 KiB rounded up.
  logic integer dsg_seg_count(integer n) =
    n == 0 ? 1 : (n + DSG_SEG_PLAIN_MAX - 1) / DSG_SEG_PLAIN_MAX;
*/

#endif
