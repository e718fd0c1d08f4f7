/* Anchor-file lines: see anchor.h. */
#define _POSIX_C_SOURCE 200809L
#include "log/anchor.h"

#include <stdio.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

int dsg_anchor_source_ok(const char *s, size_t len)
{
    if (len == 0 || len > DSG_ANCHOR_SOURCE_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static int digits(const char *s, size_t n, unsigned *v)
{
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10u + (unsigned)(s[i] - '0');
    }
    *v = x;
    return 1;
}

int dsg_anchor_time_ok(const char *s, size_t len)
{
    static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned y, mo, d, h, mi, se, ms;
    if (len != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != '.' || s[23] != 'Z')
        return 0;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se) ||
        !digits(s + 20, 3, &ms))
        return 0;
    (void)y;
    (void)ms;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
        return 0;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 0;
    return 1;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;   /* upper case is not canonical */
}

static int unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return 1;
}

static int parse_seq(const char *s, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    if (len == 0 || len > 19 || s[0] == '0')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        x = x * 10u + (uint64_t)(s[i] - '0');   /* 19 digits fit in 64 bits */
    }
    if (x > 0x7fffffffffffffffull)
        return 0;
    *v = x;
    return 1;
}

/* The next space-separated token of line[*pos..len): [*start, *end). */
static void token(const char *line, size_t len, size_t *pos, size_t *start, size_t *end)
{
    *start = *pos;
    while (*pos < len && line[*pos] != ' ')
        (*pos)++;
    *end = *pos;
    if (*pos < len)
        (*pos)++;   /* past one space */
}

dsg_anchor_status dsg_anchor_parse(const char *line, size_t len, dsg_anchor *a)
{
    size_t pos = 0, s, e;
    dsg_anchor tmp;
    memset(&tmp, 0, sizeof tmp);
    if (len > DSG_ANCHOR_LINE_MAX)
        return DSG_ANCHOR_TOO_LONG;
    token(line, len, &pos, &s, &e);
    if (e - s != strlen(DSG_ANCHOR_MAGIC) || memcmp(line + s, DSG_ANCHOR_MAGIC, e - s) != 0 ||
        pos == e)
        return DSG_ANCHOR_BAD_MAGIC;
    token(line, len, &pos, &s, &e);
    if (!dsg_anchor_source_ok(line + s, e - s) || pos == e)
        return DSG_ANCHOR_BAD_SOURCE;
    memcpy(tmp.source, line + s, e - s);
    token(line, len, &pos, &s, &e);
    if (!parse_seq(line + s, e - s, &tmp.seq) || pos == e)
        return DSG_ANCHOR_BAD_SEQ;
    token(line, len, &pos, &s, &e);
    if (!unhex(line + s, e - s, tmp.head, sizeof tmp.head) || pos == e)
        return DSG_ANCHOR_BAD_HEAD;
    token(line, len, &pos, &s, &e);
    if (!dsg_anchor_time_ok(line + s, e - s) || pos == e)
        return DSG_ANCHOR_BAD_TIME;
    memcpy(tmp.time, line + s, e - s);
    tmp.signed_len = e;
    token(line, len, &pos, &s, &e);
    if (!unhex(line + s, e - s, tmp.sig, sizeof tmp.sig))
        return DSG_ANCHOR_BAD_SIG;
    if (e != len)
        return DSG_ANCHOR_TRAILING;
    *a = tmp;
    return DSG_ANCHOR_OK;
}

size_t dsg_anchor_signed_part(const dsg_anchor *a, char *out, size_t cap)
{
    char head[65];
    size_t slen = strnlen(a->source, sizeof a->source);
    if (!dsg_anchor_source_ok(a->source, slen) || a->seq == 0 ||
        a->seq > 0x7fffffffffffffffull || !dsg_anchor_time_ok(a->time, strnlen(a->time, 25)))
        return 0;
    for (size_t i = 0; i < 32; i++) {
        head[2 * i] = hexdig[a->head[i] / 16];
        head[2 * i + 1] = hexdig[a->head[i] % 16];
    }
    head[64] = '\0';
    int n = snprintf(out, cap, DSG_ANCHOR_MAGIC " %s %llu %s %s", a->source,
                     (unsigned long long)a->seq, head, a->time);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

size_t dsg_anchor_format(const dsg_anchor *a, char *out, size_t cap)
{
    size_t n = dsg_anchor_signed_part(a, out, cap);
    if (n == 0 || cap - n < 1 + 128 + 2)
        return 0;
    out[n++] = ' ';
    for (size_t i = 0; i < 64; i++) {
        out[n++] = hexdig[a->sig[i] / 16];
        out[n++] = hexdig[a->sig[i] % 16];
    }
    out[n++] = '\n';
    out[n] = '\0';
    return n;
}

const char *dsg_anchor_status_token(dsg_anchor_status st)
{
    static const char *const t[] = { "ok", "bad-magic", "bad-source", "bad-seq", "bad-head",
                                     "bad-time", "bad-signature-field", "too-long",
                                     "trailing-bytes" };
    if ((unsigned)st >= sizeof t / sizeof t[0])
        return "unknown";
    return t[st];
}
