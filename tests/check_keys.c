/*
 * Unit tests of the master's keys (src/run/keys.h): REQ-MFA-018. The key
 * wrap round trip and its refusals, then the files in a temporary state
 * directory: made on the first call, reused after, and the refusals of a
 * KEK with group or other permission, of a keys directory open to others,
 * of a missing KEK beside a wrapped data key, of a file of the wrong length
 * and of a wrapped key under another KEK.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/keys.h"

Suite *suite_keys(void);

static const uint8_t KEK[DSGD_KEK_LEN] = "key-encryption-key-of-32-bytes!!";
static const uint8_t DATA[DSGD_DATA_KEY_LEN] = "the-data-key-of-exactly-32-bytes";

/* @relation(REQ-MFA-018) */
START_TEST(test_keys_wrap_round_trip_and_refusals)
{
    uint8_t w[DSGD_WRAPPED_LEN], back[DSGD_DATA_KEY_LEN], other[DSGD_KEK_LEN];
    ck_assert_int_eq(dsgd_keys_wrap(KEK, DATA, w), 0);
    ck_assert(memmem(w, sizeof w, DATA, 8) == NULL);
    ck_assert_int_eq(dsgd_keys_unwrap(KEK, w, back), 0);
    ck_assert_mem_eq(back, DATA, sizeof back);
    memcpy(other, KEK, sizeof other);
    other[5] ^= 0x40;
    ck_assert_int_eq(dsgd_keys_unwrap(other, w, back), -1);
    for (size_t i = 0; i < sizeof w; i++) {
        w[i] ^= 1;
        ck_assert_msg(dsgd_keys_unwrap(KEK, w, back) == -1, "byte %zu flipped unwrapped", i);
        w[i] ^= 1;
    }
}
END_TEST

static char dir[64], path[160], err[1024];
static dsgd_keys_owner OWNER;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dsg-keys-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/auth", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/share", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    OWNER = (dsgd_keys_owner){ geteuid(), getegid() };
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void at(const char *rel)
{
    snprintf(path, sizeof path, "%s/%s", dir, rel);
}

static void mode_is(const char *rel, unsigned mode, off_t size)
{
    struct stat st;
    at(rel);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, mode);
    ck_assert_uint_eq(st.st_uid, geteuid());
    if (size >= 0)
        ck_assert_int_eq(st.st_size, size);
}

static void refused(const char *want)
{
    uint8_t key[DSGD_DATA_KEY_LEN];
    ck_assert_int_eq(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err), -1);
    ck_assert_msg(strstr(err, want) != NULL, "%s", err);
}

/* @relation(REQ-MFA-018) */
START_TEST(test_keys_made_once_then_reused)
{
    uint8_t a[DSGD_DATA_KEY_LEN], b[DSGD_DATA_KEY_LEN];
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    mode_is("keys", 0700, -1);
    mode_is("keys/kek", 0600, DSGD_KEK_LEN);
    mode_is("auth/totp.key.wrapped", 0600, DSGD_WRAPPED_LEN);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, b, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(a, b, sizeof a);
    at("keys/kek.new");
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* @relation(REQ-MFA-018) */
START_TEST(test_keys_refusals)
{
    uint8_t key[DSGD_DATA_KEY_LEN];
    char kek[160], want[640];
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
    at("keys/kek");
    snprintf(kek, sizeof kek, "%s", path);
    ck_assert_int_eq(chmod(kek, 0644), 0);
    snprintf(want, sizeof want, "key file %s has owner uid %u and mode 0644: it must be owned by"
             " uid %u with no group or other permissions (chmod 600 %s): refusing to start",
             kek, (unsigned)geteuid(), (unsigned)geteuid(), kek);
    refused(want);
    ck_assert_int_eq(chmod(kek, 0600), 0);
    at("keys");
    ck_assert_int_eq(chmod(path, 0750), 0);
    refused("(chmod 700 ");
    ck_assert_int_eq(chmod(path, 0700), 0);
    at("kek.saved");
    ck_assert_int_eq(rename(kek, path), 0);
    refused("is missing while the wrapped data key");
    ck_assert_int_ne(access(kek, F_OK), 0);   /* no new KEK beside the wrapped key */
    /* another KEK of the right form does not unwrap it */
    FILE *f = fopen(kek, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(KEK, 1, sizeof KEK, f), sizeof KEK);
    fclose(f);
    ck_assert_int_eq(chmod(kek, 0600), 0);
    refused("does not unwrap under the key-encryption key");
    /* a KEK one byte short */
    ck_assert_int_eq(truncate(kek, DSGD_KEK_LEN - 1), 0);
    refused("not 32 bytes");
    ck_assert_int_eq(rename(path, kek), 0);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, key, err, sizeof err) == 0, "%s", err);
}
END_TEST

/* Run as root, the master writes the wrapped key as the auth role's user
 * into that user's directory (no CAP_DAC_OVERRIDE needed) and refuses one
 * of another owner. @relation(REQ-MFA-018) */
START_TEST(test_keys_wrapped_key_of_the_auth_user)
{
    uint8_t a[DSGD_DATA_KEY_LEN], b[DSGD_DATA_KEY_LEN];
    struct stat st;
    if (geteuid() != 0)
        return;   /* the fsuid switch is the root master's */
    OWNER = (dsgd_keys_owner){ 65534, 65534 };
    at("auth");
    ck_assert_int_eq(chown(path, 65534, 65534), 0);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_uid, 65534);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    mode_is("keys/kek", 0600, DSGD_KEK_LEN);   /* the KEK stays the master's */
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, b, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(a, b, sizeof a);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(chown(path, 0, 0), 0);
    refused("has owner uid 0 and mode 0600: it must be owned by uid 65534");
}
END_TEST

/* The share role's data key lives beside its store under the same KEK,
 * apart from the auth role's; a KEK missing while either wrapped key
 * exists is refused, whichever role asks; an unknown role has no key.
 * @relation(REQ-STOR-007) */
START_TEST(test_keys_share_data_key)
{
    uint8_t a[DSGD_DATA_KEY_LEN], s1[DSGD_DATA_KEY_LEN], s2[DSGD_DATA_KEY_LEN];
    char kek[160], saved[160];
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, s1, err, sizeof err) == 0, "%s", err);
    mode_is("share/store.key.wrapped", 0600, DSGD_WRAPPED_LEN);
    ck_assert_msg(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsgd_keys_role_key(dir, "share", &OWNER, s2, err, sizeof err) == 0, "%s", err);
    ck_assert_mem_eq(s1, s2, sizeof s1);
    ck_assert(memcmp(a, s1, sizeof a) != 0);
    at("keys/kek");
    snprintf(kek, sizeof kek, "%s", path);
    at("kek.saved");
    snprintf(saved, sizeof saved, "%s", path);
    ck_assert_int_eq(rename(kek, saved), 0);
    at("auth/totp.key.wrapped");
    ck_assert_int_eq(unlink(path), 0);   /* only the share role's is left */
    ck_assert_int_eq(dsgd_keys_role_key(dir, "auth", &OWNER, a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "share/store.key.wrapped exists"));
    ck_assert_int_ne(access(kek, F_OK), 0);
    ck_assert_int_eq(dsgd_keys_role_key(dir, "logd", &OWNER, a, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no data key for the logd role"));
}
END_TEST

Suite *suite_keys(void)
{
    Suite *s = suite_create("keys");
    TCase *w = tcase_create("wrap");
    tcase_add_test(w, test_keys_wrap_round_trip_and_refusals);
    suite_add_tcase(s, w);
    TCase *c = tcase_create("files");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_keys_made_once_then_reused);
    tcase_add_test(c, test_keys_refusals);
    tcase_add_test(c, test_keys_share_data_key);
    tcase_add_test(c, test_keys_wrapped_key_of_the_auth_user);
    suite_add_tcase(s, c);
    return s;
}
