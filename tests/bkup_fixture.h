/*
 * What the unit tests of backup directories share (tests/check_bkup_backup.c,
 * tests/check_bkup_restore.c): joining paths, writing a file, and the
 * backup-signing key pair made under a test's directory. Assertions fail
 * the calling test.
 */
#ifndef DSG_TESTS_BKUP_FIXTURE_H
#define DSG_TESTS_BKUP_FIXTURE_H

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bkup/bk_sign.h"

/* a "/" b into out[0 .. cap). */
static inline void path(char *out, size_t cap, const char *a, const char *b)
{
    snprintf(out, cap, "%s/%s", a, b);
}

/* data[0 .. n) as the file p (0600, replaced). */
static inline void put_file(const char *p, const uint8_t *data, size_t n)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    close(fd);
}

/* The backup-signing key made as top/sign.key and loaded into skey, its
 * public key written as top/sign.pub (PEM) and read back into spub. */
static inline void bkup_fixture_signing(const char *top, uint8_t skey[DSG_BK_SIGN_KEY_LEN],
                                        uint8_t spub[DSG_BK_SIGN_KEY_LEN])
{
    char p[200], err[512], pem[DSG_BK_PUB_PEM_MAX];
    path(p, sizeof p, top, "sign.key");
    ck_assert_int_eq(dsg_bk_signkey_create(p, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_signkey_load(p, skey, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_signkey_public_pem(skey, pem, sizeof pem), DSG_BK_OK);
    path(p, sizeof p, top, "sign.pub");
    put_file(p, (const uint8_t *)pem, strlen(pem));
    ck_assert_int_eq(dsg_bk_signkey_read_public(p, spub, err, sizeof err), DSG_BK_OK);
}

#endif
