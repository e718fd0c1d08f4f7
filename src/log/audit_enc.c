/*
 * The canonical encoding of an audit record: see audit_enc.h. Integers are
 * built byte by byte with arithmetic (no shifts), items are copied byte by
 * byte, and each loop states what it has established so far.
 *
 * The proof (acsl/PROOFS.md, "audit_enc") is shaped by WP's memory model:
 *
 * - The items' bytes and the output share one memory (bytes), so every
 *   write to the output must be shown to spare the items. The encoder
 *   writes the header and the offset table first (put_front), the items
 *   last (put_data), so nothing written after the items must be shown to
 *   spare them; put_data states its progress against the items' bytes as
 *   they were on entry (\at(.., Pre)), so that the items' separation from
 *   the output is used once per item, for the item being copied, and once
 *   at the end.
 * - The offset table is computed first as a value (aenc_table, never
 *   addressed), which WP keeps apart from memory: building it cannot touch
 *   the record's lengths, and writing the output cannot touch it.
 * - A loop invariant over k < i is re-established from assertions about
 *   k < i and about k in [i, i + 1): the provers then need no case split
 *   with k == i, which they find hard under many quantified hypotheses.
 * - One step of the encoder's proof (items_in_place) is a ghost function
 *   with an empty body, proved in a context of its own.
 * - Determinism (dsg_aenc_deterministic, at the end) is ghost code too: an
 *   induction over the offset table, written as a loop, whose steps are
 *   ghost functions proved each in a context of its own.
 */
#include "log/audit_enc.h"

/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures \result == dsg_aenc_le32(p);
*/
static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] + (uint32_t)p[1] * 256u + (uint32_t)p[2] * 65536u +
           (uint32_t)p[3] * 16777216u;
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing;
    ensures \result == dsg_aenc_le64(p);
*/
static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) + (uint64_t)get_u32(p + 4) * 4294967296u;
}

/*@ requires \valid(p + (0 .. 3));
    assigns p[0 .. 3];
    ensures dsg_aenc_le32(p) == v;
*/
static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v % 256u);
    p[1] = (uint8_t)(v / 256u % 256u);
    p[2] = (uint8_t)(v / 65536u % 256u);
    p[3] = (uint8_t)(v / 16777216u);
}

/*@ requires \valid(p + (0 .. 7));
    assigns p[0 .. 7];
    ensures dsg_aenc_le64(p) == v;
*/
static void put_u64(uint8_t *p, uint64_t v)
{
    put_u32(p, (uint32_t)(v % 4294967296u));
    put_u32(p + 4, (uint32_t)(v / 4294967296u));
}

/* dst[0 .. it->len) = the item's bytes, stated against them as they were
 * on entry. The item's pointer is used only to read its bytes, so an
 * empty item's pointer is never used at all (it may be anything). */
/*@ requires \valid_read(it) && \valid_read(it->p + (0 .. it->len - 1));
    requires \valid(dst + (0 .. it->len - 1));
    requires \separated(dst + (0 .. it->len - 1), it->p + (0 .. it->len - 1));
    assigns dst[0 .. it->len - 1];
    ensures \forall integer j; 0 <= j < it->len ==> dst[j] == \old(it->p[j]);
*/
static void copy_item(uint8_t *dst, const dsg_aenc_item *it)
{
    /*@ loop invariant 0 <= i <= it->len;
        loop invariant \forall integer j; 0 <= j < i ==> dst[j] == \at(it->p[j], Pre);
        loop assigns i, dst[0 .. it->len - 1];
        loop variant it->len - i;
    */
    for (uint32_t i = 0; i < it->len; i++)
        dst[i] = it->p[i];
}

int dsg_aenc_record_is_valid(const dsg_aenc_record *r)
{
    uint32_t m = r->nitems;
    if (m < 2u || m > DSG_AENC_ITEMS_MAX || m % 2u != 0u)
        return 0;
    /*@ loop invariant 0 <= k <= m;
        loop invariant \forall integer j; 0 <= j < k ==> r->item[j].len <= DSG_AENC_ITEM_MAX;
        loop assigns k;
        loop variant m - k;
    */
    for (uint32_t k = 0; k < m; k++)
        if (r->item[k].len > DSG_AENC_ITEM_MAX)
            return 0;
    return 1;
}

/* Entry k of the offset table of b. The address is computed in one step:
 * b + DSG_AENC_HEAD alone need not be a valid pointer value. */
/*@ requires k <= DSG_AENC_ITEMS_MAX;
    requires \valid_read(b + (0 .. DSG_AENC_HEAD + 4 * k + 3));
    assigns \nothing;
    ensures \result == dsg_aenc_off(b, k);
*/
static uint32_t off_at(const uint8_t *b, uint32_t k)
{
    return get_u32(b + (DSG_AENC_HEAD + 4u * k));
}

/*@ requires k <= DSG_AENC_ITEMS_MAX;
    requires \valid(b + (0 .. DSG_AENC_HEAD + 4 * k + 3));
    assigns b[DSG_AENC_HEAD + 4 * k .. DSG_AENC_HEAD + 4 * k + 3];
    ensures dsg_aenc_off(b, k) == v;
*/
static void put_off(uint8_t *b, uint32_t k, uint32_t v)
{
    put_u32(b + (DSG_AENC_HEAD + 4u * k), v);
}

/* The offset table of a record: at[k] is where item k starts, at[m] where
 * the encoding ends. It is a value, never addressed, so that WP keeps it
 * as a logic array apart from memory: writing it cannot touch the record,
 * nor writing the output it. */
typedef struct aenc_table {
    uint32_t at[DSG_AENC_ITEMS_MAX + 1];
} aenc_table;

/* The table of r. Besides each entry being the previous one plus the
 * item's length, it states the facts put_data needs in the form put_data
 * uses them. In the loop, the new entry is stated for an index k in
 * [i, i + 1) (and k2 in [i + 1, i + 2)), so that the invariants at i + 1
 * follow from the assertions by arithmetic on the indices alone. */
/*@ requires \valid_read(r) && dsg_aenc_record_ok(r);
    assigns \nothing;
    ensures \result.at[0] == dsg_aenc_data(r->nitems);
    ensures \result.at[r->nitems] <= DSG_AENC_SIZE_MAX;
    ensures \forall integer k; 0 <= k < r->nitems ==>
              \result.at[k + 1] == \result.at[k] + r->item[k].len;
    ensures \forall integer k; 0 <= k <= r->nitems ==> \result.at[0] <= \result.at[k];
    ensures \forall integer k, k2; 0 <= k < k2 <= r->nitems ==>
              \result.at[k] + r->item[k].len <= \result.at[k2];
*/
static aenc_table layout(const dsg_aenc_record *r)
{
    aenc_table t = {{0}};
    uint32_t m = r->nitems;
    uint32_t data = DSG_AENC_HEAD + 4u * (m + 1u);
    t.at[0] = data;
    /*@ loop invariant 0 <= i <= m;
        loop invariant t.at[0] == data;
        loop invariant t.at[i] <= data + i * DSG_AENC_ITEM_MAX;
        loop invariant \forall integer k; 0 <= k < i ==> t.at[k + 1] == t.at[k] + r->item[k].len;
        loop invariant \forall integer k, k2; 0 <= k < k2 <= i ==>
                         t.at[k] + r->item[k].len <= t.at[k2];
        loop assigns i, t;
        loop variant m - i;
    */
    for (uint32_t i = 0; i < m; i++) {
        /*@ assert \forall integer k; 0 <= k < i ==> t.at[k] + r->item[k].len <= t.at[i]; */
        t.at[i + 1] = t.at[i] + r->item[i].len;
        /*@ assert \forall integer k; i <= k < i + 1 ==> t.at[k + 1] == t.at[k] + r->item[k].len; */
        /*@ assert \forall integer k, k2; i <= k < i + 1 && i + 1 <= k2 < i + 2 ==>
                     t.at[k] + r->item[k].len <= t.at[k2]; */
        /*@ assert \forall integer k, k2; 0 <= k < i && i + 1 <= k2 < i + 2 ==>
                     t.at[k] + r->item[k].len <= t.at[k2]; */
    }
    return t;
}

/* The header: version, type, seq, nitems. */
/*@ requires \valid(out + (0 .. DSG_AENC_HEAD - 1));
    assigns out[0 .. DSG_AENC_HEAD - 1];
    ensures out[0] == DSG_AENC_VERSION;
    ensures dsg_aenc_le32(out + 1) == type;
    ensures dsg_aenc_le64(out + 5) == seq;
    ensures dsg_aenc_le32(out + 13) == m;
*/
static void put_head(uint32_t type, uint64_t seq, uint32_t m, uint8_t *out)
{
    out[0] = (uint8_t)DSG_AENC_VERSION;
    put_u32(out + 1, type);
    put_u64(out + 5, seq);
    put_u32(out + 13, m);
}

/* The offset table: entries 0 .. m. */
/*@ requires 2 <= m <= DSG_AENC_ITEMS_MAX;
    requires \valid(out + (0 .. DSG_AENC_SIZE_MAX - 1));
    assigns out[DSG_AENC_HEAD .. dsg_aenc_data(m) - 1];
    ensures \forall integer k; 0 <= k <= m ==> dsg_aenc_off(out, k) == t.at[k];
*/
static void put_table(aenc_table t, uint32_t m, uint8_t *out)
{
    /*@ loop invariant 0 <= k <= m + 1;
        loop invariant \forall integer k2; 0 <= k2 < k ==> dsg_aenc_off(out, k2) == t.at[k2];
        loop assigns k, out[DSG_AENC_HEAD .. dsg_aenc_data(m) - 1];
        loop variant m + 1 - k;
    */
    for (uint32_t k = 0; k <= m; k++)
        put_off(out, k, t.at[k]);
}

/* The header and the offset table: everything before the items. */
/*@ requires 2 <= m <= DSG_AENC_ITEMS_MAX;
    requires \valid(out + (0 .. DSG_AENC_SIZE_MAX - 1));
    assigns out[0 .. dsg_aenc_data(m) - 1];
    ensures out[0] == DSG_AENC_VERSION;
    ensures dsg_aenc_le32(out + 1) == type;
    ensures dsg_aenc_le64(out + 5) == seq;
    ensures dsg_aenc_le32(out + 13) == m;
    ensures \forall integer k; 0 <= k <= m ==> dsg_aenc_off(out, k) == t.at[k];
*/
static void put_front(uint32_t type, uint64_t seq, aenc_table t, uint32_t m, uint8_t *out)
{
    put_head(type, seq, m, out);
    put_table(t, m, out);
}

/* The items' bytes at their offsets. */
/*@ requires dsg_aenc_record_mem(r) && dsg_aenc_record_ok(r);
    requires \valid(out + (0 .. DSG_AENC_SIZE_MAX - 1));
    requires \forall integer k; 0 <= k < r->nitems ==>
               \separated(r->item[k].p + (0 .. r->item[k].len - 1),
                          out + (0 .. DSG_AENC_SIZE_MAX - 1));
    requires t.at[0] == dsg_aenc_data(r->nitems);
    requires t.at[r->nitems] <= DSG_AENC_SIZE_MAX;
    requires \forall integer k; 0 <= k <= r->nitems ==> t.at[0] <= t.at[k];
    requires \forall integer k, k2; 0 <= k < k2 <= r->nitems ==>
               t.at[k] + r->item[k].len <= t.at[k2];
    assigns out[dsg_aenc_data(r->nitems) .. DSG_AENC_SIZE_MAX - 1];
    ensures \forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
              out[t.at[k] + j] == r->item[k].p[j];
*/
static void put_data(const dsg_aenc_record *r, aenc_table t, uint8_t *out)
{
    uint32_t m = r->nitems;
    /*@ loop invariant 0 <= i <= m;
        loop invariant \forall integer k, j; 0 <= k < i && 0 <= j < r->item[k].len ==>
                         out[t.at[k] + j] == \at(r->item[k].p[j], Pre);
        loop assigns i, out[dsg_aenc_data(m) .. DSG_AENC_SIZE_MAX - 1];
        loop variant m - i;
    */
    for (uint32_t i = 0; i < m; i++) {
        uint32_t at = t.at[i];
        /*@ assert t.at[0] <= at && at + r->item[i].len <= t.at[m] &&
                   t.at[m] <= DSG_AENC_SIZE_MAX; */
        /*@ assert \forall integer k; 0 <= k < i ==> t.at[k] + r->item[k].len <= at; */
        /*@ assert \let k = i; \forall integer j; 0 <= j < r->item[k].len ==>
                     r->item[k].p[j] == \at(r->item[k].p[j], Pre); */
        copy_item(out + at, &r->item[i]);
        /*@ assert \forall integer k, j; i <= k < i + 1 && 0 <= j < r->item[k].len ==>
                     out[t.at[k] + j] == \at(r->item[k].p[j], Pre); */
        /*@ assert \forall integer k, j; 0 <= k < i && 0 <= j < r->item[k].len ==>
                     out[t.at[k] + j] == \at(r->item[k].p[j], Pre); */
    }
    /*@ assert \forall integer k, j; 0 <= k < m && 0 <= j < r->item[k].len ==>
                 r->item[k].p[j] == \at(r->item[k].p[j], Pre); */
}

/* A step of the proof, as a ghost function (no code): the items put_data
 * wrote at the table's offsets are where the offset table in the output
 * says they are. Proved here, in a context of its own, it spares the
 * encoder's proof the rewriting of offsets read from memory. */
/*@ ghost
/@ requires \forall integer k; 0 <= k <= r->nitems ==> dsg_aenc_off(out, k) == t.at[k];
   requires \forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
              out[t.at[k] + j] == r->item[k].p[j];
   assigns \nothing;
   ensures \forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
              out[dsg_aenc_off(out, k) + j] == r->item[k].p[j];
@/
static void items_in_place(const dsg_aenc_record *r, aenc_table t, uint8_t *out)
{
}
*/

int dsg_aenc_encode(const dsg_aenc_record *r, uint8_t *out, size_t cap, size_t *len)
{
    if (!dsg_aenc_record_is_valid(r))
        return -1;
    if (cap < DSG_AENC_SIZE_MAX)
        return -2;
    uint32_t m = r->nitems;
    aenc_table t = layout(r);
    *len = t.at[m];
    put_front(r->type, r->seq, t, m, out);
    put_data(r, t, out);
    /*@ assert \forall integer k; 0 <= k <= m ==> dsg_aenc_off(out, k) == t.at[k]; */
    /*@ ghost items_in_place(r, t, out); */
    /*@ assert \forall integer k; 0 <= k < m ==>
                 dsg_aenc_off(out, k + 1) == dsg_aenc_off(out, k) + r->item[k].len; */
    /*@ assert dsg_aenc_off(out, 0) == dsg_aenc_data(m) && dsg_aenc_off(out, m) == *len; */
    /*@ assert out[0] == DSG_AENC_VERSION; */
    /*@ assert dsg_aenc_le32(out + 1) == r->type; */
    /*@ assert dsg_aenc_le64(out + 5) == r->seq; */
    /*@ assert dsg_aenc_le32(out + 13) == m; */
    return 0;
}

/* Whether the offset table of b[0 .. n) (m items) is ascending, inside
 * the buffer, and no item is over the limit. */
/*@ requires \valid_read(b + (0 .. n - 1));
    requires 2 <= m <= DSG_AENC_ITEMS_MAX && n >= dsg_aenc_data(m);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_aenc_table_ok(b, n, m);
*/
static int table_ok(const uint8_t *b, size_t n, uint32_t m)
{
    /*@ loop invariant 0 <= k <= m;
        loop invariant dsg_aenc_table_ok(b, n, k);
        loop assigns k;
        loop variant m - k;
    */
    for (uint32_t k = 0; k < m; k++) {
        uint32_t from = off_at(b, k);
        uint32_t to = off_at(b, k + 1u);
        if (to < from || to > n || to - from > DSG_AENC_ITEM_MAX)
            return 0;
    }
    return 1;
}

/* Whether b[0 .. n) is a canonical encoding (the C twin of
 * dsg_aenc_canonical). */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_aenc_canonical(b, n);
*/
static int canonical(const uint8_t *b, size_t n)
{
    if (n < DSG_AENC_HEAD || b[0] != DSG_AENC_VERSION)
        return 0;
    uint32_t m = get_u32(b + 13);
    if (m < 2u || m > DSG_AENC_ITEMS_MAX || m % 2u != 0u)
        return 0;
    uint32_t data = DSG_AENC_HEAD + 4u * (m + 1u);
    if (n < data)
        return 0;
    if (off_at(b, 0) != data || off_at(b, m) != n)
        return 0;
    return table_ok(b, n, m);
}

/* The items of a canonical b[0 .. n) with m items: slices of b. */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid(r);
    requires 2 <= m <= DSG_AENC_ITEMS_MAX && n >= dsg_aenc_data(m);
    requires dsg_aenc_table_ok(b, n, m);
    assigns r->item[0 .. m - 1];
    ensures \forall integer k; 0 <= k < m ==> r->item[k].p == b + dsg_aenc_off(b, k);
    ensures \forall integer k; 0 <= k < m ==>
              dsg_aenc_off(b, k) + r->item[k].len == dsg_aenc_off(b, k + 1);
    ensures \forall integer k; 0 <= k < m ==> 0 <= dsg_aenc_off(b, k);
    ensures \forall integer k; 0 <= k < m ==> r->item[k].len <= DSG_AENC_ITEM_MAX;
    ensures \forall integer k; 0 <= k < m ==>
              \valid_read(r->item[k].p + (0 .. r->item[k].len - 1));
    ensures \forall integer k, j; 0 <= k < m && 0 <= j < r->item[k].len ==>
              r->item[k].p + j == b + (dsg_aenc_off(b, k) + j);
    ensures \forall integer k, j; 0 <= k < m && 0 <= j < r->item[k].len ==>
              b[dsg_aenc_off(b, k) + j] == r->item[k].p[j];
*/
static void set_items(const uint8_t *b, size_t n, uint32_t m, dsg_aenc_record *r)
{
    (void)n;   /* the contract's: where the table's offsets may point */
    /*@ loop invariant 0 <= k <= m;
        loop invariant \forall integer j; 0 <= j < k ==> r->item[j].p == b + dsg_aenc_off(b, j);
        loop invariant \forall integer j; 0 <= j < k ==>
                         dsg_aenc_off(b, j) + r->item[j].len == dsg_aenc_off(b, j + 1);
        loop invariant \forall integer j; 0 <= j < k ==> 0 <= dsg_aenc_off(b, j);
        loop assigns k, r->item[0 .. m - 1];
        loop variant m - k;
    */
    for (uint32_t k = 0; k < m; k++) {
        uint32_t from = off_at(b, k);
        uint32_t to = off_at(b, k + 1u);
        r->item[k].p = b + from;
        r->item[k].len = to - from;
        /*@ assert \forall integer j; 0 <= j < k ==>
                     r->item[j].p == \at(r->item[j].p, LoopCurrent) &&
                     r->item[j].len == \at(r->item[j].len, LoopCurrent); */
        /*@ assert \forall integer j; k <= j < k + 1 ==>
                     r->item[j].p == b + dsg_aenc_off(b, j) &&
                     dsg_aenc_off(b, j) + r->item[j].len == dsg_aenc_off(b, j + 1) &&
                     0 <= dsg_aenc_off(b, j); */
    }
}

int dsg_aenc_decode(const uint8_t *b, size_t n, dsg_aenc_record *r)
{
    if (!canonical(b, n))
        return -1;
    uint32_t m = get_u32(b + 13);
    r->type = get_u32(b + 1);
    r->seq = get_u64(b + 5);
    r->nitems = m;
    set_items(b, n, m, r);
    /*@ assert dsg_aenc_le32(b + 1) == r->type && dsg_aenc_le64(b + 5) == r->seq &&
               dsg_aenc_le32(b + 13) == r->nitems; */
    return 0;
}

/* Determinism: the proof of dsg_aenc_deterministic (audit_enc.h), ghost
 * code only. Bytes that encode records with the same content agree on the
 * header (each field's value is the record's, and a little-endian value
 * of bytes fixes its bytes), then entry by entry on the offset table and
 * item by item on the data: the table's first entry is fixed, each next
 * entry is the previous one plus the item's length, and the bytes between
 * two entries are the item's. That is an induction over the table, done by
 * the loop of same_table_items; the other functions are its steps, each
 * proved in a context of its own, where the provers need no search. */

/*@ // Item k of r is at its offset in b, for every item (the last clause
    // of dsg_aenc_encodes).
    predicate items_at{L}(dsg_aenc_record *r, uint8_t *b) =
      \forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
        b[dsg_aenc_off(b, k) + j] == r->item[k].p[j];

    // Entry k + 1 of b's offset table is entry k plus item k's length.
    predicate table_step{L}(dsg_aenc_record *r, uint8_t *b, integer k) =
      dsg_aenc_off(b, k + 1) == dsg_aenc_off(b, k) + r->item[k].len;
*/

/*@ ghost
/@ requires dsg_aenc_le32(b1 + o) == dsg_aenc_le32(b2 + o);
   assigns \nothing;
   ensures \forall integer i; o <= i < o + 4 ==> b1[i] == b2[i];
@/
static void same_u32(const uint8_t *b1, const uint8_t *b2, size_t o)
{
    /@ assert b1[o] == b2[o] && b1[o + 1] == b2[o + 1] && b1[o + 2] == b2[o + 2] &&
              b1[o + 3] == b2[o + 3]; @/
}

/@ requires o <= SIZE_MAX - 8;
   requires dsg_aenc_le64(b1 + o) == dsg_aenc_le64(b2 + o);
   assigns \nothing;
   ensures \forall integer i; o <= i < o + 8 ==> b1[i] == b2[i];
@/
static void same_u64(const uint8_t *b1, const uint8_t *b2, size_t o)
{
    /@ assert 0 <= dsg_aenc_le32(b1 + o) < 4294967296 &&
              0 <= dsg_aenc_le32(b2 + o) < 4294967296; @/
    /@ assert dsg_aenc_le32(b1 + (o + 4)) == dsg_aenc_le32(b2 + (o + 4)); @/
    same_u32(b1, b2, o);
    same_u32(b1, b2, o + 4);
}

/@ requires items_at(a, b1) && items_at(a, b2);
   requires 0 <= k < a->nitems && dsg_aenc_off(b1, k) == dsg_aenc_off(b2, k);
   assigns \nothing;
   ensures \forall integer i; dsg_aenc_off(b1, k) <= i < dsg_aenc_off(b1, k) + a->item[k].len ==>
             b1[i] == b2[i];
@/
static void same_item(const dsg_aenc_record *a, const uint8_t *b1, const uint8_t *b2, uint32_t k)
{
    /@ assert \forall integer i;
                dsg_aenc_off(b1, k) <= i < dsg_aenc_off(b1, k) + a->item[k].len ==>
                b1[i] == a->item[k].p[i - dsg_aenc_off(b1, k)]; @/
    /@ assert \forall integer i;
                dsg_aenc_off(b2, k) <= i < dsg_aenc_off(b2, k) + a->item[k].len ==>
                b2[i] == a->item[k].p[i - dsg_aenc_off(b2, k)]; @/
}

/@ requires m == a->nitems;
   requires items_at(a, b1) && items_at(a, b2);
   requires \forall integer k; 0 <= k < m ==> table_step(a, b1, k);
   requires \forall integer k; 0 <= k < m ==> table_step(a, b2, k);
   requires dsg_aenc_off(b1, 0) == dsg_aenc_data(m) && dsg_aenc_off(b2, 0) == dsg_aenc_data(m);
   assigns \nothing;
   ensures \forall integer i; DSG_AENC_HEAD <= i < dsg_aenc_data(m) ==> b1[i] == b2[i];
   ensures dsg_aenc_off(b1, m) == dsg_aenc_off(b2, m);
   ensures \forall integer i; dsg_aenc_data(m) <= i < dsg_aenc_off(b1, m) ==> b1[i] == b2[i];
@/
static void same_table_items(const dsg_aenc_record *a, const uint8_t *b1, const uint8_t *b2,
                             uint32_t m)
{
    same_u32(b1, b2, DSG_AENC_HEAD);
    /@ loop invariant 0 <= k <= m;
       loop invariant \forall integer j; 0 <= j <= k ==> dsg_aenc_off(b1, j) == dsg_aenc_off(b2, j);
       loop invariant \forall integer i; DSG_AENC_HEAD <= i < dsg_aenc_data(k) ==> b1[i] == b2[i];
       loop invariant \forall integer i; dsg_aenc_data(m) <= i < dsg_aenc_off(b1, k) ==>
                        b1[i] == b2[i];
       loop assigns k;
       loop variant m - k;
    @/
    for (uint32_t k = 0; k < m; k++) {
        /@ assert table_step(a, b1, k) && table_step(a, b2, k); @/
        /@ assert \forall integer j; k + 1 <= j < k + 2 ==>
                    dsg_aenc_off(b1, j) == dsg_aenc_off(b2, j); @/
        same_u32(b1, b2, DSG_AENC_HEAD + 4 * ((size_t)k + 1));
        same_item(a, b1, b2, k);
    }
}

void dsg_aenc_deterministic(const dsg_aenc_record *a, const dsg_aenc_record *c,
                            const uint8_t *b1, size_t n1, const uint8_t *b2, size_t n2, uint32_t m)
{
    same_u32(b1, b2, 1);
    same_u64(b1, b2, 5);
    same_u32(b1, b2, 13);
    /@ assert items_at(c, b2); @/
    /@ assert items_at(a, b2); @/
    /@ assert \forall integer k; 0 <= k < m ==> table_step(a, b2, k); @/
    same_table_items(a, b1, b2, m);
}
*/
