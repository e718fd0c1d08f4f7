/*
 * ACSL logic for network lists (src/core/netlist.h). Included by that
 * header after the types it talks about; installed with it. No axioms,
 * no lemmas: every function and predicate here is a plain definition.
 *
 * Addresses are 16 bytes in network order; bit i of an address (0 the
 * most significant bit of byte 0, 127 the least significant of byte 15)
 * is stated bitwise over those bytes. An IPv4 address lives in bytes
 * 0..3 with bytes 4..15 zero, so its bits are 0..31.
 */
#ifndef DSG_ACSL_NETLIST_H
#define DSG_ACSL_NETLIST_H

/*@
  predicate dsg_ip_family_ok(integer f) = f == DSG_IP_V4 || f == DSG_IP_V6;

  // The width in bits of an address of family f.
  logic integer dsg_ip_width(integer f) = f == DSG_IP_V4 ? 32 : 128;

  // Bit i (0 .. 127) of the address a, most significant first.
  logic integer dsg_ip_bit(dsg_ip_addr a, integer i) = (a.b[i / 8] >> (7 - i % 8)) & 1;

  // A well-formed address: a known family, an IPv4 address in bytes 0..3.
  predicate dsg_ip_addr_ok(dsg_ip_addr a) =
    dsg_ip_family_ok(a.family) &&
    (a.family == DSG_IP_V4 ==> \forall integer k; 4 <= k < 16 ==> a.b[k] == 0);

  // No bit of a at or after position from, up to the width of its family,
  // is set: the host bits of a prefix of length from.
  predicate dsg_ip_host_bits_clear(dsg_ip_addr a, integer from) =
    \forall integer i; from <= i < dsg_ip_width(a.family) ==> dsg_ip_bit(a, i) == 0;

  // A well-formed prefix: a well-formed address, a length within its
  // family's width, and no host bit set below the prefix (RFC 4632 §3.1).
  predicate dsg_ip_net_ok(dsg_ip_net n) =
    dsg_ip_addr_ok(n.addr) && n.len <= dsg_ip_width(n.addr.family) &&
    dsg_ip_host_bits_clear(n.addr, n.len);

  predicate dsg_ip_nets_ok{L}(dsg_ip_net *p, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_ip_net_ok(p[k]);

  // An IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 §2.5.5.2).
  predicate dsg_ip_mapped(dsg_ip_addr a) =
    a.family == DSG_IP_V6 && (\forall integer k; 0 <= k < 10 ==> a.b[k] == 0) &&
    a.b[10] == 0xff && a.b[11] == 0xff;

  // The first n.len bits of the prefix equal the bits of a from position
  // off on (off = 96: the IPv4 address inside a mapped one).
  predicate dsg_ip_prefix_equal(dsg_ip_net n, dsg_ip_addr a, integer off) =
    \forall integer i; 0 <= i < n.len ==> dsg_ip_bit(n.addr, i) == dsg_ip_bit(a, off + i);

  // The prefix n contains the address a: same family and the first n.len
  // bits equal, a mapped address being read as the IPv4 address it maps.
  predicate dsg_ip_net_matches(dsg_ip_net n, dsg_ip_addr a) =
    (dsg_ip_mapped(a) && n.addr.family == DSG_IP_V4 && dsg_ip_prefix_equal(n, a, 96)) ||
    (!dsg_ip_mapped(a) && n.addr.family == a.family && dsg_ip_prefix_equal(n, a, 0));

  // Some prefix of p[0 .. n) contains a.
  predicate dsg_netlist_has{L}(dsg_ip_net *p, integer n, dsg_ip_addr a) =
    \exists integer k; 0 <= k < n && dsg_ip_net_matches(p[k], a);
*/

#endif
