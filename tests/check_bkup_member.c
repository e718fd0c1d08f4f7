/*
 * Unit tests of a backup's member files (src/bkup/bk_member.h),
 * REQ-BKUP-003 and the decryption of REQ-BKUP-006: round trips of members
 * of 0, 1, 64 KiB - 1, 64 KiB, 64 KiB + 1 bytes and several MiB, the size
 * and SHA-256 the writer reports, a wrong private key, a file of another
 * backup or member, every byte of a small member flipped, truncation at
 * every segment boundary and just before the end, segments swapped, bytes
 * appended, and the header parser on every prefix.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bkup/bk_member.h"

Suite *suite_bkup_member(void);

#define ID "20261127T030000Z"
#define SEG 65536u
#define STORED_SEG (SEG + 16u)

static uint8_t priv[32], pub[32], other_priv[32], other_pub[32];

static void setup(void)
{
    ck_assert_int_eq(dsg_x25519_keygen(priv, pub), 0);
    ck_assert_int_eq(dsg_x25519_keygen(other_priv, other_pub), 0);
}

static uint8_t *pattern(size_t n, unsigned seed)
{
    uint8_t *p = malloc(n + 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16);
    }
    return p;
}

/* A member of data[0 .. n) written in pieces of chunk bytes to a new
 * memory file; its descriptor, the reported size and SHA-256. */
static int write_member(const char *id, unsigned role, const char *name, const uint8_t *data,
                        size_t n, size_t chunk, uint64_t *stored, uint8_t sha[32])
{
    int fd = memfd_create("member", 0);
    ck_assert_int_ge(fd, 0);
    dsg_bk_member_writer *w = NULL;
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, id, role, name, &w), DSG_BK_OK);
    for (size_t at = 0; at < n; at += chunk)
        ck_assert_int_eq(dsg_bk_member_write(w, data + at, n - at < chunk ? n - at : chunk),
                         DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_member_finish(w, stored, sha), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_member_write(w, data, 0), DSG_BK_STATE);
    dsg_bk_member_writer_free(w);
    return fd;
}

/* The whole of fd, malloc'ed. */
static uint8_t *slurp(int fd, size_t *len)
{
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    uint8_t *p = malloc((size_t)st.st_size + 1);
    ck_assert_int_eq(pread(fd, p, (size_t)st.st_size, 0), st.st_size);
    *len = (size_t)st.st_size;
    return p;
}

static int memfile(const uint8_t *p, size_t n)
{
    int fd = memfd_create("copy", 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
    return fd;
}

/* Reads the member in fd (from its start) with key k as (id, role, name):
 * the status; the plaintext in *out when out is given. */
static dsg_bk_status read_member(int fd, const uint8_t k[32], const char *id, unsigned role,
                                 const char *name, uint8_t **out, size_t *len)
{
    uint8_t buf[7000];
    size_t cap = 1 << 16, fill = 0, got = 0;
    uint8_t *all = malloc(cap);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    dsg_bk_member_reader *r = NULL;
    dsg_bk_status st = dsg_bk_member_reader_new(fd, k, id, role, name, &r);
    while (st == DSG_BK_OK && (st = dsg_bk_member_read(r, buf, sizeof buf, &got)) == DSG_BK_OK &&
           got > 0) {
        if (fill + got > cap)
            all = realloc(all, cap *= 2);
        memcpy(all + fill, buf, got);
        fill += got;
    }
    if (st != DSG_BK_OK)
        ck_assert_str_ne(dsg_bk_member_reader_error(r), "");
    dsg_bk_member_reader_free(r);
    if (out != NULL) {
        *out = all;
        *len = fill;
    } else {
        free(all);
    }
    return st;
}

static void round_trip(size_t n, size_t chunk)
{
    uint8_t *data = pattern(n, (unsigned)n), sha[32], md[32], *plain = NULL, *file;
    uint64_t stored = 0;
    size_t len = 0, flen = 0;
    unsigned mdl = 0;
    int fd = write_member(ID, 7, "objects/ab/cdef01", data, n, chunk, &stored, sha);
    file = slurp(fd, &flen);
    ck_assert_uint_eq(stored, flen);
    ck_assert_int_eq(EVP_Digest(file, flen, md, &mdl, EVP_sha256(), NULL), 1);
    ck_assert_mem_eq(md, sha, 32);
    if (n >= 64)
        ck_assert_ptr_null(memmem(file, flen, data, 64));   /* no plaintext */
    ck_assert_int_eq(read_member(fd, priv, ID, 7, "objects/ab/cdef01", &plain, &len), DSG_BK_OK);
    ck_assert_uint_eq(len, n);
    if (n > 0)
        ck_assert_mem_eq(plain, data, n);
    free(plain);
    free(file);
    free(data);
    close(fd);
}

/* @relation(REQ-BKUP-003, REQ-BKUP-006) */
START_TEST(test_bkup_member_round_trips)
{
    static const size_t sizes[] = { 0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 5 * 1024 * 1024 + 7 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        round_trip(sizes[i], 4096);
        round_trip(sizes[i], 1 << 20);
    }
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_wrong_key)
{
    uint8_t *data = pattern(1000, 1), sha[32];
    uint64_t stored;
    int fd = write_member(ID, 0, "auth.db", data, 1000, 1000, &stored, sha);
    ck_assert_int_eq(read_member(fd, other_priv, ID, 0, "auth.db", NULL, NULL), DSG_BK_WRONG_KEY);
    close(fd);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003, REQ-BKUP-006) */
START_TEST(test_bkup_member_bound)
{
    uint8_t *data = pattern(1000, 2), sha[32];
    uint64_t stored;
    int fd = write_member(ID, 0, "auth.db", data, 1000, 1000, &stored, sha);
    ck_assert_int_eq(read_member(fd, priv, "20261128T030000Z", 0, "auth.db", NULL, NULL),
                     DSG_BK_OTHER_BACKUP);
    ck_assert_int_eq(read_member(fd, priv, ID, 0, "auth2.db", NULL, NULL), DSG_BK_OTHER_MEMBER);
    ck_assert_int_eq(read_member(fd, priv, ID, 7, "auth.db", NULL, NULL), DSG_BK_OTHER_MEMBER);
    ck_assert_int_eq(read_member(fd, priv, ID, 0, "auth.db", NULL, NULL), DSG_BK_OK);
    close(fd);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_every_byte_flipped)
{
    uint8_t *data = pattern(100, 3), sha[32], *file;
    uint64_t stored;
    size_t flen = 0;
    int fd = write_member(ID, 3, "anchor.log", data, 100, 100, &stored, sha);
    file = slurp(fd, &flen);
    close(fd);
    size_t hlen = 64 + strlen("anchor.log");
    for (size_t i = 0; i < flen; i++) {
        file[i] ^= 0x01;
        int c = memfile(file, flen);
        dsg_bk_status st = read_member(c, priv, ID, 3, "anchor.log", NULL, NULL);
        ck_assert_msg(st != DSG_BK_OK, "byte %zu flipped was accepted", i);
        if (i >= hlen && i < flen - 12)
            ck_assert_msg(st == DSG_BK_TAMPERED, "byte %zu: %s", i, dsg_bk_status_token(st));
        if (i >= flen - 12)
            ck_assert_int_eq(st, DSG_BK_TRUNCATED);
        close(c);
        file[i] ^= 0x01;
    }
    free(file);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_truncated)
{
    size_t n = 3 * SEG + 500, flen = 0;
    uint8_t *data = pattern(n, 4), sha[32], *file;
    uint64_t stored;
    int fd = write_member(ID, 7, "share.db", data, n, 1 << 16, &stored, sha);
    file = slurp(fd, &flen);
    close(fd);
    size_t body = 64 + strlen("share.db") + 80;
    for (size_t k = 0; k <= 4; k++) {
        size_t cut = body + k * STORED_SEG;
        if (cut >= flen)
            cut = flen - 12;   /* the whole object, no trailer */
        int c = memfile(file, cut);
        ck_assert_int_eq(read_member(c, priv, ID, 7, "share.db", NULL, NULL), DSG_BK_TRUNCATED);
        close(c);
    }
    static const size_t short_by[] = { 1, 11, 12, 13, 500 };
    for (size_t i = 0; i < sizeof short_by / sizeof short_by[0]; i++) {
        int c = memfile(file, flen - short_by[i]);
        ck_assert_int_eq(read_member(c, priv, ID, 7, "share.db", NULL, NULL), DSG_BK_TRUNCATED);
        close(c);
    }
    for (size_t cut = 0; cut < 64 + 8; cut += 7) {   /* inside the header */
        int c = memfile(file, cut);
        ck_assert_int_eq(read_member(c, priv, ID, 7, "share.db", NULL, NULL), DSG_BK_TRUNCATED);
        close(c);
    }
    free(file);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_segments_swapped)
{
    size_t n = 3 * SEG + 10, flen = 0;
    uint8_t *data = pattern(n, 5), sha[32], *file, *tmp = malloc(STORED_SEG);
    uint64_t stored;
    int fd = write_member(ID, 7, "x", data, n, 1 << 16, &stored, sha);
    file = slurp(fd, &flen);
    close(fd);
    uint8_t *s0 = file + 64 + 1 + 80, *s1 = s0 + STORED_SEG;
    memcpy(tmp, s0, STORED_SEG);
    memcpy(s0, s1, STORED_SEG);
    memcpy(s1, tmp, STORED_SEG);
    int c = memfile(file, flen);
    ck_assert_int_eq(read_member(c, priv, ID, 7, "x", NULL, NULL), DSG_BK_TAMPERED);
    close(c);
    memcpy(s1, s0, STORED_SEG);   /* back in order */
    memcpy(s0, tmp, STORED_SEG);
    c = memfile(file, flen);
    ck_assert_int_eq(read_member(c, priv, ID, 7, "x", NULL, NULL), DSG_BK_OK);
    close(c);
    file = realloc(file, flen + 1);
    file[flen] = 0;
    c = memfile(file, flen + 1);   /* a byte appended */
    ck_assert_int_eq(read_member(c, priv, ID, 7, "x", NULL, NULL), DSG_BK_TRUNCATED);
    close(c);
    free(tmp);
    free(file);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_header)
{
    uint8_t *data = pattern(10, 6), sha[32], *file;
    uint64_t stored;
    size_t flen = 0;
    dsg_bk_member_header h;
    int fd = write_member(ID, 2, "inventory/hw.db", data, 10, 10, &stored, sha);
    file = slurp(fd, &flen);
    close(fd);
    size_t hlen = 64 + strlen("inventory/hw.db");
    for (size_t i = 0; i < hlen; i++)
        ck_assert_int_eq(dsg_bk_member_header_parse(file, i, &h), DSG_BK_TRUNCATED);
    ck_assert_int_eq(dsg_bk_member_header_parse(file, hlen, &h), DSG_BK_OK);
    ck_assert_uint_eq(h.len, hlen);
    ck_assert_uint_eq(h.role, 2);
    ck_assert_str_eq(h.id, ID);
    ck_assert_str_eq(h.name, "inventory/hw.db");
    file[0] = 'X';
    ck_assert_int_eq(dsg_bk_member_header_parse(file, flen, &h), DSG_BK_FORMAT);
    file[0] = 'D';
    file[62] = 9;   /* no such role */
    ck_assert_int_eq(dsg_bk_member_header_parse(file, flen, &h), DSG_BK_FORMAT);
    file[62] = 2;
    file[64] = ' ';
    ck_assert_int_eq(dsg_bk_member_header_parse(file, flen, &h), DSG_BK_FORMAT);
    free(file);
    free(data);
}
END_TEST

/* @relation(REQ-BKUP-003) */
START_TEST(test_bkup_member_bad_args)
{
    dsg_bk_member_writer *w = NULL;
    int fd = memfd_create("x", 0);
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, "2026-11-27", 0, "a", &w), DSG_BK_ARGS);
    dsg_bk_member_writer_free(w);
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, ID, 9, "a", &w), DSG_BK_ARGS);
    dsg_bk_member_writer_free(w);
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, ID, 0, "", &w), DSG_BK_ARGS);
    dsg_bk_member_writer_free(w);
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, ID, 0, "a b", &w), DSG_BK_ARGS);
    dsg_bk_member_writer_free(w);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_int_eq(st.st_size, 0);   /* nothing written */
    ck_assert_str_eq(dsg_bk_role_name(8), "soc");
    ck_assert_ptr_null(dsg_bk_role_name(9));
    ck_assert_int_eq(dsg_bk_role_of("logd"), 3);
    ck_assert_int_eq(dsg_bk_role_of("nobody"), -1);
    close(fd);
}
END_TEST

Suite *suite_bkup_member(void)
{
    Suite *s = suite_create("bkup_member");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bkup_member_round_trips);
    tcase_add_test(tc, test_bkup_member_wrong_key);
    tcase_add_test(tc, test_bkup_member_bound);
    tcase_add_test(tc, test_bkup_member_every_byte_flipped);
    tcase_add_test(tc, test_bkup_member_truncated);
    tcase_add_test(tc, test_bkup_member_segments_swapped);
    tcase_add_test(tc, test_bkup_member_header);
    tcase_add_test(tc, test_bkup_member_bad_args);
    suite_add_tcase(s, tc);
    return s;
}
