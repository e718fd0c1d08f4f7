/*
 * Network lists (REQ-MFA-002, REQ-ACCT-016): the Ministry networks of
 * auth.ministry_networks and, later, the registered networks of an
 * organisation, written as comma-separated CIDR prefixes
 *
 *   10.20.0.0/16, 192.0.2.0/24, 2001:db8:10::/48
 *
 * and the test that decides whether a login's server-observed source
 * address lies in one of them.
 *
 * Addresses, read strictly:
 * - IPv4: exactly four decimal parts 0..255 separated by ".", no leading
 *   zero ("010.1.1.1" is refused: some parsers read it as octal, so the
 *   operator and another tool could disagree on the network it names);
 * - IPv6: the text forms of RFC 4291 §2.2: eight groups of 1..4 hex
 *   digits (either case) separated by ":", at most one "::" standing for
 *   one or more zero groups, and optionally a dotted quad in place of the
 *   last two groups (x:x:x:x:x:x:d.d.d.d); no zone ID ("%eth0");
 * - nothing else: no blank, sign, or other byte inside.
 * A prefix is ADDR/LEN, LEN decimal 0..32 (IPv4) or 0..128 (IPv6) without
 * leading zeros; a bare ADDR is /32 or /128. Host bits set below the
 * prefix ("10.0.0.1/8") are refused, not masked (RFC 4632 §3.1 writes a
 * prefix with its host bits zero): a typo must not silently move a
 * network. An IPv6 prefix inside ::ffff:0:0/96 is refused too: mapped
 * sources are matched as IPv4, so it could never match; write the IPv4
 * prefix instead.
 *
 * A list is one or more prefixes separated by ",", with any SP or HTAB
 * around each; an empty entry (",,", a trailing ",", blanks alone) is
 * refused. The error reported is that of the first bad entry, with the
 * offset of its first byte.
 *
 * Matching: an IPv4-mapped IPv6 source (::ffff:a.b.c.d, RFC 4291
 * §2.5.5.2, what a dual-stack socket reports for an IPv4 peer) is
 * matched as the IPv4 address a.b.c.d, so "10.20.0.0/16" holds
 * ::ffff:10.20.1.2; no IPv6 prefix holds a mapped source.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O, no libc,
 * no globals other than constant tables. On any error nothing is written
 * but the count and offset.
 */
#ifndef DSG_CORE_NETLIST_H
#define DSG_CORE_NETLIST_H

#include <stddef.h>
#include <stdint.h>

/* The most prefixes dsg_netlist_parse keeps, whatever the caller's cap. */
#define DSG_NETLIST_MAX 64u

#define DSG_IP_V4 4
#define DSG_IP_V6 6

/* An address: 16 bytes in network order and its family. An IPv4 address
 * is in b[0 .. 3], b[4 .. 15] zero. */
typedef struct dsg_ip_addr {
    uint8_t b[16];
    uint8_t family;     /* DSG_IP_V4 or DSG_IP_V6 */
} dsg_ip_addr;

/* A prefix: its first address (host bits zero) and its length in bits. */
typedef struct dsg_ip_net {
    dsg_ip_addr addr;
    uint8_t len;
} dsg_ip_net;

typedef enum dsg_net_status {
    DSG_NET_OK = 0,                 /* "ok" */
    DSG_NET_ERR_EMPTY = 1,          /* "empty": an empty address or entry */
    DSG_NET_ERR_CHAR = 2,           /* "bad-char": a byte no address holds */
    DSG_NET_ERR_ZONE = 3,           /* "zone-id": "%" (fe80::1%eth0) */
    DSG_NET_ERR_OCTET = 4,          /* "bad-octet": empty, over 3 digits or over 255 */
    DSG_NET_ERR_LEADING_ZERO = 5,   /* "leading-zero": "010", "00" */
    DSG_NET_ERR_V4_PARTS = 6,       /* "ipv4-parts": not exactly four parts */
    DSG_NET_ERR_GROUP = 7,          /* "bad-group": a hex group over 4 digits */
    DSG_NET_ERR_COLON = 8,          /* "bad-colon": a second "::", a lone ":" at an end, ":::" */
    DSG_NET_ERR_V6_GROUPS = 9,      /* "ipv6-groups": not 8 groups, or "::" standing for none */
    DSG_NET_ERR_EMBEDDED = 10,      /* "embedded-ipv4": a dotted quad not at the end */
    DSG_NET_ERR_LENGTH = 11,        /* "bad-length": LEN empty, not decimal, leading zero */
    DSG_NET_ERR_LENGTH_RANGE = 12,  /* "length-too-long": over 32 / 128 */
    DSG_NET_ERR_HOST_BITS = 13,     /* "host-bits-set": "10.0.0.1/8" */
    DSG_NET_ERR_MAPPED = 14,        /* "ipv4-mapped": a prefix inside ::ffff:0:0/96 */
    DSG_NET_ERR_TOO_MANY = 15       /* "too-many": more entries than the capacity */
} dsg_net_status;

#include "acsl/netlist.acsl.h"

/* 1 when *a is well-formed (dsg_ip_addr_ok), else 0.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_addr_ok(*a);
*/
__attribute__((warn_unused_result))
int dsg_ip_addr_is_valid(const dsg_ip_addr *a);

/* 1 when *n is a well-formed prefix (dsg_ip_net_ok), else 0.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(n);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_net_ok(*n);
*/
__attribute__((warn_unused_result))
int dsg_ip_net_is_valid(const dsg_ip_net *n);

/* Parses the whole of s[0 .. len) as one address into *out. On an error
 * *out is left as it was. @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_EMBEDDED;
    ensures \result == DSG_NET_OK ==> 0 < len && dsg_ip_addr_ok(*out);
    ensures \result != DSG_NET_OK ==> *out == \old(*out);
*/
__attribute__((warn_unused_result))
dsg_net_status dsg_ip_parse(const uint8_t *s, size_t len, dsg_ip_addr *out);

/* Parses the whole of s[0 .. len) as one prefix ADDR or ADDR/LEN into
 * *out. On an error *out is left as it was.
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(out);
    requires \separated(out, s + (0 .. len - 1));
    assigns *out;
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_MAPPED;
    ensures \result == DSG_NET_OK ==> 0 < len && dsg_ip_net_ok(*out);
    ensures \result != DSG_NET_OK ==> *out == \old(*out);
*/
__attribute__((warn_unused_result))
dsg_net_status dsg_ip_net_parse(const uint8_t *s, size_t len, dsg_ip_net *out);

/* Parses the list s[0 .. len) into out[0 .. *count), keeping at most
 * cap and at most DSG_NETLIST_MAX prefixes. OK: *count >= 1 well-formed
 * prefixes and *at == len, all of the input read. Any other result: the
 * error of the first bad entry, *at the offset of its first byte (of the
 * place an empty entry would start), *count 0 and out[0 .. cap) as it
 * was. @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(s + (0 .. len - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(count) && \valid(at);
    requires \separated(out + (0 .. cap - 1), count, at, s + (0 .. len - 1));
    assigns out[0 .. cap - 1], *count, *at;
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_TOO_MANY;
    ensures *at <= len;
    ensures \result == DSG_NET_OK ==>
              0 < *at == len && 1 <= *count <= cap && *count <= DSG_NETLIST_MAX &&
              dsg_ip_nets_ok(out, *count);
    ensures \result != DSG_NET_OK ==>
              *count == 0 && \forall integer k; 0 <= k < cap ==> out[k] == \old(out[k]);
*/
__attribute__((warn_unused_result))
dsg_net_status dsg_netlist_parse(const uint8_t *s, size_t len, dsg_ip_net *out, size_t cap,
                                 size_t *count, size_t *at);

/* 1 when some prefix of list[0 .. n) contains *addr (a mapped address
 * matched as IPv4), 0 when none does, -1 when *addr or a prefix is not
 * well-formed (the caller fails closed: no match).
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ requires \valid_read(list + (0 .. n - 1)) && \valid_read(addr);
    assigns \nothing;
    behavior malformed:
      assumes !dsg_ip_addr_ok(*addr) || !dsg_ip_nets_ok(list, n);
      ensures \result == -1;
    behavior judged:
      assumes dsg_ip_addr_ok(*addr) && dsg_ip_nets_ok(list, n);
      ensures \result == 0 || \result == 1;
      ensures \result == 1 <==> dsg_netlist_has(list, n, *addr);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_netlist_contains(const dsg_ip_net *list, size_t n, const dsg_ip_addr *addr);

/* A stable, lowercase token for a status, e.g. "host-bits-set".
 * @relation(REQ-MFA-002, REQ-ACCT-016) */
/*@ assigns \result \from status;
    ensures \valid_read(\result);
*/
const char *dsg_net_status_token(dsg_net_status status);

#endif
