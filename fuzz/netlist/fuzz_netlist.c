/*
 * libFuzzer harness for network lists (src/core/netlist.h).
 *
 * Input: one setup byte (the capacity, 0-69, so that DSG_NETLIST_MAX and
 * the caller's cap both bind), then the list text.
 *
 * - The contract of dsg_netlist_parse at run time: the offset within the
 *   input, OK => 1 <= count <= min(cap, DSG_NETLIST_MAX), offset == len,
 *   every entry accepted by the C twin; an error => count 0 and the
 *   array untouched.
 * - Every accepted entry is rendered back to text here (dotted quad, or
 *   eight hex groups) and handed to glibc's inet_pton, which must give the
 *   same bytes; the rendered "ADDR/LEN" must parse back to the same entry.
 *   The length is within the family's width and no host bit is set,
 *   checked by a mask computation of its own.
 * - dsg_netlist_contains, for the first and last address of every entry,
 *   their neighbours outside, their IPv4-mapped forms, and an address
 *   made of the input's bytes, must agree with a bit-by-bit model written
 *   here (masks, not shifts of the address).
 * - The whole input (without its setup byte) is also parsed as one
 *   address and compared with inet_pton for the family it names.
 * abort() on any disagreement.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/netlist.h"

/* @relation(REQ-MFA-002, REQ-ACCT-016) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define CAP_MAX 70u

static unsigned width_of(int family)
{
    return family == DSG_IP_V4 ? 32u : 128u;
}

/* Bit i of b, by a mask. */
static int model_bit(const uint8_t *b, unsigned i)
{
    return (b[i / 8u] & (0x80u >> (i % 8u))) != 0;
}

static int is_mapped(const dsg_ip_addr *a)
{
    static const uint8_t mapped_head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    return a->family == DSG_IP_V6 && memcmp(a->b, mapped_head, 12) == 0;
}

/* Does the prefix n contain a? A mapped address is read as IPv4. */
static int model_match(const dsg_ip_net *n, const dsg_ip_addr *a)
{
    const uint8_t *bytes = a->b;
    int family = a->family;
    if (is_mapped(a)) {
        bytes = a->b + 12;
        family = DSG_IP_V4;
    }
    if (n->addr.family != family)
        return 0;
    for (unsigned i = 0; i < n->len; i++) {
        if (model_bit(n->addr.b, i) != model_bit(bytes, i))
            return 0;
    }
    return 1;
}

static int model_contains(const dsg_ip_net *list, size_t n, const dsg_ip_addr *a)
{
    for (size_t k = 0; k < n; k++) {
        if (model_match(&list[k], a))
            return 1;
    }
    return 0;
}

/* The address as text: a.b.c.d, or eight groups x:x:x:x:x:x:x:x. */
static void render_addr(const dsg_ip_addr *a, char *out, size_t cap)
{
    if (a->family == DSG_IP_V4) {
        snprintf(out, cap, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
        return;
    }
    size_t p = 0;
    for (unsigned g = 0; g < 8u; g++)
        p += (size_t)snprintf(out + p, cap - p, "%s%x", g ? ":" : "",
                              (unsigned)(a->b[2 * g] << 8 | a->b[2 * g + 1]));
}

static void check_entry(const dsg_ip_net *n)
{
    CHECK(dsg_ip_net_is_valid(n) == 1);
    CHECK(n->addr.family == DSG_IP_V4 || n->addr.family == DSG_IP_V6);
    unsigned w = width_of(n->addr.family);
    CHECK(n->len <= w);
    for (unsigned i = n->len; i < 128u; i++)
        CHECK(!model_bit(n->addr.b, i));   /* host bits, and bytes past an IPv4 address */
    char text[64], full[80];
    render_addr(&n->addr, text, sizeof text);
    uint8_t want[16] = { 0 };
    CHECK(inet_pton(n->addr.family == DSG_IP_V4 ? AF_INET : AF_INET6, text, want) == 1);
    CHECK(memcmp(want, n->addr.b, n->addr.family == DSG_IP_V4 ? 4 : 16) == 0);
    int m = snprintf(full, sizeof full, "%s/%u", text, (unsigned)n->len);
    dsg_ip_net back;
    CHECK(dsg_ip_net_parse((const uint8_t *)full, (size_t)m, &back) == DSG_NET_OK);
    CHECK(back.addr.family == n->addr.family && back.len == n->len &&
          memcmp(back.addr.b, n->addr.b, 16) == 0);
}

static void check_contains(const dsg_ip_net *list, size_t n, const dsg_ip_addr *a)
{
    int got = dsg_netlist_contains(list, n, a);
    CHECK(got == model_contains(list, n, a));
    if (a->family == DSG_IP_V4) {   /* and its mapped form */
        dsg_ip_addr m = { { 0 }, DSG_IP_V6 };
        m.b[10] = m.b[11] = 0xff;
        memcpy(m.b + 12, a->b, 4);
        CHECK(dsg_netlist_contains(list, n, &m) == got);
    }
}

/* a + 1 (carry = 1) or a - 1 (carry = -1) over the family's bytes; 0 when
 * it wraps. */
static int step(dsg_ip_addr *a, int delta)
{
    int k = a->family == DSG_IP_V4 ? 3 : 15;
    for (; k >= 0; k--) {
        if (delta > 0 && a->b[k] != 0xff) { a->b[k]++; return 1; }
        if (delta < 0 && a->b[k] != 0x00) { a->b[k]--; return 1; }
        a->b[k] = delta > 0 ? 0x00 : 0xff;
    }
    return 0;
}

static void check_edges(const dsg_ip_net *list, size_t n, const dsg_ip_net *e)
{
    dsg_ip_addr first = e->addr, last = e->addr;
    for (unsigned i = e->len; i < width_of(e->addr.family); i++)
        last.b[i / 8u] |= (uint8_t)(0x80u >> (i % 8u));
    check_contains(list, n, &first);
    check_contains(list, n, &last);
    /* an entry holds its first and last address, unless that address is
     * IPv4-mapped (the last of ::/80 is ::ffff:255.255.255.255), which
     * is matched as IPv4 */
    CHECK(is_mapped(&first) || dsg_netlist_contains(list, n, &first) == 1);
    CHECK(is_mapped(&last) || dsg_netlist_contains(list, n, &last) == 1);
    if (step(&first, -1))
        check_contains(list, n, &first);
    if (step(&last, 1))
        check_contains(list, n, &last);
}

/* The whole text as one address, against inet_pton. */
static void check_single(const uint8_t *s, size_t len)
{
    char text[64];
    if (len >= sizeof text || memchr(s, 0, len) != NULL)
        return;
    memcpy(text, s, len);
    text[len] = '\0';
    int v6 = memchr(s, ':', len) != NULL;
    uint8_t want[16] = { 0 };
    int ok = inet_pton(v6 ? AF_INET6 : AF_INET, text, want) == 1;
    dsg_ip_addr a;
    memset(&a, 0x5a, sizeof a);
    dsg_net_status st = dsg_ip_parse(s, len, &a);
    CHECK((st == DSG_NET_OK) == ok);
    if (ok) {
        CHECK(a.family == (v6 ? DSG_IP_V6 : DSG_IP_V4));
        CHECK(memcmp(a.b, want, v6 ? 16 : 4) == 0);
        CHECK(dsg_ip_addr_is_valid(&a) == 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cap = data[0] % CAP_MAX;
    const uint8_t *s = data + 1;
    size_t len = size - 1;
    check_single(s, len);

    static dsg_ip_net list[CAP_MAX], before[CAP_MAX];
    memset(list, 0xA5, sizeof list);
    memcpy(before, list, sizeof list);
    size_t count = 12345, at = 12345;
    dsg_net_status st = dsg_netlist_parse(s, len, list, cap, &count, &at);
    CHECK(st <= DSG_NET_ERR_TOO_MANY);
    CHECK(at <= len);
    CHECK(strcmp(dsg_net_status_token(st), "unknown") != 0);
    if (st != DSG_NET_OK) {
        CHECK(count == 0);
        CHECK(memcmp(list, before, sizeof list) == 0);
        return 0;
    }
    CHECK(at == len && len > 0);
    CHECK(count >= 1 && count <= cap && count <= DSG_NETLIST_MAX);
    CHECK(memcmp(list + count, before + count, sizeof list - count * sizeof list[0]) == 0);
    for (size_t k = 0; k < count; k++)
        check_entry(&list[k]);
    for (size_t k = 0; k < count; k++)
        check_edges(list, count, &list[k]);
    /* an address of each family made of the input's bytes */
    dsg_ip_addr x = { { 0 }, DSG_IP_V6 };
    for (size_t k = 0; k < len; k++)
        x.b[k % 16u] ^= s[k];
    check_contains(list, count, &x);
    memset(x.b + 4, 0, 12);
    x.family = DSG_IP_V4;
    check_contains(list, count, &x);
    return 0;
}
