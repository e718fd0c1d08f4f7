/*
 * What the unit tests over the share role's encrypted object store
 * (tests/check_object_store.c, tests/check_storage_decrypt.c) share: two
 * object IDs, capabilities minted by the access decision, plaintext from
 * a seed, a store file's place in the layout, and the store's removal
 * after a test. Assertions fail the calling test.
 */
#ifndef DSG_TESTS_OBJ_FIXTURE_H
#define DSG_TESTS_OBJ_FIXTURE_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "share/object_store.h"

#define SEG DSG_SEG_PLAIN_MAX
#define STORED DSG_SEG_STORED_MAX
#define HDR DSG_SEG_HEADER_LEN
#define HOUR 3600000LL

static const uint8_t ID_A[DSG_CAP_OBJECT_ID_LEN] = "object-A-16bytes";
static const uint8_t ID_B[DSG_CAP_OBJECT_ID_LEN] = "object-B-16bytes";
#define HEX_A "6f626a6563742d412d31366279746573"   /* ID_A in hex */

static inline int64_t now_ms(void)
{
    struct timespec ts;
    ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A token for op on (id, version), minted by the decision at `at` over a
 * grant of every operation. */
static inline dsg_cap cap_at(uint32_t op, const uint8_t *id, uint64_t version, int64_t at)
{
    dsg_grant g;
    dsg_access_req r;
    dsg_cap c;
    memset(&g, 0, sizeof g);
    g.kind = DSG_ACCESS_ACCOUNT;
    g.subject = 42;
    g.area = 1;
    g.folder = 10;
    g.ops = DSG_ACCESS_ALL_OPS;
    g.from = at - HOUR;
    g.until = at + HOUR;
    memset(&r, 0, sizeof r);
    r.ask.account = 42;
    r.ask.op = op;
    r.object.area = 1;
    r.object.depth = 2;
    r.object.chain[0] = 10;
    r.object.chain[1] = 11;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, id, version, at, &c), 0);
    return c;
}

static inline dsg_cap cap_for(uint32_t op, const uint8_t *id, uint64_t version)
{
    return cap_at(op, id, version, now_ms());
}

/* n bytes from seed (malloc'd, one more to spare). */
static inline uint8_t *random_bytes(size_t n, unsigned seed)
{
    uint8_t *p = malloc(n + 1);
    ck_assert_ptr_nonnull(p);
    srandom(seed);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)random();
    return p;
}

/* The file of (id, version) in the store at objdir: <hex[0..2)>/<hex>.<version>. */
static inline void object_path(char *out, size_t cap, const char *objdir, const uint8_t *id,
                               uint64_t version)
{
    char h[2 * DSG_CAP_OBJECT_ID_LEN + 1];
    for (size_t i = 0; i < DSG_CAP_OBJECT_ID_LEN; i++)
        snprintf(h + 2 * i, 3, "%02x", id[i]);
    snprintf(out, cap, "%s/%.2s/%s.%llu", objdir, h, h, (unsigned long long)version);
}

/* Closes *store and removes dir with all it holds. */
static inline void obj_fixture_close(dsg_obj_store **store, const char *dir)
{
    char cmd[128];
    dsg_obj_store_close(*store);
    *store = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

#endif
