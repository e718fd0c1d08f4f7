/*
 * The canonical encoding of an audit record (REQ-LOG-003, REQ-LOG-039):
 * the bytes the audit chain hashes and MACs, so that equal records give
 * equal bytes and different records different bytes.
 *
 * A record is its log type, its per-source sequence number and a list of
 * items: item 0 the source, item 1 recorded_at, then one name and one
 * value per field, in the order the caller gives them (the store fixes the
 * order: the schema's). The encoding:
 *
 *   offset  size          what
 *   0       1             version (1)
 *   1       4             type, little-endian
 *   5       8             seq, little-endian
 *   13      4             nitems, little-endian (even, 2..66)
 *   17      4*(nitems+1)  offset table: where each item starts, then the end
 *   ...                   the items' bytes, back to back, in order
 *
 * Every length is explicit (an item ends where the next one starts), so
 * no byte value inside an item can be mistaken for a separator. The
 * decoder accepts exactly the encodings the encoder can produce
 * (dsg_aenc_canonical) and hands out the items as slices of its input.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O.
 */
#ifndef DSG_AUDIT_ENC_H
#define DSG_AUDIT_ENC_H

#include <stddef.h>
#include <stdint.h>

#define DSG_AENC_VERSION 1u
#define DSG_AENC_HEAD 17u             /* version, type, seq, nitems */
#define DSG_AENC_FIELDS_MAX 32u       /* fields of one record */
#define DSG_AENC_ITEMS_MAX 66u        /* 2 + 2 * DSG_AENC_FIELDS_MAX */
#define DSG_AENC_ITEM_MAX 8192u       /* bytes of one item (log.max_field_bytes at most) */
/* The longest encoding: header, full table, every item at its limit. The
 * encoder wants an output buffer at least this large. */
#define DSG_AENC_SIZE_MAX (DSG_AENC_HEAD + 4u * (DSG_AENC_ITEMS_MAX + 1u) + \
                           DSG_AENC_ITEMS_MAX * DSG_AENC_ITEM_MAX)

typedef struct dsg_aenc_item {
    const uint8_t *p;   /* the bytes: p[0 .. len) */
    uint32_t len;
} dsg_aenc_item;

typedef struct dsg_aenc_record {
    uint32_t type;      /* the log type (別紙 number, or an internal type) */
    uint64_t seq;       /* per source, from 1 */
    uint32_t nitems;    /* 2 + 2 * fields */
    dsg_aenc_item item[DSG_AENC_ITEMS_MAX];   /* source, recorded_at, name, value, ... */
} dsg_aenc_record;

#include "acsl/audit_enc.acsl.h"

/* The C twin of dsg_aenc_record_ok. @relation(REQ-LOG-039) */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_aenc_record_ok(r);
*/
__attribute__((warn_unused_result))
int dsg_aenc_record_is_valid(const dsg_aenc_record *r);

/* Encodes r into out[0 .. *len). Returns 0; -1 for a record that is not
 * dsg_aenc_record_ok; -2 when cap is below DSG_AENC_SIZE_MAX. Nothing is
 * written unless it returns 0. Equal records give equal bytes: the bytes
 * that encode a record are fixed by its content (dsg_aenc_deterministic,
 * below). @relation(REQ-LOG-003, REQ-LOG-039) */
/*@ requires dsg_aenc_record_mem(r);
    requires \valid(out + (0 .. cap - 1)) && \valid(len);
    requires \separated(r, len, out + (0 .. cap - 1));
    requires \forall integer k; 0 <= k < r->nitems && k < DSG_AENC_ITEMS_MAX ==>
               \separated(r->item[k].p + (0 .. r->item[k].len - 1), out + (0 .. cap - 1), len);
    assigns out[0 .. cap - 1], *len;
    behavior invalid:
      assumes !dsg_aenc_record_ok(r);
      assigns \nothing;
      ensures \result == -1;
    behavior small_buffer:
      assumes dsg_aenc_record_ok(r) && cap < DSG_AENC_SIZE_MAX;
      assigns \nothing;
      ensures \result == -2;
    behavior encoded:
      assumes dsg_aenc_record_ok(r) && cap >= DSG_AENC_SIZE_MAX;
      ensures \result == 0;
      ensures *len <= DSG_AENC_SIZE_MAX;
      ensures dsg_aenc_encodes(r, out, *len);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_aenc_encode(const dsg_aenc_record *r, uint8_t *out, size_t cap, size_t *len);

/* Decodes b[0 .. n) into *r, whose items then point into b. Returns 0 for
 * a canonical encoding (and then r encodes to exactly b[0 .. n)), -1
 * otherwise, leaving *r untouched. @relation(REQ-LOG-003, REQ-LOG-039) */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(r);
    requires \separated(r, b + (0 .. n - 1));
    assigns *r;
    behavior refused:
      assumes !dsg_aenc_canonical(b, n);
      assigns \nothing;
      ensures \result == -1;
    behavior decoded:
      assumes dsg_aenc_canonical(b, n);
      ensures \result == 0;
      ensures dsg_aenc_record_ok(r) && dsg_aenc_record_mem(r);
      ensures dsg_aenc_encodes(r, b, n);
      ensures \forall integer k; 0 <= k < r->nitems ==>
                r->item[k].p == b + dsg_aenc_off(b, k);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_aenc_decode(const uint8_t *b, size_t n, dsg_aenc_record *r);

/* Equal records give equal bytes (REQ-LOG-003), the converse of the lemma
 * dsg_aenc_injective: bytes that encode records with the same content
 * (dsg_aenc_same) are the same bytes, as long and byte for byte equal.
 * A theorem, stated as the contract of a ghost function (Frama-C's alone:
 * nothing of it is compiled) and proved with the module. Its proof is an
 * induction over the offset table, which the provers do not do by
 * themselves: the induction is a loop in its body (audit_enc.c), and m,
 * the item count, is the loop's bound. */
/*@ ghost
  /@ requires m == a->nitems;
     requires dsg_aenc_same(a, c);
     requires dsg_aenc_encodes(a, b1, n1);
     requires dsg_aenc_encodes(c, b2, n2);
     assigns \nothing;
     ensures n1 == n2;
     ensures \forall integer i; 0 <= i < n1 ==> b1[i] == b2[i];
  @/
  void dsg_aenc_deterministic(const dsg_aenc_record *a, const dsg_aenc_record *c,
                              const uint8_t *b1, size_t n1,
                              const uint8_t *b2, size_t n2, uint32_t m);
*/

#endif
