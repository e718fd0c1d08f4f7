/* Forwarding: targets, frames and messages (fwd_wire.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/ipc_frame.h"
#include "run/fwd_wire.h"

/* ---- targets ------------------------------------------------------------------ */

static int bad(char *why, size_t n, const char *p, size_t len, const char *what)
{
    snprintf(why, n, "'%.*s': %s", (int)(len > 80 ? 80 : len), p, what);
    return -1;
}

/* A DNS name: labels of letters, digits and '-' (not first or last),
 * 1..63 bytes each, joined by dots, 1..253 bytes in all (RFC 1035 §2.3.1). */
static int host_ok(const char *h, size_t len)
{
    size_t label = 0;
    if (len == 0 || len > DSGD_FWD_HOST_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = h[i];
        if (c == '.') {
            if (label == 0 || h[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (c != '-' || label == 0))
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0 && h[len - 1] != '-';
}

/* PORT: 1..65535, decimal, no leading zero. */
static int port_of(const char *p, size_t len, uint16_t *port)
{
    unsigned long v = 0;
    if (len == 0 || len > 5 || p[0] == '0')
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(p[i] - '0');
    }
    if (v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into t. */
static int addr_port(const char *p, size_t len, dsgd_fwd_target *t)
{
    const char *colon;
    size_t alen;
    if (len > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', len);
        if (close == NULL || close + 1 >= p + len || close[1] != ':')
            return -1;
        alen = (size_t)(close - p - 1);
        if (alen == 0 || alen >= sizeof t->addr)
            return -1;
        memcpy(t->addr, p + 1, alen);
        colon = close + 1;
        t->v6 = 1;
    } else {
        colon = memrchr(p, ':', len);
        alen = colon != NULL ? (size_t)(colon - p) : 0;
        if (alen == 0 || alen >= sizeof t->addr || memchr(p, ':', alen) != NULL)
            return -1;
        memcpy(t->addr, p, alen);
        t->v6 = 0;
    }
    t->addr[alen] = '\0';
    if (inet_pton(t->v6 ? AF_INET6 : AF_INET, t->addr, t->ip) != 1)
        return -1;
    return port_of(colon + 1, (size_t)(p + len - colon - 1), &t->port);
}

static int parse_entry(const char *p, size_t len, dsgd_fwd_target *t, char *why, size_t n)
{
    const char *at = memchr(p, '@', len);
    size_t hlen = at != NULL ? (size_t)(at - p) : 0;
    memset(t, 0, sizeof *t);
    if (len > DSGD_FWD_TEXT_MAX)
        return bad(why, n, p, len, "longer than 300 bytes");
    memcpy(t->text, p, len);
    if (at != NULL && !host_ok(p, hlen))
        return bad(why, n, p, len, "NAME before '@' is not a DNS name");
    memcpy(t->host, p, hlen);
    if (at != NULL && memchr(at + 1, '@', len - hlen - 1) != NULL)
        return bad(why, n, p, len, "more than one '@'");
    if (addr_port(at != NULL ? at + 1 : p, at != NULL ? len - hlen - 1 : len, t) != 0)
        return bad(why, n, p, len, "want [NAME@]ADDR:PORT with a numeric IPv4 address or an "
                   "IPv6 address in brackets and a port 1..65535");
    return 0;
}

static int same_place(const dsgd_fwd_target *a, const dsgd_fwd_target *b)
{
    return a->v6 == b->v6 && a->port == b->port && memcmp(a->ip, b->ip, a->v6 ? 16 : 4) == 0;
}

int dsgd_fwd_targets_parse(const char *list, dsgd_fwd_targets *out, char *why, size_t n)
{
    const char *p = list;
    memset(out, 0, sizeof *out);
    for (;;) {
        size_t len;
        p += strspn(p, " \t,");
        if (*p == '\0')
            return 0;
        len = strcspn(p, " \t,");
        if (out->n == DSGD_FWD_MAX)
            return bad(why, n, p, len, "more than 4 collectors");
        dsgd_fwd_target *t = &out->t[out->n];
        if (parse_entry(p, len, t, why, n) != 0)
            return -1;
        for (unsigned i = 0; i < out->n; i++)
            if (same_place(&out->t[i], t))
                return bad(why, n, p, len, "names a collector twice");
        out->n++;
        p += len;
    }
}

/* ---- frames ------------------------------------------------------------------- */

size_t dsgd_fwd_frame_head(uint8_t *out, size_t msglen)
{
    char digits[24];
    if (msglen == 0 || msglen > DSGD_FWD_MSG_MAX)
        return 0;
    int k = snprintf(digits, sizeof digits, "%zu ", msglen);
    memcpy(out, digits, (size_t)k);
    return (size_t)k;
}

enum { SCAN_LEN = 0, SCAN_FIRST = 1, SCAN_MSG = 2, SCAN_BROKEN = 3 };

/* One byte of MSG-LEN or the SP after it. */
static int scan_len(dsgd_fwd_scan *s, uint8_t c)
{
    if (c == ' ' && s->digits > 0) {
        s->state = SCAN_FIRST;
        return 0;
    }
    if (c < '0' || c > '9' || (c == '0' && s->digits == 0) || s->digits >= 9)
        return -1;
    s->left = s->left * 10 + (uint64_t)(c - '0');
    s->digits++;
    return s->left > DSGD_FWD_MSG_MAX ? -1 : 0;
}

int dsgd_fwd_scan_feed(dsgd_fwd_scan *s, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s->state == SCAN_BROKEN)
            return -1;
        if (s->state == SCAN_MSG) {
            size_t k = n - i < s->left ? n - i : (size_t)s->left;
            i += k;
            s->left -= k;
        } else if (s->state == SCAN_FIRST) {
            if (p[i++] != '<') {
                s->state = SCAN_BROKEN;
                return -1;
            }
            s->left--;
            s->state = SCAN_MSG;
        } else if (scan_len(s, p[i++]) != 0) {
            s->state = SCAN_BROKEN;
            return -1;
        }
        if (s->state == SCAN_MSG && s->left == 0) {
            s->state = SCAN_LEN;
            s->digits = 0;
            s->frames++;
        }
    }
    return 0;
}

int dsgd_fwd_scan_idle(const dsgd_fwd_scan *s)
{
    return s->state == SCAN_LEN && s->digits == 0;
}

/* ---- messages ----------------------------------------------------------------- */

static void put_u64(uint8_t *p, uint64_t v)
{
    dsg_ipc_put_u32(p, (uint32_t)v);
    dsg_ipc_put_u32(p + 4, (uint32_t)(v >> 32));
}

static void put_head(uint8_t *out, uint8_t coll, uint32_t gen)
{
    out[0] = coll;
    dsg_ipc_put_u32(out + 1, gen);
}

static int get_head(const uint8_t *body, uint8_t *coll, uint32_t *gen)
{
    if (body[0] >= DSGD_FWD_MAX)
        return -1;
    *coll = body[0];
    *gen = dsg_ipc_get_u32(body + 1);
    return 0;
}

void dsgd_fwd_batch_head(uint8_t *out, uint8_t coll, uint32_t gen, uint64_t id)
{
    put_head(out, coll, gen);
    put_u64(out + 5, id);
}

int dsgd_fwd_batch_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen,
                       uint64_t *id, const uint8_t **data, size_t *dlen)
{
    if (len <= DSGD_FWD_BATCH_HEAD || get_head(body, coll, gen) != 0)
        return -1;
    *id = dsg_ipc_get_u64(body + 5);
    *data = body + DSGD_FWD_BATCH_HEAD;
    *dlen = len - DSGD_FWD_BATCH_HEAD;
    return 0;
}

void dsgd_fwd_ack_put(uint8_t *out, uint8_t coll, uint32_t gen, uint64_t id)
{
    dsgd_fwd_batch_head(out, coll, gen, id);
}

int dsgd_fwd_ack_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen,
                     uint64_t *id)
{
    if (len != DSGD_FWD_ACK_LEN || get_head(body, coll, gen) != 0)
        return -1;
    *id = dsg_ipc_get_u64(body + 5);
    return 0;
}

void dsgd_fwd_state_put(uint8_t *out, uint8_t coll, uint32_t gen, int up)
{
    put_head(out, coll, gen);
    out[5] = up ? 1 : 0;
}

int dsgd_fwd_state_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen, int *up)
{
    if (len != DSGD_FWD_STATE_LEN || body[5] > 1 || get_head(body, coll, gen) != 0)
        return -1;
    *up = body[5];
    return 0;
}

void dsgd_fwd_handover_put(uint8_t *out, uint8_t coll, uint32_t gen)
{
    put_head(out, coll, gen);
}

int dsgd_fwd_handover_get(const uint8_t *body, size_t len, uint8_t *coll, uint32_t *gen)
{
    if (len != DSGD_FWD_HANDOVER_LEN)
        return -1;
    return get_head(body, coll, gen);
}
