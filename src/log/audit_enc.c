/*
 * The canonical encoding of an audit record: see audit_enc.h. Integers are
 * built byte by byte with arithmetic (no shifts), items are copied byte by
 * byte, and each loop states what it has established so far.
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

/*@ requires \valid(dst + (0 .. n - 1)) && \valid_read(src + (0 .. n - 1));
    requires \separated(dst + (0 .. n - 1), src + (0 .. n - 1));
    assigns dst[0 .. n - 1];
    ensures \forall integer j; 0 <= j < n ==> dst[j] == src[j];
*/
static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> dst[j] == src[j];
        loop assigns i, dst[0 .. n - 1];
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++)
        dst[i] = src[i];
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

/* Entry k of the offset table of b. */
/*@ requires k <= DSG_AENC_ITEMS_MAX;
    requires \valid_read(b + (DSG_AENC_HEAD + 4 * k .. DSG_AENC_HEAD + 4 * k + 3));
    assigns \nothing;
    ensures \result == dsg_aenc_off(b, k);
*/
static uint32_t off_at(const uint8_t *b, uint32_t k)
{
    return get_u32(b + DSG_AENC_HEAD + 4u * k);
}

/*@ requires k <= DSG_AENC_ITEMS_MAX;
    requires \valid(b + (DSG_AENC_HEAD + 4 * k .. DSG_AENC_HEAD + 4 * k + 3));
    assigns b[DSG_AENC_HEAD + 4 * k .. DSG_AENC_HEAD + 4 * k + 3];
    ensures dsg_aenc_off(b, k) == v;
*/
static void put_off(uint8_t *b, uint32_t k, uint32_t v)
{
    put_u32(b + DSG_AENC_HEAD + 4u * k, v);
}

/* Where each item will start, and the end: offs[0 .. m]. Computed in a
 * local array first, so that the item copies never depend on bytes of the
 * output they change. */
/*@ requires dsg_aenc_record_mem(r) && dsg_aenc_record_ok(r);
    requires \valid(offs + (0 .. DSG_AENC_ITEMS_MAX));
    requires \separated(r, offs + (0 .. DSG_AENC_ITEMS_MAX));
    assigns offs[0 .. DSG_AENC_ITEMS_MAX];
    ensures offs[0] == dsg_aenc_data(r->nitems);
    ensures \result == offs[r->nitems];
    ensures \result <= dsg_aenc_data(r->nitems) + r->nitems * DSG_AENC_ITEM_MAX;
    ensures \forall integer k; 0 <= k < r->nitems ==> offs[k + 1] == offs[k] + r->item[k].len;
    ensures \forall integer k, k2; 0 <= k <= k2 <= r->nitems ==> offs[k] <= offs[k2];
*/
static uint32_t layout(const dsg_aenc_record *r, uint32_t *offs)
{
    uint32_t m = r->nitems;
    uint32_t data = DSG_AENC_HEAD + 4u * (m + 1u);
    offs[0] = data;
    /*@ loop invariant 0 <= i <= m;
        loop invariant offs[0] == data;
        loop invariant offs[i] <= data + i * DSG_AENC_ITEM_MAX;
        loop invariant \forall integer k; 0 <= k < i ==> offs[k + 1] == offs[k] + r->item[k].len;
        loop invariant \forall integer k, k2; 0 <= k <= k2 <= i ==> offs[k] <= offs[k2];
        loop assigns i, offs[1 .. DSG_AENC_ITEMS_MAX];
        loop variant m - i;
    */
    for (uint32_t i = 0; i < m; i++)
        offs[i + 1] = offs[i] + r->item[i].len;
    return offs[m];
}

/* The items' bytes at their offsets. */
/*@ requires dsg_aenc_record_mem(r) && dsg_aenc_record_ok(r);
    requires \valid_read(offs + (0 .. DSG_AENC_ITEMS_MAX));
    requires \valid(out + (0 .. DSG_AENC_SIZE_MAX - 1));
    requires \separated(out + (0 .. DSG_AENC_SIZE_MAX - 1), r, offs + (0 .. DSG_AENC_ITEMS_MAX));
    requires \forall integer k; 0 <= k < r->nitems ==>
               \separated(r->item[k].p + (0 .. r->item[k].len - 1),
                          out + (0 .. DSG_AENC_SIZE_MAX - 1));
    requires offs[0] == dsg_aenc_data(r->nitems);
    requires offs[r->nitems] <= dsg_aenc_data(r->nitems) + r->nitems * DSG_AENC_ITEM_MAX;
    requires \forall integer k; 0 <= k < r->nitems ==> offs[k + 1] == offs[k] + r->item[k].len;
    requires \forall integer k, k2; 0 <= k <= k2 <= r->nitems ==> offs[k] <= offs[k2];
    assigns out[dsg_aenc_data(r->nitems) .. DSG_AENC_SIZE_MAX - 1];
    ensures \forall integer k, j; 0 <= k < r->nitems && 0 <= j < r->item[k].len ==>
              out[offs[k] + j] == r->item[k].p[j];
*/
static void put_data(const dsg_aenc_record *r, const uint32_t *offs, uint8_t *out)
{
    uint32_t m = r->nitems;
    /*@ loop invariant 0 <= i <= m;
        loop invariant \forall integer k, j; 0 <= k < i && 0 <= j < r->item[k].len ==>
                         out[offs[k] + j] == r->item[k].p[j];
        loop assigns i, out[dsg_aenc_data(m) .. DSG_AENC_SIZE_MAX - 1];
        loop variant m - i;
    */
    for (uint32_t i = 0; i < m; i++)
        copy_bytes(out + offs[i], r->item[i].p, r->item[i].len);
}

/* The offset table: entries 0 .. m. */
/*@ requires 2 <= m <= DSG_AENC_ITEMS_MAX;
    requires \valid_read(offs + (0 .. DSG_AENC_ITEMS_MAX));
    requires \valid(out + (0 .. DSG_AENC_SIZE_MAX - 1));
    requires \separated(out + (0 .. DSG_AENC_SIZE_MAX - 1), offs + (0 .. DSG_AENC_ITEMS_MAX));
    assigns out[DSG_AENC_HEAD .. dsg_aenc_data(m) - 1];
    ensures \forall integer k; 0 <= k <= m ==> dsg_aenc_off(out, k) == offs[k];
*/
static void put_table(const uint32_t *offs, uint32_t m, uint8_t *out)
{
    /*@ loop invariant 0 <= k <= m + 1;
        loop invariant \forall integer k2; 0 <= k2 < k ==> dsg_aenc_off(out, k2) == offs[k2];
        loop assigns k, out[DSG_AENC_HEAD .. dsg_aenc_data(m) - 1];
        loop variant m + 1 - k;
    */
    for (uint32_t k = 0; k <= m; k++)
        put_off(out, k, offs[k]);
}

int dsg_aenc_encode(const dsg_aenc_record *r, uint8_t *out, size_t cap, size_t *len)
{
    uint32_t offs[DSG_AENC_ITEMS_MAX + 1];
    if (!dsg_aenc_record_is_valid(r))
        return -1;
    if (cap < DSG_AENC_SIZE_MAX)
        return -2;
    uint32_t n = layout(r, offs);
    put_data(r, offs, out);
    put_table(offs, r->nitems, out);
    out[0] = (uint8_t)DSG_AENC_VERSION;
    put_u32(out + 1, r->type);
    put_u64(out + 5, r->seq);
    put_u32(out + 13, r->nitems);
    *len = n;
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

int dsg_aenc_decode(const uint8_t *b, size_t n, dsg_aenc_record *r)
{
    if (!canonical(b, n))
        return -1;
    uint32_t m = get_u32(b + 13);
    /*@ loop invariant 0 <= k <= m;
        loop invariant \forall integer j; 0 <= j < k ==>
                         r->item[j].p == b + dsg_aenc_off(b, j) &&
                         r->item[j].len == dsg_aenc_off(b, j + 1) - dsg_aenc_off(b, j);
        loop assigns k, r->item[0 .. m - 1];
        loop variant m - k;
    */
    for (uint32_t k = 0; k < m; k++) {
        uint32_t from = off_at(b, k);
        uint32_t to = off_at(b, k + 1u);
        r->item[k].p = b + from;
        r->item[k].len = to - from;
    }
    r->type = get_u32(b + 1);
    r->seq = get_u64(b + 5);
    r->nitems = m;
    return 0;
}
