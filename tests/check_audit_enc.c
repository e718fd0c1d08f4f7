/*
 * Unit tests of the canonical audit record encoding (src/log/audit_enc.h):
 * REQ-LOG-003, REQ-LOG-039. Bad records and bad buffers first, then the
 * exact layout, then round trips and injectivity over many random records.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "log/audit_enc.h"

Suite *suite_audit_enc(void);

static uint8_t out[DSG_AENC_SIZE_MAX];
static uint8_t out2[DSG_AENC_SIZE_MAX];
static uint8_t items[DSG_AENC_ITEMS_MAX][DSG_AENC_ITEM_MAX];

static void set(dsg_aenc_record *r, uint32_t k, const char *s)
{
    r->item[k].p = (const uint8_t *)s;
    r->item[k].len = (uint32_t)strlen(s);
}

static void sample(dsg_aenc_record *r)
{
    memset(r, 0, sizeof *r);
    r->type = 16;
    r->seq = 0x0102030405060708ull;
    r->nitems = 4;
    set(r, 0, "portal");
    set(r, 1, "2026-01-02T03:04:05.678Z");
    set(r, 2, "method");
    set(r, 3, "GET");
}

/* @relation(REQ-LOG-039) */
START_TEST(test_aenc_refuses_malformed_records)
{
    dsg_aenc_record r;
    size_t len = 99;
    sample(&r);
    r.nitems = 0;
    ck_assert_int_eq(dsg_aenc_record_is_valid(&r), 0);
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), -1);
    r.nitems = 3;   /* odd: a name without its value */
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), -1);
    r.nitems = DSG_AENC_ITEMS_MAX + 2;
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), -1);
    sample(&r);
    r.item[3].len = DSG_AENC_ITEM_MAX + 1;
    r.item[3].p = items[0];
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), -1);
    sample(&r);
    ck_assert_int_eq(dsg_aenc_encode(&r, out, DSG_AENC_SIZE_MAX - 1, &len), -2);
    ck_assert_uint_eq(len, 99);
}
END_TEST

/* @relation(REQ-LOG-039) */
START_TEST(test_aenc_decoder_refuses_non_canonical_bytes)
{
    dsg_aenc_record r, d;
    size_t len;
    sample(&r);
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), 0);
    memset(&d, 0x5a, sizeof d);
    /* every proper prefix */
    for (size_t n = 0; n < len; n++)
        ck_assert_int_eq(dsg_aenc_decode(out, n, &d), -1);
    /* a trailing byte */
    ck_assert_int_eq(dsg_aenc_decode(out, len + 1, &d), -1);
    /* any single changed header or table byte: refused or a different record */
    for (size_t i = 0; i < DSG_AENC_HEAD + 4 * 5; i++) {
        memcpy(out2, out, len);
        out2[i] ^= 0x01;
        if (dsg_aenc_decode(out2, len, &d) == 0)
            ck_assert_msg(d.type != r.type || d.seq != r.seq || d.item[0].len != 6 ||
                          d.item[2].len != 6, "byte %zu flipped, same record", i);
    }
    /* version 2 */
    memset(&d, 0x5a, sizeof d);
    memcpy(out2, out, len);
    out2[0] = 2;
    ck_assert_int_eq(dsg_aenc_decode(out2, len, &d), -1);
    /* refused input leaves the output alone */
    for (size_t i = 0; i < sizeof d; i++)
        ck_assert_uint_eq(((uint8_t *)&d)[i], 0x5a);
}
END_TEST

/* @relation(REQ-LOG-003, REQ-LOG-039) */
START_TEST(test_aenc_layout_is_exact)
{
    dsg_aenc_record r;
    size_t len;
    static const uint8_t want[] = {
        1, 16, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 4, 0, 0, 0,
        37, 0, 0, 0, 43, 0, 0, 0, 67, 0, 0, 0, 73, 0, 0, 0, 76, 0, 0, 0,
        'p', 'o', 'r', 't', 'a', 'l',
    };
    sample(&r);
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), 0);
    ck_assert_uint_eq(len, 76);
    ck_assert_mem_eq(out, want, sizeof want);
    ck_assert_mem_eq(out + 43, "2026-01-02T03:04:05.678Z" "method" "GET", 33);
}
END_TEST

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void random_record(dsg_aenc_record *r, uint32_t *seed)
{
    memset(r, 0, sizeof *r);
    r->type = rnd(seed) % 4;
    r->seq = rnd(seed) % 5;
    r->nitems = 2 + 2 * (rnd(seed) % 3);
    for (uint32_t k = 0; k < r->nitems; k++) {
        r->item[k].len = rnd(seed) % 4;
        for (uint32_t j = 0; j < r->item[k].len; j++)
            items[k][j] = (uint8_t)("ab\0"[rnd(seed) % 3]);
        r->item[k].p = items[k];
    }
}

static int same(const dsg_aenc_record *a, const dsg_aenc_record *b)
{
    if (a->type != b->type || a->seq != b->seq || a->nitems != b->nitems)
        return 0;
    for (uint32_t k = 0; k < a->nitems; k++)
        if (a->item[k].len != b->item[k].len ||
            memcmp(a->item[k].p, b->item[k].p, a->item[k].len) != 0)
            return 0;
    return 1;
}

/* Round trip, re-encoding, and injectivity: small alphabets make many
 * records that differ only in where one item ends and the next begins.
 * @relation(REQ-LOG-003, REQ-LOG-039) */
START_TEST(test_aenc_round_trip_and_injectivity)
{
    static uint8_t encs[400][256];
    static size_t lens[400];
    static dsg_aenc_record recs[400];
    static uint8_t store[400][DSG_AENC_ITEMS_MAX][4];
    uint32_t seed = 7;
    for (int i = 0; i < 400; i++) {
        dsg_aenc_record r, d;
        size_t len;
        random_record(&r, &seed);
        for (uint32_t k = 0; k < r.nitems; k++) {
            memcpy(store[i][k], r.item[k].p, r.item[k].len);
            r.item[k].p = store[i][k];
        }
        recs[i] = r;
        ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), 0);
        ck_assert_uint_le(len, sizeof encs[0]);
        memcpy(encs[i], out, len);
        lens[i] = len;
        ck_assert_int_eq(dsg_aenc_decode(encs[i], len, &d), 0);
        ck_assert(same(&r, &d));
        size_t len2;
        ck_assert_int_eq(dsg_aenc_encode(&d, out2, sizeof out2, &len2), 0);
        ck_assert_uint_eq(len2, len);
        ck_assert_mem_eq(out2, encs[i], len);
    }
    for (int i = 0; i < 400; i++)
        for (int j = 0; j < i; j++)
            if (lens[i] == lens[j] && memcmp(encs[i], encs[j], lens[i]) == 0)
                ck_assert_msg(same(&recs[i], &recs[j]), "records %d and %d collide", i, j);
            else
                ck_assert_msg(!same(&recs[i], &recs[j]), "equal records %d, %d differ", i, j);
}
END_TEST

/* @relation(REQ-LOG-039) */
START_TEST(test_aenc_largest_record_fits)
{
    dsg_aenc_record r, d;
    size_t len;
    memset(&r, 0, sizeof r);
    r.nitems = DSG_AENC_ITEMS_MAX;
    r.seq = UINT64_MAX;
    r.type = UINT32_MAX;
    for (uint32_t k = 0; k < r.nitems; k++) {
        memset(items[k], (int)k, DSG_AENC_ITEM_MAX);
        r.item[k].p = items[k];
        r.item[k].len = DSG_AENC_ITEM_MAX;
    }
    ck_assert_int_eq(dsg_aenc_encode(&r, out, sizeof out, &len), 0);
    ck_assert_uint_eq(len, DSG_AENC_SIZE_MAX);
    ck_assert_int_eq(dsg_aenc_decode(out, len, &d), 0);
    ck_assert(same(&r, &d));
}
END_TEST

Suite *suite_audit_enc(void)
{
    Suite *s = suite_create("audit_enc");
    TCase *bad = tcase_create("bad_input");
    tcase_add_test(bad, test_aenc_refuses_malformed_records);
    tcase_add_test(bad, test_aenc_decoder_refuses_non_canonical_bytes);
    suite_add_tcase(s, bad);
    TCase *tc = tcase_create("encoding");
    tcase_add_test(tc, test_aenc_layout_is_exact);
    tcase_add_test(tc, test_aenc_round_trip_and_injectivity);
    tcase_add_test(tc, test_aenc_largest_record_fits);
    suite_add_tcase(s, tc);
    return s;
}
