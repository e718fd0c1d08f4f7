/*
 * Unit tests of dsgctl's side of key escrow (src/ctl/key_escrow.h),
 * REQ-STOR-009. Each import test lays out a state directory as dsgd does:
 * keys/kek, the two wrapped data keys (wrapped by the master's own
 * dsgd_keys_wrap) and logd/ with an audit store of a few records and a
 * checkpoint (src/log/audit.h), whose keys are the ones escrowed. The
 * import writes them back and its marker; another KEK, another chain key,
 * another signing key, an unfinished rotation and a running dsgd (its pid
 * file locked, its control socket answering) are refused with every file
 * unchanged; a fresh directory gets the keys. The operator's files: the passphrase file, X25519 key
 * files, the state directory of `config show`, the export's destination.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ctl/key_escrow.h"
#include "log/audit.h"
#include "run/keys.h"

Suite *suite_key_escrow(void);

static const uint8_t KEK[32] = "the master's key-encryption key!";
static const uint8_t OTHER_KEK[32] = "another key-encryption key 32 b!";
static const uint8_t AUTH_KEY[32] = "the auth role's data key, 32 b..";
static const uint8_t STORE_KEY[32] = "the share role's store key 32 b!";

static char dir[64], state[96], msg[4400];
static dsg_escrow_keys keys;   /* the installation's, as escrowed */
static const dsg_ke_origin origin = { "/media/escrow.dsge", (const uint8_t *)"DSGE...", 7,
                                      "passphrase", 0, "root", NULL };

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
    ck_assert_int_eq(close(fd), 0);
}

static size_t read_file(const char *path, uint8_t *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    size_t n = fread(out, 1, cap, f);
    fclose(f);
    return n;
}

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", state, name);
}

/* The installation: KEK, wrapped keys, logd's store with 3 records and a
 * checkpoint; its keys read into `keys`. */
static void setup(void)
{
    char p[160], err[512];
    uint8_t w[DSGD_WRAPPED_LEN];
    dsg_audit_opts o;
    dsg_audit *a = NULL;
    uint64_t seq;
    dsg_audit_field f[1] = { { "event", (const uint8_t *)"started", 7 } };
    snprintf(dir, sizeof dir, "/tmp/check_key_escrow.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(state, sizeof state, "%s/var", dir);
    ck_assert_int_eq(mkdir(state, 0755), 0);
    const char *dirs[] = { "keys", "auth", "share", "logd" };
    for (size_t i = 0; i < 4; i++) {
        path_of(p, sizeof p, dirs[i]);
        ck_assert_int_eq(mkdir(p, 0700), 0);
    }
    path_of(p, sizeof p, "keys/kek");
    write_file(p, KEK, 32, 0600);
    ck_assert_int_eq(dsgd_keys_wrap(KEK, AUTH_KEY, w), 0);
    path_of(p, sizeof p, "auth/totp.key.wrapped");
    write_file(p, w, sizeof w, 0600);
    ck_assert_int_eq(dsgd_keys_wrap(KEK, STORE_KEY, w), 0);
    path_of(p, sizeof p, "share/store.key.wrapped");
    write_file(p, w, sizeof w, 0600);
    path_of(p, sizeof p, "logd");
    dsg_audit_opts_default(&o);
    ck_assert_msg(dsg_audit_open(p, &o, &a, err, sizeof err) == 0, "%s", err);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(dsg_audit_append(a, "master", 101, f, 1, &seq, err, sizeof err) == 0, "%s",
                      err);
    ck_assert_msg(dsg_audit_checkpoint(a, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsg_audit_append(a, "master", 101, f, 1, &seq, err, sizeof err) == 0, "%s", err);
    dsg_audit_close(a);
    memset(&keys, 0, sizeof keys);
    memcpy(keys.kek, KEK, 32);
    path_of(p, sizeof p, "logd/chain.key");
    ck_assert_uint_eq(read_file(p, keys.chain_key, 32), 32);
    path_of(p, sizeof p, "logd/sign.key");
    keys.sign_len = read_file(p, keys.sign_key, sizeof keys.sign_key);
    ck_assert_uint_gt(keys.sign_len, 0);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The state as a listing of every file with its content's first bytes and
 * mode, to compare before and after a refused import. */
static void snapshot(char *out, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cd %s && find . -type f | sort | xargs sha256sum; "
             "find . -printf '%%p %%m %%s\\n' | sort", state);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    pclose(p);
}

static void refused(const dsg_escrow_keys *k, const char *want)
{
    static char before[16384], after[16384];
    snapshot(before, sizeof before);
    ck_assert_int_eq(dsg_ke_import(state, k, &origin, msg, sizeof msg), DSG_KE_REFUSED);
    ck_assert_msg(strstr(msg, want) != NULL, "%s", msg);
    snapshot(after, sizeof after);
    ck_assert_str_eq(before, after);
}

static void removed_keys(void)
{
    char p[160];
    const char *names[] = { "keys/kek", "logd/chain.key", "logd/sign.key" };
    for (size_t i = 0; i < 3; i++) {
        path_of(p, sizeof p, names[i]);
        ck_assert_int_eq(unlink(p), 0);
    }
}

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_import)
{
    char p[160];
    uint8_t b[2048];
    struct stat st;
    removed_keys();
    ck_assert_msg(dsg_ke_import(state, &keys, &origin, msg, sizeof msg) == DSG_KE_OK, "%s", msg);
    ck_assert_msg(strstr(msg, "it opens 2 wrapped data keys") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "they verify its audit trail") != NULL, "%s", msg);
    path_of(p, sizeof p, "keys/kek");
    ck_assert_uint_eq(read_file(p, b, sizeof b), 32);
    ck_assert_mem_eq(b, KEK, 32);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    path_of(p, sizeof p, "logd/chain.key");
    ck_assert_uint_eq(read_file(p, b, sizeof b), 32);
    ck_assert_mem_eq(b, keys.chain_key, 32);
    path_of(p, sizeof p, "logd/sign.key");
    ck_assert_uint_eq(read_file(p, b, sizeof b), keys.sign_len);
    ck_assert_mem_eq(b, keys.sign_key, keys.sign_len);
    path_of(p, sizeof p, "logd/sign.key.new");
    ck_assert_int_ne(access(p, F_OK), 0);
    path_of(p, sizeof p, "keys/imported");
    size_t n = read_file(p, b, sizeof b - 1);
    b[n] = '\0';
    ck_assert_msg(strstr((char *)b, "escrow file /media/escrow.dsge\n") != NULL, "%s", b);
    ck_assert_msg(strstr((char *)b, "mode passphrase\n") != NULL, "%s", b);
    ck_assert_msg(strstr((char *)b, "uid 0\n") != NULL, "%s", b);
    /* the master reads it as one line, and removes it */
    char detail[480], err[512];
    ck_assert_int_eq(dsgd_keys_import_marker(state, detail, sizeof detail, err, sizeof err), 1);
    ck_assert_msg(strstr(detail, "; uid 0; escrow file /media/escrow.dsge; SHA-256 ") != NULL,
                  "%s", detail);
    ck_assert_int_eq(dsgd_keys_import_marker_done(state, err, sizeof err), 0);
    ck_assert_int_eq(dsgd_keys_import_marker(state, detail, sizeof detail, err, sizeof err), 0);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_import_other_kek)
{
    dsg_escrow_keys k = keys;
    memcpy(k.kek, OTHER_KEK, 32);
    refused(&k, "the imported KEK does not open");
    refused(&k, "auth/totp.key.wrapped");
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_import_other_log_keys)
{
    dsg_escrow_keys k = keys;
    char p[160];
    k.chain_key[5] ^= 1;
    refused(&k, "do not verify the audit trail");
    k = keys;
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    BIO *b = BIO_new(BIO_s_mem());
    char *pem;
    ck_assert_int_eq(PEM_write_bio_PrivateKey(b, other, NULL, NULL, 0, NULL, NULL), 1);
    k.sign_len = (size_t)BIO_get_mem_data(b, &pem);
    memcpy(k.sign_key, pem, k.sign_len);
    BIO_free(b);
    EVP_PKEY_free(other);
    refused(&k, "is not the key of");
    /* without sign.pub, the checkpoints' signatures refuse it */
    path_of(p, sizeof p, "logd/sign.pub");
    ck_assert_int_eq(unlink(p), 0);
    refused(&k, "do not verify the audit trail");
    /* not an Ed25519 key at all */
    memcpy(k.sign_key, "not a key", 9);
    k.sign_len = 9;
    ck_assert_int_eq(dsg_ke_import(state, &k, &origin, msg, sizeof msg), DSG_KE_DATAERR);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_import_running_or_rotating)
{
    char p[160];
    path_of(p, sizeof p, "keys/kek.new");
    write_file(p, OTHER_KEK, 32, 0600);
    refused(&keys, "a rotation of the KEK is unfinished");
    ck_assert_int_eq(unlink(p), 0);
    path_of(p, sizeof p, "dsgd.pid");
    int fd = open(p, O_RDWR | O_CREAT, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, "1\n", 2), 2);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    refused(&keys, "dsgd is running");
    close(fd);   /* a stale pid file does not stop it, a control socket that answers does */
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    path_of(p, sizeof p, "run");
    ck_assert_int_eq(mkdir(p, 0750), 0);
    path_of(p, sizeof p, "run/dsgctl.sock");
    ck_assert_uint_lt(strlen(p), sizeof sa.sun_path);
    memcpy(sa.sun_path, p, strlen(p) + 1);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(ls, 0);
    ck_assert_int_eq(bind(ls, (const struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(ls, 4), 0);
    refused(&keys, "its control socket");
    close(ls);
    ck_assert_msg(dsg_ke_import(state, &keys, &origin, msg, sizeof msg) == DSG_KE_OK, "%s", msg);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_import_fresh)
{
    char fresh[128], p[200];
    struct stat st;
    uint8_t b[64];
    snprintf(fresh, sizeof fresh, "%s/fresh", dir);
    ck_assert_msg(dsg_ke_import(fresh, &keys, &origin, msg, sizeof msg) == DSG_KE_OK, "%s", msg);
    ck_assert_msg(strstr(msg, "it opens 0 wrapped data keys") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "no audit trail yet") != NULL, "%s", msg);
    snprintf(p, sizeof p, "%s/keys", fresh);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0700);
    snprintf(p, sizeof p, "%s/keys/kek", fresh);
    ck_assert_uint_eq(read_file(p, b, sizeof b), 32);
    ck_assert_mem_eq(b, KEK, 32);
    snprintf(p, sizeof p, "%s/logd/chain.key", fresh);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_passphrase_file)
{
    char p[160], err[512];
    uint8_t pass[DSG_ESCROW_PASS_MAX + 2];
    size_t len = 0;
    snprintf(p, sizeof p, "%s/pass", dir);
    write_file(p, "sixteen bytes ok\r\n", 18, 0600);
    ck_assert_int_eq(dsg_ke_passphrase(p, pass, &len, err, sizeof err), DSG_KE_OK);
    ck_assert_uint_eq(len, 16);
    ck_assert_mem_eq(pass, "sixteen bytes ok", 16);
    write_file(p, "fifteen bytes..\n", 16, 0600);
    ck_assert_int_eq(dsg_ke_passphrase(p, pass, &len, err, sizeof err), DSG_KE_USAGE);
    ck_assert_msg(strstr(err, "has 15 bytes: it needs 16 to 1024") != NULL, "%s", err);
    static char big[2000];
    memset(big, 'x', sizeof big);
    write_file(p, big, sizeof big, 0600);
    ck_assert_int_eq(dsg_ke_passphrase(p, pass, &len, err, sizeof err), DSG_KE_USAGE);
    snprintf(p, sizeof p, "%s/none", dir);
    ck_assert_int_eq(dsg_ke_passphrase(p, pass, &len, err, sizeof err), DSG_KE_NOINPUT);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_x25519_files)
{
    char priv[160], pub[160], ed[160], err[512];
    uint8_t a[32], b[32], c[32];
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    EVP_PKEY *e = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    snprintf(priv, sizeof priv, "%s/op.key", dir);
    snprintf(pub, sizeof pub, "%s/op.pub", dir);
    snprintf(ed, sizeof ed, "%s/ed.key", dir);
    FILE *f = fopen(priv, "w");
    ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    f = fopen(pub, "w");
    ck_assert_int_eq(PEM_write_PUBKEY(f, k), 1);
    fclose(f);
    f = fopen(ed, "w");
    ck_assert_int_eq(PEM_write_PUBKEY(f, e), 1);
    fclose(f);
    ck_assert_int_eq(dsg_ke_x25519(pub, 0, a, err, sizeof err), DSG_KE_OK);
    ck_assert_int_eq(dsg_ke_x25519(priv, 0, b, err, sizeof err), DSG_KE_OK);
    ck_assert_mem_eq(a, b, 32);
    ck_assert_int_eq(dsg_ke_x25519(priv, 1, c, err, sizeof err), DSG_KE_OK);
    ck_assert_int_ne(memcmp(a, c, 32), 0);
    ck_assert_int_eq(dsg_ke_x25519(pub, 1, c, err, sizeof err), DSG_KE_DATAERR);
    ck_assert_int_eq(dsg_ke_x25519(ed, 0, c, err, sizeof err), DSG_KE_DATAERR);
    ck_assert_msg(strstr(err, "is not an X25519 public key") != NULL, "%s", err);
    EVP_PKEY_free(k);
    EVP_PKEY_free(e);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_ke_destination)
{
    char out[256], dest[200], link[160], err[600];
    const char text[] = "# dsgd configuration in force, generation 1\n"
                        "dsgd.restart_burst = 5  # default\n"
                        "dsgd.state_dir = \"/var/lib/d\\\"sg\"  # command line -s\n";
    ck_assert_int_eq(dsg_ke_state_dir_of(text, strlen(text), out, sizeof out), 0);
    ck_assert_str_eq(out, "/var/lib/d\"sg");
    ck_assert_int_eq(dsg_ke_state_dir_of("x = 1\n", 6, out, sizeof out), -1);
    snprintf(dest, sizeof dest, "%s/keys/escrow.dsge", state);
    ck_assert_int_eq(dsg_ke_destination(dest, state, err, sizeof err), DSG_KE_CANTCREAT);
    ck_assert_msg(strstr(err, "lies in the state directory") != NULL, "%s", err);
    snprintf(dest, sizeof dest, "%s/escrow.dsge", state);
    ck_assert_int_eq(dsg_ke_destination(dest, state, err, sizeof err), DSG_KE_CANTCREAT);
    snprintf(link, sizeof link, "%s/link", dir);
    ck_assert_int_eq(symlink(state, link), 0);
    snprintf(dest, sizeof dest, "%s/escrow.dsge", link);
    ck_assert_int_eq(dsg_ke_destination(dest, state, err, sizeof err), DSG_KE_CANTCREAT);
    /* beside it, with a name that starts the same: allowed */
    snprintf(dest, sizeof dest, "%s/var2", dir);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    snprintf(dest, sizeof dest, "%s/var2/escrow.dsge", dir);
    ck_assert_int_eq(dsg_ke_destination(dest, state, err, sizeof err), DSG_KE_OK);
    ck_assert_int_eq(dsg_ke_write(dest, (const uint8_t *)"DSGE", 4, err, sizeof err), DSG_KE_OK);
    struct stat st;
    ck_assert_int_eq(stat(dest, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    ck_assert_int_eq(dsg_ke_destination(dest, state, err, sizeof err), DSG_KE_CANTCREAT);
    ck_assert_msg(strstr(err, "exists") != NULL, "%s", err);
    ck_assert_int_eq(dsg_ke_write(dest, (const uint8_t *)"XX", 2, err, sizeof err),
                     DSG_KE_CANTCREAT);
}
END_TEST

Suite *suite_key_escrow(void)
{
    Suite *s = suite_create("key_escrow");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ke_import);
    tcase_add_test(tc, test_ke_import_other_kek);
    tcase_add_test(tc, test_ke_import_other_log_keys);
    tcase_add_test(tc, test_ke_import_running_or_rotating);
    tcase_add_test(tc, test_ke_import_fresh);
    tcase_add_test(tc, test_ke_passphrase_file);
    tcase_add_test(tc, test_ke_x25519_files);
    tcase_add_test(tc, test_ke_destination);
    suite_add_tcase(s, tc);
    return s;
}
