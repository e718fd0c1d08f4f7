/*
 * POSIX tar headers (ustar and pax): the contract is in tar.h, the logic
 * in acsl/tar.acsl.h.
 *
 * Written for WP: no library call; the ustar block is filled at fixed
 * offsets of its 512 bytes, and every byte of the pax records goes
 * through put_byte, which refuses the byte that would pass the end of the
 * room dsg_tar_head_len set aside for them, so that a miscount could only
 * fail the header, never write past it.
 */
#include "core/tar.h"

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
#define PAX_DIR_LEN 11u          /* "PaxHeaders/", before the x block's name */
#define CHKSUM_MAX 262143u       /* what 6 octal digits hold */

/*@ assigns \nothing;
    ensures \result == 1 <==> 0x20 <= c <= 0x7e;
    ensures \result == 0 || \result == 1;
*/
static int printable(uint8_t c)
{
    return c >= 0x20 && c <= 0x7e;
}

int dsg_tar_name_ok(const dsg_tar_entry *e)
{
    size_t len = e->name_len;
    if (len < 1 || len > DSG_TAR_NAME_MAX)
        return 0;
    const uint8_t *n = e->name;   /* a pointer to len >= 1 bytes */
    /*@ loop invariant 0 <= i <= len;
        loop invariant \forall integer k; 0 <= k < i ==> n[k] != 0 && n[k] != '/';
        loop assigns i;
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++)
        if (n[i] == 0 || n[i] == '/')
            return 0;
    if (len == 1 && n[0] == '.')
        return 0;
    if (len == 2 && n[0] == '.' && n[1] == '.')
        return 0;
    return 1;
}

/* The name goes in the ustar block as it is. */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> e->name_len <= NAME_LEN;
*/
static int plain_name(const dsg_tar_entry *e)
{
    if (e->name_len > NAME_LEN)
        return 0;
    /*@ loop invariant 0 <= i <= e->name_len;
        loop assigns i;
        loop variant e->name_len - i;
    */
    for (size_t i = 0; i < e->name_len; i++)
        if (!printable(e->name[i]))
            return 0;
    return 1;
}

/* Decimal digits of v (a uint64_t has at most 20). */
/*@ assigns \nothing;
    ensures 1 <= \result <= 20;
*/
static unsigned digits(uint64_t v)
{
    unsigned d = 1;
    /*@ loop invariant 1 <= d <= 20;
        loop assigns d, v;
        loop variant 20 - d;
    */
    while (d < 20 && v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

/* The length of the record "LEN KEY=VALUE\n", LEN counting itself. */
/*@ requires key_len <= 4 && value_len <= DSG_TAR_NAME_MAX;
    assigns \nothing;
    ensures 3 + key_len + value_len < \result <= 3 + key_len + value_len + 21;
*/
static size_t record_len(size_t key_len, size_t value_len)
{
    size_t base = 1 + key_len + 1 + value_len + 1;   /* " KEY=VALUE\n" */
    size_t len = base + digits(base);
    return digits(len) > digits(base) ? len + 1 : len;
}

/* Bytes of the pax records e needs (0: none). */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    requires e->name_len <= DSG_TAR_NAME_MAX;
    assigns \nothing;
    ensures \result <= 1100;
*/
static size_t pax_len(const dsg_tar_entry *e)
{
    size_t n = 0;
    if (!plain_name(e))
        n += record_len(4, e->name_len);
    if (e->size > DSG_TAR_OCTAL_MAX)
        n += record_len(4, digits(e->size));
    return n;
}

/* n bytes (1 .. 1536) rounded up to whole blocks. */
/*@ requires n <= 3 * DSG_TAR_BLOCK;
    assigns \nothing;
    ensures \result == DSG_TAR_BLOCK || \result == 2 * DSG_TAR_BLOCK ||
            \result == 3 * DSG_TAR_BLOCK;
    ensures n <= \result;
*/
static size_t blocks(size_t n)
{
    return n <= DSG_TAR_BLOCK ? DSG_TAR_BLOCK : n <= 2 * DSG_TAR_BLOCK ? 2 * DSG_TAR_BLOCK
                                                                       : 3 * DSG_TAR_BLOCK;
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
    if (head == 0 || e->size > UINT64_MAX - DSG_TAR_HEAD_MAX - DSG_TAR_BLOCK)
        return 0;
    return head + e->size + dsg_tar_pad(e->size);
}

/* v in octal, width - 1 digits with leading zeros, then NUL. */
/*@ requires 2 <= width <= 12 && \valid(field + (0 .. width - 1));
    assigns field[0 .. width - 1];
*/
static void put_octal(uint8_t *field, size_t width, uint64_t v)
{
    field[width - 1] = 0;
    /*@ loop invariant 0 <= i <= width - 1;
        loop assigns i, v, field[0 .. width - 2];
        loop variant i;
    */
    for (size_t i = width - 1; i > 0; i--) {
        field[i - 1] = (uint8_t)('0' + v % 8u);
        v /= 8u;
    }
}

/* The unsigned sum of the block's bytes, the checksum field as spaces. */
/*@ requires \valid_read(b + (0 .. DSG_TAR_BLOCK - 1));
    assigns \nothing;
    ensures \result <= DSG_TAR_BLOCK * 255;
*/
static unsigned checksum(const uint8_t *b)
{
    unsigned sum = 0;
    /*@ loop invariant 0 <= i <= DSG_TAR_BLOCK && sum <= i * 255;
        loop assigns i, sum;
        loop variant DSG_TAR_BLOCK - i;
    */
    for (size_t i = 0; i < DSG_TAR_BLOCK; i++)
        sum += i >= F_CHKSUM && i < F_CHKSUM + CHKSUM_LEN ? 0x20u : b[i];
    return sum;
}

/* A ustar block named name[0 .. len). */
/*@ requires \valid(b + (0 .. DSG_TAR_BLOCK - 1));
    requires len <= NAME_LEN && \valid_read(name + (0 .. len - 1));
    requires \separated(b + (0 .. DSG_TAR_BLOCK - 1), name + (0 .. len - 1));
    assigns b[0 .. DSG_TAR_BLOCK - 1];
*/
static void put_block(uint8_t *b, const uint8_t *name, size_t len, uint64_t size,
                      uint64_t mtime, uint8_t type)
{
    /*@ loop invariant 0 <= i <= DSG_TAR_BLOCK;
        loop assigns i, b[0 .. DSG_TAR_BLOCK - 1];
        loop variant DSG_TAR_BLOCK - i;
    */
    for (size_t i = 0; i < DSG_TAR_BLOCK; i++)
        b[i] = 0;
    /*@ loop invariant 0 <= i <= len;
        loop assigns i, b[0 .. NAME_LEN - 1];
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++)
        b[F_NAME + i] = name[i];
    put_octal(b + F_MODE, 8, 0644);
    put_octal(b + F_UID, 8, 0);
    put_octal(b + F_GID, 8, 0);
    put_octal(b + F_SIZE, 12, size <= DSG_TAR_OCTAL_MAX ? size : 0);
    put_octal(b + F_MTIME, 12, mtime);
    b[F_TYPE] = type;
    b[F_MAGIC] = 'u';
    b[F_MAGIC + 1] = 's';
    b[F_MAGIC + 2] = 't';
    b[F_MAGIC + 3] = 'a';
    b[F_MAGIC + 4] = 'r';
    b[F_MAGIC + 5] = 0;
    b[F_VERSION] = '0';
    b[F_VERSION + 1] = '0';
    put_octal(b + F_CHKSUM, 7, checksum(b));   /* 6 digits, NUL */
    b[F_CHKSUM + 7] = ' ';
}

/* The ASCII stand-in of e's name, each byte outside printable ASCII as
 * '_', at most cap bytes. Its length. */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    requires \valid(out + (0 .. cap - 1));
    requires \separated(out + (0 .. cap - 1), e, e->name + (0 .. e->name_len - 1));
    assigns out[0 .. cap - 1];
    ensures \result <= cap;
*/
static size_t stand_in(const dsg_tar_entry *e, uint8_t *out, size_t cap)
{
    size_t n = e->name_len < cap ? e->name_len : cap;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, out[0 .. cap - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        out[i] = printable(e->name[i]) ? e->name[i] : '_';
    return n;
}

/* Appends c at out[*at], before end: -1 (nothing written) when full. */
/*@ requires \valid(out + (0 .. end - 1)) && \valid(at);
    requires \separated(at, out + (0 .. end - 1));
    requires *at <= end;
    assigns out[0 .. end - 1], *at;
    ensures \old(*at) <= *at <= end;
    behavior room:
      assumes *at < end;
      ensures \result == 0 && *at == \old(*at) + 1;
    behavior full:
      assumes *at == end;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
static int put_byte(uint8_t *out, size_t end, size_t *at, uint8_t c)
{
    if (*at == end)
        return -1;
    out[*at] = c;
    *at += 1;
    return 0;
}

/* Appends p[0 .. n). 0, or -1 when it does not fit. */
/*@ requires \valid(out + (0 .. end - 1)) && \valid(at) && \valid_read(p + (0 .. n - 1));
    requires \separated(at, out + (0 .. end - 1), p + (0 .. n - 1));
    requires \separated(out + (0 .. end - 1), p + (0 .. n - 1));
    requires *at <= end;
    assigns out[0 .. end - 1], *at;
    ensures \old(*at) <= *at <= end;
    ensures \result == 0 || \result == -1;
*/
static int put_bytes(uint8_t *out, size_t end, size_t *at, const uint8_t *p, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \at(*at, Pre) <= *at <= end;
        loop assigns i, *at, out[0 .. end - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (put_byte(out, end, at, p[i]) != 0)
            return -1;
    return 0;
}

/* Appends the record "LEN path=VALUE\n" (or size=), LEN its own length. */
/*@ requires \valid(out + (0 .. end - 1)) && \valid(at);
    requires vlen <= DSG_TAR_NAME_MAX && \valid_read(value + (0 .. vlen - 1));
    requires \separated(at, out + (0 .. end - 1), value + (0 .. vlen - 1));
    requires \separated(out + (0 .. end - 1), value + (0 .. vlen - 1));
    requires *at <= end;
    assigns out[0 .. end - 1], *at;
    ensures \old(*at) <= *at <= end;
*/
static int put_record(uint8_t *out, size_t end, size_t *at, int size_key, const uint8_t *value,
                      size_t vlen)
{
    uint8_t num[20], key[4] = { 'p', 'a', 't', 'h' };
    size_t len = record_len(4, vlen);
    unsigned d = digits(len);
    size_t v = len;
    if (size_key) {
        key[0] = 's';
        key[1] = 'i';
        key[2] = 'z';
        key[3] = 'e';
    }
    /*@ loop invariant 0 <= i <= d;
        loop assigns i, v, num[0 .. 19];
        loop variant i;
    */
    for (unsigned i = d; i > 0; i--) {
        num[i - 1] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
    if (put_bytes(out, end, at, num, d) != 0 || put_byte(out, end, at, ' ') != 0 ||
        put_bytes(out, end, at, key, 4) != 0 || put_byte(out, end, at, '=') != 0 ||
        put_bytes(out, end, at, value, vlen) != 0 || put_byte(out, end, at, '\n') != 0)
        return -1;
    return 0;
}

/* The size in decimal, pax's form of a number; its length. */
/*@ requires \valid(out + (0 .. 19));
    assigns out[0 .. 19];
    ensures 1 <= \result <= 20;
*/
static size_t put_size(uint8_t *out, uint64_t v)
{
    unsigned d = digits(v);
    /*@ loop invariant 0 <= i <= d;
        loop assigns i, v, out[0 .. 19];
        loop variant i;
    */
    for (unsigned i = d; i > 0; i--) {
        out[i - 1] = (uint8_t)('0' + v % 10);
        v /= 10;
    }
    return d;
}

/* The x block and its records into out[0 .. end), zeros after them; the
 * block declares exactly the bytes the records took. 0, or -1. */
/*@ requires \valid_read(e) && \valid_read(e->name + (0 .. e->name_len - 1));
    requires 1 <= e->name_len <= DSG_TAR_NAME_MAX;
    requires \valid(out + (0 .. end - 1));
    requires \separated(out + (0 .. end - 1), e, e->name + (0 .. e->name_len - 1));
    assigns out[0 .. end - 1];
*/
static int pax_head(uint8_t *out, size_t end, const dsg_tar_entry *e, uint64_t mtime)
{
    uint8_t xname[NAME_LEN], size[20];
    size_t at = DSG_TAR_BLOCK, pax = pax_len(e), n;
    if (end < DSG_TAR_BLOCK || pax > end - DSG_TAR_BLOCK)
        return -1;
    xname[0] = 'P';
    xname[1] = 'a';
    xname[2] = 'x';
    xname[3] = 'H';
    xname[4] = 'e';
    xname[5] = 'a';
    xname[6] = 'd';
    xname[7] = 'e';
    xname[8] = 'r';
    xname[9] = 's';
    xname[10] = '/';
    n = PAX_DIR_LEN + stand_in(e, xname + PAX_DIR_LEN, NAME_LEN - PAX_DIR_LEN);
    put_block(out, xname, n, pax, mtime, 'x');
    if (!plain_name(e) && put_record(out, end, &at, 0, e->name, e->name_len) != 0)
        return -1;
    if (e->size > DSG_TAR_OCTAL_MAX &&
        put_record(out, end, &at, 1, size, put_size(size, e->size)) != 0)
        return -1;
    if (at - DSG_TAR_BLOCK != pax)
        return -1;
    /*@ loop invariant \at(at, LoopEntry) <= at <= end;
        loop assigns at, out[\at(at, LoopEntry) .. end - 1];
        loop variant end - at;
    */
    for (; at < end; at++)
        out[at] = 0;
    return 0;
}

size_t dsg_tar_head(uint8_t *out, size_t cap, const dsg_tar_entry *e)
{
    uint8_t name[NAME_LEN];
    size_t len = dsg_tar_head_len(e), n;
    uint64_t mtime = e->mtime < 0                                 ? 0
                     : (uint64_t)e->mtime > DSG_TAR_OCTAL_MAX ? DSG_TAR_OCTAL_MAX
                                                               : (uint64_t)e->mtime;
    if (len == 0 || len > cap)
        return 0;
    n = stand_in(e, name, NAME_LEN);
    if (len > DSG_TAR_BLOCK && pax_head(out, len - DSG_TAR_BLOCK, e, mtime) != 0)
        return 0;
    put_block(out + (len - DSG_TAR_BLOCK), name, n, e->size, mtime, '0');
    return len;
}

int dsg_tar_checksum_ok(const uint8_t block[DSG_TAR_BLOCK])
{
    unsigned want = 0;
    /*@ loop invariant F_CHKSUM <= i <= F_CHKSUM + 6 && want <= CHKSUM_MAX;
        loop assigns i, want;
        loop variant F_CHKSUM + 6 - i;
    */
    for (size_t i = F_CHKSUM; i < F_CHKSUM + 6; i++) {
        if (block[i] < '0' || block[i] > '7' || want > CHKSUM_MAX / 8)
            return 0;
        want = want * 8 + (unsigned)(block[i] - '0');
    }
    return block[F_CHKSUM + 6] == 0 && want == checksum(block);
}
