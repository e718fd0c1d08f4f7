/*
 * Unit tests of the tar headers of a bulk download (src/core/tar.h):
 * REQ-MFA-015, REQ-SHARE-013.
 *
 * Bad names first (empty, NUL, '/', "." and "..", too long, no room);
 * then the ustar block's fields and checksum read back against the POSIX
 * layout, the pax records of Japanese and long names (their length
 * prefixes across the 2- to 3- and 3- to 4-digit boundaries) and of a size
 * beyond 11 octal digits, the padding; and last an archive of three files
 * written out and extracted by tar(1), byte for byte and name for name.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tar.h"

Suite *suite_tar(void);

static dsg_tar_entry entry(const char *name, uint64_t size)
{
    dsg_tar_entry e = { (const uint8_t *)name, strlen(name), size, 1764547200 };
    return e;
}

/* The octal number of field[0 .. width), NUL- or space-terminated. */
static uint64_t octal(const uint8_t *field, size_t width)
{
    uint64_t v = 0;
    for (size_t i = 0; i < width && field[i] >= '0' && field[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(field[i] - '0');
    return v;
}

/* The checksum as POSIX defines it, computed here independently. */
static unsigned sum_of(const uint8_t *b)
{
    unsigned s = 0;
    for (int i = 0; i < 512; i++)
        s += (i >= 148 && i < 156) ? 0x20u : b[i];
    return s;
}

/* A ustar block as the format has it. */
static void ustar_ok(const uint8_t *b, char type, uint64_t size)
{
    ck_assert_int_eq(memcmp(b + 257, "ustar\0", 6), 0);
    ck_assert_int_eq(memcmp(b + 263, "00", 2), 0);
    ck_assert_int_eq(b[156], type);
    ck_assert_int_eq(memcmp(b + 100, "0000644\0", 8), 0);
    ck_assert_int_eq(memcmp(b + 108, "0000000\0", 8), 0);
    ck_assert_int_eq(memcmp(b + 116, "0000000\0", 8), 0);
    ck_assert_uint_eq(octal(b + 124, 12), size);
    ck_assert_int_eq(b[135], '\0');
    ck_assert_uint_eq(octal(b + 136, 12), 1764547200);
    /* six octal digits, NUL, space */
    for (int i = 148; i < 154; i++)
        ck_assert(b[i] >= '0' && b[i] <= '7');
    ck_assert_int_eq(b[154], '\0');
    ck_assert_int_eq(b[155], ' ');
    ck_assert_uint_eq(octal(b + 148, 6), sum_of(b));
    ck_assert(dsg_tar_checksum_ok(b));
}

/* The pax records of an x block's data: the value of key (NULL: none)
 * into out; every record's length prefix checked against its length. */
static const uint8_t *pax_value(const uint8_t *p, size_t len, const char *key, size_t *vlen)
{
    const uint8_t *found = NULL;
    size_t at = 0;
    while (at < len) {
        size_t n = 0, i = at;
        while (p[i] >= '0' && p[i] <= '9')
            n = n * 10 + (size_t)(p[i++] - '0');
        ck_assert_int_eq(p[i], ' ');
        ck_assert_uint_le(at + n, len);
        ck_assert_int_eq(p[at + n - 1], '\n');
        const uint8_t *eq = memchr(p + i + 1, '=', at + n - i - 1);
        ck_assert_ptr_nonnull(eq);
        if ((size_t)(eq - (p + i + 1)) == strlen(key) && memcmp(p + i + 1, key, strlen(key)) == 0) {
            found = eq + 1;
            *vlen = (size_t)(p + at + n - 1 - found);
        }
        at += n;
    }
    ck_assert_uint_eq(at, len);
    return found;
}

/* @relation(REQ-MFA-015) */
START_TEST(test_tar_bad_names)
{
    static uint8_t out[DSG_TAR_HEAD_MAX];
    char longest[DSG_TAR_NAME_MAX + 2];
    memset(longest, 'a', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    const char *bad[] = { "", "a/b", "/etc", ".", "..", "../x", longest };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dsg_tar_entry e = entry(bad[i], 1);
        ck_assert_msg(!dsg_tar_name_ok(&e), "%s", bad[i]);
        ck_assert_uint_eq(dsg_tar_head_len(&e), 0);
        ck_assert_uint_eq(dsg_tar_entry_len(&e), 0);
        ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &e), 0);
    }
    dsg_tar_entry nul = { (const uint8_t *)"a\0b", 3, 1, 0 };
    ck_assert(!dsg_tar_name_ok(&nul));
    dsg_tar_entry none = { NULL, 0, 0, 0 };
    ck_assert(!dsg_tar_name_ok(&none));
    longest[DSG_TAR_NAME_MAX] = '\0';   /* exactly the most: fine */
    dsg_tar_entry most = entry(longest, 1);
    ck_assert(dsg_tar_name_ok(&most));
    ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &most), dsg_tar_head_len(&most));
    ck_assert_uint_le(dsg_tar_head_len(&most), DSG_TAR_HEAD_MAX);
    /* one byte short of room */
    dsg_tar_entry e = entry("設計書.pdf", 10);
    ck_assert_uint_eq(dsg_tar_head(out, dsg_tar_head_len(&e) - 1, &e), 0);
    ck_assert_uint_eq(dsg_tar_head(out, 511, &(dsg_tar_entry){ (const uint8_t *)"a", 1, 0, 0 }),
                      0);
}
END_TEST

/* @relation(REQ-MFA-015) */
START_TEST(test_tar_ascii_name_one_block)
{
    static uint8_t out[DSG_TAR_HEAD_MAX];
    dsg_tar_entry e = entry("report-2026.txt", 1000);
    ck_assert_uint_eq(dsg_tar_head_len(&e), 512);
    ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &e), 512);
    ck_assert_str_eq((const char *)out, "report-2026.txt");
    ck_assert_int_eq(memcmp(out + 124, "00000001750\0", 12), 0);   /* 1000 */
    ustar_ok(out, '0', 1000);
    ck_assert_uint_eq(dsg_tar_entry_len(&e), 512 + 1024);
    /* exactly 100 printable bytes still fit the name field, unterminated */
    char hundred[101];
    memset(hundred, 'n', 100);
    hundred[100] = '\0';
    e = entry(hundred, 0);
    ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &e), 512);
    ck_assert_int_eq(memcmp(out, hundred, 100), 0);
    ustar_ok(out, '0', 0);
    /* a negative time is the epoch; the checksum is wrong once a byte changes */
    e.mtime = -5;
    ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &e), 512);
    ck_assert_uint_eq(octal(out + 136, 12), 0);
    out[0] ^= 1;
    ck_assert(!dsg_tar_checksum_ok(out));
}
END_TEST

/* A Japanese name travels whole in a pax path record; the ustar name is
 * an ASCII stand-in. @relation(REQ-MFA-015, REQ-SHARE-013) */
START_TEST(test_tar_japanese_name_pax_path)
{
    static uint8_t out[DSG_TAR_HEAD_MAX];
    const char *name = "設計書.pdf";   /* 9 bytes of UTF-8, then .pdf */
    dsg_tar_entry e = entry(name, 204807);
    size_t len = dsg_tar_head(out, sizeof out, &e), vlen = 0;
    ck_assert_uint_eq(len, 3 * 512);
    ck_assert_uint_eq(len, dsg_tar_head_len(&e));
    /* the x block, its records, the ustar block */
    uint64_t records = octal(out + 124, 12);
    char want[64];
    int n = snprintf(want, sizeof want, "%zu path=%s\n", strlen(name) + 9, name);
    ck_assert_uint_eq(records, (uint64_t)n);
    ck_assert_int_eq(memcmp(out + 512, want, (size_t)n), 0);
    ustar_ok(out, 'x', records);
    ck_assert_int_eq(strncmp((const char *)out, "PaxHeaders/", 11), 0);
    const uint8_t *v = pax_value(out + 512, (size_t)records, "path", &vlen);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(vlen, strlen(name));
    ck_assert_int_eq(memcmp(v, name, vlen), 0);
    for (size_t i = 512 + records; i < 1024; i++)
        ck_assert_uint_eq(out[i], 0);
    ustar_ok(out + 1024, '0', 204807);
    ck_assert_str_eq((const char *)out + 1024, "_________.pdf");
    ck_assert_uint_eq(dsg_tar_entry_len(&e), 1536 + 204807 + dsg_tar_pad(204807));
}
END_TEST

/* Every name length from 90 to the most: a record's length prefix counts
 * itself, across 99/100 and 999/1000. @relation(REQ-MFA-015) */
START_TEST(test_tar_long_names_record_lengths)
{
    static uint8_t out[DSG_TAR_HEAD_MAX];
    static char name[DSG_TAR_NAME_MAX + 1];
    for (size_t len = 90; len <= DSG_TAR_NAME_MAX; len++) {
        memset(name, 'k', len);
        name[len] = '\0';
        dsg_tar_entry e = entry(name, 3);
        size_t got = dsg_tar_head(out, sizeof out, &e), vlen = 0;
        ck_assert_uint_eq(got, dsg_tar_head_len(&e));
        if (len <= 100) {
            ck_assert_uint_eq(got, 512);
            continue;
        }
        uint64_t records = octal(out + 124, 12);
        ustar_ok(out, 'x', records);
        const uint8_t *v = pax_value(out + 512, (size_t)records, "path", &vlen);
        ck_assert_msg(v != NULL && vlen == len && memcmp(v, name, len) == 0, "length %zu", len);
        ck_assert_uint_eq(got, 512 + (records + 511) / 512 * 512 + 512);
        ustar_ok(out + got - 512, '0', 3);
        ck_assert_int_eq(memcmp(out + got - 512, name, 100), 0);   /* cut at 100 */
    }
}
END_TEST

/* A size beyond 11 octal digits goes as a pax size record; an entry
 * length beyond 64 bits is refused. @relation(REQ-MFA-015) */
START_TEST(test_tar_huge_size_pax_size)
{
    static uint8_t out[DSG_TAR_HEAD_MAX];
    uint64_t big = DSG_TAR_OCTAL_MAX + 1;   /* 8 GiB */
    dsg_tar_entry e = entry("big.iso", big);
    size_t len = dsg_tar_head(out, sizeof out, &e), vlen = 0;
    ck_assert_uint_eq(len, 3 * 512);
    uint64_t records = octal(out + 124, 12);
    ck_assert_uint_eq(records, strlen("19 size=8589934592\n"));
    ck_assert_int_eq(memcmp(out + 512, "19 size=8589934592\n", records), 0);
    ck_assert_ptr_null(pax_value(out + 512, (size_t)records, "path", &vlen));
    ustar_ok(out + 1024, '0', 0);
    ck_assert_str_eq((const char *)out + 1024, "big.iso");
    e = entry("大きい.iso", DSG_TAR_OCTAL_MAX);   /* the largest octal size: path only */
    len = dsg_tar_head(out, sizeof out, &e);
    ustar_ok(out + len - 512, '0', DSG_TAR_OCTAL_MAX);
    /* an entry whose length would not fit in 64 bits has none */
    e = entry("x", UINT64_MAX - 100);
    ck_assert_uint_eq(dsg_tar_entry_len(&e), 0);
    ck_assert_uint_eq(dsg_tar_head(out, sizeof out, &e), 1536);   /* its header is fine */
    e = entry("x", UINT64_MAX - DSG_TAR_HEAD_MAX - DSG_TAR_BLOCK);
    ck_assert_uint_ne(dsg_tar_entry_len(&e), 0);
}
END_TEST

/* @relation(REQ-MFA-015) */
START_TEST(test_tar_padding)
{
    ck_assert_uint_eq(dsg_tar_pad(0), 0);
    ck_assert_uint_eq(dsg_tar_pad(1), 511);
    ck_assert_uint_eq(dsg_tar_pad(511), 1);
    ck_assert_uint_eq(dsg_tar_pad(512), 0);
    ck_assert_uint_eq(dsg_tar_pad(513), 511);
    dsg_tar_entry e = entry("empty", 0);
    ck_assert_uint_eq(dsg_tar_entry_len(&e), 512);
}
END_TEST

/* Appends an entry with content p[0 .. n) to the archive f. */
static void put_entry(FILE *f, const char *name, const uint8_t *p, size_t n)
{
    static uint8_t head[DSG_TAR_HEAD_MAX];
    static const uint8_t zeros[512];
    dsg_tar_entry e = entry(name, n);
    size_t len = dsg_tar_head(head, sizeof head, &e);
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(fwrite(head, 1, len, f), len);
    ck_assert_uint_eq(fwrite(p, 1, n, f), n);
    ck_assert_uint_eq(fwrite(zeros, 1, dsg_tar_pad(n), f), dsg_tar_pad(n));
}

static void same_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[1400];
    static uint8_t back[70000];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s was not extracted", name);
    size_t got = fread(back, 1, sizeof back, f);
    fclose(f);
    ck_assert_uint_eq(got, n);
    ck_assert_int_eq(memcmp(back, p, n), 0);
    ck_assert_int_eq(unlink(path), 0);
}

/* tar(1) extracts an archive of these headers: the Japanese and long
 * names as they were, the bytes as they were. @relation(REQ-MFA-015, REQ-SHARE-013) */
START_TEST(test_tar_extracts_with_tar)
{
    static uint8_t a[65537], b[512], c[3];
    char dir[] = "/tmp/dsg-tar-XXXXXX", path[200], cmd[400], longname[301];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (uint8_t)(i * 7 + 3);
    memset(b, 0xa5, sizeof b);
    memcpy(c, "xyz", 3);
    memset(longname, 'L', 196);
    memcpy(longname + 196, ".txt", 5);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s.tar", dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    put_entry(f, "設計書.pdf", a, sizeof a);
    put_entry(f, "仕様 (2).txt", b, sizeof b);
    put_entry(f, longname, c, sizeof c);
    put_entry(f, "plain.bin", c, 0);
    static const uint8_t end[DSG_TAR_END_LEN];
    ck_assert_uint_eq(fwrite(end, 1, sizeof end, f), sizeof end);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(cmd, sizeof cmd, "tar -x -f '%s' -C '%s' 2>&1", path, dir);
    ck_assert_int_eq(system(cmd), 0);
    same_file(dir, "設計書.pdf", a, sizeof a);
    same_file(dir, "仕様 (2).txt", b, sizeof b);
    same_file(dir, longname, c, sizeof c);
    same_file(dir, "plain.bin", c, 0);
    ck_assert_int_eq(rmdir(dir), 0);   /* nothing else was extracted */
    ck_assert_int_eq(unlink(path), 0);
}
END_TEST

Suite *suite_tar(void)
{
    Suite *s = suite_create("tar");
    TCase *bad = tcase_create("bad");
    tcase_add_test(bad, test_tar_bad_names);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("headers");
    tcase_add_test(ok, test_tar_ascii_name_one_block);
    tcase_add_test(ok, test_tar_japanese_name_pax_path);
    tcase_add_test(ok, test_tar_long_names_record_lengths);
    tcase_add_test(ok, test_tar_huge_size_pax_size);
    tcase_add_test(ok, test_tar_padding);
    tcase_add_test(ok, test_tar_extracts_with_tar);
    suite_add_tcase(s, ok);
    return s;
}
