/*
 * Unit tests of the memory for key bytes (src/stor/key_mem.h):
 * REQ-STOR-010. Before the arena is mapped a key still gets (ordinary)
 * memory; after, a key lies in the arena, whose mapping the kernel marks
 * "dd" (excluded from core dumps) in /proc/self/smaps. Each test runs in
 * its own process (Check forks), so mapping the arena here leaves other
 * suites alone.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stor/key_mem.h"

Suite *suite_key_mem(void);

/* The VmFlags line of the mapping of /proc/self/smaps that holds p, in
 * flags; 0, or -1 when no mapping holds it. */
static int vm_flags_of(const void *p, char *flags, size_t cap)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int inside = 0;
    uintptr_t a = (uintptr_t)p;
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
            inside = a >= lo && a < hi;
            continue;
        }
        if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, cap, "%.*s", (int)(cap - 1), line + 8);
            fclose(f);
            return 0;
        }
    }
    fclose(f);
    return -1;
}

/* @relation(REQ-STOR-010) */
START_TEST(test_key_mem_before_init_is_ordinary)
{
    uint8_t *k = dsg_key_mem_new(32);
    ck_assert_ptr_nonnull(k);
    for (int i = 0; i < 32; i++)
        ck_assert_uint_eq(k[i], 0);
    ck_assert_int_eq(dsg_key_mem_is_secure(k), 0);
    dsg_key_mem_free(k, 32);
    dsg_key_mem_free(NULL, 32);
}
END_TEST

/* @relation(REQ-STOR-010) */
START_TEST(test_key_mem_arena_excluded_from_dumps)
{
    char err[160], flags[512];
    int rc = dsg_key_mem_init(err, sizeof err);
    ck_assert_msg(rc == 1 || rc == 2, "%s", err);
    uint8_t *k = dsg_key_mem_new(32);
    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(dsg_key_mem_is_secure(k), 1);
    memset(k, 0x5A, 32);
    ck_assert_int_eq(vm_flags_of(k, flags, sizeof flags), 0);
    ck_assert_msg(strstr(flags, " dd") != NULL, "VmFlags:%s", flags);
    if (rc == 1)   /* locked where RLIMIT_MEMLOCK allowed it */
        ck_assert_msg(strstr(flags, " lo") != NULL, "VmFlags:%s", flags);
    uint8_t *plain = malloc(32);
    ck_assert_int_eq(vm_flags_of(plain, flags, sizeof flags), 0);
    ck_assert_msg(strstr(flags, " dd") == NULL, "the ordinary heap: VmFlags:%s", flags);
    free(plain);
    dsg_key_mem_free(k, 32);
}
END_TEST

Suite *suite_key_mem(void)
{
    Suite *s = suite_create("key_mem");
    TCase *t = tcase_create("arena");
    tcase_add_test(t, test_key_mem_before_init_is_ordinary);
    tcase_add_test(t, test_key_mem_arena_excluded_from_dumps);
    suite_add_tcase(s, t);
    return s;
}
