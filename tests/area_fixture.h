/*
 * What the area unit tests (tests/check_area_app.c, tests/check_area_store.c)
 * share: the comparison of two applications, member by member (a struct's
 * padding is not part of it). Assertions fail the calling test.
 */
#ifndef DSG_TESTS_AREA_FIXTURE_H
#define DSG_TESTS_AREA_FIXTURE_H

#include <check.h>

#include "share/area_app.h"

static inline void expect_same_app(const dsg_area_app *x, const dsg_area_app *y)
{
    ck_assert_str_eq(x->contract, y->contract);
    ck_assert_str_eq(x->project, y->project);
    ck_assert_str_eq(x->prime, y->prime);
    ck_assert_uint_eq(x->vendor_count, y->vendor_count);
    for (size_t i = 0; i < x->vendor_count && i < DSG_AREA_VENDORS_MAX; i++)
        ck_assert_str_eq(x->vendors[i], y->vendors[i]);
    ck_assert_int_eq(x->contract_end, y->contract_end);
    ck_assert_str_eq(x->applicant, y->applicant);
    ck_assert_str_eq(x->reason, y->reason);
}

#endif
