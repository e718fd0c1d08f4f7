/* A role's copy on its way to the backup writer: see bk_stream.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bkup/bk_stream.h"

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

size_t dsg_bk_stream_role(uint8_t *out, const char snapshot[DSG_BK_TIME_LEN], uint32_t schema)
{
    out[0] = 'R';
    memcpy(out + 1, snapshot, DSG_BK_TIME_LEN);
    put_u32(out + 1 + DSG_BK_TIME_LEN, schema);
    return 1 + DSG_BK_TIME_LEN + 4;
}

size_t dsg_bk_stream_member(uint8_t *out, const char *name, uint64_t size)
{
    size_t len = strlen(name);
    if (len == 0 || len > 255)
        return 0;
    out[0] = 'M';
    out[1] = (uint8_t)len;
    memcpy(out + 2, name, len);
    put_u64(out + 2 + len, size);
    return 2 + len + 8;
}

size_t dsg_bk_stream_end(uint8_t *out)
{
    out[0] = 'E';
    return 1;
}

size_t dsg_bk_stream_fail(uint8_t *out, const char *why)
{
    size_t len = strlen(why);
    len = len > 255 ? 255 : len;
    out[0] = 'F';
    out[1] = (uint8_t)len;
    memcpy(out + 2, why, len);
    return 2 + len;
}

static dsg_bk_status fail(dsg_bk_status st, char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static dsg_bk_status fail(dsg_bk_status st, char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return st;
}

/* Exactly len bytes: 1, 0 at the end of the pipe before any, -1 at an
 * end inside them or an error. */
static int read_exact(int fd, uint8_t *p, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, p + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r == 0 && got == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return 1;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* A short text of the role's (an 'F' or a name): its length byte, then it. */
static int read_text(int fd, char *out, size_t cap)
{
    uint8_t len;
    if (read_exact(fd, &len, 1) != 1 || (size_t)len + 1 > cap ||
        read_exact(fd, (uint8_t *)out, len) != (len > 0 ? 1 : 0))
        return -1;
    out[len] = '\0';
    return len;
}

static dsg_bk_status role_line(dsg_bk_writer *w, unsigned role, int fd, char *err, size_t n)
{
    uint8_t b[DSG_BK_TIME_LEN + 4];
    char when[DSG_BK_TIME_LEN + 1];
    if (read_exact(fd, b, sizeof b) != 1)
        return fail(DSG_BK_TRUNCATED, err, n, "the copy ended inside its role line");
    memcpy(when, b, DSG_BK_TIME_LEN);
    when[DSG_BK_TIME_LEN] = '\0';
    uint32_t schema = (uint32_t)b[24] << 24 | (uint32_t)b[25] << 16 | (uint32_t)b[26] << 8 | b[27];
    for (size_t i = 0; i < DSG_BK_TIME_LEN; i++)
        if (b[i] < 0x20 || b[i] > 0x7e)
            return fail(DSG_BK_FORMAT, err, n, "a role line whose time is not text");
    return dsg_bk_writer_role(w, role, when, schema, err, n);
}

static dsg_bk_status member(dsg_bk_writer *w, unsigned role, int fd, uint64_t *size, char *err,
                            size_t n)
{
    char name[256];
    uint8_t b[8];
    if (read_text(fd, name, sizeof name) <= 0 || read_exact(fd, b, sizeof b) != 1)
        return fail(DSG_BK_TRUNCATED, err, n, "the copy ended inside a member's head, or a "
                                             "member without a name");
    *size = get_u64(b);
    if (*size > (uint64_t)INT64_MAX)
        return fail(DSG_BK_FORMAT, err, n, "member %s: a size beyond 2^63 - 1", name);
    dsg_bk_status st = dsg_bk_writer_add_n(w, role, name, fd, *size, err, n);
    if (st == DSG_BK_IO)
        return fail(DSG_BK_TRUNCATED, err, n, "member %s: the copy ended before its %llu bytes "
                    "or the member could not be written", name, (unsigned long long)*size);
    return st;
}

dsg_bk_status dsg_bk_stream_read(dsg_bk_writer *w, unsigned role, int fd, uint64_t *members,
                                 uint64_t *bytes, char *err, size_t n)
{
    int have_role = 0;
    *members = *bytes = 0;
    for (;;) {
        uint8_t type, extra;
        char why[256];
        uint64_t size = 0;
        dsg_bk_status st;
        int r = read_exact(fd, &type, 1);
        if (r != 1)
            return fail(DSG_BK_TRUNCATED, err, n, "the copy ended before its end mark (the "
                                                 "role stopped?)");
        switch (type) {
        case 'R':
            if (have_role)
                return fail(DSG_BK_FORMAT, err, n, "a second role line");
            if ((st = role_line(w, role, fd, err, n)) != DSG_BK_OK)
                return st;
            have_role = 1;
            break;
        case 'M':
            if (!have_role)
                return fail(DSG_BK_FORMAT, err, n, "a member before the role line");
            if ((st = member(w, role, fd, &size, err, n)) != DSG_BK_OK)
                return st;
            *members += 1;
            *bytes += size;
            break;
        case 'E':
            if (!have_role)
                return fail(DSG_BK_FORMAT, err, n, "the end mark before the role line");
            if (read_exact(fd, &extra, 1) != 0)
                return fail(DSG_BK_FORMAT, err, n, "bytes after the end mark");
            return DSG_BK_OK;
        case 'F':
            if (read_text(fd, why, sizeof why) < 0)
                return fail(DSG_BK_TRUNCATED, err, n, "the copy ended inside a failure");
            return fail(DSG_BK_IO, err, n, "the role could not copy its data: %s", why);
        default:
            return fail(DSG_BK_FORMAT, err, n, "an unknown frame 0x%02x", type);
        }
    }
}
