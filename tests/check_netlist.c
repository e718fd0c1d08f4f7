/*
 * Unit tests of the network lists (src/core/netlist.h): REQ-MFA-002 (the
 * Ministry networks of auth.ministry_networks) and REQ-ACCT-016 (an
 * organisation's registered networks).
 *
 * Bad input first: every error of the address, prefix and list parsers,
 * with the offset the list reports; then well-formed addresses, prefixes
 * and lists; then matching at the edges of prefixes, /0 and mapped
 * addresses; last, a differential check of the address parser against
 * glibc's inet_pton over the documented forms and many generated strings.
 *
 * Every parse goes through a checker of the contract: on success the
 * C twin accepts the result and a list is all read; on an error nothing
 * but the count and offset is written.
 */
#define _DEFAULT_SOURCE   /* inet_aton */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/netlist.h"

Suite *suite_netlist(void);

static const uint8_t *u8(const char *s)
{
    return (const uint8_t *)s;
}

/* dsg_ip_parse, checking its contract. */
static dsg_net_status addr_parse(const char *text, dsg_ip_addr *out)
{
    dsg_ip_addr a;
    memset(&a, 0xA5, sizeof a);
    dsg_ip_addr before = a;
    dsg_net_status st = dsg_ip_parse(u8(text), strlen(text), &a);
    if (st == DSG_NET_OK)
        ck_assert_int_eq(dsg_ip_addr_is_valid(&a), 1);
    else
        ck_assert(memcmp(&a, &before, sizeof a) == 0);
    if (out != NULL)
        *out = a;
    return st;
}

/* dsg_ip_net_parse, checking its contract. */
static dsg_net_status net_parse(const char *text, dsg_ip_net *out)
{
    dsg_ip_net n;
    memset(&n, 0xA5, sizeof n);
    dsg_ip_net before = n;
    dsg_net_status st = dsg_ip_net_parse(u8(text), strlen(text), &n);
    if (st == DSG_NET_OK)
        ck_assert_int_eq(dsg_ip_net_is_valid(&n), 1);
    else
        ck_assert(memcmp(&n, &before, sizeof n) == 0);
    if (out != NULL)
        *out = n;
    return st;
}

#define CAP 8u
static dsg_ip_net list[CAP];
static size_t nlist;

/* dsg_netlist_parse into list[0 .. cap), checking its contract. */
static dsg_net_status list_parse(const char *text, size_t cap, size_t *at)
{
    size_t len = strlen(text), count = 99, off = 99;
    memset(list, 0xA5, sizeof list);
    dsg_ip_net before[CAP];
    memcpy(before, list, sizeof list);
    dsg_net_status st = dsg_netlist_parse(u8(text), len, list, cap, &count, &off);
    ck_assert_uint_le(off, len);
    if (st == DSG_NET_OK) {
        ck_assert_uint_eq(off, len);
        ck_assert_uint_ge(count, 1);
        ck_assert_uint_le(count, cap);
        for (size_t k = 0; k < count; k++)
            ck_assert_int_eq(dsg_ip_net_is_valid(&list[k]), 1);
    } else {
        ck_assert_uint_eq(count, 0);
        ck_assert(memcmp(list, before, sizeof list) == 0);
    }
    nlist = count;
    if (at != NULL)
        *at = off;
    return st;
}

#define BAD_ADDR(text, code) ck_assert_int_eq(addr_parse((text), NULL), (code))
#define BAD_NET(text, code) ck_assert_int_eq(net_parse((text), NULL), (code))
#define BAD_LIST(text, code, offset)                                   \
    do {                                                               \
        size_t at_;                                                    \
        ck_assert_int_eq(list_parse((text), CAP, &at_), (code));       \
        ck_assert_uint_eq(at_, (offset));                              \
    } while (0)

static void expect_v4(const char *text, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    dsg_ip_addr x;
    ck_assert_int_eq(addr_parse(text, &x), DSG_NET_OK);
    const uint8_t want[16] = { a, b, c, d };
    ck_assert_int_eq(x.family, DSG_IP_V4);
    ck_assert(memcmp(x.b, want, 16) == 0);
}

/* text parses as IPv6, to the address inet_pton gives for `same`. */
static void expect_v6(const char *text, const char *same)
{
    dsg_ip_addr x;
    uint8_t want[16];
    ck_assert_msg(addr_parse(text, &x) == DSG_NET_OK, "%s refused", text);
    ck_assert_int_eq(inet_pton(AF_INET6, same, want), 1);
    ck_assert_int_eq(x.family, DSG_IP_V6);
    ck_assert_msg(memcmp(x.b, want, 16) == 0, "%s", text);
}

static dsg_ip_addr addr(const char *text)
{
    dsg_ip_addr x;
    ck_assert_msg(addr_parse(text, &x) == DSG_NET_OK, "%s refused", text);
    return x;
}

/* dsg_netlist_contains over the list text for the address text. */
static int contains(const char *list_text, const char *addr_text)
{
    ck_assert_msg(list_parse(list_text, CAP, NULL) == DSG_NET_OK, "%s refused", list_text);
    dsg_ip_addr a = addr(addr_text);
    return dsg_netlist_contains(list, nlist, &a);
}

/* ---- bad addresses ---------------------------------------------------------- */

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_empty_address)
{
    BAD_ADDR("", DSG_NET_ERR_EMPTY);
    BAD_NET("", DSG_NET_ERR_EMPTY);
    BAD_NET("/8", DSG_NET_ERR_EMPTY);
}
END_TEST

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_bad_octets)
{
    BAD_ADDR("256.0.0.0", DSG_NET_ERR_OCTET);
    BAD_ADDR("1.2.3.256", DSG_NET_ERR_OCTET);
    BAD_ADDR("1.2.3.999", DSG_NET_ERR_OCTET);
    BAD_ADDR("1.2.3.1000", DSG_NET_ERR_OCTET);
    BAD_ADDR("1..3.4", DSG_NET_ERR_OCTET);
    BAD_ADDR(".1.2.3", DSG_NET_ERR_OCTET);
    BAD_ADDR("1.2.3.", DSG_NET_ERR_OCTET);
    BAD_ADDR("1.2.3.-4", DSG_NET_ERR_CHAR);
    BAD_ADDR("1.2.3.+4", DSG_NET_ERR_CHAR);
    BAD_ADDR("0x1.2.3.4", DSG_NET_ERR_CHAR);
    BAD_ADDR("1.2.3.4a", DSG_NET_ERR_CHAR);
    BAD_ADDR("1.2. 3.4", DSG_NET_ERR_CHAR);
    BAD_ADDR(" 1.2.3.4", DSG_NET_ERR_CHAR);
    BAD_ADDR("1.2.3.4 ", DSG_NET_ERR_CHAR);
    BAD_ADDR("1.2.3.4%eth0", DSG_NET_ERR_ZONE);
    /* a NUL is a byte like any other */
    ck_assert_int_eq(dsg_ip_parse(u8("1.2.3.4\0"), 8, &(dsg_ip_addr){ { 0 }, 0 }), DSG_NET_ERR_CHAR);
}
END_TEST

/* Leading zeros are refused: inet_aton (and many other parsers) read
 * "010" as octal 8, so the operator and another tool would disagree on
 * the network. @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_leading_zeros)
{
    BAD_ADDR("010.1.1.1", DSG_NET_ERR_LEADING_ZERO);
    BAD_ADDR("1.2.3.04", DSG_NET_ERR_LEADING_ZERO);
    BAD_ADDR("1.00.3.4", DSG_NET_ERR_LEADING_ZERO);
    BAD_ADDR("::ffff:01.2.3.4", DSG_NET_ERR_LEADING_ZERO);
    struct in_addr octal;
    ck_assert_int_eq(inet_aton("010.1.1.1", &octal), 1);
    ck_assert_uint_eq(ntohl(octal.s_addr), 0x08010101u);   /* the ambiguity */
    expect_v4("0.0.0.0", 0, 0, 0, 0);
    expect_v4("10.0.0.1", 10, 0, 0, 1);
}
END_TEST

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_ipv4_part_count)
{
    BAD_ADDR("1", DSG_NET_ERR_V4_PARTS);
    BAD_ADDR("1.2", DSG_NET_ERR_V4_PARTS);
    BAD_ADDR("1.2.3", DSG_NET_ERR_V4_PARTS);
    BAD_ADDR("1.2.3.4.5", DSG_NET_ERR_V4_PARTS);
    BAD_ADDR("::ffff:1.2.3", DSG_NET_ERR_V4_PARTS);
}
END_TEST

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_bad_ipv6)
{
    BAD_ADDR("1::2::3", DSG_NET_ERR_COLON);
    BAD_ADDR("::1::", DSG_NET_ERR_COLON);
    BAD_ADDR(":::", DSG_NET_ERR_COLON);
    BAD_ADDR("1:::2", DSG_NET_ERR_COLON);
    BAD_ADDR(":1:2:3:4:5:6:7", DSG_NET_ERR_COLON);
    BAD_ADDR("1:2:3:4:5:6:7:", DSG_NET_ERR_COLON);
    BAD_ADDR(":", DSG_NET_ERR_COLON);
    BAD_ADDR("12345::1", DSG_NET_ERR_GROUP);
    BAD_ADDR("1:2:3:4:5:6:7:00000", DSG_NET_ERR_GROUP);
    BAD_ADDR("1:2:3:4:5:6:7", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:2:3:4:5:6:7:8:9", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:2:3:4::5:6:7:8", DSG_NET_ERR_V6_GROUPS);   /* "::" standing for none */
    BAD_ADDR("1:2:3:4:5:6:7:8::", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:2:3:4:5:6:7:1.2.3.4", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:2:3:4:5:6::1.2.3.4", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:2:3:4:5:1.2.3.4", DSG_NET_ERR_V6_GROUPS);
    BAD_ADDR("1:g::", DSG_NET_ERR_CHAR);
    BAD_ADDR("1: 2::", DSG_NET_ERR_CHAR);
    BAD_ADDR("[::1]", DSG_NET_ERR_CHAR);
    BAD_ADDR("fe80::1%eth0", DSG_NET_ERR_ZONE);
    BAD_ADDR("fe80::%1", DSG_NET_ERR_ZONE);
}
END_TEST

/* A dotted quad only in place of the last two groups (RFC 4291 §2.2,
 * form 3). @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_embedded_ipv4_misplaced)
{
    BAD_ADDR("1.2.3.4::", DSG_NET_ERR_EMBEDDED);
    BAD_ADDR("1.2.3.4::1", DSG_NET_ERR_EMBEDDED);
    BAD_ADDR("::1.2.3.4:1", DSG_NET_ERR_EMBEDDED);
    BAD_ADDR("1:2:3:4:5:6:1.2.3.4:8", DSG_NET_ERR_EMBEDDED);
    BAD_ADDR("1.2::3", DSG_NET_ERR_EMBEDDED);
    BAD_ADDR("::a.2.3.4", DSG_NET_ERR_CHAR);
    BAD_ADDR("::1.2.3.4.5", DSG_NET_ERR_V4_PARTS);
}
END_TEST

/* ---- bad prefixes ----------------------------------------------------------- */

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_bad_lengths)
{
    BAD_NET("10.0.0.0/", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/08", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/00", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/8/8", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/+8", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/ 8", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0 /8", DSG_NET_ERR_CHAR);
    BAD_NET("10.0.0.0/8 ", DSG_NET_ERR_LENGTH);
    BAD_NET("10.0.0.0/33", DSG_NET_ERR_LENGTH_RANGE);
    BAD_NET("10.0.0.0/999", DSG_NET_ERR_LENGTH_RANGE);
    BAD_NET("10.0.0.0/1000", DSG_NET_ERR_LENGTH_RANGE);
    BAD_NET("::/129", DSG_NET_ERR_LENGTH_RANGE);
    BAD_NET("::/255", DSG_NET_ERR_LENGTH_RANGE);
    ck_assert_int_eq(net_parse("10.0.0.0/32", NULL), DSG_NET_OK);
    ck_assert_int_eq(net_parse("::/128", NULL), DSG_NET_OK);
}
END_TEST

/* Host bits are refused, not masked: "10.0.0.1/8" is a typo for either
 * 10.0.0.0/8 or 10.0.0.1/32, and guessing would widen or narrow the
 * network. @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_host_bits_set)
{
    BAD_NET("10.0.0.1/8", DSG_NET_ERR_HOST_BITS);
    BAD_NET("10.21.0.0/15", DSG_NET_ERR_HOST_BITS);
    BAD_NET("192.0.2.128/24", DSG_NET_ERR_HOST_BITS);
    BAD_NET("0.0.0.1/31", DSG_NET_ERR_HOST_BITS);
    BAD_NET("128.0.0.0/0", DSG_NET_ERR_HOST_BITS);
    BAD_NET("2001:db8:11::/47", DSG_NET_ERR_HOST_BITS);
    BAD_NET("2001:db8::1/127", DSG_NET_ERR_HOST_BITS);
    BAD_NET("::1/0", DSG_NET_ERR_HOST_BITS);
    ck_assert_int_eq(net_parse("10.20.0.0/16", NULL), DSG_NET_OK);
    ck_assert_int_eq(net_parse("0.0.0.1/32", NULL), DSG_NET_OK);
    ck_assert_int_eq(net_parse("2001:db8::1/128", NULL), DSG_NET_OK);
}
END_TEST

/* An IPv6 prefix of mapped addresses could never match (mapped sources
 * are matched as IPv4): refused. @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_mapped_prefix_refused)
{
    BAD_NET("::ffff:10.20.0.0/112", DSG_NET_ERR_MAPPED);
    BAD_NET("::ffff:0:0/96", DSG_NET_ERR_MAPPED);
    BAD_NET("::ffff:10.0.0.1", DSG_NET_ERR_MAPPED);
    ck_assert_int_eq(net_parse("::fffe:0:0/96", NULL), DSG_NET_OK);
    ck_assert_int_eq(net_parse("::/80", NULL), DSG_NET_OK);
}
END_TEST

/* ---- bad lists -------------------------------------------------------------- */

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_empty_entries)
{
    BAD_LIST("", DSG_NET_ERR_EMPTY, 0);
    BAD_LIST("   ", DSG_NET_ERR_EMPTY, 3);
    BAD_LIST(",", DSG_NET_ERR_EMPTY, 0);
    BAD_LIST("10.0.0.0/8,", DSG_NET_ERR_EMPTY, 11);
    BAD_LIST("10.0.0.0/8, ", DSG_NET_ERR_EMPTY, 12);
    BAD_LIST("10.0.0.0/8,,192.0.2.0/24", DSG_NET_ERR_EMPTY, 11);
    BAD_LIST("10.0.0.0/8, \t ,192.0.2.0/24", DSG_NET_ERR_EMPTY, 14);
    BAD_LIST(", 10.0.0.0/8", DSG_NET_ERR_EMPTY, 0);
}
END_TEST

/* The error and offset are those of the first bad entry.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_first_bad_entry)
{
    BAD_LIST("10.0.0.1/8", DSG_NET_ERR_HOST_BITS, 0);
    BAD_LIST("10.20.0.0/16, 192.0.2.1/24, 010.0.0.0/8", DSG_NET_ERR_HOST_BITS, 14);
    BAD_LIST("10.20.0.0/16,  2001:db8::/129", DSG_NET_ERR_LENGTH_RANGE, 15);
    BAD_LIST("10.20.0.0/16 192.0.2.0/24", DSG_NET_ERR_LENGTH, 0);
    BAD_LIST("10.20.0.0/16; 192.0.2.0/24", DSG_NET_ERR_LENGTH, 0);
    BAD_LIST("10.20.0.0/16,fe80::/10%x", DSG_NET_ERR_LENGTH, 13);
    BAD_LIST("10.20.0.0/16,\n10.0.0.0/8", DSG_NET_ERR_CHAR, 13);
    BAD_LIST(" 1.2.3.04", DSG_NET_ERR_LEADING_ZERO, 1);
}
END_TEST

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_capacity)
{
    size_t at;
    ck_assert_int_eq(list_parse("10.0.0.0/8", 0, &at), DSG_NET_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(list_parse("10.0.0.0/8, 11.0.0.0/8", 1, &at), DSG_NET_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 12);
    ck_assert_int_eq(list_parse("1.0.0.0/8,2.0.0.0/8,3.0.0.0/8", 3, NULL), DSG_NET_OK);
    ck_assert_uint_eq(nlist, 3);
    ck_assert_int_eq(list_parse("1.0.0.0/8,2.0.0.0/8,3.0.0.0/8,4.0.0.0/8", 3, &at), DSG_NET_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 30);
    /* the ceiling: DSG_NETLIST_MAX prefixes, whatever the caller's cap */
    static dsg_ip_net big[DSG_NETLIST_MAX + 2];
    char text[(DSG_NETLIST_MAX + 1) * 16];
    size_t p = 0;
    for (unsigned k = 0; k <= DSG_NETLIST_MAX; k++)
        p += (size_t)snprintf(text + p, sizeof text - p, "%s10.%u.0.0/16", k ? "," : "", k);
    size_t count, off;
    ck_assert_int_eq(dsg_netlist_parse(u8(text), p, big, DSG_NETLIST_MAX + 2, &count, &off),
                     DSG_NET_ERR_TOO_MANY);
    ck_assert_uint_eq(count, 0);
    ck_assert_uint_eq(off, (size_t)(strrchr(text, ',') - text) + 1);
    *strrchr(text, ',') = '\0';
    ck_assert_int_eq(dsg_netlist_parse(u8(text), strlen(text), big, DSG_NETLIST_MAX + 2, &count, &off),
                     DSG_NET_OK);
    ck_assert_uint_eq(count, DSG_NETLIST_MAX);
    ck_assert_uint_eq(big[DSG_NETLIST_MAX - 1].addr.b[1], DSG_NETLIST_MAX - 1);
}
END_TEST

/* The C twins refuse what no parser produces.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_malformed_structs)
{
    dsg_ip_net n = { { { 10 }, DSG_IP_V4 }, 8 };
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 1);
    n.addr.family = 5;
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 0);
    n.addr.family = DSG_IP_V4;
    n.addr.b[4] = 1;   /* an IPv4 address with bytes past its four */
    ck_assert_int_eq(dsg_ip_addr_is_valid(&n.addr), 0);
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 0);
    n.addr.b[4] = 0;
    n.len = 33;
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 0);
    n.len = 6;   /* 10 = 0000 1010: bit 6 is set */
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 0);
    n.addr.family = DSG_IP_V6;
    n.len = 129;
    ck_assert_int_eq(dsg_ip_net_is_valid(&n), 0);
    /* contains fails closed on either */
    dsg_ip_addr a = addr("10.0.0.1");
    n.len = 6;
    n.addr.family = DSG_IP_V4;
    ck_assert_int_eq(dsg_netlist_contains(&n, 1, &a), -1);
    n.len = 8;
    ck_assert_int_eq(dsg_netlist_contains(&n, 1, &a), 1);
    a.family = 0;
    ck_assert_int_eq(dsg_netlist_contains(&n, 1, &a), -1);
    ck_assert_int_eq(dsg_netlist_contains(&n, 0, &a), -1);
    ck_assert_str_eq(dsg_net_status_token(DSG_NET_ERR_HOST_BITS), "host-bits-set");
    ck_assert_str_eq(dsg_net_status_token((dsg_net_status)99), "unknown");
}
END_TEST

/* ---- good input ------------------------------------------------------------- */

/* The three text forms of RFC 4291 §2.2.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_ipv6_forms)
{
    expect_v6("FEDC:BA98:7654:3210:FEDC:BA98:7654:3210", "fedc:ba98:7654:3210:fedc:ba98:7654:3210");
    expect_v6("1080:0:0:0:8:800:200C:417A", "1080::8:800:200c:417a");
    expect_v6("1080::8:800:200C:417A", "1080:0:0:0:8:800:200c:417a");
    expect_v6("FF01::101", "ff01:0:0:0:0:0:0:101");
    expect_v6("::1", "0:0:0:0:0:0:0:1");
    expect_v6("::", "0:0:0:0:0:0:0:0");
    expect_v6("1::", "1:0:0:0:0:0:0:0");
    expect_v6("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
    expect_v6("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
    expect_v6("0001:0db8::", "1:db8::");
    expect_v6("0:0:0:0:0:0:13.1.68.3", "::13.1.68.3");
    expect_v6("::13.1.68.3", "0:0:0:0:0:0:d01:4403");
    expect_v6("0:0:0:0:0:FFFF:129.144.52.38", "::ffff:8190:3426");
    expect_v6("::FFFF:129.144.52.38", "::ffff:8190:3426");
    expect_v6("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
    expect_v6("1::1.2.3.4", "1::102:304");
    expect_v6("2001:db8:10::", "2001:db8:10:0:0:0:0:0");
}
END_TEST

/* @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_prefixes)
{
    dsg_ip_net n;
    ck_assert_int_eq(net_parse("10.20.0.0/16", &n), DSG_NET_OK);
    ck_assert_int_eq(n.addr.family, DSG_IP_V4);
    ck_assert_uint_eq(n.len, 16);
    ck_assert_uint_eq(n.addr.b[0], 10);
    ck_assert_uint_eq(n.addr.b[1], 20);
    ck_assert_int_eq(net_parse("192.0.2.7", &n), DSG_NET_OK);   /* bare: /32 */
    ck_assert_uint_eq(n.len, 32);
    ck_assert_int_eq(net_parse("2001:db8::1", &n), DSG_NET_OK);   /* bare: /128 */
    ck_assert_uint_eq(n.len, 128);
    ck_assert_int_eq(net_parse("0.0.0.0/0", &n), DSG_NET_OK);
    ck_assert_uint_eq(n.len, 0);
    ck_assert_int_eq(net_parse("::/0", &n), DSG_NET_OK);
    ck_assert_int_eq(n.addr.family, DSG_IP_V6);
    ck_assert_int_eq(net_parse("2001:db8:10::/48", &n), DSG_NET_OK);
    ck_assert_uint_eq(n.len, 48);
}
END_TEST

/* The example of auth.ministry_networks, with blanks around the entries.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_list)
{
    ck_assert_int_eq(list_parse("10.20.0.0/16, 192.0.2.0/24, 2001:db8:10::/48", CAP, NULL),
                     DSG_NET_OK);
    ck_assert_uint_eq(nlist, 3);
    ck_assert_uint_eq(list[0].len, 16);
    ck_assert_uint_eq(list[1].addr.b[0], 192);
    ck_assert_int_eq(list[2].addr.family, DSG_IP_V6);
    ck_assert_uint_eq(list[2].len, 48);
    ck_assert_int_eq(list_parse(" \t10.0.0.0/8\t,\t ::1 ", CAP, NULL), DSG_NET_OK);
    ck_assert_uint_eq(nlist, 2);
    ck_assert_int_eq(list_parse("10.0.0.0/8", CAP, NULL), DSG_NET_OK);
    ck_assert_uint_eq(nlist, 1);
}
END_TEST

/* ---- matching --------------------------------------------------------------- */

/* The first and last addresses of a prefix are in, their neighbours out.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_prefix_boundaries)
{
    const char *l = "10.20.0.0/16, 192.0.2.0/24, 2001:db8:10::/48, 198.51.100.7";
    ck_assert_int_eq(contains(l, "10.20.0.0"), 1);
    ck_assert_int_eq(contains(l, "10.20.255.255"), 1);
    ck_assert_int_eq(contains(l, "10.19.255.255"), 0);
    ck_assert_int_eq(contains(l, "10.21.0.0"), 0);
    ck_assert_int_eq(contains(l, "192.0.2.0"), 1);
    ck_assert_int_eq(contains(l, "192.0.2.255"), 1);
    ck_assert_int_eq(contains(l, "192.0.1.255"), 0);
    ck_assert_int_eq(contains(l, "192.0.3.0"), 0);
    ck_assert_int_eq(contains(l, "198.51.100.7"), 1);
    ck_assert_int_eq(contains(l, "198.51.100.6"), 0);
    ck_assert_int_eq(contains(l, "198.51.100.8"), 0);
    ck_assert_int_eq(contains(l, "2001:db8:10::"), 1);
    ck_assert_int_eq(contains(l, "2001:db8:10:ffff:ffff:ffff:ffff:ffff"), 1);
    ck_assert_int_eq(contains(l, "2001:db8:f:ffff:ffff:ffff:ffff:ffff"), 0);
    ck_assert_int_eq(contains(l, "2001:db8:11::"), 0);
    /* a prefix not on a byte boundary: 172.16.0.0/12 is 172.16 .. 172.31 */
    ck_assert_int_eq(contains("172.16.0.0/12", "172.31.255.255"), 1);
    ck_assert_int_eq(contains("172.16.0.0/12", "172.32.0.0"), 0);
    ck_assert_int_eq(contains("172.16.0.0/12", "172.15.255.255"), 0);
    ck_assert_int_eq(contains("2001:db8::/127", "2001:db8::1"), 1);
    ck_assert_int_eq(contains("2001:db8::/127", "2001:db8::2"), 0);
    /* families never cross: 10.0.0.0/8 does not hold ::a00:1 */
    ck_assert_int_eq(contains("10.0.0.0/8", "::a00:1"), 0);
    ck_assert_int_eq(contains("::/96", "10.0.0.1"), 0);
}
END_TEST

/* /0 holds every address of its family and no other.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_zero_length)
{
    ck_assert_int_eq(contains("0.0.0.0/0", "0.0.0.0"), 1);
    ck_assert_int_eq(contains("0.0.0.0/0", "255.255.255.255"), 1);
    ck_assert_int_eq(contains("0.0.0.0/0", "::1"), 0);
    ck_assert_int_eq(contains("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 1);
    ck_assert_int_eq(contains("::/0", "10.0.0.1"), 0);
    ck_assert_int_eq(contains("0.0.0.0/0", "::ffff:10.0.0.1"), 1);
}
END_TEST

/* A mapped source ::ffff:a.b.c.d is matched as a.b.c.d, never against an
 * IPv6 prefix. @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_mapped_source)
{
    ck_assert_int_eq(contains("10.20.0.0/16", "::ffff:10.20.1.2"), 1);
    ck_assert_int_eq(contains("10.20.0.0/16", "::FFFF:a14:102"), 1);
    ck_assert_int_eq(contains("10.20.0.0/16", "::ffff:10.21.1.2"), 0);
    ck_assert_int_eq(contains("192.0.2.7", "::ffff:192.0.2.7"), 1);
    ck_assert_int_eq(contains("::/0", "::ffff:10.20.1.2"), 0);
    ck_assert_int_eq(contains("::/64", "::ffff:10.20.1.2"), 0);
    /* found by fuzz/netlist: the last address of ::/80 is mapped, so it
     * is matched as 255.255.255.255 and ::/80 does not hold it */
    ck_assert_int_eq(contains("::/80, b::ff", "::ffff:ffff:ffff"), 0);
    ck_assert_int_eq(contains("::/80, b::ff", "::fffe:ffff:ffff"), 1);
    ck_assert_int_eq(contains("::/80, 255.255.255.255", "::ffff:ffff:ffff"), 1);
    /* not mapped: ::fffe:, 1::ffff:, the compatible ::a.b.c.d */
    ck_assert_int_eq(contains("10.20.0.0/16", "::fffe:10.20.1.2"), 0);
    ck_assert_int_eq(contains("10.20.0.0/16", "1::ffff:10.20.1.2"), 0);
    ck_assert_int_eq(contains("10.20.0.0/16", "::10.20.1.2"), 0);
    ck_assert_int_eq(contains("::/96", "::10.20.1.2"), 1);
}
END_TEST

/* ---- against inet_pton ------------------------------------------------------ */

/* The address parser agrees with glibc's inet_pton: accepts what it
 * accepts for the family the text names (a ":" means IPv6), with the same
 * 16 bytes, and refuses what it refuses. */
static void same_as_inet_pton(const char *text)
{
    dsg_ip_addr x;
    uint8_t want[16] = { 0 };
    int v6 = strchr(text, ':') != NULL;
    int ok = inet_pton(v6 ? AF_INET6 : AF_INET, text, want) == 1;
    dsg_net_status st = addr_parse(text, &x);
    ck_assert_msg((st == DSG_NET_OK) == ok, "\"%s\": dsg %s, inet_pton %d", text,
                  dsg_net_status_token(st), ok);
    if (ok) {
        ck_assert_int_eq(x.family, v6 ? DSG_IP_V6 : DSG_IP_V4);
        ck_assert_msg(memcmp(x.b, want, v6 ? 16 : 4) == 0, "\"%s\"", text);
    }
}

/* Every form of these tests, 50000 strings drawn from the bytes of
 * addresses and 100000 made of address-shaped pieces (fixed seed, so a
 * failure repeats). Over these, glibc's
 * inet_pton and dsg agree exactly: glibc too refuses leading zeros in a
 * dotted quad, 5-digit groups, "::" for no group and zone IDs.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
START_TEST(test_netlist_same_as_inet_pton)
{
    static const char *const forms[] = {
        "0.0.0.0", "255.255.255.255", "256.0.0.0", "010.1.1.1", "1.2.3", "1.2.3.4.5",
        "1..2.3", "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "1:2:3:4::5:6:7:8", "1::2::3", ":::", "12345::", "::ffff:1.2.3.4", "::1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "1.2.3.4::", "::1.2.3.4:1",
        "::ffff:01.2.3.4", "fe80::1%eth0", "0000::0000", "FFFF::", ":1::", "1:", "",
    };
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++)
        same_as_inet_pton(forms[k]);
    static const char alphabet[] = "0123456789abcdefF:::...%/ ";
    uint32_t seed = 20240601u;
    char text[48];
    for (int round = 0; round < 50000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 40u;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        text[n] = '\0';
        same_as_inet_pton(text);
    }
    /* and 100000 strings of address-shaped pieces (about 2% of them valid) */
    static const char *const pieces[] = {
        "0", "1", "9", "10", "99", "255", "256", "010", "00", "ab", "0db8", "FFFF", "fffff",
        ":", ":", ":", "::", ".", ".", ".", "1.2.3.4", "192.0.2.255", "%1",
    };
    size_t npieces = sizeof pieces / sizeof pieces[0];
    for (int round = 0; round < 100000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t k = 1u + (seed >> 16) % 16u, n = 0;
        for (size_t i = 0; i < k; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % npieces];
            size_t m = strlen(p);
            if (n + m >= sizeof text)
                break;
            memcpy(text + n, p, m);
            n += m;
        }
        text[n] = '\0';
        same_as_inet_pton(text);
    }
}
END_TEST

Suite *suite_netlist(void)
{
    Suite *s = suite_create("netlist");
    TCase *bad = tcase_create("bad");
    tcase_add_test(bad, test_netlist_empty_address);
    tcase_add_test(bad, test_netlist_bad_octets);
    tcase_add_test(bad, test_netlist_leading_zeros);
    tcase_add_test(bad, test_netlist_ipv4_part_count);
    tcase_add_test(bad, test_netlist_bad_ipv6);
    tcase_add_test(bad, test_netlist_embedded_ipv4_misplaced);
    tcase_add_test(bad, test_netlist_bad_lengths);
    tcase_add_test(bad, test_netlist_host_bits_set);
    tcase_add_test(bad, test_netlist_mapped_prefix_refused);
    tcase_add_test(bad, test_netlist_empty_entries);
    tcase_add_test(bad, test_netlist_first_bad_entry);
    tcase_add_test(bad, test_netlist_capacity);
    tcase_add_test(bad, test_netlist_malformed_structs);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("good");
    tcase_add_test(good, test_netlist_ipv6_forms);
    tcase_add_test(good, test_netlist_prefixes);
    tcase_add_test(good, test_netlist_list);
    suite_add_tcase(s, good);
    TCase *match = tcase_create("match");
    tcase_add_test(match, test_netlist_prefix_boundaries);
    tcase_add_test(match, test_netlist_zero_length);
    tcase_add_test(match, test_netlist_mapped_source);
    suite_add_tcase(s, match);
    TCase *diff = tcase_create("inet_pton");
    tcase_set_timeout(diff, 30);   /* 150000 parses: slow under ASan on a loaded machine */
    tcase_add_test(diff, test_netlist_same_as_inet_pton);
    suite_add_tcase(s, diff);
    return s;
}
