/*
 * Fuzz harness of the stored-object header parser (src/stor/segment.h),
 * and of the reader (src/stor/objcrypt.h) on the same bytes.
 * @relation(REQ-STOR-004, REQ-STOR-003)
 *
 * The input is a stored object. Checked at run time:
 *  - the parser's status is the one of an independent model of the layout
 *    (length, magic "DSGO", format 1, algorithm 1, in that order);
 *  - OK: every field equals the bytes at its offset, read here, and
 *    encoding the parsed header gives back the first 80 bytes exactly;
 *    refused: the output is untouched;
 *  - the framing of the bytes after the header, segment by segment as a
 *    reader sees them at the end of the object: every OK frame lies within
 *    what is left, is full unless it is the last, and the last takes it all;
 *    each position's nonce and associated data have the layout's bytes;
 *  - the reader, under the KEK the seed corpus was written with, fed in
 *    two chunks: never releases more plaintext than the ciphertext the
 *    input holds, answers with one of its statuses, and releases nothing of
 *    an object that does not verify beyond the segments before the failing
 *    one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stor/objcrypt.h"
#include "stor/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

/* The KEK of the seed corpus (fuzz/segment/corpus/obj-*). */
static const uint8_t FUZZ_KEK[DSG_OC_KEK_LEN] = "dsg fuzz_segment KEK, 32 bytes!";

static uint64_t be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static dsg_seg_status model(const uint8_t *d, size_t n)
{
    if (n < 80)
        return DSG_SEG_ERR_SHORT;
    if (memcmp(d, "DSGO", 4) != 0)
        return DSG_SEG_ERR_MAGIC;
    if (be(d + 4, 2) != 1)
        return DSG_SEG_ERR_FORMAT;
    if (be(d + 6, 2) != 1)
        return DSG_SEG_ERR_ALGORITHM;
    return DSG_SEG_OK;
}

static void check_header(const uint8_t *data, size_t size)
{
    dsg_seg_header h;
    uint8_t back[DSG_SEG_HEADER_LEN];
    memset(&h, 0x6B, sizeof h);
    dsg_seg_status st = dsg_seg_header_parse(data, size, &h);
    CHECK(st == model(data, size));
    if (st != DSG_SEG_OK) {
        for (size_t i = 0; i < sizeof h; i++)
            CHECK(((const uint8_t *)&h)[i] == 0x6B);
        return;
    }
    CHECK(h.format == 1 && h.algorithm == 1);
    CHECK(memcmp(h.kek_id, data + 8, 8) == 0);
    CHECK(memcmp(h.wrapped_key, data + 16, 40) == 0);
    CHECK(memcmp(h.object_id, data + 56, 16) == 0);
    CHECK(h.version == be(data + 72, 8));
    CHECK(dsg_seg_header_encode(&h, back, sizeof back) == DSG_SEG_OK);
    CHECK(memcmp(back, data, sizeof back) == 0);
}

/* The position's nonce and associated data bytes. */
static void check_position(const uint8_t *id, uint64_t version, uint64_t index, int last)
{
    uint8_t nonce[DSG_SEG_NONCE_LEN], ad[DSG_SEG_AD_LEN];
    CHECK(dsg_seg_nonce(index, last, nonce) == DSG_SEG_OK);
    CHECK(be(nonce, 7) == 0 && be(nonce + 7, 4) == index && nonce[11] == last);
    CHECK(dsg_seg_ad(id, version, index, last, ad) == DSG_SEG_OK);
    CHECK(memcmp(ad, id, 16) == 0 && be(ad + 16, 8) == version && be(ad + 24, 4) == index &&
          ad[28] == last);
}

static void check_frames(const uint8_t *data, size_t size)
{
    if (size < DSG_SEG_HEADER_LEN)
        return;
    size_t left = size - DSG_SEG_HEADER_LEN;
    const uint8_t *id = data + DSG_SEG_OFF_OBJECT_ID;
    uint64_t version = be(data + DSG_SEG_OFF_VERSION, 8);
    for (uint64_t index = 0;; index++) {
        dsg_seg_frame f;
        dsg_seg_status st = dsg_seg_frame_next(left, 1, index, &f);
        if (st == DSG_SEG_ERR_SHORT) {
            CHECK(left < DSG_SEG_TAG_LEN);
            return;
        }
        CHECK(st == DSG_SEG_OK);
        CHECK(f.eaten <= left && f.eaten == f.ct_len + DSG_SEG_TAG_LEN);
        CHECK(f.last == 1 ? f.eaten == left : f.ct_len == DSG_SEG_PLAIN_MAX);
        CHECK(dsg_seg_frame_next(left, 0, index, &f) ==
              (left > DSG_SEG_STORED_MAX ? DSG_SEG_OK : DSG_SEG_NEED_MORE));
        check_position(id, version, index, f.last);
        left -= f.eaten;
        if (f.last)
            return;
    }
}

typedef struct got {
    size_t bytes;
} got;

static int count(void *ctx, const uint8_t *p, size_t n)
{
    (void)p;
    ((got *)ctx)->bytes += n;
    return 0;
}

static void check_reader(const uint8_t *data, size_t size)
{
    got g = { 0 };
    dsg_oc_reader *r = NULL;
    CHECK(dsg_oc_reader_new(FUZZ_KEK, NULL, 0, count, &g, &r) == DSG_OC_OK);
    size_t half = size / 2;
    dsg_oc_status st = dsg_oc_reader_push(r, data, half);
    if (st == DSG_OC_OK)
        st = dsg_oc_reader_push(r, data + half, size - half);
    if (st == DSG_OC_OK)
        st = dsg_oc_reader_finish(r);
    CHECK(st == DSG_OC_OK || st == DSG_OC_ERR_INTEGRITY || st == DSG_OC_ERR_KEY ||
          st == DSG_OC_ERR_FORMAT || st == DSG_OC_ERR_ALGORITHM);
    CHECK(g.bytes <= (size > DSG_SEG_HEADER_LEN ? size - DSG_SEG_HEADER_LEN : 0));
    if (st != DSG_OC_OK) {
        CHECK(dsg_oc_reader_error(r)[0] != '\0');
        CHECK(g.bytes == dsg_oc_reader_index(r) * DSG_SEG_PLAIN_MAX);
    }
    dsg_oc_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_header(data, size);
    check_frames(data, size);
    check_reader(data, size);
    return 0;
}
