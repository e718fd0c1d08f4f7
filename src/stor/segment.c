/*
 * The stored-object format (REQ-STOR-003, REQ-STOR-004). See segment.h for
 * the layout and the contract; acsl/PROOFS.md for what is proved. Bytes are
 * read and written one by one, big-endian, never by casting the buffer.
 */
#include "stor/segment.h"

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_SEG_ERR_ARGS + 2][20] = {
    "ok", "need-more", "truncated", "bad-magic", "unknown-format",
    "unknown-algorithm", "too-many-segments", "bad-args", "unknown-status",
};

/* ---- big-endian integers ------------------------------------------------- */

/*@ requires \valid_read(p + (0 .. 1));
    assigns \nothing;
    ensures \result == dsg_seg_be16(p);
*/
static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] * 256u + (uint32_t)p[1]);
}

/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures \result == dsg_seg_be32(p);
*/
static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] * 16777216u + (uint32_t)p[1] * 65536u + (uint32_t)p[2] * 256u +
           (uint32_t)p[3];
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing;
    ensures \result == dsg_seg_be64(p);
*/
static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) * 4294967296u + (uint64_t)get_be32(p + 4);
}

/*@ requires \valid(p + (0 .. 1));
    assigns p[0 .. 1];
    ensures dsg_seg_be16(p) == v;
*/
static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v / 256u);
    p[1] = (uint8_t)(v % 256u);
}

/*@ requires \valid(p + (0 .. 3));
    assigns p[0 .. 3];
    ensures dsg_seg_be32(p) == v;
    ensures \forall integer k; 0 <= k < 4 ==> p[k] == dsg_seg_be32_byte(v, k);
*/
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v / 16777216u);
    p[1] = (uint8_t)(v / 65536u % 256u);
    p[2] = (uint8_t)(v / 256u % 256u);
    p[3] = (uint8_t)(v % 256u);
}

/*@ requires \valid(p + (0 .. 7));
    assigns p[0 .. 7];
    ensures dsg_seg_be64(p) == v;
*/
static void put_be64(uint8_t *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v / 4294967296u));
    put_be32(p + 4, (uint32_t)(v % 4294967296u));
}

/* dst[0 .. n) = src[0 .. n). */
/*@ requires \valid(dst + (0 .. n - 1)) && \valid_read(src + (0 .. n - 1));
    requires \separated(dst + (0 .. n - 1), src + (0 .. n - 1));
    assigns dst[0 .. n - 1];
    ensures dsg_seg_same_bytes{Post, Post}(dst, src, n);
*/
static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant dsg_seg_same_bytes{Here, Here}(dst, src, i);
        loop assigns i, dst[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

/* ---- the header ---------------------------------------------------------- */

dsg_seg_status dsg_seg_header_encode(const dsg_seg_header *h, uint8_t *out, size_t cap)
{
    if (cap < DSG_SEG_HEADER_LEN)
        return DSG_SEG_ERR_ARGS;
    if (h->format != DSG_SEG_FORMAT_V1)
        return DSG_SEG_ERR_FORMAT;
    if (h->algorithm != DSG_SEG_ALG_AES256GCM)
        return DSG_SEG_ERR_ALGORITHM;
    out[0] = DSG_SEG_MAGIC0;
    out[1] = DSG_SEG_MAGIC1;
    out[2] = DSG_SEG_MAGIC2;
    out[3] = DSG_SEG_MAGIC3;
    put_be16(out + 4, h->format);
    put_be16(out + 6, h->algorithm);
    copy(out + DSG_SEG_OFF_KEK_ID, h->kek_id, DSG_SEG_KEK_ID_LEN);
    copy(out + DSG_SEG_OFF_WRAPPED, h->wrapped_key, DSG_SEG_WRAPPED_LEN);
    copy(out + DSG_SEG_OFF_OBJECT_ID, h->object_id, DSG_SEG_OBJECT_ID_LEN);
    put_be64(out + DSG_SEG_OFF_VERSION, h->version);
    /* dsg_seg_encodes field by field: small goals for the provers */
    /*@ assert dsg_seg_magic_ok(out); */
    /*@ assert dsg_seg_be16(out + 4) == h->format; */
    /*@ assert dsg_seg_be16(out + 6) == h->algorithm; */
    /*@ assert dsg_seg_same_bytes{Here, Here}(out + DSG_SEG_OFF_KEK_ID, &h->kek_id[0],
                                              DSG_SEG_KEK_ID_LEN); */
    /*@ assert dsg_seg_same_bytes{Here, Here}(out + DSG_SEG_OFF_WRAPPED, &h->wrapped_key[0],
                                              DSG_SEG_WRAPPED_LEN); */
    /*@ assert dsg_seg_same_bytes{Here, Here}(out + DSG_SEG_OFF_OBJECT_ID, &h->object_id[0],
                                              DSG_SEG_OBJECT_ID_LEN); */
    /*@ assert dsg_seg_be64(out + DSG_SEG_OFF_VERSION) == h->version; */
    return DSG_SEG_OK;
}

dsg_seg_status dsg_seg_header_parse(const uint8_t *buf, size_t len, dsg_seg_header *out)
{
    if (len < DSG_SEG_HEADER_LEN)
        return DSG_SEG_ERR_SHORT;
    if (buf[0] != DSG_SEG_MAGIC0 || buf[1] != DSG_SEG_MAGIC1 || buf[2] != DSG_SEG_MAGIC2 ||
        buf[3] != DSG_SEG_MAGIC3)
        return DSG_SEG_ERR_MAGIC;
    if (get_be16(buf + 4) != DSG_SEG_FORMAT_V1)
        return DSG_SEG_ERR_FORMAT;
    if (get_be16(buf + 6) != DSG_SEG_ALG_AES256GCM)
        return DSG_SEG_ERR_ALGORITHM;
    out->format = DSG_SEG_FORMAT_V1;
    out->algorithm = DSG_SEG_ALG_AES256GCM;
    copy(out->kek_id, buf + DSG_SEG_OFF_KEK_ID, DSG_SEG_KEK_ID_LEN);
    copy(out->wrapped_key, buf + DSG_SEG_OFF_WRAPPED, DSG_SEG_WRAPPED_LEN);
    copy(out->object_id, buf + DSG_SEG_OFF_OBJECT_ID, DSG_SEG_OBJECT_ID_LEN);
    out->version = get_be64(buf + DSG_SEG_OFF_VERSION);
    /* dsg_seg_fields field by field, as in the encoder */
    /*@ assert dsg_seg_be16(buf + 4) == out->format; */
    /*@ assert dsg_seg_be16(buf + 6) == out->algorithm; */
    /*@ assert dsg_seg_same_bytes{Here, Here}(buf + DSG_SEG_OFF_KEK_ID, &out->kek_id[0],
                                              DSG_SEG_KEK_ID_LEN); */
    /*@ assert dsg_seg_same_bytes{Here, Here}(buf + DSG_SEG_OFF_WRAPPED, &out->wrapped_key[0],
                                              DSG_SEG_WRAPPED_LEN); */
    /*@ assert dsg_seg_same_bytes{Here, Here}(buf + DSG_SEG_OFF_OBJECT_ID, &out->object_id[0],
                                              DSG_SEG_OBJECT_ID_LEN); */
    /*@ assert dsg_seg_be64(buf + DSG_SEG_OFF_VERSION) == out->version; */
    return DSG_SEG_OK;
}

/* ---- a segment's position ------------------------------------------------ */

/* ERR_ARGS, ERR_INDEX or OK as dsg_seg_pos_ok says, in that order. */
/*@ assigns \nothing;
    ensures \result == DSG_SEG_OK || \result == DSG_SEG_ERR_ARGS ||
            \result == DSG_SEG_ERR_INDEX;
    ensures \result == DSG_SEG_OK <==> dsg_seg_pos_ok(index, last);
    ensures last != 0 && last != 1 ==> \result == DSG_SEG_ERR_ARGS;
*/
static dsg_seg_status position(uint64_t index, int last)
{
    if (last != 0 && last != 1)
        return DSG_SEG_ERR_ARGS;
    if (index > DSG_SEG_INDEX_MAX || (last == 0 && index == DSG_SEG_INDEX_MAX))
        return DSG_SEG_ERR_INDEX;
    return DSG_SEG_OK;
}

dsg_seg_status dsg_seg_nonce(uint64_t index, int last, uint8_t *out)
{
    dsg_seg_status st = position(index, last);
    if (st != DSG_SEG_OK)
        return st;
    /*@ loop invariant 0 <= i <= 7;
        loop invariant \forall integer k; 0 <= k < i ==> out[k] == 0;
        loop assigns i, out[0 .. 6];
        loop variant 7 - i;
    */
    for (unsigned i = 0; i < 7u; i++)
        out[i] = 0;
    put_be32(out + 7, (uint32_t)index);
    out[11] = (uint8_t)last;
    return DSG_SEG_OK;
}

dsg_seg_status dsg_seg_ad(const uint8_t *object_id, uint64_t version, uint64_t index,
                          int last, uint8_t *out)
{
    dsg_seg_status st = position(index, last);
    if (st != DSG_SEG_OK)
        return st;
    copy(out, object_id, DSG_SEG_OBJECT_ID_LEN);
    put_be64(out + DSG_SEG_OBJECT_ID_LEN, version);
    put_be32(out + DSG_SEG_OBJECT_ID_LEN + 8, (uint32_t)index);
    out[DSG_SEG_OBJECT_ID_LEN + 12] = (uint8_t)last;
    return DSG_SEG_OK;
}

/* ---- framing ------------------------------------------------------------- */

dsg_seg_status dsg_seg_frame_next(size_t len, int at_end, uint64_t index, dsg_seg_frame *out)
{
    size_t ct;
    int last;
    if (at_end != 0 && at_end != 1)
        return DSG_SEG_ERR_ARGS;
    if (index > DSG_SEG_INDEX_MAX)
        return DSG_SEG_ERR_INDEX;
    if (len > DSG_SEG_STORED_MAX) {
        if (index == DSG_SEG_INDEX_MAX)
            return DSG_SEG_ERR_INDEX;
        ct = DSG_SEG_PLAIN_MAX;
        last = 0;
    } else if (at_end == 0) {
        return DSG_SEG_NEED_MORE;
    } else if (len < DSG_SEG_TAG_LEN) {
        return DSG_SEG_ERR_SHORT;
    } else {
        ct = len - DSG_SEG_TAG_LEN;
        last = 1;
    }
    out->ct_len = ct;
    out->eaten = ct + DSG_SEG_TAG_LEN;
    out->last = last;
    return DSG_SEG_OK;
}

dsg_seg_status dsg_seg_size(uint64_t plain_len, uint64_t *segments, uint64_t *stored)
{
    uint64_t n = plain_len / DSG_SEG_PLAIN_MAX;
    if (plain_len % DSG_SEG_PLAIN_MAX != 0u || plain_len == 0u)
        n++;
    if (n > (uint64_t)DSG_SEG_INDEX_MAX + 1u)
        return DSG_SEG_ERR_INDEX;
    *segments = n;
    *stored = DSG_SEG_HEADER_LEN + plain_len + DSG_SEG_TAG_LEN * n;
    return DSG_SEG_OK;
}

const char *dsg_seg_status_token(dsg_seg_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_SEG_ERR_ARGS)
        i = (unsigned)DSG_SEG_ERR_ARGS + 1u;
    return status_tokens[i];
}
