/*
 * Unit tests of the segment-by-segment object encryption
 * (src/stor/objcrypt.h): round trips of random sizes pushed in random
 * chunks, fresh data keys, one segment at a time, and every tampering the
 * format must detect (REQ-STOR-003): an altered byte, a removed, reordered
 * or duplicated segment, a segment of another object or version, a missing
 * final segment, trailing bytes, the wrong KEK; no plaintext of a segment
 * before its tag verifies (REQ-STOR-005).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stor/objcrypt.h"

Suite *suite_objcrypt(void);

static const uint8_t KEK[DSG_OC_KEK_LEN] = "kek-kek-kek-kek-kek-kek-kek-kek!";
static const uint8_t OTHER_KEK[DSG_OC_KEK_LEN] = "another key-encryption key 32 b!";
static const uint8_t ID_A[DSG_SEG_OBJECT_ID_LEN] = "object-A-16bytes";
static const uint8_t ID_B[DSG_SEG_OBJECT_ID_LEN] = "object-B-16bytes";

#define SEG DSG_SEG_STORED_MAX
#define HDR DSG_SEG_HEADER_LEN

typedef struct buf {
    uint8_t *p;
    size_t len;
    size_t cap;
    size_t max_call;   /* the largest write the sink saw */
    int refuse;        /* the sink refuses from this call on (0: never) */
    int calls;
} buf;

static int sink(void *ctx, const uint8_t *p, size_t n)
{
    buf *b = ctx;
    b->calls++;
    if (b->refuse != 0 && b->calls >= b->refuse)
        return -1;
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    if (n > 0)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    if (n > b->max_call)
        b->max_call = n;
    return 0;
}

static void buf_free(buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static uint8_t *random_bytes(size_t n, unsigned seed)
{
    uint8_t *p = malloc(n + 1);
    ck_assert_ptr_nonnull(p);
    srandom(seed);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)random();
    return p;
}

/* plain[0 .. n) encrypted as (id, version) under kek, pushed in chunks
 * of 1 .. chunk bytes (0: all at once). */
static buf encrypt_as(const uint8_t *kek, const uint8_t *id, uint64_t version,
                      const uint8_t *plain, size_t n, size_t chunk)
{
    buf out = { 0 };
    dsg_oc_writer *w = NULL;
    ck_assert_int_eq(dsg_oc_writer_new(kek, id, version, sink, &out, &w), DSG_OC_OK);
    size_t at = 0;
    while (at < n) {
        size_t take = chunk == 0 ? n - at : 1 + (size_t)random() % chunk;
        if (take > n - at)
            take = n - at;
        ck_assert_int_eq(dsg_oc_writer_push(w, plain + at, take), DSG_OC_OK);
        at += take;
    }
    ck_assert_int_eq(dsg_oc_writer_finish(w), DSG_OC_OK);
    ck_assert_int_eq(dsg_oc_writer_push(w, plain, 0), DSG_OC_ERR_STATE);
    dsg_oc_writer_free(w);
    return out;
}

static buf encrypt(const uint8_t *plain, size_t n)
{
    return encrypt_as(KEK, ID_A, 1, plain, n, 0);
}

typedef struct result {
    dsg_oc_status st;
    buf plain;
    uint64_t index;
    char msg[256];
} result;

/* stored[0 .. n) read under kek (expecting ID_A version 1 when expect),
 * pushed in chunks of 1 .. chunk bytes (0: all at once), then finished. */
static result decrypt_with(const uint8_t *kek, int expect, const uint8_t *stored, size_t n,
                           size_t chunk)
{
    result r;
    memset(&r, 0, sizeof r);
    dsg_oc_reader *rd = NULL;
    ck_assert_int_eq(dsg_oc_reader_new(kek, expect ? ID_A : NULL, 1, sink, &r.plain, &rd),
                     DSG_OC_OK);
    ck_assert_str_eq(dsg_oc_reader_error(rd), "");
    size_t at = 0;
    r.st = DSG_OC_OK;
    while (at < n && r.st == DSG_OC_OK) {
        size_t take = chunk == 0 ? n - at : 1 + (size_t)random() % chunk;
        if (take > n - at)
            take = n - at;
        r.st = dsg_oc_reader_push(rd, stored + at, take);
        at += take;
    }
    if (r.st == DSG_OC_OK)
        r.st = dsg_oc_reader_finish(rd);
    else
        ck_assert_int_eq(dsg_oc_reader_finish(rd), DSG_OC_ERR_STATE);
    r.index = dsg_oc_reader_index(rd);
    snprintf(r.msg, sizeof r.msg, "%s", dsg_oc_reader_error(rd));
    dsg_oc_reader_free(rd);
    return r;
}

static result decrypt(const uint8_t *stored, size_t n)
{
    return decrypt_with(KEK, 1, stored, n, 0);
}

/* The read fails with stor.integrity at segment seg, the message naming it,
 * and released exactly the plaintext of the segments before it. */
static void expect_integrity(result *r, uint64_t seg, const uint8_t *plain)
{
    char want[64];
    ck_assert_int_eq(r->st, DSG_OC_ERR_INTEGRITY);
    ck_assert_uint_eq(r->index, seg);
    snprintf(want, sizeof want, "segment %llu", (unsigned long long)seg);
    ck_assert_msg(strstr(r->msg, want) != NULL, "message '%s' does not name %s", r->msg, want);
    ck_assert_msg(strncmp(r->msg, "stor.integrity: ", 16) == 0, "message '%s'", r->msg);
    ck_assert_uint_eq(r->plain.len, seg * DSG_SEG_PLAIN_MAX);
    if (r->plain.len > 0)
        ck_assert_mem_eq(r->plain.p, plain, r->plain.len);
    buf_free(&r->plain);
}

static void round_trip(size_t n, size_t wchunk, size_t rchunk, unsigned seed)
{
    uint8_t *plain = random_bytes(n, seed);
    uint64_t segs = 0, size = 0;
    buf c = encrypt_as(KEK, ID_A, 1, plain, n, wchunk);
    ck_assert_int_eq(dsg_seg_size(n, &segs, &size), DSG_SEG_OK);
    ck_assert_uint_eq(c.len, size);
    ck_assert_uint_le(c.max_call, DSG_SEG_STORED_MAX);   /* one segment at a time */
    result r = decrypt_with(KEK, 1, c.p, c.len, rchunk);
    ck_assert_msg(r.st == DSG_OC_OK, "size %zu: %s", n, r.msg);
    ck_assert_uint_eq(r.plain.len, n);
    if (n > 0)
        ck_assert_mem_eq(r.plain.p, plain, n);
    ck_assert_uint_le(r.plain.max_call, DSG_SEG_PLAIN_MAX);
    ck_assert_uint_eq(r.index, segs - 1);
    buf_free(&r.plain);
    buf_free(&c);
    free(plain);
}

/* The boundary sizes: empty, one byte, one full segment and one byte
 * either side, two full segments. @relation(REQ-STOR-003, REQ-STOR-004) */
START_TEST(test_oc_round_trip_boundaries)
{
    static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072, 131073 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        round_trip(sizes[i], 0, 0, (unsigned)i + 1);
}
END_TEST

/* Random sizes, written and read in random chunks (1 byte to 3 segments).
 * @relation(REQ-STOR-003, REQ-STOR-013) */
START_TEST(test_oc_round_trip_random)
{
    srandom(2026);
    for (unsigned i = 0; i < 24; i++) {
        size_t n = (size_t)random() % (5 * DSG_SEG_PLAIN_MAX);
        size_t wchunk = i % 3 == 0 ? 7 : 1 + (size_t)random() % (3 * DSG_SEG_PLAIN_MAX);
        size_t rchunk = i % 4 == 0 ? 13 : 1 + (size_t)random() % (3 * DSG_SEG_STORED_MAX);
        round_trip(n, wchunk, rchunk, 100 + i);
    }
}
END_TEST

/* A 4 MiB object goes through with no call of either sink above one
 * segment: the codec holds one segment at a time. @relation(REQ-STOR-013) */
START_TEST(test_oc_one_segment_at_a_time)
{
    round_trip(64 * DSG_SEG_PLAIN_MAX, 1000003, 999983, 7);
}
END_TEST

/* The same content twice: another data key (wrapped key), other bytes;
 * no plaintext on the way. @relation(REQ-STOR-002, REQ-STOR-001) */
START_TEST(test_oc_fresh_data_key)
{
    static const char marker[] = "MARKER-7f3a9c-unique-plaintext";
    uint8_t plain[3000];
    for (size_t i = 0; i + sizeof marker <= sizeof plain; i += sizeof marker)
        memcpy(plain + i, marker, sizeof marker);
    buf a = encrypt(plain, sizeof plain), b = encrypt(plain, sizeof plain);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.p + DSG_SEG_OFF_WRAPPED, b.p + DSG_SEG_OFF_WRAPPED,
                     DSG_SEG_WRAPPED_LEN) != 0);
    ck_assert(memcmp(a.p + HDR, b.p + HDR, a.len - HDR) != 0);
    ck_assert(memmem(a.p, a.len, "MARKER", 6) == NULL);
    ck_assert(memmem(b.p, b.len, "MARKER", 6) == NULL);
    /* the header names the object and version, and the KEK's ID */
    uint8_t kid[DSG_SEG_KEK_ID_LEN];
    ck_assert_int_eq(dsg_oc_kek_id(KEK, kid), 0);
    ck_assert_mem_eq(a.p + DSG_SEG_OFF_KEK_ID, kid, sizeof kid);
    ck_assert_mem_eq(a.p + DSG_SEG_OFF_OBJECT_ID, ID_A, sizeof ID_A);
    buf_free(&a);
    buf_free(&b);
}
END_TEST

/* Any altered byte of any segment (ciphertext or tag), and of the header's
 * object ID or version (bound into every segment), fails at that segment;
 * the segments before it were released, nothing of it.
 * @relation(REQ-STOR-003, REQ-STOR-005) */
START_TEST(test_oc_altered_byte)
{
    size_t n = 3 * DSG_SEG_PLAIN_MAX + 100;
    uint8_t *plain = random_bytes(n, 11);
    buf c = encrypt(plain, n);
    static const size_t offs[] = { 0, 1, 65535, 65536, 65551 };   /* in a segment */
    for (uint64_t s = 0; s < 4; s++)
        for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
            size_t at = HDR + s * SEG + offs[i];
            if (at >= c.len)
                continue;
            c.p[at] ^= 0x01;
            result r = decrypt_with(KEK, 0, c.p, c.len, 40000);
            expect_integrity(&r, s, plain);
            c.p[at] ^= 0x01;
        }
    c.p[c.len - 1] ^= 0x80;   /* the final segment's tag */
    result r = decrypt(c.p, c.len);
    expect_integrity(&r, 3, plain);
    c.p[c.len - 1] ^= 0x80;
    /* the header's object ID and version: every segment is bound to them
     * (read without the expected ID, so the segments judge) */
    c.p[DSG_SEG_OFF_OBJECT_ID + 3] ^= 0x04;
    r = decrypt_with(KEK, 0, c.p, c.len, 0);
    expect_integrity(&r, 0, plain);
    c.p[DSG_SEG_OFF_OBJECT_ID + 3] ^= 0x04;
    c.p[DSG_SEG_OFF_VERSION + 7] ^= 0x02;
    r = decrypt_with(KEK, 0, c.p, c.len, 0);
    expect_integrity(&r, 0, plain);
    c.p[DSG_SEG_OFF_VERSION + 7] ^= 0x02;
    r = decrypt(c.p, c.len);
    ck_assert_int_eq(r.st, DSG_OC_OK);
    buf_free(&r.plain);
    buf_free(&c);
    free(plain);
}
END_TEST

/* Segments of 4 (3 full, a short last) cut out of c into out. */
static size_t seg_len(const buf *c, unsigned s)
{
    size_t start = HDR + (size_t)s * SEG;
    return c->len - start < SEG ? c->len - start : SEG;
}

static buf assemble(const buf *c, const unsigned *order, size_t k)
{
    buf out = { 0 };
    ck_assert_int_eq(sink(&out, c->p, HDR), 0);
    for (size_t i = 0; i < k; i++)
        ck_assert_int_eq(sink(&out, c->p + HDR + (size_t)order[i] * SEG,
                              seg_len(c, order[i])), 0);
    return out;
}

/* A removed, reordered or duplicated segment fails at the first segment
 * out of place. @relation(REQ-STOR-003) */
START_TEST(test_oc_removed_reordered_duplicated)
{
    size_t n = 3 * DSG_SEG_PLAIN_MAX + 500;
    uint8_t *plain = random_bytes(n, 12);
    buf c = encrypt(plain, n);
    static const struct {
        unsigned order[5];
        size_t k;
        uint64_t fails_at;
    } cases[] = {
        { { 0, 2, 3 }, 3, 1 },          /* segment 1 removed */
        { { 1, 2, 3 }, 3, 0 },          /* segment 0 removed */
        { { 0, 1, 3 }, 3, 2 },          /* segment 2 removed: the last moves up */
        { { 0, 2, 1, 3 }, 4, 1 },       /* 1 and 2 swapped */
        { { 1, 0, 2, 3 }, 4, 0 },       /* 0 and 1 swapped */
        { { 0, 1, 1, 2, 3 }, 5, 2 },    /* segment 1 twice */
        { { 0, 0, 1, 2, 3 }, 5, 1 },    /* segment 0 twice */
        { { 0, 1, 2, 3, 3 }, 5, 3 },    /* the last segment twice: 3 is not the last */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf t = assemble(&c, cases[i].order, cases[i].k);
        result r = decrypt_with(KEK, 1, t.p, t.len, 70000);
        expect_integrity(&r, cases[i].fails_at, plain);
        buf_free(&t);
    }
    buf_free(&c);
    free(plain);
}
END_TEST

/* Truncation: at each segment boundary (the final segment missing), inside
 * a segment, inside the header, nothing after the header.
 * @relation(REQ-STOR-003) */
START_TEST(test_oc_truncated)
{
    size_t n = 2 * DSG_SEG_PLAIN_MAX;   /* two full segments, the second the last */
    uint8_t *plain = random_bytes(n, 13);
    buf c = encrypt(plain, n);
    ck_assert_uint_eq(c.len, HDR + 2 * SEG);
    result r = decrypt(c.p, HDR + SEG);   /* at a boundary: segment 0 is not the last */
    expect_integrity(&r, 0, plain);
    r = decrypt(c.p, HDR);                /* no segment at all */
    expect_integrity(&r, 0, plain);
    r = decrypt(c.p, HDR + 10);           /* under a tag */
    expect_integrity(&r, 0, plain);
    r = decrypt(c.p, c.len - 1);          /* inside the last segment */
    expect_integrity(&r, 1, plain);
    r = decrypt(c.p, HDR + SEG + 16);     /* a tag's worth of the last segment */
    expect_integrity(&r, 1, plain);
    r = decrypt(c.p, HDR - 1);            /* inside the header */
    ck_assert_int_eq(r.st, DSG_OC_ERR_FORMAT);
    ck_assert_uint_eq(r.plain.len, 0);
    r = decrypt(c.p, 0);
    ck_assert_int_eq(r.st, DSG_OC_ERR_FORMAT);
    ck_assert_str_eq(dsg_oc_status_token(r.st), "stor.format");
    buf_free(&c);
    free(plain);
}
END_TEST

/* Bytes after the final segment: a short last segment, a full one.
 * @relation(REQ-STOR-003) */
START_TEST(test_oc_trailing_garbage)
{
    static const size_t sizes[] = { 100, DSG_SEG_PLAIN_MAX, 0 };
    static const size_t extra[] = { 1, 15, 16, 17, 70000 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *plain = random_bytes(sizes[i], 14);
        buf c = encrypt(plain, sizes[i]);
        size_t clean = c.len;
        for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
            c.len = clean;
            uint8_t *junk = random_bytes(extra[e], 15);
            ck_assert_int_eq(sink(&c, junk, extra[e]), 0);
            free(junk);
            result r = decrypt(c.p, c.len);
            ck_assert_int_eq(r.st, DSG_OC_ERR_INTEGRITY);
            ck_assert_msg(strstr(r.msg, "segment ") != NULL, "%s", r.msg);
            ck_assert_uint_eq(r.plain.len, 0);   /* segment 0 is the one that fails */
            buf_free(&r.plain);
        }
        buf_free(&c);
        free(plain);
    }
}
END_TEST

/* A segment of another object, or of another version of the same object,
 * at the same place; a whole file of another object.
 * @relation(REQ-STOR-003) */
START_TEST(test_oc_other_object_or_version)
{
    size_t n = 2 * DSG_SEG_PLAIN_MAX + 9;
    uint8_t *plain = random_bytes(n, 16);
    buf a = encrypt_as(KEK, ID_A, 1, plain, n, 0);
    buf b = encrypt_as(KEK, ID_B, 1, plain, n, 0);
    buf v2 = encrypt_as(KEK, ID_A, 2, plain, n, 0);
    const buf *donors[] = { &b, &v2 };
    for (size_t d = 0; d < 2; d++)
        for (unsigned s = 0; s < 3; s++) {
            buf t = { 0 };
            ck_assert_int_eq(sink(&t, a.p, a.len), 0);
            memcpy(t.p + HDR + (size_t)s * SEG, donors[d]->p + HDR + (size_t)s * SEG,
                   seg_len(&a, s));
            result r = decrypt(t.p, t.len);
            expect_integrity(&r, s, plain);
            buf_free(&t);
        }
    /* another object's (or version's) whole file where A version 1 was asked for */
    result r = decrypt(b.p, b.len);
    ck_assert_int_eq(r.st, DSG_OC_ERR_INTEGRITY);
    /* the message names the object asked for first, then the one found */
    ck_assert_msg(strstr(r.msg, "object 6f626a6563742d412d31366279746573 version 1: the header "
                                "names object 6f626a6563742d422d31366279746573 version 1 "
                                "instead") != NULL, "%s", r.msg);
    ck_assert_uint_eq(r.plain.len, 0);
    r = decrypt(v2.p, v2.len);
    ck_assert_int_eq(r.st, DSG_OC_ERR_INTEGRITY);
    ck_assert_uint_eq(r.plain.len, 0);
    /* read without an expectation, B opens as B */
    r = decrypt_with(KEK, 0, b.p, b.len, 0);
    ck_assert_int_eq(r.st, DSG_OC_OK);
    buf_free(&r.plain);
    buf_free(&a);
    buf_free(&b);
    buf_free(&v2);
    free(plain);
}
END_TEST

/* The wrong KEK is told apart from a damaged object: stor.key, naming both
 * key IDs; a damaged wrapped key under the right KEK is stor.key too.
 * @relation(REQ-STOR-003, REQ-STOR-011) */
START_TEST(test_oc_wrong_kek)
{
    uint8_t plain[1000];
    memset(plain, 'x', sizeof plain);
    buf c = encrypt(plain, sizeof plain);
    result r = decrypt_with(OTHER_KEK, 1, c.p, c.len, 0);
    ck_assert_int_eq(r.st, DSG_OC_ERR_KEY);
    ck_assert_str_eq(dsg_oc_status_token(r.st), "stor.key");
    ck_assert_msg(strstr(r.msg, "wrong key") != NULL, "%s", r.msg);
    ck_assert_uint_eq(r.plain.len, 0);
    c.p[DSG_SEG_OFF_WRAPPED + 5] ^= 0x10;
    r = decrypt(c.p, c.len);
    ck_assert_int_eq(r.st, DSG_OC_ERR_KEY);
    ck_assert_msg(strstr(r.msg, "does not unwrap") != NULL, "%s", r.msg);
    buf_free(&c);
}
END_TEST

/* A header that is not a dsg object, or names an unknown algorithm.
 * @relation(REQ-STOR-003, REQ-STOR-006) */
START_TEST(test_oc_bad_header)
{
    uint8_t plain[10] = { 0 };
    buf c = encrypt(plain, sizeof plain);
    c.p[7] = 9;
    result r = decrypt(c.p, c.len);
    ck_assert_int_eq(r.st, DSG_OC_ERR_ALGORITHM);
    ck_assert_str_eq(dsg_oc_status_token(r.st), "stor.unknown_algorithm");
    c.p[7] = 1;
    c.p[0] = 'X';
    r = decrypt(c.p, c.len);
    ck_assert_int_eq(r.st, DSG_OC_ERR_FORMAT);
    ck_assert_msg(strstr(r.msg, "not a dsg object") != NULL, "%s", r.msg);
    buf_free(&c);
}
END_TEST

/* A sink that refuses stops the writer and the reader; nothing is taken
 * after an error. @relation(REQ-STOR-005) */
START_TEST(test_oc_sink_refuses)
{
    size_t n = 2 * DSG_SEG_PLAIN_MAX + 1;
    uint8_t *plain = random_bytes(n, 17);
    buf out = { 0 };
    out.refuse = 2;   /* the header goes, the first segment does not */
    dsg_oc_writer *w = NULL;
    ck_assert_int_eq(dsg_oc_writer_new(KEK, ID_A, 1, sink, &out, &w), DSG_OC_OK);
    ck_assert_int_eq(dsg_oc_writer_push(w, plain, n), DSG_OC_ERR_SINK);
    ck_assert_int_eq(dsg_oc_writer_finish(w), DSG_OC_ERR_STATE);
    dsg_oc_writer_free(w);
    buf_free(&out);
    out.refuse = 1;
    ck_assert_int_eq(dsg_oc_writer_new(KEK, ID_A, 1, sink, &out, &w), DSG_OC_ERR_SINK);
    dsg_oc_writer_free(w);
    buf_free(&out);

    buf c = encrypt(plain, n), got = { 0 };
    got.refuse = 2;
    dsg_oc_reader *rd = NULL;
    ck_assert_int_eq(dsg_oc_reader_new(KEK, NULL, 0, sink, &got, &rd), DSG_OC_OK);
    ck_assert_ptr_null(dsg_oc_reader_header(rd));
    ck_assert_int_eq(dsg_oc_reader_push(rd, c.p, c.len), DSG_OC_ERR_SINK);
    ck_assert_ptr_nonnull(dsg_oc_reader_header(rd));
    ck_assert_uint_eq(dsg_oc_reader_header(rd)->version, 1);
    ck_assert_uint_eq(dsg_oc_reader_index(rd), 1);
    ck_assert_int_eq(dsg_oc_reader_push(rd, c.p, 1), DSG_OC_ERR_STATE);
    ck_assert_int_eq(dsg_oc_reader_finish(rd), DSG_OC_ERR_STATE);
    ck_assert_uint_eq(got.len, DSG_SEG_PLAIN_MAX);   /* segment 0 only */
    dsg_oc_reader_free(rd);
    dsg_oc_writer_free(NULL);
    dsg_oc_reader_free(NULL);
    ck_assert_str_eq(dsg_oc_status_token((dsg_oc_status)42), "stor.unknown_status");
    buf_free(&got);
    buf_free(&c);
    free(plain);
}
END_TEST

Suite *suite_objcrypt(void)
{
    Suite *s = suite_create("objcrypt");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_oc_round_trip_boundaries);
    tcase_add_test(tc, test_oc_round_trip_random);
    tcase_add_test(tc, test_oc_one_segment_at_a_time);
    tcase_add_test(tc, test_oc_fresh_data_key);
    tcase_add_test(tc, test_oc_altered_byte);
    tcase_add_test(tc, test_oc_removed_reordered_duplicated);
    tcase_add_test(tc, test_oc_truncated);
    tcase_add_test(tc, test_oc_trailing_garbage);
    tcase_add_test(tc, test_oc_other_object_or_version);
    tcase_add_test(tc, test_oc_wrong_kek);
    tcase_add_test(tc, test_oc_bad_header);
    tcase_add_test(tc, test_oc_sink_refuses);
    suite_add_tcase(s, tc);
    return s;
}
