/*
 * Unit tests of forwarding's pure pieces (src/run/fwd_wire.h): the
 * log.forward list, RFC 5425 octet-counting frames and the stream checker
 * logfwd runs over everything it sends, and the bus messages. Bad input
 * first. REQ-LOG-047, REQ-LOG-010, REQ-RUN-053.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "run/fwd_wire.h"

Suite *suite_fwd_wire(void);

static int parse(const char *list, dsgd_fwd_targets *t)
{
    char why[160];
    return dsgd_fwd_targets_parse(list, t, why, sizeof why);
}

/* @relation(REQ-LOG-047) */
START_TEST(test_fwd_targets_refuse_malformed_entries)
{
    static const char *const bad[] = {
        "127.0.0.1",                 /* no port */
        "127.0.0.1:",                /* empty port */
        "127.0.0.1:0",               /* port 0 */
        "127.0.0.1:65536",           /* too big */
        "127.0.0.1:0514",            /* leading zero */
        "127.0.0.1:65a",
        "localhost:6514",            /* not numeric */
        "256.0.0.1:6514",
        "::1:6514",                  /* IPv6 without brackets */
        "[::1]6514",
        "[::1:6514",
        "[]:6514",
        "[127.0.0.1]:6514",          /* brackets hold IPv6 only */
        "@127.0.0.1:6514",           /* empty NAME */
        "-bad.example@127.0.0.1:6514",
        "bad-.example@127.0.0.1:6514",
        "a..b@127.0.0.1:6514",
        "a_b@127.0.0.1:6514",
        "a@b@127.0.0.1:6514",
        "127.0.0.1:6514 127.0.0.1:6514",          /* twice */
        "a@127.0.0.1:6514, b@127.0.0.1:6514",     /* the same place twice */
        "10.0.0.1:1, 10.0.0.2:1, 10.0.0.3:1, 10.0.0.4:1, 10.0.0.5:1",   /* five */
    };
    dsgd_fwd_targets t;
    char why[160];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        ck_assert_msg(dsgd_fwd_targets_parse(bad[i], &t, why, sizeof why) == -1,
                      "accepted '%s'", bad[i]);
        ck_assert_msg(why[0] != '\0', "no reason for '%s'", bad[i]);
    }
    char longname[400];
    memset(longname, 'a', 300);
    snprintf(longname + 300, sizeof longname - 300, "@127.0.0.1:1");
    ck_assert_int_eq(parse(longname, &t), -1);
}
END_TEST

/* @relation(REQ-LOG-047) */
START_TEST(test_fwd_targets_parse_addresses_names_and_ports)
{
    dsgd_fwd_targets t;
    ck_assert_int_eq(parse("", &t), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_int_eq(parse(" , ", &t), 0);
    ck_assert_uint_eq(t.n, 0);
    ck_assert_int_eq(parse(" 192.0.2.7:6514,[2001:db8::7]:1 siem.example.jp@192.0.2.8:65535,", &t), 0);
    ck_assert_uint_eq(t.n, 3);
    ck_assert_str_eq(t.t[0].text, "192.0.2.7:6514");
    ck_assert_str_eq(t.t[0].addr, "192.0.2.7");
    ck_assert_str_eq(t.t[0].host, "");
    ck_assert_int_eq(t.t[0].v6, 0);
    ck_assert_uint_eq(t.t[0].port, 6514);
    ck_assert_int_eq(memcmp(t.t[0].ip, "\xc0\x00\x02\x07", 4), 0);
    ck_assert_str_eq(t.t[1].text, "[2001:db8::7]:1");
    ck_assert_str_eq(t.t[1].addr, "2001:db8::7");
    ck_assert_int_eq(t.t[1].v6, 1);
    ck_assert_uint_eq(t.t[1].port, 1);
    ck_assert_uint_eq(t.t[1].ip[15], 7);
    ck_assert_str_eq(t.t[2].host, "siem.example.jp");
    ck_assert_str_eq(t.t[2].addr, "192.0.2.8");
    ck_assert_uint_eq(t.t[2].port, 65535);
    /* the same address on another port is another collector */
    ck_assert_int_eq(parse("127.0.0.1:1,127.0.0.1:2,[::1]:1,[::1]:2", &t), 0);
    ck_assert_uint_eq(t.n, 4);
}
END_TEST

/* MSG-LEN SP: a non-zero first digit, the exact count. @relation(REQ-LOG-047, REQ-LOG-010) */
START_TEST(test_fwd_frame_head)
{
    uint8_t h[DSGD_FWD_HEAD_MAX];
    ck_assert_uint_eq(dsgd_fwd_frame_head(h, 0), 0);
    ck_assert_uint_eq(dsgd_fwd_frame_head(h, DSGD_FWD_MSG_MAX + 1), 0);
    ck_assert_uint_eq(dsgd_fwd_frame_head(h, 1), 2);
    ck_assert_int_eq(memcmp(h, "1 ", 2), 0);
    ck_assert_uint_eq(dsgd_fwd_frame_head(h, 438), 4);
    ck_assert_int_eq(memcmp(h, "438 ", 4), 0);
    ck_assert_uint_eq(dsgd_fwd_frame_head(h, DSGD_FWD_MSG_MAX), 9);
    ck_assert_int_eq(memcmp(h, "16777216 ", 9), 0);
}
END_TEST

static int feed(dsgd_fwd_scan *s, const char *p)
{
    return dsgd_fwd_scan_feed(s, (const uint8_t *)p, strlen(p));
}

/* Bytes that break the framing are refused at once, and the scanner stays
 * broken. @relation(REQ-LOG-047) */
START_TEST(test_fwd_scan_refuses_bad_framing)
{
    static const char *const bad[] = {
        " 3 <1>",        /* no MSG-LEN */
        "03 <1>",        /* leading zero */
        "3x<1>",         /* not SP */
        "3  <1>",        /* two SP: the message starts with SP, not '<' */
        "3 abc",         /* not a syslog message */
        "999999999 <",   /* nine digits: over the maximum */
        "16777217 <",    /* just over */
        "3 <1>2 <",      /* fine so far (checked below) */
    };
    for (size_t i = 0; i + 1 < sizeof bad / sizeof bad[0]; i++) {
        dsgd_fwd_scan s;
        memset(&s, 0, sizeof s);
        ck_assert_msg(feed(&s, bad[i]) == -1, "accepted '%s'", bad[i]);
        ck_assert_int_eq(feed(&s, "3 <1>"), -1);
        ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 0);
    }
    dsgd_fwd_scan s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(feed(&s, bad[7]), 0);   /* ...and a stream may end inside a frame */
    ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 0);
    ck_assert_int_eq(feed(&s, "x"), 0);       /* "2 <" and one more byte: a frame */
    ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 1);
    ck_assert_uint_eq(s.frames, 2);
    ck_assert_int_eq(feed(&s, "x"), -1);      /* where a MSG-LEN must start */
}
END_TEST

/* A stream of frames is followed across any split into pieces.
 * @relation(REQ-LOG-047, REQ-LOG-010) */
START_TEST(test_fwd_scan_follows_frames_across_pieces)
{
    static const char stream[] = "5 <110>10 <110>1 - x1 <";
    size_t n = sizeof stream - 1;
    for (size_t cut1 = 0; cut1 <= n; cut1++)
        for (size_t cut2 = cut1; cut2 <= n; cut2++) {
            dsgd_fwd_scan s;
            memset(&s, 0, sizeof s);
            const uint8_t *p = (const uint8_t *)stream;
            ck_assert_int_eq(dsgd_fwd_scan_feed(&s, p, cut1), 0);
            ck_assert_int_eq(dsgd_fwd_scan_feed(&s, p + cut1, cut2 - cut1), 0);
            ck_assert_int_eq(dsgd_fwd_scan_feed(&s, p + cut2, n - cut2), 0);
            ck_assert_uint_eq(s.frames, 3);
            ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 1);
        }
    dsgd_fwd_scan s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 1);
    ck_assert_int_eq(feed(&s, "12"), 0);
    ck_assert_int_eq(dsgd_fwd_scan_idle(&s), 0);
}
END_TEST

/* Every reader takes exactly what its writer makes and refuses every other
 * size and a collector out of range. @relation(REQ-LOG-047, REQ-RUN-053) */
START_TEST(test_fwd_messages_round_trip_and_exact_sizes)
{
    uint8_t b[64], coll;
    uint32_t gen;
    uint64_t id;
    int up;
    const uint8_t *data;
    size_t dlen;

    dsgd_fwd_batch_head(b, 3, 0x01020304u, 0x1122334455667788ull);
    memcpy(b + DSGD_FWD_BATCH_HEAD, "7 <1>abc", 8);
    ck_assert_int_eq(dsgd_fwd_batch_get(b, DSGD_FWD_BATCH_HEAD, &coll, &gen, &id, &data, &dlen), -1);
    ck_assert_int_eq(dsgd_fwd_batch_get(b, DSGD_FWD_BATCH_HEAD + 8, &coll, &gen, &id, &data, &dlen), 0);
    ck_assert_uint_eq(coll, 3);
    ck_assert_uint_eq(gen, 0x01020304u);
    ck_assert(id == 0x1122334455667788ull);
    ck_assert_ptr_eq(data, b + DSGD_FWD_BATCH_HEAD);
    ck_assert_uint_eq(dlen, 8);
    b[0] = DSGD_FWD_MAX;
    ck_assert_int_eq(dsgd_fwd_batch_get(b, DSGD_FWD_BATCH_HEAD + 8, &coll, &gen, &id, &data, &dlen), -1);

    dsgd_fwd_ack_put(b, 1, 9, 42);
    ck_assert_int_eq(dsgd_fwd_ack_get(b, DSGD_FWD_ACK_LEN - 1, &coll, &gen, &id), -1);
    ck_assert_int_eq(dsgd_fwd_ack_get(b, DSGD_FWD_ACK_LEN + 1, &coll, &gen, &id), -1);
    ck_assert_int_eq(dsgd_fwd_ack_get(b, DSGD_FWD_ACK_LEN, &coll, &gen, &id), 0);
    ck_assert(coll == 1 && gen == 9 && id == 42);
    b[0] = 200;
    ck_assert_int_eq(dsgd_fwd_ack_get(b, DSGD_FWD_ACK_LEN, &coll, &gen, &id), -1);

    dsgd_fwd_state_put(b, 2, 7, 1);
    ck_assert_int_eq(dsgd_fwd_state_get(b, DSGD_FWD_STATE_LEN, &coll, &gen, &up), 0);
    ck_assert(coll == 2 && gen == 7 && up == 1);
    ck_assert_int_eq(dsgd_fwd_state_get(b, DSGD_FWD_STATE_LEN + 1, &coll, &gen, &up), -1);
    b[5] = 2;
    ck_assert_int_eq(dsgd_fwd_state_get(b, DSGD_FWD_STATE_LEN, &coll, &gen, &up), -1);

    dsgd_fwd_handover_put(b, 0, 5);
    ck_assert_int_eq(dsgd_fwd_handover_get(b, DSGD_FWD_HANDOVER_LEN, &coll, &gen), 0);
    ck_assert(coll == 0 && gen == 5);
    ck_assert_int_eq(dsgd_fwd_handover_get(b, DSGD_FWD_HANDOVER_LEN - 1, &coll, &gen), -1);
    b[0] = 4;
    ck_assert_int_eq(dsgd_fwd_handover_get(b, DSGD_FWD_HANDOVER_LEN, &coll, &gen), -1);
}
END_TEST

Suite *suite_fwd_wire(void)
{
    Suite *s = suite_create("fwd_wire");
    TCase *tc = tcase_create("fwd_wire");
    tcase_add_test(tc, test_fwd_targets_refuse_malformed_entries);
    tcase_add_test(tc, test_fwd_targets_parse_addresses_names_and_ports);
    tcase_add_test(tc, test_fwd_frame_head);
    tcase_add_test(tc, test_fwd_scan_refuses_bad_framing);
    tcase_add_test(tc, test_fwd_scan_follows_frames_across_pieces);
    tcase_add_test(tc, test_fwd_messages_round_trip_and_exact_sizes);
    suite_add_tcase(s, tc);
    return s;
}
