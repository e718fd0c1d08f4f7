/*
 * Unit tests of the stored-object format (src/stor/segment.h): REQ-STOR-004.
 * The header's bytes and its refusals, the nonce and associated data bytes
 * and the 2^32-segment bound, distinct nonces over many positions, the
 * framing of the boundary cases (empty object, one full segment, 64 KiB +
 * 1, the greatest index).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stor/segment.h"

Suite *suite_segment(void);

static dsg_seg_header sample_header(void)
{
    dsg_seg_header h;
    memset(&h, 0, sizeof h);
    h.format = DSG_SEG_FORMAT_V1;
    h.algorithm = DSG_SEG_ALG_AES256GCM;
    for (unsigned i = 0; i < DSG_SEG_KEK_ID_LEN; i++)
        h.kek_id[i] = (uint8_t)(0xA0 + i);
    for (unsigned i = 0; i < DSG_SEG_WRAPPED_LEN; i++)
        h.wrapped_key[i] = (uint8_t)(0x10 + i);
    for (unsigned i = 0; i < DSG_SEG_OBJECT_ID_LEN; i++)
        h.object_id[i] = (uint8_t)(0xC0 + i);
    h.version = 0x0102030405060708u;
    return h;
}

/* The layout of segment.h, written out byte by byte.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_header_layout)
{
    dsg_seg_header h = sample_header();
    uint8_t b[DSG_SEG_HEADER_LEN + 4];
    memset(b, 0xEE, sizeof b);
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b), DSG_SEG_OK);
    ck_assert_mem_eq(b, "DSGO\x00\x01\x00\x01", 8);
    ck_assert_mem_eq(b + 8, h.kek_id, 8);
    ck_assert_mem_eq(b + 16, h.wrapped_key, 40);
    ck_assert_mem_eq(b + 56, h.object_id, 16);
    ck_assert_mem_eq(b + 72, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    ck_assert_uint_eq(b[80], 0xEE);   /* nothing past the header */
}
END_TEST

/* @relation(REQ-STOR-004) */
START_TEST(test_seg_header_round_trip)
{
    dsg_seg_header h = sample_header(), back;
    uint8_t b[DSG_SEG_HEADER_LEN];
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b), DSG_SEG_OK);
    memset(&back, 0, sizeof back);
    ck_assert_int_eq(dsg_seg_header_parse(b, sizeof b, &back), DSG_SEG_OK);
    ck_assert_int_eq(memcmp(&h, &back, sizeof h), 0);
}
END_TEST

/* Each refusal of the parser, in its order; *out untouched.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_header_parse_refusals)
{
    dsg_seg_header h = sample_header(), out;
    uint8_t b[DSG_SEG_HEADER_LEN], bad[DSG_SEG_HEADER_LEN];
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b), DSG_SEG_OK);
    memset(&out, 0x5A, sizeof out);
    for (size_t len = 0; len < DSG_SEG_HEADER_LEN; len++)
        ck_assert_int_eq(dsg_seg_header_parse(b, len, &out), DSG_SEG_ERR_SHORT);
    ck_assert_int_eq(dsg_seg_header_parse(NULL, 0, &out), DSG_SEG_ERR_SHORT);
    for (unsigned i = 0; i < 4; i++) {
        memcpy(bad, b, sizeof b);
        bad[i] ^= 0x20;
        ck_assert_int_eq(dsg_seg_header_parse(bad, sizeof bad, &out), DSG_SEG_ERR_MAGIC);
    }
    memcpy(bad, b, sizeof b);
    bad[4] = 1;   /* format 0x0101 */
    ck_assert_int_eq(dsg_seg_header_parse(bad, sizeof bad, &out), DSG_SEG_ERR_FORMAT);
    bad[4] = 0;
    bad[5] = 2;
    bad[7] = 9;   /* the format is judged first */
    ck_assert_int_eq(dsg_seg_header_parse(bad, sizeof bad, &out), DSG_SEG_ERR_FORMAT);
    bad[5] = 1;
    ck_assert_int_eq(dsg_seg_header_parse(bad, sizeof bad, &out), DSG_SEG_ERR_ALGORITHM);
    ck_assert_str_eq(dsg_seg_status_token(DSG_SEG_ERR_ALGORITHM), "unknown-algorithm");
    for (size_t i = 0; i < sizeof out; i++)
        ck_assert_uint_eq(((uint8_t *)&out)[i], 0x5A);
    /* bytes after the header are the first segment's, not the header's */
    uint8_t longer[DSG_SEG_HEADER_LEN + 7];
    memcpy(longer, b, sizeof b);
    ck_assert_int_eq(dsg_seg_header_parse(longer, sizeof longer, &out), DSG_SEG_OK);
}
END_TEST

/* @relation(REQ-STOR-004) */
START_TEST(test_seg_header_encode_refusals)
{
    dsg_seg_header h = sample_header();
    uint8_t b[DSG_SEG_HEADER_LEN];
    memset(b, 0x77, sizeof b);
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b - 1), DSG_SEG_ERR_ARGS);
    h.format = 2;
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b), DSG_SEG_ERR_FORMAT);
    h.format = DSG_SEG_FORMAT_V1;
    h.algorithm = 0;
    ck_assert_int_eq(dsg_seg_header_encode(&h, b, sizeof b), DSG_SEG_ERR_ALGORITHM);
    for (size_t i = 0; i < sizeof b; i++)
        ck_assert_uint_eq(b[i], 0x77);
}
END_TEST

/* The nonce bytes: 0^7, the index big-endian, the last flag.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_nonce_bytes)
{
    uint8_t n[DSG_SEG_NONCE_LEN];
    ck_assert_int_eq(dsg_seg_nonce(0x01020304u, 0, n), DSG_SEG_OK);
    ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\x01\x02\x03\x04\x00", 12);
    ck_assert_int_eq(dsg_seg_nonce(0, 1, n), DSG_SEG_OK);
    ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\0\0\0\0\x01", 12);
    ck_assert_int_eq(dsg_seg_nonce(DSG_SEG_INDEX_MAX, 1, n), DSG_SEG_OK);
    ck_assert_mem_eq(n, "\0\0\0\0\0\0\0\xff\xff\xff\xff\x01", 12);
}
END_TEST

/* The greatest index is 2^32 - 1, and only as the last segment: an object
 * never has more than 2^32 segments. Nothing written on refusal.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_nonce_index_bound)
{
    uint8_t n[DSG_SEG_NONCE_LEN], ad[DSG_SEG_AD_LEN], id[DSG_SEG_OBJECT_ID_LEN] = { 1 };
    memset(n, 0x33, sizeof n);
    memset(ad, 0x33, sizeof ad);
    ck_assert_int_eq(dsg_seg_nonce((uint64_t)DSG_SEG_INDEX_MAX + 1u, 1, n), DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_nonce(DSG_SEG_INDEX_MAX, 0, n), DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_nonce(UINT64_MAX, 1, n), DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_nonce(0, 2, n), DSG_SEG_ERR_ARGS);
    ck_assert_int_eq(dsg_seg_nonce(0, -1, n), DSG_SEG_ERR_ARGS);
    ck_assert_int_eq(dsg_seg_ad(id, 1, (uint64_t)DSG_SEG_INDEX_MAX + 1u, 1, ad),
                     DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_ad(id, 1, DSG_SEG_INDEX_MAX, 0, ad), DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_ad(id, 1, 3, 7, ad), DSG_SEG_ERR_ARGS);
    for (unsigned i = 0; i < sizeof n; i++)
        ck_assert_uint_eq(n[i], 0x33);
    for (unsigned i = 0; i < sizeof ad; i++)
        ck_assert_uint_eq(ad[i], 0x33);
    ck_assert_int_eq(dsg_seg_nonce(DSG_SEG_INDEX_MAX - 1u, 0, n), DSG_SEG_OK);
    ck_assert_int_eq(dsg_seg_ad(id, 1, DSG_SEG_INDEX_MAX, 1, ad), DSG_SEG_OK);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_nonce(const void *a, const void *b)
{
    return memcmp(a, b, DSG_SEG_NONCE_LEN);
}

/* Every position of many indices (the first, around each byte boundary,
 * the last ones, random ones), last or not: all nonces distinct.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_nonces_distinct)
{
    enum { N = 4096 };
    static uint8_t all[2 * N][DSG_SEG_NONCE_LEN];
    static const uint64_t edges[] = { 0xFFu, 0x100u, 0xFFFFu, 0x10000u, 0xFFFFFFu,
                                      0x1000000u, 0x7FFFFFFFu, 0x80000000u };
    uint64_t idx[N];
    size_t m = 0, k = 0;
    for (uint64_t i = 0; i < 1024; i++)
        idx[m++] = i;
    for (uint64_t i = 1; i <= 512; i++)
        idx[m++] = DSG_SEG_INDEX_MAX - i;   /* the last segment below the greatest index */
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++)
        for (uint64_t d = 0; d < 8; d++)
            idx[m++] = edges[e] - 4 + d;
    srandom(4004);
    while (m < N)
        idx[m++] = ((uint64_t)random() << 1 ^ (uint64_t)random()) % DSG_SEG_INDEX_MAX;
    /* random indices may repeat: keep each once */
    qsort(idx, N, sizeof idx[0], cmp_u64);
    for (size_t i = 0; i < N; i++) {
        if (i > 0 && idx[i] == idx[i - 1])
            continue;
        ck_assert_int_eq(dsg_seg_nonce(idx[i], 0, all[k++]), DSG_SEG_OK);
        ck_assert_int_eq(dsg_seg_nonce(idx[i], 1, all[k++]), DSG_SEG_OK);
    }
    qsort(all, k, DSG_SEG_NONCE_LEN, cmp_nonce);
    for (size_t i = 1; i < k; i++)
        ck_assert_int_ne(memcmp(all[i - 1], all[i], DSG_SEG_NONCE_LEN), 0);
    ck_assert_uint_gt(k, 2 * N - 128);   /* a few edges lie in the first 1024 */
}
END_TEST

/* @relation(REQ-STOR-004) */
START_TEST(test_seg_ad_bytes)
{
    uint8_t ad[DSG_SEG_AD_LEN], id[DSG_SEG_OBJECT_ID_LEN];
    for (unsigned i = 0; i < sizeof id; i++)
        id[i] = (uint8_t)(i + 1);
    ck_assert_int_eq(dsg_seg_ad(id, 0x1112131415161718u, 0x21222324u, 1, ad), DSG_SEG_OK);
    ck_assert_mem_eq(ad, id, 16);
    ck_assert_mem_eq(ad + 16, "\x11\x12\x13\x14\x15\x16\x17\x18\x21\x22\x23\x24\x01", 13);
}
END_TEST

/* The framing of the boundary objects, after the header: an empty object
 * (a lone tag), exactly one full segment, 64 KiB + 1 (a full segment then
 * one byte). @relation(REQ-STOR-004) */
START_TEST(test_seg_frame_boundaries)
{
    dsg_seg_frame f;
    /* empty object: 16 bytes, the last segment with no ciphertext */
    ck_assert_int_eq(dsg_seg_frame_next(16, 0, 0, &f), DSG_SEG_NEED_MORE);
    ck_assert_int_eq(dsg_seg_frame_next(16, 1, 0, &f), DSG_SEG_OK);
    ck_assert_uint_eq(f.ct_len, 0);
    ck_assert_uint_eq(f.eaten, 16);
    ck_assert_int_eq(f.last, 1);
    /* one full segment and nothing after it: the last */
    ck_assert_int_eq(dsg_seg_frame_next(DSG_SEG_STORED_MAX, 0, 0, &f), DSG_SEG_NEED_MORE);
    ck_assert_int_eq(dsg_seg_frame_next(DSG_SEG_STORED_MAX, 1, 0, &f), DSG_SEG_OK);
    ck_assert_uint_eq(f.ct_len, DSG_SEG_PLAIN_MAX);
    ck_assert_int_eq(f.last, 1);
    /* 64 KiB + 1: a full segment that is not the last, then 1 + 16 bytes */
    size_t stored = DSG_SEG_STORED_MAX + 1 + DSG_SEG_TAG_LEN;
    ck_assert_int_eq(dsg_seg_frame_next(DSG_SEG_STORED_MAX + 1, 0, 0, &f), DSG_SEG_OK);
    ck_assert_int_eq(f.last, 0);
    ck_assert_uint_eq(f.eaten, DSG_SEG_STORED_MAX);
    ck_assert_int_eq(dsg_seg_frame_next(stored, 1, 0, &f), DSG_SEG_OK);
    ck_assert_int_eq(f.last, 0);
    ck_assert_int_eq(dsg_seg_frame_next(stored - f.eaten, 1, 1, &f), DSG_SEG_OK);
    ck_assert_int_eq(f.last, 1);
    ck_assert_uint_eq(f.ct_len, 1);
    /* fewer bytes than a tag at the end: cut short */
    for (size_t len = 0; len < DSG_SEG_TAG_LEN; len++)
        ck_assert_int_eq(dsg_seg_frame_next(len, 1, 5, &f), DSG_SEG_ERR_SHORT);
    ck_assert_int_eq(dsg_seg_frame_next(0, 0, 5, &f), DSG_SEG_NEED_MORE);
}
END_TEST

/* The greatest index takes only a last segment; beyond it, nothing.
 * @relation(REQ-STOR-004) */
START_TEST(test_seg_frame_index_bound)
{
    dsg_seg_frame f = { 7, 7, 7 };
    ck_assert_int_eq(dsg_seg_frame_next(DSG_SEG_STORED_MAX + 1, 0, DSG_SEG_INDEX_MAX, &f),
                     DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_frame_next(100, 1, (uint64_t)DSG_SEG_INDEX_MAX + 1u, &f),
                     DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_frame_next(100, 2, 0, &f), DSG_SEG_ERR_ARGS);
    ck_assert_uint_eq(f.ct_len, 7);
    ck_assert_uint_eq(f.eaten, 7);
    ck_assert_int_eq(f.last, 7);
    ck_assert_int_eq(dsg_seg_frame_next(100, 1, DSG_SEG_INDEX_MAX, &f), DSG_SEG_OK);
    ck_assert_int_eq(f.last, 1);
    ck_assert_int_eq(dsg_seg_frame_next(DSG_SEG_STORED_MAX + 1, 0, DSG_SEG_INDEX_MAX - 1u, &f),
                     DSG_SEG_OK);
    ck_assert_int_eq(f.last, 0);
}
END_TEST

/* @relation(REQ-STOR-004) */
START_TEST(test_seg_size)
{
    uint64_t segs = 0, stored = 0;
    ck_assert_int_eq(dsg_seg_size(0, &segs, &stored), DSG_SEG_OK);
    ck_assert_uint_eq(segs, 1);
    ck_assert_uint_eq(stored, 80 + 16);
    ck_assert_int_eq(dsg_seg_size(65536, &segs, &stored), DSG_SEG_OK);
    ck_assert_uint_eq(segs, 1);
    ck_assert_uint_eq(stored, 80 + 65536 + 16);
    ck_assert_int_eq(dsg_seg_size(65537, &segs, &stored), DSG_SEG_OK);
    ck_assert_uint_eq(segs, 2);
    ck_assert_uint_eq(stored, 80 + 65537 + 32);
    uint64_t max = (uint64_t)65536 << 32;   /* 2^48 bytes: 2^32 full segments */
    ck_assert_int_eq(dsg_seg_size(max, &segs, &stored), DSG_SEG_OK);
    ck_assert_uint_eq(segs, (uint64_t)1 << 32);
    segs = stored = 9;
    ck_assert_int_eq(dsg_seg_size(max + 1, &segs, &stored), DSG_SEG_ERR_INDEX);
    ck_assert_int_eq(dsg_seg_size(UINT64_MAX, &segs, &stored), DSG_SEG_ERR_INDEX);
    ck_assert_uint_eq(segs, 9);
    ck_assert_uint_eq(stored, 9);
    ck_assert_str_eq(dsg_seg_status_token(DSG_SEG_ERR_INDEX), "too-many-segments");
    ck_assert_str_eq(dsg_seg_status_token((dsg_seg_status)99), "unknown-status");
}
END_TEST

Suite *suite_segment(void)
{
    Suite *s = suite_create("segment");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_seg_header_layout);
    tcase_add_test(tc, test_seg_header_round_trip);
    tcase_add_test(tc, test_seg_header_parse_refusals);
    tcase_add_test(tc, test_seg_header_encode_refusals);
    tcase_add_test(tc, test_seg_nonce_bytes);
    tcase_add_test(tc, test_seg_nonce_index_bound);
    tcase_add_test(tc, test_seg_nonces_distinct);
    tcase_add_test(tc, test_seg_ad_bytes);
    tcase_add_test(tc, test_seg_frame_boundaries);
    tcase_add_test(tc, test_seg_frame_index_bound);
    tcase_add_test(tc, test_seg_size);
    suite_add_tcase(s, tc);
    return s;
}
