/*
 * Unit tests of a role's copy on its way to the backup writer
 * (src/bkup/bk_stream.h, REQ-BKUP-002): a stream of a role line and two
 * members reaches the backup as those members, byte for byte; a role's
 * failure is reported in its words; a stream cut inside a member or
 * before its end mark, a member before the role line, a second role
 * line, an unknown frame and bytes after the end are refused.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bkup/bk_stream.h"

Suite *suite_bkup_stream(void);

#define ID "20261127T030000Z"
#define WHEN "2026-11-27T03:00:00.000Z"

static uint8_t h[DSG_BK_STREAM_HEAD_MAX];   /* a frame being written */

/* A frame's bytes to fd. */
static void put(int fd, uint8_t *h, size_t len)
{
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(write(fd, h, len), (ssize_t)len);
}

static char top[64], dest[128], stream[128];
static uint8_t priv[32], pub[32], skey[32], spub[32];
static dsg_bk_writer *w;

static void setup(void)
{
    char p[200], err[512];
    snprintf(top, sizeof top, "/tmp/dsg-bkstream-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(dest, sizeof dest, "%s/dest", top);
    snprintf(stream, sizeof stream, "%s/stream", top);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    ck_assert_int_eq(dsg_x25519_keygen(priv, pub), 0);
    snprintf(p, sizeof p, "%s/sign.key", top);
    ck_assert_int_eq(dsg_bk_signkey_create(p, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_signkey_load(p, skey, err, sizeof err), DSG_BK_OK);
    char pem[DSG_BK_PUB_PEM_MAX];
    ck_assert_int_eq(dsg_bk_signkey_public_pem(skey, pem, sizeof pem), DSG_BK_OK);
    snprintf(p, sizeof p, "%s/sign.pub", top);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(pem, f);
    fclose(f);
    ck_assert_int_eq(dsg_bk_signkey_read_public(p, spub, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err), DSG_BK_OK);
}

static void teardown(void)
{
    char cmd[200];
    dsg_bk_writer_free(w);
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    ck_assert_int_eq(system(cmd), 0);
}

static int open_out(void)
{
    int fd = open(stream, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    return fd;
}

/* Reads the stream file into the writer as the share role's (7). */
static dsg_bk_status read_back(char *err, size_t n, uint64_t *members, uint64_t *bytes)
{
    int fd = open(stream, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    dsg_bk_status st = dsg_bk_stream_read(w, 7, fd, members, bytes, err, n);
    close(fd);
    return st;
}

/* @relation(REQ-BKUP-002) */
START_TEST(test_stream_members_reach_the_backup)
{
    char err[1024], p[300];
    uint64_t members, bytes;
    int fd = open_out();
    put(fd, h, dsg_bk_stream_role(h, WHEN, 3));
    put(fd, h, dsg_bk_stream_member(h, "share.db", 5));
    ck_assert_int_eq(write(fd, "12345", 5), 5);
    put(fd, h, dsg_bk_stream_member(h, "objects/ab/ab01.1", 0));
    put(fd, h, dsg_bk_stream_end(h));
    close(fd);
    ck_assert_msg(read_back(err, sizeof err, &members, &bytes) == DSG_BK_OK, "%s", err);
    ck_assert_uint_eq(members, 2);
    ck_assert_uint_eq(bytes, 5);
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, sizeof err), DSG_BK_OK);
    snprintf(p, sizeof p, "%s/%s", dest, ID);
    char to[200];
    snprintf(to, sizeof to, "%s/restored", top);
    ck_assert_msg(dsg_bk_decrypt(p, spub, priv, to, NULL, NULL, err, sizeof err) == DSG_BK_OK,
                  "%s", err);
    snprintf(p, sizeof p, "%s/share/share.db", to);
    char buf[16] = { 0 };
    int in = open(p, O_RDONLY);
    ck_assert_int_eq(read(in, buf, sizeof buf), 5);
    close(in);
    ck_assert_str_eq(buf, "12345");
    snprintf(p, sizeof p, "%s/%s/manifest", dest, ID);
    in = open(p, O_RDONLY);
    char man[2048] = { 0 };
    ck_assert_int_gt(read(in, man, sizeof man - 1), 0);
    close(in);
    ck_assert_ptr_nonnull(strstr(man, "role share " WHEN " schema 3\n"));
}
END_TEST

/* A member's head needs a name of 1 to 255 bytes; a failure's reason is
 * cut to 255. @relation(REQ-BKUP-002) */
START_TEST(test_stream_encoders_bounded)
{
    char name[300];
    memset(name, 'a', sizeof name);
    name[256] = '\0';
    ck_assert_uint_eq(dsg_bk_stream_member(h, "", 1), 0);
    ck_assert_uint_eq(dsg_bk_stream_member(h, name, 1), 0);
    name[255] = '\0';
    ck_assert_uint_eq(dsg_bk_stream_member(h, name, 1), DSG_BK_STREAM_HEAD_MAX);
    name[255] = 'a';
    name[299] = '\0';
    ck_assert_uint_eq(dsg_bk_stream_fail(h, name), 2 + 255);
    ck_assert_uint_eq(h[1], 255);
}
END_TEST

/* @relation(REQ-BKUP-002) */
START_TEST(test_stream_role_failure_named)
{
    char err[1024];
    uint64_t members, bytes;
    int fd = open_out();
    put(fd, h, dsg_bk_stream_fail(h, "share.db: disk I/O error"));
    close(fd);
    ck_assert_int_eq(read_back(err, sizeof err, &members, &bytes), DSG_BK_IO);
    ck_assert_ptr_nonnull(strstr(err, "share.db: disk I/O error"));
}
END_TEST

typedef void (*shape_fn)(int fd);

static void cut_in_member(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
    put(fd, h, dsg_bk_stream_member(h, "a", 10));
    ck_assert_int_eq(write(fd, "12345", 5), 5);
}

static void no_end(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
}

static void member_first(int fd)
{
    put(fd, h, dsg_bk_stream_member(h, "a", 0));
}

static void two_roles(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
}

static void unknown(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
    ck_assert_int_eq(write(fd, "X", 1), 1);
}

static void after_end(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
    put(fd, h, dsg_bk_stream_end(h));
    ck_assert_int_eq(write(fd, "E", 1), 1);
}

static void bad_name(int fd)
{
    put(fd, h, dsg_bk_stream_role(h, WHEN, 1));
    put(fd, h, dsg_bk_stream_member(h, "../auth/auth.db", 0));
    put(fd, h, dsg_bk_stream_end(h));
}

static const struct {
    shape_fn fn;
    dsg_bk_status st;
    const char *says;
} shapes[] = {
    { cut_in_member, DSG_BK_TRUNCATED, "ended before its 10 bytes" },
    { no_end, DSG_BK_TRUNCATED, "before its end mark" },
    { member_first, DSG_BK_FORMAT, "before the role line" },
    { two_roles, DSG_BK_FORMAT, "a second role line" },
    { unknown, DSG_BK_FORMAT, "unknown frame 0x58" },
    { after_end, DSG_BK_FORMAT, "after the end mark" },
    { bad_name, DSG_BK_ARGS, "name rule" },
};

/* @relation(REQ-BKUP-002) */
START_TEST(test_stream_malformed_refused)
{
    char err[1024];
    uint64_t members, bytes;
    int fd = open_out();
    shapes[_i].fn(fd);
    close(fd);
    ck_assert_int_eq(read_back(err, sizeof err, &members, &bytes), shapes[_i].st);
    ck_assert_msg(strstr(err, shapes[_i].says) != NULL, "%s", err);
}
END_TEST

Suite *suite_bkup_stream(void)
{
    Suite *s = suite_create("bkup_stream");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_stream_members_reach_the_backup);
    tcase_add_test(tc, test_stream_encoders_bounded);
    tcase_add_test(tc, test_stream_role_failure_named);
    tcase_add_loop_test(tc, test_stream_malformed_refused, 0,
                        (int)(sizeof shapes / sizeof shapes[0]));
    suite_add_tcase(s, tc);
    return s;
}
