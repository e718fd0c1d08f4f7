/*
 * Unit tests of `dsgctl backup restore`'s core (src/ctl/bk_restore.h,
 * REQ-BKUP-006) and of the markers dsgd reads (src/run/keys.h). A backup
 * of the auth role (a database and its wrapped data key), the share role
 * (a database, its wrapped store key, one object under it) and the
 * master's public key is restored with escrowed keys into a fresh state
 * directory: every member in place for the roles' user, the KEK imported,
 * the restored marker written and the partial one gone. Refused before
 * anything is written: a state directory that is not empty, another
 * signing key, a role this restore does not know. Failing after the
 * members are in place, with the partial marker left (which dsgd reads
 * as "do not start"): an escrowed KEK that does not open the wrapped
 * keys, an object whose data key the store key does not open.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "bkup_fixture.h"
#include "ctl/bk_restore.h"
#include "run/keys.h"
#include "stor/objcrypt.h"

Suite *suite_bkup_restore(void);

#define ID "20261127T030000Z"
#define WHEN "2026-11-27T03:00:00.000Z"
#define OBJECT "0123456789abcdef0123456789abcdef"

static char top[64], dest[128], src[128], bk[160], state[128];
static uint8_t priv[32], pub[32], skey[32], spub[32];
static dsg_escrow_keys keys;

static int exists(const char *dir, const char *rel)
{
    char p[400];
    struct stat st;
    path(p, sizeof p, dir, rel);
    return lstat(p, &st) == 0;
}

static void make_db(const char *p)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);"
                                      "INSERT INTO t(b) VALUES('a row');", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* logd's Ed25519 key of the escrow, as its PEM file holds it. */
static void escrow_sign_key(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    BIO *b = BIO_new(BIO_s_mem());
    char *p;
    ck_assert_ptr_nonnull(k);
    ck_assert_int_eq(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
    long n = BIO_get_mem_data(b, &p);
    ck_assert_int_le(n, (long)sizeof keys.sign_key);
    memcpy(keys.sign_key, p, (size_t)n);
    keys.sign_len = (size_t)n;
    BIO_free(b);
    EVP_PKEY_free(k);
}

static int to_file(void *ctx, const uint8_t *p, size_t n)
{
    return write(*(int *)ctx, p, n) == (ssize_t)n ? 0 : -1;
}

/* An object file of the store under store_key. */
static void make_object(const char *p, const uint8_t store_key[32])
{
    uint8_t id[16], text[100000];
    for (size_t i = 0; i < sizeof id; i++)
        sscanf(OBJECT + 2 * i, "%2hhx", &id[i]);
    memset(text, 'x', sizeof text);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dsg_oc_writer *w = NULL;
    ck_assert_int_eq(dsg_oc_writer_new(store_key, id, 1, to_file, &fd, &w), DSG_OC_OK);
    ck_assert_int_eq(dsg_oc_writer_push(w, text, sizeof text), DSG_OC_OK);
    ck_assert_int_eq(dsg_oc_writer_finish(w), DSG_OC_OK);
    dsg_oc_writer_free(w);
    close(fd);
}

/* The sources: auth.db and totp.key.wrapped; share.db, store.key.wrapped
 * and one object (under object_key: the store key, or another); the
 * backup-signing public key of the master. All under the escrow's KEK. */
static void make_sources(const uint8_t object_key[32] /* NULL: the store key */)
{
    uint8_t data_key[32], store_key[32], wrapped[40];
    char p[200];
    ck_assert_int_eq(RAND_bytes(data_key, 32), 1);
    ck_assert_int_eq(RAND_bytes(store_key, 32), 1);
    path(p, sizeof p, src, "auth.db");
    make_db(p);
    ck_assert_int_eq(dsgd_keys_wrap(keys.kek, data_key, wrapped), 0);
    path(p, sizeof p, src, "totp.key.wrapped");
    put_file(p, wrapped, sizeof wrapped);
    path(p, sizeof p, src, "share.db");
    make_db(p);
    ck_assert_int_eq(dsgd_keys_wrap(keys.kek, store_key, wrapped), 0);
    path(p, sizeof p, src, "store.key.wrapped");
    put_file(p, wrapped, sizeof wrapped);
    path(p, sizeof p, src, "object");
    make_object(p, object_key != NULL ? object_key : store_key);
    path(p, sizeof p, src, "backup-sign.pub");
    put_file(p, spub, sizeof spub);
}

typedef struct member {
    unsigned role;
    const char *name, *file;
} member;

static const member members[] = {
    { DSG_BKM_ROLE_AUTH, "auth.db", "auth.db" },
    { DSG_BKM_ROLE_AUTH, "totp.key.wrapped", "totp.key.wrapped" },
    { DSG_BKM_ROLE_MASTER, "backup-sign.pub", "backup-sign.pub" },
    { DSG_BKM_ROLE_SHARE, "share.db", "share.db" },
    { DSG_BKM_ROLE_SHARE, "store.key.wrapped", "store.key.wrapped" },
    { DSG_BKM_ROLE_SHARE, "objects/01/" OBJECT ".1", "object" },
    { DSG_BKM_ROLE_SOC, "soc.db", "share.db" },   /* only with extra_role */
};

/* The backup of the sources in DEST/ID, with a SOC role when extra_role. */
static void make_backup(int extra_role)
{
    char p[200], err[512];
    dsg_bk_writer *w = NULL;
    size_t n = sizeof members / sizeof members[0] - (extra_role ? 0 : 1);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err), DSG_BK_OK);
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++)
        for (size_t i = 0; i < n; i++)
            if (members[i].role == r) {
                ck_assert_int_eq(dsg_bk_writer_role(w, r, WHEN, 1, err, sizeof err), DSG_BK_OK);
                break;
            }
    for (size_t i = 0; i < n; i++) {
        path(p, sizeof p, src, members[i].file);
        int fd = open(p, O_RDONLY);
        ck_assert_int_eq(dsg_bk_writer_add(w, members[i].role, members[i].name, fd, err,
                                           sizeof err), DSG_BK_OK);
        close(fd);
    }
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, sizeof err), DSG_BK_OK);
    dsg_bk_writer_free(w);
}

static void setup(void)
{
    snprintf(top, sizeof top, "/tmp/dsg-restore-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    path(dest, sizeof dest, top, "dest");
    path(src, sizeof src, top, "src");
    path(state, sizeof state, top, "state");
    path(bk, sizeof bk, dest, ID);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    ck_assert_int_eq(mkdir(src, 0700), 0);
    ck_assert_int_eq(dsg_x25519_keygen(priv, pub), 0);
    bkup_fixture_signing(top, skey, spub);
    memset(&keys, 0, sizeof keys);
    ck_assert_int_eq(RAND_bytes(keys.kek, 32), 1);
    ck_assert_int_eq(RAND_bytes(keys.chain_key, 32), 1);
    escrow_sign_key();
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    ck_assert_int_eq(system(cmd), 0);
}

static const uint8_t escrow_file[] = "an escrow file's bytes";
static const dsg_ke_origin origin = { "escrow.dsge", escrow_file, sizeof escrow_file,
                                      "passphrase", 0, NULL, NULL };

/* The restore of DEST/ID into STATE as the user root (a test machine may
 * have no dsg), its message in err. */
static dsg_rs_status restore(const uint8_t *sign_pub, dsg_rs_summary *sum, char *err, size_t n)
{
    const dsg_rs_job job = { bk, sign_pub, priv, &keys, &origin, state, "root", NULL, NULL };
    return dsg_bk_restore(&job, sum, err, n);
}

/* Whether the test runs as root; if not, a restore must be refused so. */
static int as_root(void)
{
    char err[300];
    dsg_rs_summary sum;
    if (geteuid() == 0)
        return 1;
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_NOPERM);
    return 0;
}

/* @relation(REQ-BKUP-006) */
START_TEST(test_restore_places_and_marks)
{
    char err[4400], detail[1100], p[300];
    dsg_rs_summary sum;
    if (!as_root())
        return;
    make_sources(NULL);
    make_backup(0);
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_OK);
    ck_assert_str_eq(sum.id, ID);
    ck_assert_int_eq(sum.members, 6);
    ck_assert_int_eq(sum.objects, 1);
    ck_assert(exists(state, "auth/auth.db") && exists(state, "auth/totp.key.wrapped"));
    ck_assert(exists(state, "share/share.db") && exists(state, "share/store.key.wrapped"));
    ck_assert(exists(state, "share/objects/01/" OBJECT ".1"));
    ck_assert(exists(state, DSG_RS_MASTER "/backup-sign.pub"));
    ck_assert(!exists(state, ".restore-work") && !exists(state, "master"));
    ck_assert(exists(state, "keys/kek") && exists(state, "logd/chain.key"));
    struct stat st;
    path(p, sizeof p, state, "share");
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0700);
    ck_assert_int_eq(dsgd_keys_restore_unfinished(state, detail, sizeof detail, err, sizeof err),
                     0);
    ck_assert_int_eq(dsgd_keys_restore_marker(state, detail, sizeof detail, err, sizeof err), 1);
    ck_assert_ptr_nonnull(strstr(detail, "the backup " ID " restored from "));
    ck_assert_ptr_nonnull(strstr(detail, "6 members"));
    ck_assert_int_eq(dsgd_keys_restore_marker_done(state, err, sizeof err), 0);
    ck_assert_int_eq(dsgd_keys_restore_marker(state, detail, sizeof detail, err, sizeof err), 0);
}
END_TEST

/* @relation(REQ-BKUP-006) */
START_TEST(test_restore_refused_before_writing)
{
    char err[4400], p[300];
    dsg_rs_summary sum;
    uint8_t other[32];
    if (!as_root())
        return;
    make_sources(NULL);
    make_backup(0);
    /* another signing key: nothing written, the state directory not made */
    memcpy(other, spub, sizeof other);
    other[0] ^= 1;
    ck_assert_int_eq(restore(other, &sum, err, sizeof err), DSG_RS_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "bkup.signature"));
    ck_assert(!exists(top, "state"));
    /* a state directory that is not empty: left as it was */
    ck_assert_int_eq(mkdir(state, 0755), 0);
    path(p, sizeof p, state, "keep");
    put_file(p, (const uint8_t *)"x", 1);
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "exists and is not empty"));
    ck_assert(!exists(state, "keys") && !exists(state, "auth"));
}
END_TEST

/* @relation(REQ-BKUP-006) */
START_TEST(test_restore_unknown_role)
{
    char err[4400];
    dsg_rs_summary sum;
    if (!as_root())
        return;
    make_sources(NULL);
    make_backup(1);
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "holds the role soc"));
    ck_assert(!exists(top, "state"));
}
END_TEST

/* @relation(REQ-BKUP-006) */
START_TEST(test_restore_other_kek_left_partial)
{
    char err[4400], detail[1100];
    dsg_rs_summary sum;
    if (!as_root())
        return;
    make_sources(NULL);
    make_backup(0);
    keys.kek[5] ^= 0x40;   /* the escrow of another installation */
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "the imported KEK does not open"));
    ck_assert(!exists(state, "keys/kek") && !exists(state, "keys/restored"));
    ck_assert_int_eq(dsgd_keys_restore_unfinished(state, detail, sizeof detail, err, sizeof err),
                     1);
    ck_assert_ptr_nonnull(strstr(detail, "the backup " ID " restored from "));
}
END_TEST

/* @relation(REQ-BKUP-006) */
START_TEST(test_restore_object_under_another_key)
{
    char err[4400], detail[1100];
    dsg_rs_summary sum;
    uint8_t other[32];
    if (!as_root())
        return;
    ck_assert_int_eq(RAND_bytes(other, 32), 1);
    make_sources(other);
    make_backup(0);
    ck_assert_int_eq(restore(spub, &sum, err, sizeof err), DSG_RS_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "share objects/01/" OBJECT ".1"));
    ck_assert_int_eq(dsgd_keys_restore_unfinished(state, detail, sizeof detail, err, sizeof err),
                     1);
    ck_assert(!exists(state, "keys/restored"));
}
END_TEST

Suite *suite_bkup_restore(void)
{
    Suite *s = suite_create("bkup_restore");
    TCase *tc = tcase_create("restore");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_restore_places_and_marks);
    tcase_add_test(tc, test_restore_refused_before_writing);
    tcase_add_test(tc, test_restore_unknown_role);
    tcase_add_test(tc, test_restore_other_kek_left_partial);
    tcase_add_test(tc, test_restore_object_under_another_key);
    suite_add_tcase(s, tc);
    return s;
}
