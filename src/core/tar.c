/* POSIX tar headers (ustar and pax): see tar.h. */
#include "core/tar.h"

#include <string.h>

/* Offsets and widths of the ustar header's fields. */
#define F_NAME 0u
#define F_MODE 100u
#define F_UID 108u
#define F_GID 116u
#define F_SIZE 124u
#define F_MTIME 136u
#define F_CHKSUM 148u
#define F_TYPE 156u
#define F_MAGIC 257u
#define F_VERSION 263u
#define NAME_LEN 100u
#define CHKSUM_LEN 8u

#define PAX_NAME "PaxHeaders/"

static int printable(uint8_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

int dsg_tar_name_ok(const dsg_tar_entry *e)
{
    const uint8_t *n = e->name;
    if (n == NULL || e->name_len < 1 || e->name_len > DSG_TAR_NAME_MAX ||
        memchr(n, '\0', e->name_len) != NULL || memchr(n, '/', e->name_len) != NULL)
        return 0;
    return !(e->name_len == 1 && n[0] == '.') &&
           !(e->name_len == 2 && n[0] == '.' && n[1] == '.');
}

/* The name goes in the ustar block as it is. */
static int plain_name(const dsg_tar_entry *e)
{
    if (e->name_len > NAME_LEN)
        return 0;
    for (size_t i = 0; i < e->name_len; i++)
        if (!printable(e->name[i]))
            return 0;
    return 1;
}

static unsigned digits(uint64_t v)
{
    unsigned d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* The length of the record "LEN KEY=VALUE\n", LEN counting itself. */
static size_t record_len(size_t key_len, size_t value_len)
{
    size_t base = 1 + key_len + 1 + value_len + 1;   /* " KEY=VALUE\n" */
    size_t len = base + digits(base);
    return digits(len) > digits(base) ? len + 1 : len;
}

/* Bytes of the pax records e needs (0: none). */
static size_t pax_len(const dsg_tar_entry *e)
{
    size_t n = 0;
    if (!plain_name(e))
        n += record_len(4, e->name_len);
    if (e->size > DSG_TAR_OCTAL_MAX)
        n += record_len(4, digits(e->size));
    return n;
}

static size_t blocks(size_t n)
{
    return (n + DSG_TAR_BLOCK - 1) / DSG_TAR_BLOCK * DSG_TAR_BLOCK;
}

size_t dsg_tar_head_len(const dsg_tar_entry *e)
{
    if (!dsg_tar_name_ok(e))
        return 0;
    size_t pax = pax_len(e);
    return (pax > 0 ? DSG_TAR_BLOCK + blocks(pax) : 0) + DSG_TAR_BLOCK;
}

size_t dsg_tar_pad(uint64_t size)
{
    return (size_t)((DSG_TAR_BLOCK - size % DSG_TAR_BLOCK) % DSG_TAR_BLOCK);
}

uint64_t dsg_tar_entry_len(const dsg_tar_entry *e)
{
    size_t head = dsg_tar_head_len(e);
    return head == 0 ? 0 : head + e->size + dsg_tar_pad(e->size);
}

/* v in octal, width - 1 digits with leading zeros, then NUL. */
static void put_octal(uint8_t *field, size_t width, uint64_t v)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i > 0; i--) {
        field[i - 1] = (uint8_t)('0' + (v & 7u));
        v >>= 3;
    }
}

static unsigned checksum(const uint8_t block[DSG_TAR_BLOCK])
{
    unsigned sum = 0;
    for (size_t i = 0; i < DSG_TAR_BLOCK; i++)
        sum += i >= F_CHKSUM && i < F_CHKSUM + CHKSUM_LEN ? ' ' : block[i];
    return sum;
}

/* A ustar block named name[0 .. len) (len <= 100, printable ASCII). */
static void put_block(uint8_t *b, const uint8_t *name, size_t len, uint64_t size,
                      uint64_t mtime, char type)
{
    memset(b, 0, DSG_TAR_BLOCK);
    memcpy(b + F_NAME, name, len);
    put_octal(b + F_MODE, 8, 0644);
    put_octal(b + F_UID, 8, 0);
    put_octal(b + F_GID, 8, 0);
    put_octal(b + F_SIZE, 12, size <= DSG_TAR_OCTAL_MAX ? size : 0);
    put_octal(b + F_MTIME, 12, mtime);
    b[F_TYPE] = (uint8_t)type;
    memcpy(b + F_MAGIC, "ustar", 6);
    memcpy(b + F_VERSION, "00", 2);
    put_octal(b + F_CHKSUM, 7, checksum(b));   /* 6 digits, NUL */
    b[F_CHKSUM + 7] = ' ';
}

/* The ASCII stand-in of e's name, each byte outside printable ASCII as
 * '_', at most cap bytes. Its length. */
static size_t stand_in(const dsg_tar_entry *e, uint8_t *out, size_t cap)
{
    size_t n = e->name_len < cap ? e->name_len : cap;
    for (size_t i = 0; i < n; i++)
        out[i] = printable(e->name[i]) ? e->name[i] : '_';
    return n;
}

static uint8_t *put_record(uint8_t *p, const char *key, const uint8_t *value, size_t value_len)
{
    size_t key_len = strlen(key), len = record_len(key_len, value_len);
    unsigned d = digits(len);
    size_t v = len;
    for (unsigned i = d; i > 0; i--) {
        p[i - 1] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
    p += d;
    *p++ = ' ';
    memcpy(p, key, key_len);
    p += key_len;
    *p++ = '=';
    memcpy(p, value, value_len);
    p += value_len;
    *p++ = '\n';
    return p;
}

/* The size in decimal, pax's form of a number; its length. */
static size_t put_size(uint8_t out[20], uint64_t v)
{
    unsigned d = digits(v);
    for (unsigned i = d; i > 0; i--) {
        out[i - 1] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
    return d;
}

size_t dsg_tar_head(uint8_t *out, size_t cap, const dsg_tar_entry *e)
{
    uint8_t name[NAME_LEN], size[20];
    size_t len = dsg_tar_head_len(e), pax = len > 0 ? pax_len(e) : 0;
    uint64_t mtime = e->mtime < 0 ? 0
                     : (uint64_t)e->mtime > DSG_TAR_OCTAL_MAX ? DSG_TAR_OCTAL_MAX
                                                               : (uint64_t)e->mtime;
    if (len == 0 || len > cap)
        return 0;
    size_t n = stand_in(e, name, NAME_LEN);
    uint8_t *p = out;
    if (pax > 0) {
        uint8_t xname[NAME_LEN];
        size_t k = sizeof PAX_NAME - 1;
        memcpy(xname, PAX_NAME, k);
        k += stand_in(e, xname + k, NAME_LEN - k);
        put_block(p, xname, k, pax, mtime, 'x');
        uint8_t *r = p + DSG_TAR_BLOCK;
        if (!plain_name(e))
            r = put_record(r, "path", e->name, e->name_len);
        if (e->size > DSG_TAR_OCTAL_MAX) {
            r = put_record(r, "size", size, put_size(size, e->size));
        }
        p += DSG_TAR_BLOCK + blocks(pax);
        memset(r, 0, (size_t)(p - r));
    }
    put_block(p, name, n, e->size, mtime, '0');
    return len;
}

int dsg_tar_checksum_ok(const uint8_t block[DSG_TAR_BLOCK])
{
    unsigned want = 0;
    for (size_t i = F_CHKSUM; i < F_CHKSUM + 6; i++) {
        if (block[i] < '0' || block[i] > '7')
            return 0;
        want = want * 8 + (block[i] - '0');
    }
    return block[F_CHKSUM + 6] == '\0' && want == checksum(block);
}
