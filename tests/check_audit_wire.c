/*
 * Unit tests of audit records on their way to logd (src/log/audit_wire.h)
 * and of batched appends (dsg_audit_batch_*): REQ-LOG-001. Bad input
 * first: records that do not fit, bytes that are not records, records
 * claiming a sequence or a source (logd's to assign); then a round trip
 * and batches that commit or leave no trace.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/audit.h"
#include "log/audit_wire.h"

Suite *suite_audit_wire(void);

#define F(n, v) { n, (const uint8_t *)(v), sizeof(v) - 1 }
static const dsg_audit_field access[] = {
    F("access_time", "2026-11-26T05:59:50.006Z"), F("source_ip", "127.0.0.1"),
    F("url", "/api/v1/health"), F("method", "GET"), F("user_agent", "t/1"), F("status", "200"),
};
static uint8_t buf[65536];
static dsg_aenc_record r;

/* @relation(REQ-LOG-043) */
START_TEST(test_wire_refuses_what_does_not_fit)
{
    size_t used = 0;
    ck_assert_int_eq(dsg_audit_wire_put(buf, 40, &used, 16, access, 6), -1);
    ck_assert_uint_eq(used, 0);
    ck_assert_int_eq(dsg_audit_wire_put(buf, sizeof buf, &used, 16, access, 6), 0);
    size_t one = used;
    /* exactly room for a second one, then none */
    ck_assert_int_eq(dsg_audit_wire_put(buf, 2 * one, &used, 16, access, 6), 0);
    ck_assert_uint_eq(used, 2 * one);
    ck_assert_int_eq(dsg_audit_wire_put(buf, 3 * one - 1, &used, 16, access, 6), -1);
    ck_assert_uint_eq(used, 2 * one);
}
END_TEST

/* @relation(REQ-LOG-043) */
START_TEST(test_wire_refuses_bytes_that_are_not_records)
{
    size_t used = 0, off = 0;
    ck_assert_int_eq(dsg_audit_wire_put(buf, sizeof buf, &used, 16, access, 6), 0);
    /* cut anywhere: refused */
    for (size_t cut = 1; cut < used; cut += 7) {
        off = 0;
        ck_assert_int_eq(dsg_audit_wire_next(buf, cut, &off, &r), -1);
        ck_assert_uint_eq(off, 0);
    }
    /* a length beyond the message */
    buf[3] = 0x7f;
    off = 0;
    ck_assert_int_eq(dsg_audit_wire_next(buf, used, &off, &r), -1);
}
END_TEST

/* A record may not name its source, time or sequence: logd assigns them.
 * @relation(REQ-LOG-043) */
START_TEST(test_wire_refuses_records_claiming_logds_items)
{
    static uint8_t enc[DSG_AENC_SIZE_MAX];
    static const uint8_t name[] = "portal";
    size_t len = 0, off = 0;
    for (int which = 0; which < 3; which++) {
        memset(&r, 0, sizeof r);
        r.type = 16;
        r.nitems = 2;
        if (which == 0)
            r.seq = 7;
        else {
            r.item[which - 1].p = name;
            r.item[which - 1].len = 6;
        }
        ck_assert_int_eq(dsg_aenc_encode(&r, enc, sizeof enc, &len), 0);
        for (int k = 0; k < 4; k++)
            buf[k] = (uint8_t)(len >> (8 * k));
        memcpy(buf + 4, enc, len);
        off = 0;
        ck_assert_int_eq(dsg_audit_wire_next(buf, 4 + len, &off, &r), -1);
    }
}
END_TEST

/* @relation(REQ-LOG-043) */
START_TEST(test_wire_round_trip_of_several_records)
{
    size_t used = 0, off = 0;
    static const dsg_audit_field sys[] = { F("event", "started") };
    ck_assert_int_eq(dsg_audit_wire_put(buf, sizeof buf, &used, 16, access, 6), 0);
    ck_assert_int_eq(dsg_audit_wire_put(buf, sizeof buf, &used, 101, sys, 1), 0);
    ck_assert_int_eq(dsg_audit_wire_next(buf, used, &off, &r), 1);
    ck_assert_uint_eq(r.type, 16);
    ck_assert_uint_eq(r.nitems, 14);
    ck_assert(r.item[4].len == 9 && memcmp(r.item[4].p, "source_ip", 9) == 0);
    ck_assert(r.item[7].len == 14 && memcmp(r.item[7].p, "/api/v1/health", 14) == 0);
    ck_assert_int_eq(dsg_audit_wire_next(buf, used, &off, &r), 1);
    ck_assert_uint_eq(r.type, 101);
    ck_assert(r.item[3].len == 7 && memcmp(r.item[3].p, "started", 7) == 0);
    ck_assert_int_eq(dsg_audit_wire_next(buf, used, &off, &r), 0);
    ck_assert_uint_eq(off, used);
}
END_TEST

static char dir[64], err[512];

static dsg_audit *open_store(void)
{
    dsg_audit_opts o;
    dsg_audit *a = NULL;
    snprintf(dir, sizeof dir, "/tmp/dsg-wire-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    dsg_audit_opts_default(&o);
    o.checkpoint_records = 3;
    ck_assert_msg(dsg_audit_open(dir, &o, &a, err, sizeof err) == 0, "%s", err);
    return a;
}

static void remove_store(dsg_audit *a)
{
    char cmd[128];
    dsg_audit_close(a);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static uint64_t append(dsg_audit *a)
{
    uint64_t seq = 0;
    ck_assert_msg(dsg_audit_append(a, "portal", 16, access, 6, &seq, err, sizeof err) == 0, "%s",
                  err);
    return seq;
}

/* An aborted batch leaves no record and no gap: the next record takes the
 * sequence number the first aborted one had, and the chain verifies.
 * @relation(REQ-LOG-043, REQ-LOG-003) */
START_TEST(test_batch_abort_leaves_no_trace)
{
    dsg_audit *a = open_store();
    char pubkey[4096];
    static dsg_audit_report rep;
    ck_assert_uint_eq(append(a), 1);
    ck_assert_int_eq(dsg_audit_batch_begin(a, err, sizeof err), 0);
    ck_assert_int_eq(dsg_audit_batch_begin(a, err, sizeof err), -1);   /* one at a time */
    ck_assert_uint_eq(append(a), 2);
    ck_assert_uint_eq(append(a), 3);
    dsg_audit_batch_abort(a);
    ck_assert_uint_eq(append(a), 2);
    /* a batch that commits: its records, and the checkpoint due by count */
    ck_assert_int_eq(dsg_audit_batch_begin(a, err, sizeof err), 0);
    ck_assert_uint_eq(append(a), 3);
    ck_assert_uint_eq(append(a), 4);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 4);   /* not signed inside the batch */
    ck_assert_msg(dsg_audit_batch_commit(a, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 0);
    ck_assert_int_eq(dsg_audit_batch_commit(a, err, sizeof err), -1);  /* none open */
    ck_assert_int_eq(dsg_audit_pubkey_pem(dir, pubkey, sizeof pubkey, err, sizeof err), 0);
    ck_assert_msg(dsg_audit_verify(dir, pubkey, strlen(pubkey), NULL, &rep, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_uint_eq(rep.records, 4);
    ck_assert_uint_eq(rep.nbreaks, 0);
    remove_store(a);
}
END_TEST

Suite *suite_audit_wire(void)
{
    Suite *s = suite_create("audit_wire");
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, test_wire_refuses_what_does_not_fit);
    tcase_add_test(bad, test_wire_refuses_bytes_that_are_not_records);
    tcase_add_test(bad, test_wire_refuses_records_claiming_logds_items);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("round trip");
    tcase_add_test(ok, test_wire_round_trip_of_several_records);
    tcase_add_test(ok, test_batch_abort_leaves_no_trace);
    suite_add_tcase(s, ok);
    return s;
}
