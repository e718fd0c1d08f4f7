/*
 * Network lists (REQ-MFA-002, REQ-ACCT-016). See netlist.h for the
 * grammar and the contract; acsl/PROOFS.md for what is proved.
 *
 * Every parser works on a range s[a .. b) of the caller's bytes and reads
 * it whole: the list parser cuts an entry out (up to "," and without the
 * blanks around it), the prefix parser cuts the address at "/", and the
 * address parser decides the family on whether a ":" is present. Results
 * are built in local variables and copied out only on success, so that a
 * refused input leaves the caller's memory as it was.
 */
#include "core/netlist.h"

#define NO_GAP 9u   /* no "::" seen: any group index is <= 8 */

/* ---- bytes ------------------------------------------------------------------ */

/*@ assigns \nothing;
    ensures -1 <= \result <= 15;
    ensures \result >= 0 <==> ('0' <= c <= '9' || 'a' <= c <= 'f' || 'A' <= c <= 'F');
*/
static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The error for a byte c found where a part of an address should go or
 * end: a zone ID, a colon after a dotted quad (which must end an
 * address), or a byte no address holds. */
/*@ assigns \nothing;
    ensures \result == DSG_NET_ERR_ZONE || \result == DSG_NET_ERR_EMBEDDED ||
            \result == DSG_NET_ERR_CHAR;
*/
static dsg_net_status stray_in_v4(uint8_t c)
{
    if (c == '%')
        return DSG_NET_ERR_ZONE;
    if (c == ':')
        return DSG_NET_ERR_EMBEDDED;
    return DSG_NET_ERR_CHAR;
}

/* The same for a byte where an IPv6 group should go or end. */
/*@ assigns \nothing;
    ensures \result == DSG_NET_ERR_ZONE || \result == DSG_NET_ERR_COLON ||
            \result == DSG_NET_ERR_CHAR;
*/
static dsg_net_status stray_in_v6(uint8_t c)
{
    if (c == '%')
        return DSG_NET_ERR_ZONE;
    if (c == ':')
        return DSG_NET_ERR_COLON;
    return DSG_NET_ERR_CHAR;
}

/* The run of decimal digits starting at s[i], looked at up to 4 digits:
 * its end, and in *v its value. */
/*@ requires i <= b && \valid_read(s + (0 .. b - 1)) && \valid(v);
    requires \separated(v, s + (0 .. b - 1));
    assigns *v;
    ensures i <= \result <= b && \result <= i + 4;
    ensures \result - i <= 3 ==> *v <= 999;
    ensures \result - i <= 2 ==> *v <= 99;
    ensures *v <= 9999;
*/
static size_t dec_run(const uint8_t *s, size_t i, size_t b, unsigned *v)
{
    size_t p = i;
    unsigned acc = 0;
    /*@ loop invariant i <= p <= b && p <= i + 4;
        loop invariant p - i == 0 ==> acc == 0;
        loop invariant p - i <= 1 ==> acc <= 9;
        loop invariant p - i <= 2 ==> acc <= 99;
        loop invariant p - i <= 3 ==> acc <= 999;
        loop invariant acc <= 9999;
        loop assigns p, acc;
        loop variant b - p;
    */
    while (p < b && p - i < 4u && s[p] >= '0' && s[p] <= '9') {
        acc = acc * 10u + (unsigned)(s[p] - '0');
        p++;
    }
    *v = acc;
    return p;
}

/* The run of hex digits starting at s[i], looked at up to 5 digits: its
 * end, and in *v the value of its first 4 digits. */
/*@ requires i <= b && \valid_read(s + (0 .. b - 1)) && \valid(v);
    requires \separated(v, s + (0 .. b - 1));
    assigns *v;
    ensures i <= \result <= b && \result <= i + 5;
    ensures *v <= 65535;
*/
static size_t hex_run(const uint8_t *s, size_t i, size_t b, unsigned *v)
{
    size_t p = i;
    unsigned acc = 0;
    /*@ loop invariant i <= p <= b && p <= i + 5;
        loop invariant p - i == 0 ==> acc == 0;
        loop invariant p - i <= 1 ==> acc <= 15;
        loop invariant p - i <= 2 ==> acc <= 255;
        loop invariant p - i <= 3 ==> acc <= 4095;
        loop invariant acc <= 65535;
        loop assigns p, acc;
        loop variant b - p;
    */
    while (p < b && p - i < 5u) {
        int d = hex_value(s[p]);
        if (d < 0)
            break;
        if (p - i < 4u)
            acc = acc * 16u + (unsigned)d;
        p++;
    }
    *v = acc;
    return p;
}

/* 1 when s[a .. b) holds a ":". */
/*@ requires a <= b && \valid_read(s + (0 .. b - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int has_colon(const uint8_t *s, size_t a, size_t b)
{
    /*@ loop invariant a <= p <= b;
        loop assigns p;
        loop variant b - p;
    */
    for (size_t p = a; p < b; p++) {
        if (s[p] == ':')
            return 1;
    }
    return 0;
}

/* The first c in s[a .. b), or b. */
/*@ requires a <= b && \valid_read(s + (0 .. b - 1));
    assigns \nothing;
    ensures a <= \result <= b;
    ensures \result < b ==> s[\result] == c;
*/
static size_t find_byte(const uint8_t *s, size_t a, size_t b, uint8_t c)
{
    size_t p = a;
    /*@ loop invariant a <= p <= b;
        loop assigns p;
        loop variant b - p;
    */
    while (p < b && s[p] != c)
        p++;
    return p;
}

/* ---- addresses -------------------------------------------------------------- */

/* A dotted quad filling s[a .. b) into q[0 .. 3]. */
/*@ requires a <= b && \valid_read(s + (0 .. b - 1)) && \valid(q + (0 .. 3));
    requires \separated(q + (0 .. 3), s + (0 .. b - 1));
    assigns q[0 .. 3];
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_EMBEDDED;
*/
static dsg_net_status parse_v4(const uint8_t *s, size_t a, size_t b, uint8_t *q)
{
    size_t i = a, parts = 0;
    /*@ loop invariant a <= i <= b && parts <= 3;
        loop assigns i, parts, q[0 .. 3];
        loop variant b - i;
    */
    for (;;) {
        unsigned v = 0;
        size_t j = dec_run(s, i, b, &v);
        if (j == i)   /* an empty part, or a byte that is not a digit */
            return (i == b || s[i] == '.') ? DSG_NET_ERR_OCTET : stray_in_v4(s[i]);
        if (j - i > 3u)
            return DSG_NET_ERR_OCTET;
        if (s[i] == '0' && j - i > 1u)
            return DSG_NET_ERR_LEADING_ZERO;
        if (v > 255u)
            return DSG_NET_ERR_OCTET;
        q[parts] = (uint8_t)v;
        parts++;
        if (j == b)
            return parts == 4u ? DSG_NET_OK : DSG_NET_ERR_V4_PARTS;
        if (s[j] != '.')
            return stray_in_v4(s[j]);
        if (parts == 4u)
            return DSG_NET_ERR_V4_PARTS;
        i = j + 1;
    }
}

/* Group k (0 .. 7) of an IPv6 address: bytes 2k and 2k+1. */
/*@ requires k < 8 && v <= 65535 && \valid(out + (0 .. 15));
    assigns out[2 * k], out[2 * k + 1];
*/
static void put_group(uint8_t *out, size_t k, unsigned v)
{
    out[2u * k] = (uint8_t)(v / 256u);
    out[2u * k + 1u] = (uint8_t)(v % 256u);
}

/* The groups g[0 .. ng) into out[0 .. 15]: those before the "::" (at
 * group gap, or none when gap is NO_GAP) at the start, the others at the
 * end, zeros between. */
/*@ requires ng <= 8 && (gap == NO_GAP || gap <= ng);
    requires \valid(out + (0 .. 15)) && \valid_read(g + (0 .. 7));
    requires \separated(out + (0 .. 15), g + (0 .. 7));
    requires \forall integer k; 0 <= k < 8 ==> g[k] <= 65535;
    assigns out[0 .. 15];
*/
static void put_groups(uint8_t *out, const uint16_t *g, size_t ng, size_t gap)
{
    size_t head = gap == NO_GAP ? ng : gap;
    /*@ loop invariant 0 <= k <= 16;
        loop assigns k, out[0 .. 15];
        loop variant 16 - k;
    */
    for (size_t k = 0; k < 16u; k++)
        out[k] = 0;
    /*@ loop invariant 0 <= k <= head;
        loop assigns k, out[0 .. 15];
        loop variant head - k;
    */
    for (size_t k = 0; k < head; k++)
        put_group(out, k, g[k]);
    /*@ loop invariant head <= k <= ng;
        loop assigns k, out[0 .. 15];
        loop variant ng - k;
    */
    for (size_t k = head; k < ng; k++)
        put_group(out, 8u - ng + k, g[k]);
}

/* An IPv6 address being read: the next byte s[i], the groups g[0 .. ng)
 * read so far, and the group index where the "::" stands (NO_GAP until
 * one is seen). The reading is split in steps so that each function's
 * proof stays small. */
typedef struct v6_parse {
    size_t i, ng, gap;
    uint16_t g[8];
} v6_parse;

#define V6_MORE (-1)   /* a group and the ":" or "::" after it read: go on */
#define V6_END  (-2)   /* the last group (or the dotted quad) read */

/*@ predicate v6_ok(v6_parse p, integer b) =
      p.i <= b && p.ng <= 8 && (p.gap == NO_GAP || p.gap <= p.ng);
*/

/* The dotted quad ending an IPv6 address, s[p->i .. b), as its last two
 * groups. */
/*@ requires v6_ok(*p, b) && p->i < b && \valid_read(s + (0 .. b - 1)) && \valid(p);
    requires \separated(p, s + (0 .. b - 1));
    assigns *p;
    ensures \result == V6_END || DSG_NET_OK < \result <= DSG_NET_ERR_EMBEDDED;
    ensures \result == V6_END ==> v6_ok(*p, b);
*/
static int v6_quad(const uint8_t *s, size_t b, v6_parse *p)
{
    uint8_t q[4] = { 0, 0, 0, 0 };
    if (p->ng > 6u)
        return DSG_NET_ERR_V6_GROUPS;
    dsg_net_status st = parse_v4(s, p->i, b, q);
    if (st != DSG_NET_OK)
        return st;
    p->g[p->ng] = (uint16_t)(q[0] * 256u + q[1]);
    p->g[p->ng + 1u] = (uint16_t)(q[2] * 256u + q[3]);
    p->ng += 2u;
    return V6_END;
}

/* The ":" or the one "::" after a group that ends at s[h]. */
/*@ requires v6_ok(*p, b) && h < b && \valid_read(s + (0 .. b - 1)) && \valid(p);
    requires \separated(p, s + (0 .. b - 1));
    assigns p->i, p->gap;
    ensures \result == V6_MORE || DSG_NET_OK < \result <= DSG_NET_ERR_EMBEDDED;
    ensures \result == V6_MORE ==> v6_ok(*p, b) && h < p->i;
*/
static int v6_separator(const uint8_t *s, size_t h, size_t b, v6_parse *p)
{
    if (s[h] != ':')
        return stray_in_v6(s[h]);
    if (b - h < 2u)   /* a ":" ending the address */
        return DSG_NET_ERR_COLON;
    if (s[h + 1] != ':') {
        p->i = h + 1;
        return V6_MORE;
    }
    if (p->gap != NO_GAP)
        return DSG_NET_ERR_COLON;
    p->gap = p->ng;
    p->i = h + 2;
    return V6_MORE;
}

/* One group at s[p->i ..] and what follows it. */
/*@ requires v6_ok(*p, b) && p->i < b && \valid_read(s + (0 .. b - 1)) && \valid(p);
    requires \separated(p, s + (0 .. b - 1));
    assigns *p;
    ensures \result == V6_MORE || \result == V6_END ||
            DSG_NET_OK < \result <= DSG_NET_ERR_EMBEDDED;
    ensures \result == V6_MORE ==> v6_ok(*p, b) && \old(p->i) < p->i;
    ensures \result == V6_END ==> v6_ok(*p, b);
*/
static int v6_field(const uint8_t *s, size_t b, v6_parse *p)
{
    unsigned v = 0;
    size_t h = hex_run(s, p->i, b, &v);
    if (h < b && s[h] == '.')   /* x:x:x:x:x:x:d.d.d.d: the rest is a dotted quad */
        return v6_quad(s, b, p);
    if (h == p->i)
        return stray_in_v6(s[h]);
    if (h - p->i > 4u)
        return DSG_NET_ERR_GROUP;
    if (p->ng == 8u)
        return DSG_NET_ERR_V6_GROUPS;
    p->g[p->ng] = (uint16_t)v;
    p->ng++;
    if (h == b)
        return V6_END;
    return v6_separator(s, h, b, p);
}

/* An IPv6 address (RFC 4291 §2.2) filling s[a .. b) into out[0 .. 15]. */
/*@ requires a < b && \valid_read(s + (0 .. b - 1)) && \valid(out + (0 .. 15));
    requires \separated(out + (0 .. 15), s + (0 .. b - 1));
    assigns out[0 .. 15];
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_EMBEDDED;
*/
static dsg_net_status parse_v6(const uint8_t *s, size_t a, size_t b, uint8_t *out)
{
    v6_parse p = { a, 0, NO_GAP, { 0, 0, 0, 0, 0, 0, 0, 0 } };
    if (s[a] == ':') {   /* only "::" may start an address */
        if (b - a < 2u || s[a + 1] != ':')
            return DSG_NET_ERR_COLON;
        p.gap = 0;
        p.i = a + 2;
    }
    /*@ loop invariant v6_ok(p, b);
        loop assigns p;
        loop variant b - p.i;
    */
    while (p.i < b) {
        int r = v6_field(s, b, &p);
        if (r == V6_END)
            break;
        if (r != V6_MORE)
            return (dsg_net_status)r;
    }
    /* "::" stands for one or more zero groups (RFC 4291 §2.2, form 2) */
    if (p.gap == NO_GAP ? p.ng != 8u : p.ng > 7u)
        return DSG_NET_ERR_V6_GROUPS;
    put_groups(out, p.g, p.ng, p.gap);
    return DSG_NET_OK;
}

/* The address filling s[a .. b) into *out (written even on an error). */
/*@ requires a <= b && \valid_read(s + (0 .. b - 1)) && \valid(out);
    requires \separated(out, s + (0 .. b - 1));
    assigns *out;
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_EMBEDDED;
    ensures \result == DSG_NET_OK ==> a < b && dsg_ip_addr_ok(*out);
*/
static dsg_net_status parse_addr(const uint8_t *s, size_t a, size_t b, dsg_ip_addr *out)
{
    if (a == b)
        return DSG_NET_ERR_EMPTY;
    /*@ loop invariant 0 <= k <= 16;
        loop invariant \forall integer j; 0 <= j < k ==> out->b[j] == 0;
        loop assigns k, out->b[0 .. 15];
        loop variant 16 - k;
    */
    for (size_t k = 0; k < 16u; k++)
        out->b[k] = 0;
    if (has_colon(s, a, b)) {
        out->family = DSG_IP_V6;
        return parse_v6(s, a, b, out->b);
    }
    out->family = DSG_IP_V4;
    return parse_v4(s, a, b, out->b);
}

/* ---- bits ------------------------------------------------------------------- */

/*@ requires \valid_read(a) && i < 128;
    assigns \nothing;
    ensures \result == dsg_ip_bit(*a, i);
*/
static int bit_at(const dsg_ip_addr *a, size_t i)
{
    return (a->b[i / 8u] >> (7u - i % 8u)) & 1;
}

/* 1 when no bit of *a from `from` to its family's width is set. */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_host_bits_clear(*a, from);
*/
static int host_bits_clear(const dsg_ip_addr *a, size_t from)
{
    size_t width = a->family == DSG_IP_V4 ? 32u : 128u;
    /*@ loop invariant i == from || from < i <= width;
        loop invariant \forall integer j; from <= j < i ==> dsg_ip_bit(*a, j) == 0;
        loop assigns i;
        loop variant width - i;
    */
    for (size_t i = from; i < width; i++) {
        if (bit_at(a, i) != 0)
            return 0;
    }
    return 1;
}

/* 1 when *a is an IPv4-mapped IPv6 address. The checks read a copy of
 * *a, the very value the predicate is stated over. */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_mapped(*a);
*/
static int is_mapped(const dsg_ip_addr *a)
{
    const dsg_ip_addr v = *a;
    if (v.family != DSG_IP_V6 || v.b[10] != 0xffu || v.b[11] != 0xffu)
        return 0;
    /*@ loop invariant 0 <= k <= 10;
        loop invariant \forall integer j; 0 <= j < k ==> v.b[j] == 0;
        loop assigns k;
        loop variant 10 - k;
    */
    for (size_t k = 0; k < 10u; k++) {
        if (v.b[k] != 0)
            return 0;
    }
    return 1;
}

/* ---- prefixes --------------------------------------------------------------- */

/* The prefix length filling s[i .. b), at most width. */
/*@ requires i <= b && \valid_read(s + (0 .. b - 1)) && \valid(len);
    requires \separated(len, s + (0 .. b - 1));
    assigns *len;
    ensures \result == DSG_NET_OK || \result == DSG_NET_ERR_LENGTH ||
            \result == DSG_NET_ERR_LENGTH_RANGE;
    ensures \result == DSG_NET_OK ==> *len <= width;
*/
static dsg_net_status parse_len(const uint8_t *s, size_t i, size_t b, size_t width, size_t *len)
{
    unsigned v = 0;
    size_t j = dec_run(s, i, b, &v);
    if (j == i)
        return DSG_NET_ERR_LENGTH;
    if (s[i] == '0' && j - i > 1u)
        return DSG_NET_ERR_LENGTH;
    if (j - i > 3u)
        return DSG_NET_ERR_LENGTH_RANGE;
    if (j != b)
        return DSG_NET_ERR_LENGTH;
    if (v > width)
        return DSG_NET_ERR_LENGTH_RANGE;
    *len = v;
    return DSG_NET_OK;
}

/* The prefix filling s[a .. b) into *out (written even on an error). */
/*@ requires a <= b && \valid_read(s + (0 .. b - 1)) && \valid(out);
    requires \separated(out, s + (0 .. b - 1));
    assigns *out;
    ensures DSG_NET_OK <= \result <= DSG_NET_ERR_MAPPED;
    ensures \result == DSG_NET_OK ==> a < b && dsg_ip_net_ok(*out);
*/
static dsg_net_status parse_net(const uint8_t *s, size_t a, size_t b, dsg_ip_net *out)
{
    size_t slash = find_byte(s, a, b, '/');
    dsg_net_status st = parse_addr(s, a, slash, &out->addr);
    if (st != DSG_NET_OK)
        return st;
    size_t width = out->addr.family == DSG_IP_V4 ? 32u : 128u;
    size_t len = width;
    if (slash < b) {
        st = parse_len(s, slash + 1, b, width, &len);
        if (st != DSG_NET_OK)
            return st;
    }
    if (!host_bits_clear(&out->addr, len))
        return DSG_NET_ERR_HOST_BITS;
    if (len >= 96u && is_mapped(&out->addr))
        return DSG_NET_ERR_MAPPED;
    out->len = (uint8_t)len;
    return DSG_NET_OK;
}

/* ---- validity --------------------------------------------------------------- */

int dsg_ip_addr_is_valid(const dsg_ip_addr *a)
{
    const dsg_ip_addr v = *a;   /* the value dsg_ip_addr_ok is stated over */
    if (v.family == DSG_IP_V6)
        return 1;
    if (v.family != DSG_IP_V4)
        return 0;
    /*@ loop invariant 4 <= k <= 16;
        loop invariant \forall integer j; 4 <= j < k ==> v.b[j] == 0;
        loop assigns k;
        loop variant 16 - k;
    */
    for (size_t k = 4; k < 16u; k++) {
        if (v.b[k] != 0)
            return 0;
    }
    return 1;
}

int dsg_ip_net_is_valid(const dsg_ip_net *n)
{
    if (!dsg_ip_addr_is_valid(&n->addr))
        return 0;
    size_t width = n->addr.family == DSG_IP_V4 ? 32u : 128u;
    if (n->len > width)
        return 0;
    return host_bits_clear(&n->addr, n->len);
}

/* 1 when every prefix of p[0 .. n) is well-formed. */
/*@ requires \valid_read(p + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_nets_ok(p, n);
*/
static int nets_valid(const dsg_ip_net *p, size_t n)
{
    /*@ loop invariant 0 <= k <= n;
        loop invariant dsg_ip_nets_ok(p, k);
        loop assigns k;
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        if (!dsg_ip_net_is_valid(&p[k]))
            return 0;
    }
    return 1;
}

/* ---- parsing ---------------------------------------------------------------- */

dsg_net_status dsg_ip_parse(const uint8_t *s, size_t len, dsg_ip_addr *out)
{
    dsg_ip_addr tmp;
    dsg_net_status st = parse_addr(s, 0, len, &tmp);
    if (st == DSG_NET_OK)
        *out = tmp;
    return st;
}

dsg_net_status dsg_ip_net_parse(const uint8_t *s, size_t len, dsg_ip_net *out)
{
    dsg_ip_net tmp;
    dsg_net_status st = parse_net(s, 0, len, &tmp);
    if (st == DSG_NET_OK)
        *out = tmp;
    return st;
}

/* The first byte of s[i .. b) that is not SP or HTAB, or b. */
/*@ requires i <= b && \valid_read(s + (0 .. b - 1));
    assigns \nothing;
    ensures i <= \result <= b;
*/
static size_t skip_blanks(const uint8_t *s, size_t i, size_t b)
{
    size_t p = i;
    /*@ loop invariant i <= p <= b;
        loop assigns p;
        loop variant b - p;
    */
    while (p < b && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return p;
}

/* The end of s[a .. e) without its trailing SP and HTAB. */
/*@ requires a <= e && \valid_read(s + (0 .. e - 1));
    assigns \nothing;
    ensures a <= \result <= e;
*/
static size_t trim_end(const uint8_t *s, size_t a, size_t e)
{
    size_t p = e;
    /*@ loop invariant a <= p <= e;
        loop assigns p;
        loop variant p - a;
    */
    while (p > a && (s[p - 1] == ' ' || s[p - 1] == '\t'))
        p--;
    return p;
}

dsg_net_status dsg_netlist_parse(const uint8_t *s, size_t len, dsg_ip_net *out, size_t cap,
                                 size_t *count, size_t *at)
{
    dsg_ip_net tmp[DSG_NETLIST_MAX];
    size_t room = cap < DSG_NETLIST_MAX ? cap : DSG_NETLIST_MAX;
    size_t n = 0, i = 0, e = 0;
    /*@ loop invariant 0 <= i <= len && n <= room;
        loop invariant dsg_ip_nets_ok(&tmp[0], n);
        loop assigns i, n, e, tmp[0 .. DSG_NETLIST_MAX - 1], *count, *at;
        loop variant len - i;
    */
    for (;;) {
        size_t a = skip_blanks(s, i, len);
        e = find_byte(s, a, len, ',');
        size_t b = trim_end(s, a, e);
        dsg_net_status st = DSG_NET_OK;
        if (a == b)
            st = DSG_NET_ERR_EMPTY;
        else if (n == room)
            st = DSG_NET_ERR_TOO_MANY;
        else
            st = parse_net(s, a, b, &tmp[n]);
        if (st != DSG_NET_OK) {
            *count = 0;
            *at = a;
            return st;
        }
        n++;
        if (e == len)
            break;
        i = e + 1;
    }
    /*@ loop invariant 0 <= k <= n;
        loop invariant dsg_ip_nets_ok(out, k);
        loop assigns k, out[0 .. cap - 1];
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[k];
    *count = n;
    *at = len;
    return DSG_NET_OK;
}

/* ---- matching --------------------------------------------------------------- */

/* 1 when the first net->len bits of the prefix equal those of *a from
 * bit off on. */
/*@ requires \valid_read(net) && \valid_read(a) && off + net->len <= 128;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_prefix_equal(*net, *a, off);
*/
static int prefix_equal(const dsg_ip_net *net, const dsg_ip_addr *a, size_t off)
{
    size_t len = net->len;
    /*@ loop invariant 0 <= i <= len;
        loop invariant \forall integer j; 0 <= j < i ==>
                         dsg_ip_bit(net->addr, j) == dsg_ip_bit(*a, off + j);
        loop assigns i;
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++) {
        if (bit_at(&net->addr, i) != bit_at(a, off + i))
            return 0;
    }
    return 1;
}

/* 1 when the prefix *net contains *a, mapped telling whether *a is an
 * IPv4-mapped address. */
/*@ requires \valid_read(net) && \valid_read(a);
    requires dsg_ip_net_ok(*net);
    requires mapped == 1 <==> dsg_ip_mapped(*a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_ip_net_matches(*net, *a);
*/
static int net_matches(const dsg_ip_net *net, const dsg_ip_addr *a, int mapped)
{
    if (mapped == 1) {   /* ::ffff:a.b.c.d is a.b.c.d, bits 96 .. 127 */
        if (net->addr.family != DSG_IP_V4)
            return 0;
        return prefix_equal(net, a, 96);
    }
    if (net->addr.family != a->family)
        return 0;
    return prefix_equal(net, a, 0);
}

int dsg_netlist_contains(const dsg_ip_net *list, size_t n, const dsg_ip_addr *addr)
{
    if (!dsg_ip_addr_is_valid(addr) || !nets_valid(list, n))
        return -1;
    int mapped = is_mapped(addr);
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> !dsg_ip_net_matches(list[j], *addr);
        loop assigns k;
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        if (net_matches(&list[k], addr, mapped))
            return 1;
    }
    return 0;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_NET_ERR_TOO_MANY + 2][16] = {
    "ok", "empty", "bad-char", "zone-id", "bad-octet", "leading-zero", "ipv4-parts",
    "bad-group", "bad-colon", "ipv6-groups", "embedded-ipv4", "bad-length",
    "length-too-long", "host-bits-set", "ipv4-mapped", "too-many", "unknown",
};

const char *dsg_net_status_token(dsg_net_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_NET_ERR_TOO_MANY)
        i = (unsigned)DSG_NET_ERR_TOO_MANY + 1u;
    return status_tokens[i];
}
