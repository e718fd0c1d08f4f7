/*
 * Unit tests of a backup directory (src/bkup/bk_backup.h) and the
 * backup-signing key (src/bkup/bk_sign.h): REQ-BKUP-003..006 and the
 * progress reports of REQ-BKUP-015. A backup of an SQLite database in WAL
 * mode, an object of several segments, an empty file and a second
 * database verifies without and with the recipient's key and decrypts
 * byte-identical into a fresh directory; a manifest edited, a signature
 * missing or of another key, an extra file, a member missing, cut short
 * or swapped with another, a wrong private key and a damaged database are
 * each refused, naming the member; no temporary file is left in $TMPDIR.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bkup/bk_backup.h"
#include "bkup_fixture.h"

Suite *suite_bkup_backup(void);

#define ID "20261127T030000Z"
#define WHEN "2026-11-27T03:00:00.000Z"

static char top[64], dest[128], src[128], bk[160], tmpdir[128];
static uint8_t priv[32], pub[32], skey[32], spub[32];

static uint8_t *get_file(const char *p, size_t *n)
{
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    int fd = open(p, O_RDONLY);
    ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    *n = (size_t)st.st_size;
    return buf;
}

static void make_db(const char *p, int rows, int wal)
{
    sqlite3 *db = NULL;
    char sql[200];
    ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
    if (wal)
        ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL),
                         SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE)",
                                  NULL, NULL, NULL), SQLITE_OK);
    for (int i = 0; i < rows; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO t(b) VALUES('row %d of the test database')", i);
        ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    sqlite3_close(db);
}

static void setup(void)
{
    snprintf(top, sizeof top, "/tmp/dsg-bkup-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    path(dest, sizeof dest, top, "dest");
    path(src, sizeof src, top, "src");
    path(tmpdir, sizeof tmpdir, top, "tmp");
    path(bk, sizeof bk, dest, ID);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    ck_assert_int_eq(mkdir(src, 0700), 0);
    ck_assert_int_eq(mkdir(tmpdir, 0700), 0);
    setenv("TMPDIR", tmpdir, 1);
    ck_assert_int_eq(dsg_x25519_keygen(priv, pub), 0);
    bkup_fixture_signing(top, skey, spub);
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    ck_assert_int_eq(system(cmd), 0);
}

typedef struct member {
    unsigned role;
    const char *name, *file;
} member;

static const member members[] = {
    { 0, "auth.db", "auth.db" },
    { 3, "anchor.log", "anchor.log" },
    { 7, "share.db", "share.db" },
    { 7, "objects/ab/cdef01", "object" },
};
#define NMEMBERS (sizeof members / sizeof members[0])

/* The sources and a backup of them in DEST/ID. */
static void make_backup(void)
{
    char p[200], err[512];
    dsg_bk_writer *w = NULL;
    uint8_t *obj = malloc(200000);
    for (size_t i = 0; i < 200000; i++)
        obj[i] = (uint8_t)(i * 7 + i / 300);
    path(p, sizeof p, src, "auth.db");
    make_db(p, 300, 1);
    path(p, sizeof p, src, "share.db");
    make_db(p, 10, 0);
    path(p, sizeof p, src, "anchor.log");
    put_file(p, obj, 0);
    path(p, sizeof p, src, "object");
    put_file(p, obj, 200000);
    free(obj);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 0, WHEN, 8, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 3, WHEN, 2, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 7, WHEN, 12, err, sizeof err), DSG_BK_OK);
    for (size_t i = NMEMBERS; i-- > 0;) {   /* out of order: the writer sorts */
        path(p, sizeof p, src, members[i].file);
        int fd = open(p, O_RDONLY);
        ck_assert_int_eq(dsg_bk_writer_add(w, members[i].role, members[i].name, fd, err,
                                           sizeof err), DSG_BK_OK);
        close(fd);
    }
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, sizeof err), DSG_BK_OK);
    dsg_bk_writer_free(w);
}

static dsg_bk_status verify(const uint8_t *key, char *err, size_t n)
{
    return dsg_bk_verify(bk, spub, key, NULL, NULL, err, n);
}

static void tmpdir_empty(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* @relation(REQ-BKUP-003, REQ-BKUP-004, REQ-BKUP-005, REQ-BKUP-006) */
START_TEST(test_bkup_round_trip)
{
    char err[1024] = "", p[300], q[300], to[200];
    struct stat st;
    make_backup();
    path(p, sizeof p, dest, ID ".partial");
    ck_assert_int_ne(stat(p, &st), 0);
    path(p, sizeof p, bk, "manifest");
    size_t mlen = 0;
    uint8_t *m = get_file(p, &mlen);
    ck_assert_ptr_nonnull(memmem(m, mlen, "member share objects/ab/cdef01 ", 31));
    ck_assert_ptr_nonnull(memmem(m, mlen, "role auth " WHEN " schema 8\n", 40));
    free(m);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    path(p, sizeof p, bk, "share/objects/ab/cdef01");
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(verify(priv, err, sizeof err), DSG_BK_OK);
    tmpdir_empty();
    path(to, sizeof to, top, "restored");
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, NULL, NULL, err, sizeof err), DSG_BK_OK);
    for (size_t i = 0; i < NMEMBERS; i++) {
        size_t a = 0, b = 0;
        snprintf(p, sizeof p, "%s/%s/%s", to, dsg_bk_role_name(members[i].role),
                 members[i].name);
        path(q, sizeof q, src, members[i].file);
        uint8_t *x = get_file(p, &a), *y = get_file(q, &b);
        ck_assert_uint_eq(a, b);
        ck_assert_mem_eq(x, y, a);
        free(x);
        free(y);
    }
    path(p, sizeof p, to, ".dsg-restore-partial");
    ck_assert_int_ne(stat(p, &st), 0);
    /* a directory that is not empty is refused */
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, NULL, NULL, err, sizeof err),
                     DSG_BK_EXISTS);
    ck_assert_ptr_nonnull(strstr(err, "not empty"));
    /* and so is an empty one others may write to (a symbolic link planted
     * there would take the plaintext elsewhere) */
    path(to, sizeof to, top, "shared");
    ck_assert_int_eq(mkdir(to, 0777), 0);
    ck_assert_int_eq(chmod(to, 0777), 0);
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, NULL, NULL, err, sizeof err),
                     DSG_BK_ARGS);
    ck_assert_ptr_nonnull(strstr(err, "writable by group or others"));
    ck_assert_int_eq(chmod(to, 0700), 0);
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, NULL, NULL, err, sizeof err), DSG_BK_OK);
}
END_TEST

/* @relation(REQ-BKUP-004, REQ-BKUP-005) */
START_TEST(test_bkup_manifest_edited)
{
    char err[1024], p[300];
    size_t n = 0;
    make_backup();
    path(p, sizeof p, bk, "manifest");
    uint8_t *m = get_file(p, &n);
    uint8_t *at = memmem(m, n, "schema 8", 8);
    ck_assert_ptr_nonnull(at);
    at[7] = '9';
    put_file(p, m, n);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_SIGNATURE);
    ck_assert_ptr_nonnull(strstr(err, "manifest.sig"));
    at[7] = '8';
    put_file(p, m, n);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_OK);
    /* another signing key */
    uint8_t other[32];
    memcpy(other, spub, 32);
    other[0] ^= 1;
    ck_assert_int_eq(dsg_bk_verify(bk, other, NULL, NULL, NULL, err, sizeof err),
                     DSG_BK_SIGNATURE);
    free(m);
    path(p, sizeof p, bk, "manifest.sig");
    ck_assert_int_eq(truncate(p, 63), 0);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_SIGNATURE);
    ck_assert_int_eq(unlink(p), 0);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_SIGNATURE);
}
END_TEST

/* @relation(REQ-BKUP-005) */
START_TEST(test_bkup_extra_file)
{
    char err[1024], p[300];
    make_backup();
    path(p, sizeof p, bk, "share/objects/ab/extra");
    put_file(p, (const uint8_t *)"x", 1);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_EXTRA);
    ck_assert_ptr_nonnull(strstr(err, "share/objects/ab/extra"));
    unlink(p);
    path(p, sizeof p, bk, "notes.txt");
    put_file(p, (const uint8_t *)"x", 1);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_EXTRA);
    unlink(p);
    path(p, sizeof p, bk, "auth/link");
    ck_assert_int_eq(symlink("auth.db", p), 0);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_EXTRA);
    unlink(p);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_OK);
}
END_TEST

/* @relation(REQ-BKUP-005) */
START_TEST(test_bkup_member_missing_or_cut)
{
    char err[1024], p[300], q[300];
    make_backup();
    path(p, sizeof p, bk, "share/share.db");
    path(q, sizeof q, top, "aside");
    ck_assert_int_eq(rename(p, q), 0);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_MISSING);
    ck_assert_ptr_nonnull(strstr(err, "share/share.db"));
    ck_assert_int_eq(rename(q, p), 0);
    path(p, sizeof p, bk, "share/objects/ab/cdef01");
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(truncate(p, st.st_size - 100), 0);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_TRUNCATED);
    ck_assert_ptr_nonnull(strstr(err, "share/objects/ab/cdef01"));
}
END_TEST

/* @relation(REQ-BKUP-003, REQ-BKUP-005) */
START_TEST(test_bkup_members_swapped)
{
    char err[1024], a[300], b[300], t[300];
    make_backup();
    path(a, sizeof a, bk, "auth/auth.db");
    path(b, sizeof b, bk, "share/share.db");
    path(t, sizeof t, top, "swap");
    ck_assert_int_eq(rename(a, t), 0);
    ck_assert_int_eq(rename(b, a), 0);
    ck_assert_int_eq(rename(t, b), 0);
    dsg_bk_status st = verify(NULL, err, sizeof err);
    ck_assert(st == DSG_BK_TAMPERED || st == DSG_BK_TRUNCATED);
    ck_assert_ptr_nonnull(strstr(err, "auth/auth.db"));   /* the first failing member */
}
END_TEST

/* The tail ("SIZE SHA256") of the manifest line that starts with head. */
static char *line_tail(char *m, const char *head, size_t *len)
{
    char *at = strstr(m, head);
    ck_assert_ptr_nonnull(at);
    at += strlen(head);
    *len = (size_t)(strchr(at, '\n') - at);
    return at;
}

/* Even a manifest re-signed to match swapped files (its sizes and hashes
 * swapped too) does not pass: each member file names its own role and
 * name, bound into its key. @relation(REQ-BKUP-003, REQ-BKUP-005) */
START_TEST(test_bkup_members_swapped_resigned)
{
    char err[1024], a[300], b[300], t[300], p[300], out[2048];
    size_t n = 0, la = 0, lb = 0;
    uint8_t sig[DSG_BK_SIG_LEN];
    make_backup();
    path(a, sizeof a, bk, "auth/auth.db");
    path(b, sizeof b, bk, "share/share.db");
    path(t, sizeof t, top, "swap");
    ck_assert_int_eq(rename(a, t), 0);
    ck_assert_int_eq(rename(b, a), 0);
    ck_assert_int_eq(rename(t, b), 0);
    path(p, sizeof p, bk, "manifest");
    char *m = (char *)get_file(p, &n);
    m[n] = '\0';
    char *ta = line_tail(m, "member auth auth.db ", &la);
    char *tb = line_tail(m, "member share share.db ", &lb);
    int k = snprintf(out, sizeof out, "%.*s%.*s%.*s%.*s%s", (int)(ta - m), m, (int)lb, tb,
                     (int)(tb - ta - (long)la), ta + la, (int)la, ta, tb + lb);
    ck_assert_int_eq(k, (int)n);
    put_file(p, (const uint8_t *)out, n);
    ck_assert_int_eq(dsg_bk_sign(skey, (const uint8_t *)out, n, sig), DSG_BK_OK);
    path(p, sizeof p, bk, "manifest.sig");
    put_file(p, sig, sizeof sig);
    ck_assert_int_eq(verify(NULL, err, sizeof err), DSG_BK_OK);   /* sizes and hashes match */
    ck_assert_int_eq(verify(priv, err, sizeof err), DSG_BK_OTHER_MEMBER);
    ck_assert_ptr_nonnull(strstr(err, "auth/auth.db"));
    ck_assert_ptr_nonnull(strstr(err, "share share.db"));
    free(m);
}
END_TEST

/* Restoring member i from a file that is replaced, between its check and
 * its decryption, by another member of the same name encrypted to the
 * same (public) recipient key: the swap is found on the bytes decrypted. */
static void swap_in(void *ctx, const dsg_bk_progress *p)
{
    char q[300];
    const char *phase = ctx;
    if (strcmp(p->phase, phase) != 0 || p->name == NULL || strcmp(p->name, "auth.db") != 0)
        return;
    path(q, sizeof q, bk, "auth/auth.db");
    int fd = open(q, O_WRONLY | O_TRUNC);
    ck_assert_int_ge(fd, 0);
    dsg_bk_member_writer *w = NULL;
    ck_assert_int_eq(dsg_bk_member_writer_new(fd, pub, ID, 0, "auth.db", &w),
                     DSG_BK_OK);
    static const uint8_t evil[] = "SQLite format 3\0 an attacker's accounts";
    uint64_t stored = 0;
    uint8_t sha[32];
    ck_assert_int_eq(dsg_bk_member_write(w, evil, sizeof evil), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_member_finish(w, &stored, sha), DSG_BK_OK);
    dsg_bk_member_writer_free(w);
    close(fd);
}

/* @relation(REQ-BKUP-005, REQ-BKUP-006) */
START_TEST(test_bkup_member_replaced_after_its_check)
{
    char err[1024] = "", to[200], p[300];
    struct stat st;
    make_backup();
    path(to, sizeof to, top, "restored");
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, swap_in, (void *)"restoring", err,
                                    sizeof err), DSG_BK_TAMPERED);
    ck_assert_ptr_nonnull(strstr(err, "auth/auth.db: changed while it was read"));
    snprintf(p, sizeof p, "%s/auth/auth.db", to);
    ck_assert_int_ne(stat(p, &st), 0);
}
END_TEST

/* @relation(REQ-BKUP-003, REQ-BKUP-005) */
START_TEST(test_bkup_wrong_private_key)
{
    char err[1024];
    uint8_t other[32], other_pub[32];
    make_backup();
    ck_assert_int_eq(dsg_x25519_keygen(other, other_pub), 0);
    ck_assert_int_eq(verify(other, err, sizeof err), DSG_BK_WRONG_KEY);
    ck_assert_ptr_nonnull(strstr(err, "auth/auth.db"));
    tmpdir_empty();
}
END_TEST

/* A backup of one database, given as its bytes, and its verification. */
static dsg_bk_status backup_of_db(const uint8_t *db, size_t n, char *err, size_t en)
{
    char p[300];
    dsg_bk_writer *w = NULL;
    path(p, sizeof p, src, "bad.db");
    put_file(p, db, n);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, en), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 8, WHEN, 1, err, en), DSG_BK_OK);
    int fd = open(p, O_RDONLY);
    ck_assert_int_eq(dsg_bk_writer_add(w, 8, "soc.db", fd, err, en), DSG_BK_OK);
    close(fd);
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, en), DSG_BK_OK);
    dsg_bk_writer_free(w);
    ck_assert_int_eq(verify(NULL, err, en), DSG_BK_OK);
    return verify(priv, err, en);
}

/* @relation(REQ-BKUP-005, REQ-BKUP-006) */
START_TEST(test_bkup_database_integrity)
{
    char err[1024], p[300], to[300];
    size_t n = 0;
    path(p, sizeof p, src, "good.db");
    make_db(p, 2000, 0);
    uint8_t *db = get_file(p, &n);
    ck_assert_uint_gt(n, 4 * 4096);
    for (int k = 1; k <= 3; k++)
        memset(db + k * 4096, 0xff, 12);   /* damaged page headers */
    ck_assert_int_eq(backup_of_db(db, n, err, sizeof err), DSG_BK_DATABASE);
    ck_assert_ptr_nonnull(strstr(err, "soc/soc.db"));
    tmpdir_empty();
    path(to, sizeof to, top, "restored");
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, to, NULL, NULL, err, sizeof err),
                     DSG_BK_DATABASE);
    free(db);
}
END_TEST

/* @relation(REQ-BKUP-003, REQ-BKUP-004) */
START_TEST(test_bkup_writer_refuses)
{
    char err[1024], p[300];
    dsg_bk_writer *w = NULL;
    path(p, sizeof p, src, "f");
    put_file(p, (const uint8_t *)"data", 4);
    ck_assert_int_eq(dsg_bk_writer_new(dest, "2026-11-27", WHEN, pub, &w, err, sizeof err),
                     DSG_BK_ARGS);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err), DSG_BK_OK);
    dsg_bk_writer *w2 = NULL;
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w2, err, sizeof err),
                     DSG_BK_EXISTS);   /* ID.partial exists */
    ck_assert_ptr_null(w2);
    int fd = open(p, O_RDONLY);
    ck_assert_int_eq(dsg_bk_writer_add(w, 0, "a.db", fd, err, sizeof err), DSG_BK_ARGS);
    ck_assert_int_eq(dsg_bk_writer_role(w, 0, "yesterday", 1, err, sizeof err), DSG_BK_ARGS);
    ck_assert_int_eq(dsg_bk_writer_role(w, 0, "2026-02-30T00:00:00.000Z", 1, err, sizeof err),
                     DSG_BK_ARGS);
    ck_assert_int_eq(dsg_bk_writer_role(w, 0, WHEN, 1, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 0, WHEN, 1, err, sizeof err), DSG_BK_ARGS);
    static const char *const bad[] = { "../x", "a/../b", ".hidden", "a//b", "/abs", "a/", "a b",
                                       "a..b" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(dsg_bk_writer_add(w, 0, bad[i], fd, err, sizeof err) == DSG_BK_ARGS,
                      "name %s", bad[i]);
    ck_assert_int_eq(dsg_bk_writer_add(w, 0, "a.db", fd, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(dsg_bk_writer_add(w, 0, "a.db", fd, err, sizeof err), DSG_BK_EXISTS);
    close(fd);
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, sizeof err), DSG_BK_OK);
    dsg_bk_writer_free(w);
    ck_assert_int_eq(verify(priv, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err),
                     DSG_BK_EXISTS);   /* ID exists */
}
END_TEST

/* Two members from one descriptor, each of its given length; a stream
 * that ends before a length is an error and leaves no member file.
 * @relation(REQ-BKUP-002, REQ-BKUP-003) */
START_TEST(test_bkup_writer_add_n)
{
    char err[1024], p[300], out[300];
    dsg_bk_writer *w = NULL;
    path(p, sizeof p, src, "stream");
    put_file(p, (const uint8_t *)"firstSECOND", 11);
    ck_assert_int_eq(dsg_bk_writer_new(dest, ID, WHEN, pub, &w, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_role(w, 7, WHEN, 1, err, sizeof err), DSG_BK_OK);
    int fd = open(p, O_RDONLY);
    ck_assert_int_eq(dsg_bk_writer_add_n(w, 7, "a", fd, 5, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_add_n(w, 7, "b", fd, 6, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_add_n(w, 7, "c", fd, 0, err, sizeof err), DSG_BK_OK);
    ck_assert_int_eq(dsg_bk_writer_add_n(w, 7, "d", fd, 1, err, sizeof err), DSG_BK_IO);
    snprintf(out, sizeof out, "%s/%s.partial/share/d", dest, ID);
    ck_assert_int_ne(access(out, F_OK), 0);
    close(fd);
    ck_assert_int_eq(dsg_bk_writer_commit(w, skey, err, sizeof err), DSG_BK_OK);
    dsg_bk_writer_free(w);
    path(out, sizeof out, top, "restored");
    ck_assert_int_eq(dsg_bk_decrypt(bk, spub, priv, out, NULL, NULL, err, sizeof err),
                     DSG_BK_OK);
    size_t n = 0;
    char q[340];
    snprintf(q, sizeof q, "%s/share/a", out);
    uint8_t *got = get_file(q, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert_mem_eq(got, "first", 5);
    free(got);
    snprintf(q, sizeof q, "%s/share/b", out);
    got = get_file(q, &n);
    ck_assert_uint_eq(n, 6);
    ck_assert_mem_eq(got, "SECOND", 6);
    free(got);
}
END_TEST

/* @relation(REQ-BKUP-004) */
START_TEST(test_bkup_signing_key_file)
{
    char err[1024], p[300], q[300];
    uint8_t k[32];
    struct stat st;
    path(p, sizeof p, top, "sign.key");
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 32);
    ck_assert_int_eq(dsg_bk_signkey_create(p, err, sizeof err), DSG_BK_EXISTS);
    ck_assert_int_eq(chmod(p, 0640), 0);
    ck_assert_int_eq(dsg_bk_signkey_load(p, k, err, sizeof err), DSG_BK_ARGS);
    ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
    ck_assert_int_eq(chmod(p, 0600), 0);
    path(q, sizeof q, top, "link.key");
    ck_assert_int_eq(symlink(p, q), 0);
    ck_assert_int_eq(dsg_bk_signkey_load(q, k, err, sizeof err), DSG_BK_ARGS);
    ck_assert_int_eq(truncate(p, 31), 0);
    ck_assert_int_eq(dsg_bk_signkey_load(p, k, err, sizeof err), DSG_BK_ARGS);
    ck_assert_int_eq(truncate(p, 33), 0);
    ck_assert_int_eq(dsg_bk_signkey_load(p, k, err, sizeof err), DSG_BK_ARGS);
    path(q, sizeof q, top, "sign.key.missing");
    ck_assert_int_eq(dsg_bk_signkey_load(q, k, err, sizeof err), DSG_BK_IO);
    /* the public key file: PEM of an Ed25519 key, nothing else */
    path(q, sizeof q, top, "not.pub");
    put_file(q, (const uint8_t *)"-----BEGIN PUBLIC KEY-----\n", 27);
    ck_assert_int_eq(dsg_bk_signkey_read_public(q, k, err, sizeof err), DSG_BK_ARGS);
}
END_TEST

typedef struct seen {
    uint64_t calls, last_members;
    const char *phase;
    int done;
} seen;

static void on_progress(void *ctx, const dsg_bk_progress *p)
{
    seen *s = ctx;
    if (s->phase == NULL || strcmp(s->phase, p->phase) != 0)
        s->last_members = 0;
    s->phase = p->phase;
    ck_assert_uint_ge(p->members_done, s->last_members);
    ck_assert_uint_le(p->bytes_done, p->bytes_total);
    ck_assert_uint_eq(p->members_total, NMEMBERS);
    if (p->name == NULL) {
        ck_assert_uint_eq(p->members_done, p->members_total);
        ck_assert_uint_eq(p->bytes_done, p->bytes_total);
        s->done++;
    } else {
        ck_assert_ptr_nonnull(p->role);
    }
    s->last_members = p->members_done;
    s->calls++;
}

/* @relation(REQ-BKUP-015) */
START_TEST(test_bkup_progress)
{
    char err[1024];
    seen s = { 0, 0, NULL, 0 };
    make_backup();
    ck_assert_int_eq(dsg_bk_verify(bk, spub, priv, on_progress, &s, err, sizeof err), DSG_BK_OK);
    ck_assert_uint_eq(s.calls, 2 * (NMEMBERS + 1));   /* checking, then decrypting */
    ck_assert_int_eq(s.done, 2);
}
END_TEST

Suite *suite_bkup_backup(void)
{
    Suite *s = suite_create("bkup_backup");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bkup_round_trip);
    tcase_add_test(tc, test_bkup_manifest_edited);
    tcase_add_test(tc, test_bkup_extra_file);
    tcase_add_test(tc, test_bkup_member_missing_or_cut);
    tcase_add_test(tc, test_bkup_members_swapped);
    tcase_add_test(tc, test_bkup_members_swapped_resigned);
    tcase_add_test(tc, test_bkup_wrong_private_key);
    tcase_add_test(tc, test_bkup_member_replaced_after_its_check);
    tcase_add_test(tc, test_bkup_database_integrity);
    tcase_add_test(tc, test_bkup_writer_refuses);
    tcase_add_test(tc, test_bkup_writer_add_n);
    tcase_add_test(tc, test_bkup_signing_key_file);
    tcase_add_test(tc, test_bkup_progress);
    suite_add_tcase(s, tc);
    return s;
}
