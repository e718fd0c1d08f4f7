/*
 * Unit tests of the capability tokens (src/share/cap.h, REQ-SHARE-008):
 * only the decision mints one; a token made or changed by hand, used for
 * another operation, object or version, or after its expiry is refused;
 * and no file of src/ but cap.c touches the tag key.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/cap.h"

Suite *suite_cap(void);

#define T0 1800000000000LL     /* ms since the epoch */
#define HOUR 3600000LL
#define AREA 7
#define ACCOUNT 42

static const uint8_t OBJ[DSG_CAP_OBJECT_ID_LEN] = "object-A-16bytes";
static const uint8_t OTHER[DSG_CAP_OBJECT_ID_LEN] = "object-B-16bytes";

/* A grant to ACCOUNT of ops on folder 200 of AREA, in force around T0. */
static dsg_grant grant(uint32_t ops)
{
    dsg_grant g;
    memset(&g, 0, sizeof g);
    g.kind = DSG_ACCESS_ACCOUNT;
    g.subject = ACCOUNT;
    g.area = AREA;
    g.folder = 200;
    g.ops = ops;
    g.from = T0 - HOUR;
    g.until = T0 + HOUR;
    return g;
}

/* ACCOUNT asks for op on file 211 in folder 200. */
static dsg_access_req request(uint32_t op)
{
    dsg_access_req r;
    memset(&r, 0, sizeof r);
    r.ask.account = ACCOUNT;
    r.ask.op = op;
    r.ask.now = T0;
    r.object.area = AREA;
    r.object.depth = 3;
    r.object.chain[0] = 100;
    r.object.chain[1] = 200;
    r.object.chain[2] = 211;
    return r;
}

static int all_zero(const dsg_cap *c)
{
    static const dsg_cap zero;
    return memcmp(c, &zero, sizeof zero) == 0;
}

static dsg_cap minted(uint32_t op)
{
    dsg_grant g = grant(DSG_ACCESS_BIT(op));
    dsg_access_req r = request(op);
    dsg_cap c;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, OBJ, 3, T0, &c), 0);
    return c;
}

/* A covering grant mints a token for exactly the request; no grant, a
 * grant of other operations, of another account or out of force mints
 * none and leaves the token zero. @relation(REQ-SHARE-008, REQ-SHARE-007) */
START_TEST(test_cap_mint_only_on_allow)
{
    ck_assert_int_eq(dsg_cap_init(), 0);
    ck_assert_int_eq(dsg_cap_init(), 0);   /* once is enough; again changes nothing */
    dsg_cap c = minted(DSG_ACCESS_READ);
    ck_assert_int_eq(c.account, ACCOUNT);
    ck_assert_uint_eq(c.op, DSG_ACCESS_READ);
    ck_assert_mem_eq(c.object_id, OBJ, sizeof OBJ);
    ck_assert_uint_eq(c.version, 3);
    ck_assert_int_eq(c.expiry, T0 + DSG_CAP_LIFETIME_MS);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 1);

    dsg_access_req r = request(DSG_ACCESS_READ);
    dsg_grant none[4] = { grant(DSG_ACCESS_BIT(DSG_ACCESS_LIST) | DSG_ACCESS_BIT(DSG_ACCESS_UPLOAD)),
                          grant(DSG_ACCESS_ALL_OPS), grant(DSG_ACCESS_ALL_OPS),
                          grant(DSG_ACCESS_ALL_OPS) };
    none[1].subject = ACCOUNT + 1;   /* another account's */
    none[2].until = T0;              /* ended */
    none[3].folder = 300;            /* a sibling folder */
    memset(&c, 0xA5, sizeof c);
    ck_assert_int_eq(dsg_cap_mint(none, 0, &r, OBJ, 3, T0, &c), -1);
    ck_assert(all_zero(&c));
    for (size_t i = 0; i < 4; i++) {
        memset(&c, 0xA5, sizeof c);
        ck_assert_int_eq(dsg_cap_mint(none + i, 1, &r, OBJ, 3, T0, &c), -1);
        ck_assert(all_zero(&c));
        ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
    }
    /* a malformed request: no account */
    dsg_grant g = grant(DSG_ACCESS_ALL_OPS);
    r.ask.account = 0;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, OBJ, 3, T0, &c), -1);
    ck_assert(all_zero(&c));
}
END_TEST

/* The decision is taken at the minting time, whatever the request says:
 * a request dated inside the grant minted after it ended is denied.
 * @relation(REQ-SHARE-008) */
START_TEST(test_cap_decided_at_now)
{
    dsg_grant g = grant(DSG_ACCESS_BIT(DSG_ACCESS_READ));
    dsg_access_req r = request(DSG_ACCESS_READ);
    dsg_cap c;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, OBJ, 1, T0 + HOUR, &c), -1);
    ck_assert(all_zero(&c));
    r.ask.now = T0 + 2 * HOUR;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, OBJ, 1, T0 + HOUR - 1, &c), 0);
    ck_assert_int_eq(c.expiry, T0 + HOUR - 1 + DSG_CAP_LIFETIME_MS);
    /* no expiry can be given this close to the end of time */
    g.from = 0;
    g.until = INT64_MAX;
    ck_assert_int_eq(dsg_cap_mint(&g, 1, &r, OBJ, 1, INT64_MAX - 1, &c), -2);
    ck_assert(all_zero(&c));
}
END_TEST

/* A token built by hand, with any tag, is refused: zero, a guessed one,
 * the tag of a real token over other fields. @relation(REQ-SHARE-008) */
START_TEST(test_cap_hand_built_refused)
{
    dsg_cap real = minted(DSG_ACCESS_READ), c;
    memset(&c, 0, sizeof c);
    c.account = ACCOUNT;
    c.op = DSG_ACCESS_READ;
    memcpy(c.object_id, OBJ, sizeof OBJ);
    c.version = 3;
    c.expiry = T0 + DSG_CAP_LIFETIME_MS;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
    memset(c.tag, 0xFF, sizeof c.tag);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
    srandom(8);
    for (int round = 0; round < 64; round++) {
        for (size_t i = 0; i < sizeof c.tag; i++)
            c.tag[i] = (uint8_t)random();
        ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
    }
    /* every field equal: the real tag is the only one that verifies */
    memcpy(c.tag, real.tag, sizeof c.tag);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 1);
    c.tag[DSG_CAP_TAG_LEN - 1] ^= 1u;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
}
END_TEST

/* A minted token copied and changed (operation, object, version, account,
 * expiry) is refused, and so is the unchanged token asked about another
 * operation, object or version. @relation(REQ-SHARE-008) */
START_TEST(test_cap_changed_copy_refused)
{
    dsg_cap real = minted(DSG_ACCESS_READ), c;

    c = real;
    c.op = DSG_ACCESS_DELETE;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_DELETE, OBJ, 3, T0), 0);
    c = real;
    memcpy(c.object_id, OTHER, sizeof OTHER);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OTHER, 3, T0), 0);
    c = real;
    c.version = 4;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 4, T0), 0);
    c = real;
    c.account = ACCOUNT + 1;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0), 0);
    c = real;
    c.expiry += HOUR;
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, T0 + HOUR), 0);

    ck_assert_int_eq(dsg_cap_check(&real, DSG_ACCESS_READ, OBJ, 3, T0), 1);
    ck_assert_int_eq(dsg_cap_check(&real, DSG_ACCESS_UPLOAD, OBJ, 3, T0), 0);
    ck_assert_int_eq(dsg_cap_check(&real, DSG_ACCESS_READ, OTHER, 3, T0), 0);
    ck_assert_int_eq(dsg_cap_check(&real, DSG_ACCESS_READ, OBJ, 2, T0), 0);

    /* an upload token is no read token, and the reverse */
    dsg_cap up = minted(DSG_ACCESS_UPLOAD);
    ck_assert_int_eq(dsg_cap_check(&up, DSG_ACCESS_UPLOAD, OBJ, 3, T0), 1);
    ck_assert_int_eq(dsg_cap_check(&up, DSG_ACCESS_READ, OBJ, 3, T0), 0);
}
END_TEST

/* A token is good until its expiry, exclusive. @relation(REQ-SHARE-008) */
START_TEST(test_cap_expired_refused)
{
    dsg_cap c = minted(DSG_ACCESS_READ);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, c.expiry - 1), 1);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, c.expiry), 0);
    ck_assert_int_eq(dsg_cap_check(&c, DSG_ACCESS_READ, OBJ, 3, c.expiry + HOUR), 0);
}
END_TEST

/* 1 when the file at path mentions the tag key or the tag function. */
static int mentions_tag(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int found = 0;
    ck_assert_msg(f != NULL, "cannot read %s", path);
    while (!found && fgets(line, sizeof line, f) != NULL)
        found = strstr(line, "cap_key") != NULL || strstr(line, "cap_tag") != NULL ||
                strstr(line, "DSG_CAP_TAG_LABEL") != NULL;
    fclose(f);
    return found;
}

/* Nothing but src/share/cap.[ch] names the tag key, the tag function or
 * its label: no other code can compute a tag (the reviewer's grep of
 * cap.h, run over every source file). @relation(REQ-SHARE-008) */
START_TEST(test_cap_tag_only_in_cap_c)
{
    char path[1024];
    int files = 0, found = 0;
    DIR *top, *sub;
    struct dirent *s, *f;

    snprintf(path, sizeof path, "%s/src", DSG_SOURCE_DIR);
    ck_assert_ptr_nonnull(top = opendir(path));
    while ((s = readdir(top)) != NULL) {
        if (s->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/src/%s", DSG_SOURCE_DIR, s->d_name);
        if ((sub = opendir(path)) == NULL)
            continue;
        while ((f = readdir(sub)) != NULL) {
            size_t len = strlen(f->d_name);
            if (len < 3 || (strcmp(f->d_name + len - 2, ".c") != 0 &&
                            strcmp(f->d_name + len - 2, ".h") != 0))
                continue;
            snprintf(path, sizeof path, "%s/src/%s/%s", DSG_SOURCE_DIR, s->d_name, f->d_name);
            files++;
            if (!mentions_tag(path))
                continue;
            found++;
            ck_assert_msg(strcmp(s->d_name, "share") == 0 &&
                              (strcmp(f->d_name, "cap.c") == 0 || strcmp(f->d_name, "cap.h") == 0),
                          "%s names the capability tag key or function", path);
        }
        closedir(sub);
    }
    closedir(top);
    ck_assert_int_gt(files, 50);   /* the tree was read */
    ck_assert_int_eq(found, 2);
}
END_TEST

Suite *suite_cap(void)
{
    Suite *s = suite_create("cap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_cap_mint_only_on_allow);
    tcase_add_test(tc, test_cap_decided_at_now);
    tcase_add_test(tc, test_cap_hand_built_refused);
    tcase_add_test(tc, test_cap_changed_copy_refused);
    tcase_add_test(tc, test_cap_expired_refused);
    tcase_add_test(tc, test_cap_tag_only_in_cap_c);
    suite_add_tcase(s, tc);
    return s;
}
