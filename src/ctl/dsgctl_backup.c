/*
 * dsgctl backup: backups of the gateway (spec/bkup.md, docs/backup.md).
 *
 *   dsgctl backup verify DIR --pubkey SIGNING_PUB [--key RECIPIENT_PRIV]
 *   dsgctl backup verify ID [--key RECIPIENT_PRIV] [--socket PATH]
 *   dsgctl backup decrypt DIR --pubkey SIGNING_PUB --key RECIPIENT_PRIV --to NEWDIR
 *   dsgctl backup restore DIR --pubkey SIGNING_PUB --key RECIPIENT_PRIV
 *                         --escrow FILE (--passphrase-file F | --escrow-key PRIV)
 *                         --to STATE [--user NAME]
 *   dsgctl backup keygen --out PRIV --pub PUB
 *   dsgctl backup drill DIR (restore's options but --to) --work WORK [--socket PATH]
 *   dsgctl backup now|list|pubkey [--socket PATH]
 *
 * now, list and pubkey ask dsgd over the control socket (its master runs
 * the backup, run/bkup_run.h); the others run offline: no daemon, no
 * socket; the work is src/bkup/bk_backup.h's.
 * Exit status 0 all good, 1 a check failed (the message names the first
 * failing member) or the work could not be done, 64 a usage error or a key
 * file that is not one. Progress goes to stderr only when stderr is a
 * terminal (REQ-BKUP-015); the result line is the same either way.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bkup/bk_backup.h"
#include "ctl/bk_restore.h"
#include "ctl/ctl_client.h"
#include "ctl/dsgctl.h"
#include "ctl/key_escrow.h"

enum { BK_EXIT_FAILED = 1, BK_EXIT_USAGE = EXIT_USAGE };

static const char verify_help[] =
    "usage: dsgctl backup verify DIR --pubkey SIGNING_PUB [--key RECIPIENT_PRIV]\n"
    "       dsgctl backup verify ID [--key RECIPIENT_PRIV] [--socket PATH]\n"
    "\n"
    "The second form checks the running dsgd's backup ID (bkup.dest/ID) with\n"
    "the gateway's backup-signing key (as root: the backups are root's; with an\n"
    "administrator's login), then sends dsgd the result, which it records\n"
    "(backup-checked). Otherwise it runs offline, on any copy:\n"
    "\n"
    "Checks the backup in the directory DIR offline, without restoring it:\n"
    "the Ed25519 signature in DIR/manifest.sig over the manifest's exact bytes\n"
    "under the backup-signing public key SIGNING_PUB (PEM) first, then, in the\n"
    "manifest's order, that every member is there with its size and SHA-256,\n"
    "then that DIR holds no file the manifest does not list. With --key, the\n"
    "operator's X25519 private key (PEM) the backup is encrypted to, it also\n"
    "decrypts every member, verifying every segment, and runs PRAGMA\n"
    "integrity_check on each member that is an SQLite database (decrypted into\n"
    "memory). It writes nothing anywhere.\n"
    "\n"
    "options:\n"
    "  --pubkey SIGNING_PUB  the backup-signing public key (required)\n"
    "  --key RECIPIENT_PRIV  the recipient's X25519 private key: decrypt too\n"
    "  -h, --help            show this help\n"
    "\n"
    "Progress (members and bytes done, the member in progress) goes to stderr\n"
    "only when stderr is a terminal; the result line is printed either way.\n"
    "\n"
    "exit status: 0 everything verified; 1 a check failed, the message naming\n"
    "the first failing member and why (bkup.signature, bkup.missing,\n"
    "bkup.truncated, bkup.tampered, bkup.extra, bkup.wrong_key,\n"
    "bkup.other_member, bkup.other_backup, bkup.database, ...), or DIR cannot\n"
    "be read; 64 a usage error, or a key file that is not such a key.\n";

static const char decrypt_help[] =
    "usage: dsgctl backup decrypt DIR --pubkey SIGNING_PUB --key RECIPIENT_PRIV\n"
    "                             --to NEWDIR\n"
    "\n"
    "Restores the members of the backup in DIR into NEWDIR/ROLE/NAME, offline.\n"
    "NEWDIR must not exist or be an empty directory. The backup is verified\n"
    "first as `dsgctl backup verify` does without --key (signature, then every\n"
    "member's size and SHA-256, no extra file); then each member is decrypted\n"
    "with RECIPIENT_PRIV, every segment verified, written as a temporary file\n"
    "in NEWDIR and renamed to its place once it verified (files 0600,\n"
    "directories 0700), and each SQLite database passes PRAGMA integrity_check\n"
    "where it lies. Member names follow the manifest's proved name rule, so\n"
    "nothing is written outside NEWDIR.\n"
    "\n"
    "options:\n"
    "  --pubkey SIGNING_PUB  the backup-signing public key (required)\n"
    "  --key RECIPIENT_PRIV  the recipient's X25519 private key (required)\n"
    "  --to NEWDIR           where to restore (required)\n"
    "  -h, --help            show this help\n"
    "\n"
    "A failure stops at the first failing member and names it; the members\n"
    "restored before it stay in NEWDIR, which is then incomplete: remove it.\n"
    "Progress goes to stderr only when stderr is a terminal.\n"
    "\n"
    "exit status: 0 every member restored and verified; 1 a check or a write\n"
    "failed, or NEWDIR exists and is not empty; 64 a usage error, or a key\n"
    "file that is not such a key.\n";

static const char restore_help[] =
    "usage: dsgctl backup restore DIR --pubkey SIGNING_PUB --key RECIPIENT_PRIV\n"
    "                             --escrow FILE (--passphrase-file F | --escrow-key PRIV)\n"
    "                             --to STATE [--user NAME]\n"
    "\n"
    "Restores the backup in DIR as dsgd's state directory STATE, offline, as root,\n"
    "with the escrowed keys of `dsgctl key export` (the backup holds no key in the\n"
    "clear). STATE must not exist or be an empty directory. In this order:\n"
    "  1. the manifest's signature; a backup that depends on earlier ones or\n"
    "     holds a role this dsgctl does not know is refused;\n"
    "  2. STATE/keys/restore-partial is written: dsgd refuses to start on STATE\n"
    "     until the restore has verified;\n"
    "  3. every member decrypted and checked (as `backup decrypt`), every\n"
    "     database passes integrity_check, each role's directory put in place\n"
    "     for the roles' user NAME (default dsg), the master's configuration\n"
    "     and public keys into STATE/restored-backup;\n"
    "  4. the escrowed keys imported (as `key import`): the KEK must open every\n"
    "     wrapped data key of the backup, logd's keys must verify the restored\n"
    "     audit trail and match its public key;\n"
    "  5. every stored object read whole under the KEK, every tag checked;\n"
    "  6. STATE/keys/restored replaces the partial marker. At its first start\n"
    "     on STATE, dsgd records backup-restored, naming the backup.\n"
    "\n"
    "options:\n"
    "  --pubkey SIGNING_PUB    the backup-signing public key (required)\n"
    "  --key RECIPIENT_PRIV    the recipient's X25519 private key (required)\n"
    "  --escrow FILE           the escrow file of the KEK and logd's keys (required)\n"
    "  --passphrase-file F     its passphrase, or\n"
    "  --escrow-key PRIV       the X25519 private key it is encrypted to\n"
    "  --to STATE              the new state directory (required)\n"
    "  --user NAME             the roles' user (dsgd.user; default dsg)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Progress goes to stderr only when stderr is a terminal.\n"
    "\n"
    "exit status: 0 restored and verified; 1 a check or a write failed, or STATE\n"
    "exists and is not empty (a failure after step 2 leaves STATE refused by\n"
    "dsgd: remove it and restore again); 2 the escrow file does not open; 64 a\n"
    "usage error, or a key file that is not such a key; 77 not root.\n";

static const char drill_help[] =
    "usage: dsgctl backup drill DIR --pubkey SIGNING_PUB --key RECIPIENT_PRIV\n"
    "                           --escrow FILE (--passphrase-file F | --escrow-key PRIV)\n"
    "                           --work WORK [--user NAME] [--socket PATH]\n"
    "\n"
    "A restore drill on the running gateway: restores the backup in DIR into\n"
    "the directory WORK exactly as `dsgctl backup restore` does, with every one\n"
    "of its checks, then removes WORK and tells the running dsgd whether the\n"
    "drill passed; dsgd records it (backup-drill) and warns when no drill has\n"
    "passed for bkup.drill_max_age. Live state is never touched: WORK must not\n"
    "exist or be an empty directory, and must not lie in dsgd's state\n"
    "directory. WORK holds the backup's databases and the escrowed keys (as a\n"
    "state directory does) while the drill runs: put it on a disk as protected\n"
    "as the state directory. Needs root and\n"
    "an administrator's login (dsgctl login).\n"
    "\n"
    "options: those of `dsgctl backup restore`, with --work WORK for --to, and\n"
    "  --socket PATH           dsgd's control socket\n"
    "\n"
    "Progress goes to stderr only when stderr is a terminal.\n"
    "\n"
    "exit status: 0 the drill passed and dsgd recorded it; 1 it failed (the\n"
    "message names the step), or WORK is not fresh or lies in the state\n"
    "directory; 2 the escrow file does not open; 64 a usage error; 77 not\n"
    "root or no login; what `dsgctl backup list` exits with when dsgd does not\n"
    "answer.\n";

static const char keygen_help[] =
    "usage: dsgctl backup keygen --out PRIV --pub PUB\n"
    "\n"
    "Makes the operator's X25519 key pair that backups are encrypted to: the\n"
    "private key in PEM (PKCS#8) to PRIV, created with mode 0600, and its\n"
    "public key in PEM to PUB, mode 0644, for dsgd's bkup.recipient_pubkey.\n"
    "Neither file may exist. Keep PRIV off the gateway: only restore and\n"
    "`backup verify --key` need it. The same pair from OpenSSL:\n"
    "  openssl genpkey -algorithm X25519 -out PRIV\n"
    "  openssl pkey -in PRIV -pubout -out PUB\n"
    "\n"
    "exit status: 0 written; 1 a file exists or cannot be written; 64 a usage\n"
    "error.\n";

typedef struct bk_opts {
    const char *dir, *pubkey, *key, *to, *out, *pub;
    const char *escrow, *passphrase, *escrow_key, *user, *work, *socket;
    int help;
} bk_opts;

static int bk_usage(const char *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "dsgctl backup %s: %s", cmd, what);
    if (arg != NULL) {
        fputs(" '", stderr);
        dsgctl_put_escaped_str(stderr, arg);
        fputc('\'', stderr);
    }
    fprintf(stderr, "\nTry 'dsgctl help backup %s'.\n", cmd);
    return BK_EXIT_USAGE;
}

static int bk_value(const char *cmd, const char **slot, int argc, char **argv, int *i)
{
    const char *name = argv[*i];
    if (*slot != NULL)
        return bk_usage(cmd, "option given twice:", name);
    if (*i + 1 >= argc)
        return bk_usage(cmd, "option needs a value:", name);
    *slot = argv[++*i];
    return (*slot)[0] == '\0' ? bk_usage(cmd, "empty value for", name) : 0;
}

/* The options of cmd; allowed lists the options it takes ("--pubkey" ...). */
static int bk_parse(const char *cmd, const char *const *allowed, int takes_dir, bk_opts *o,
                    int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], **slot = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            continue;
        }
        for (const char *const *p = allowed; *p != NULL; p++)
            if (strcmp(a, *p) == 0)
                slot = strcmp(a, "--pubkey") == 0            ? &o->pubkey
                       : strcmp(a, "--key") == 0             ? &o->key
                       : strcmp(a, "--to") == 0              ? &o->to
                       : strcmp(a, "--out") == 0             ? &o->out
                       : strcmp(a, "--escrow") == 0          ? &o->escrow
                       : strcmp(a, "--passphrase-file") == 0 ? &o->passphrase
                       : strcmp(a, "--escrow-key") == 0      ? &o->escrow_key
                       : strcmp(a, "--user") == 0            ? &o->user
                       : strcmp(a, "--work") == 0            ? &o->work
                       : strcmp(a, "--socket") == 0          ? &o->socket
                                                             : &o->pub;
        int rc = 0;
        if (slot != NULL)
            rc = bk_value(cmd, slot, argc, argv, &i);
        else if (a[0] == '-')
            rc = bk_usage(cmd, "unknown option", a);
        else if (!takes_dir || o->dir != NULL)
            rc = bk_usage(cmd, "unexpected argument", a);
        else
            o->dir = a;
        if (rc != 0)
            return rc;
    }
    if (!o->help && takes_dir && o->dir == NULL)
        return bk_usage(cmd, "no backup directory given", NULL);
    return 0;
}

/* ---- progress (REQ-BKUP-015) ------------------------------------------------ */

typedef struct meter {
    int tty;
    uint64_t members, bytes;
} meter;

static void on_progress(void *ctx, const dsg_bk_progress *p)
{
    meter *m = ctx;
    m->members = p->members_total;
    m->bytes = p->bytes_total;
    if (!m->tty)
        return;
    fprintf(stderr, "\r\033[K%s: %llu/%llu members, %llu/%llu MiB", p->phase,
            (unsigned long long)p->members_done, (unsigned long long)p->members_total,
            (unsigned long long)(p->bytes_done >> 20), (unsigned long long)(p->bytes_total >> 20));
    if (p->name != NULL) {
        fprintf(stderr, ", %s ", p->role);
        dsgctl_put_escaped_str(stderr, p->name);
    }
    fflush(stderr);
}

static void meter_end(const meter *m)
{
    if (m->tty)
        fputs("\r\033[K", stderr);
}

/* ---- keys ---------------------------------------------------------------------- */

/* The private key of --key, when given: 0, or the usage status. */
static int load_private(const char *cmd, const bk_opts *o, uint8_t priv[DSG_X25519_LEN])
{
    char err[1024];
    if (o->key == NULL || dsg_ke_x25519(o->key, 1, priv, err, sizeof err) == DSG_KE_OK)
        return 0;
    fprintf(stderr, "dsgctl backup %s: ", cmd);
    dsgctl_put_escaped_str(stderr, err);
    fputc('\n', stderr);
    return BK_EXIT_USAGE;
}

/* The signing public key and, key non-NULL, the private key of o. */
static int load_keys(const char *cmd, const bk_opts *o, uint8_t spub[DSG_BK_SIGN_KEY_LEN],
                     uint8_t priv[DSG_X25519_LEN])
{
    char err[1024];
    if (o->pubkey == NULL)
        return bk_usage(cmd, "--pubkey SIGNING_PUB (the backup-signing public key) is required",
                        NULL);
    if (dsg_bk_signkey_read_public(o->pubkey, spub, err, sizeof err) != DSG_BK_OK) {
        fprintf(stderr, "dsgctl backup %s: ", cmd);
        dsgctl_put_escaped_str(stderr, err);
        fputc('\n', stderr);
        return BK_EXIT_USAGE;
    }
    return load_private(cmd, o, priv);
}

static int bk_failed(const char *cmd, dsg_bk_status st, const char *err)
{
    fprintf(stderr, "dsgctl backup %s: FAILED (%s): ", cmd, dsg_bk_status_token(st));
    dsgctl_put_escaped_str(stderr, err);
    fputc('\n', stderr);
    return BK_EXIT_FAILED;
}

/* ---- the commands ------------------------------------------------------------ */

/* Whether s has the form of a backup ID, YYYYMMDDTHHMMSSZ. */
static int is_backup_id(const char *s)
{
    return strlen(s) == DSG_BK_ID_LEN && strspn(s, "0123456789") == 8 && s[8] == 'T' &&
           strspn(s + 9, "0123456789") == 6 && s[15] == 'Z';
}

/* One answer of the running dsgd to line into answer: 0 and its length,
 * or the exit status with the message printed. */
static int ask_dsgd(const char *cmd, const char *socket, const char *line, char *answer,
                    size_t cap, size_t *len)
{
    char err[4200];
    int status = 0;
    dsg_ctl_result r = dsg_ctl_call(socket, line, 15000, answer, cap - 1, len, &status, err,
                                    sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl backup %s: %s: %s\n", cmd, line, err);
        return dsgctl_ctl_status(r);
    }
    answer[*len] = '\0';
    if (status != 0)
        fprintf(stderr, "dsgctl backup %s: %s: %s%s", cmd, line, answer,
                *len > 0 && answer[*len - 1] == '\n' ? "" : "\n");
    return status;
}

/* The running dsgd's backup ID, DEST/ID, into path, and its signing key. */
static int online_backup(const char *socket, const char *id, char *path, size_t cap,
                         uint8_t spub[DSG_BK_SIGN_KEY_LEN])
{
    static char answer[65536];
    char dest[4096];
    size_t len = 0;
    int rc = ask_dsgd("verify", socket, "config show", answer, sizeof answer, &len);
    if (rc != 0)
        return rc;
    if (dsg_ke_config_text(answer, len, "bkup.dest", dest, sizeof dest) != 0 || dest[0] == '\0') {
        fputs("dsgctl backup verify: dsgd has no bkup.dest: give the backup's directory and "
              "--pubkey\n", stderr);
        return BK_EXIT_FAILED;
    }
    if ((rc = ask_dsgd("verify", socket, "backup pubkey", answer, sizeof answer, &len)) != 0)
        return rc;
    if (dsg_bk_signkey_public_of(answer, len, spub) != DSG_BK_OK) {
        fputs("dsgctl backup verify: backup pubkey did not answer an Ed25519 public key\n",
              stderr);
        return EXIT_PROTOCOL;
    }
    snprintf(path, cap, "%s/%s", dest, id);
    return 0;
}

/* dsgctl backup verify: DIR with --pubkey offline, or the running dsgd's
 * backup ID with its key, the result then recorded.
 * @relation(REQ-BKUP-005, REQ-BKUP-015) */
static int cmd_backup_verify(int argc, char **argv)
{
    static const char *const allowed[] = { "--pubkey", "--key", "--socket", NULL };
    uint8_t spub[DSG_BK_SIGN_KEY_LEN], priv[DSG_X25519_LEN];
    char err[2048], path[4200], line[80];
    bk_opts o;
    int rc = bk_parse("verify", allowed, 1, &o, argc, argv);
    if (rc != 0 || o.help) {
        if (o.help && rc == 0)
            fputs(verify_help, stdout);
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    }
    int online = o.pubkey == NULL && is_backup_id(o.dir);
    const char *socket = o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT, *dir = o.dir;
    if (!online && o.socket != NULL)
        return bk_usage("verify", "--socket goes with a backup ID (the running dsgd's), not "
                        "with DIR --pubkey", NULL);
    if (online && (rc = online_backup(socket, o.dir, path, sizeof path, spub)) == 0)
        dir = path;
    if (rc != 0 || (rc = online ? load_private("verify", &o, priv)
                                : load_keys("verify", &o, spub, priv)) != 0)
        return rc;
    meter m = { isatty(STDERR_FILENO), 0, 0 };
    dsg_bk_status st = dsg_bk_verify(dir, spub, o.key != NULL ? priv : NULL, on_progress, &m,
                                     err, sizeof err);
    OPENSSL_cleanse(priv, sizeof priv);
    meter_end(&m);
    if (st != DSG_BK_OK) {
        rc = bk_failed("verify", st, err);
    } else {
        fputs("verified the backup ", stdout);
        dsgctl_put_escaped_str(stdout, dir);
        printf(": %llu members, %llu bytes; signature, sizes and SHA-256 %s\n",
               (unsigned long long)m.members, (unsigned long long)m.bytes,
               o.key != NULL ? "checked, every member decrypted and every database "
                               "passes integrity_check"
                             : "checked (not decrypted: no --key)");
    }
    if (!online)
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    snprintf(line, sizeof line, "backup verify %s %s %s", o.dir, st == DSG_BK_OK ? "passed"
             : "failed", o.key != NULL ? "decrypted" : "keyless");
    int reported = dsgctl_group_run("backup", "verify", line, socket);
    return rc != 0 ? rc : reported;
}

/* dsgctl backup decrypt. @relation(REQ-BKUP-006, REQ-BKUP-015) */
static int cmd_backup_decrypt(int argc, char **argv)
{
    static const char *const allowed[] = { "--pubkey", "--key", "--to", NULL };
    uint8_t spub[DSG_BK_SIGN_KEY_LEN], priv[DSG_X25519_LEN];
    char err[2048];
    bk_opts o;
    int rc = bk_parse("decrypt", allowed, 1, &o, argc, argv);
    if (rc != 0 || o.help) {
        if (o.help && rc == 0)
            fputs(decrypt_help, stdout);
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    }
    if (o.key == NULL)
        return bk_usage("decrypt", "--key RECIPIENT_PRIV (the operator's X25519 private key) "
                        "is required", NULL);
    if (o.to == NULL)
        return bk_usage("decrypt", "--to NEWDIR is required", NULL);
    if ((rc = load_keys("decrypt", &o, spub, priv)) != 0)
        return rc;
    meter m = { isatty(STDERR_FILENO), 0, 0 };
    dsg_bk_status st = dsg_bk_decrypt(o.dir, spub, priv, o.to, on_progress, &m, err,
                                      sizeof err);
    OPENSSL_cleanse(priv, sizeof priv);
    meter_end(&m);
    if (st != DSG_BK_OK)
        return bk_failed("decrypt", st, err);
    fputs("restored the backup ", stdout);
    dsgctl_put_escaped_str(stdout, o.dir);
    printf(": %llu members, %llu bytes verified and decrypted into ",
           (unsigned long long)m.members, (unsigned long long)m.bytes);
    dsgctl_put_escaped_str(stdout, o.to);
    fputc('\n', stdout);
    return dsgctl_finish_stdout(0);
}

/* pem written to path, created exclusively with mode. 0, or -1 (errno). */
static int write_pem(const char *path, const char *pem, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    int ok = write(fd, pem, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 || !ok) {
        unlink(path);
        errno = ok ? errno : e;
        return -1;
    }
    return 0;
}

/* The PEM of k, private or public, malloc'ed. */
static char *pem_of(EVP_PKEY *k, int private, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *p = NULL, *out = NULL;
    long n = 0;
    if (b != NULL && (private ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
                              : PEM_write_bio_PUBKEY(b, k)) == 1 &&
        (n = BIO_get_mem_data(b, &p)) > 0 && (out = malloc((size_t)n)) != NULL) {
        memcpy(out, p, (size_t)n);
        *len = (size_t)n;
    }
    if (p != NULL && private)
        OPENSSL_cleanse(p, (size_t)n);
    BIO_free(b);
    return out;
}

/* dsgctl backup keygen. @relation(REQ-BKUP-003) */
static int cmd_backup_keygen(int argc, char **argv)
{
    static const char *const allowed[] = { "--out", "--pub", NULL };
    bk_opts o;
    size_t pl = 0, ql = 0;
    int rc = bk_parse("keygen", allowed, 0, &o, argc, argv);
    if (rc != 0 || o.help) {
        if (o.help && rc == 0)
            fputs(keygen_help, stdout);
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    }
    if (o.out == NULL || o.pub == NULL)
        return bk_usage("keygen", "--out PRIV and --pub PUB are required", NULL);
    if (strcmp(o.out, o.pub) == 0)
        return bk_usage("keygen", "--out and --pub name the same file:", o.out);
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    char *priv = k != NULL ? pem_of(k, 1, &pl) : NULL, *pub = k != NULL ? pem_of(k, 0, &ql) : NULL;
    EVP_PKEY_free(k);
    const char *bad = NULL;
    if (priv == NULL || pub == NULL)
        bad = "OpenSSL";
    else if (write_pem(o.out, priv, pl, 0600) != 0)
        bad = o.out;
    else if (write_pem(o.pub, pub, ql, 0644) != 0) {
        int e = errno;
        unlink(o.out);
        errno = e;
        bad = o.pub;
    }
    if (priv != NULL)
        OPENSSL_cleanse(priv, pl);
    free(priv);
    free(pub);
    if (bad != NULL) {
        fputs("dsgctl backup keygen: ", stderr);
        dsgctl_put_escaped_str(stderr, bad);
        fprintf(stderr, ": %s (nothing written)\n", strerror(errno));
        return BK_EXIT_FAILED;
    }
    fputs("wrote the X25519 private key to ", stdout);
    dsgctl_put_escaped_str(stdout, o.out);
    fputs(" (0600) and its public key to ", stdout);
    dsgctl_put_escaped_str(stdout, o.pub);
    fputc('\n', stdout);
    return dsgctl_finish_stdout(0);
}

static const char now_help[] =
    "usage: dsgctl backup now [--no-wait] [--socket PATH]\n"
    "\n"
    "Starts a backup on the running dsgd (its master runs it; docs/backup.md,\n"
    "\"The backup run\"): each storage role (auth, logd, share) copies its\n"
    "databases online and its files into a pipe the master passes it, and the\n"
    "master's writer encrypts every member to bkup.recipient_pubkey, signs the\n"
    "manifest with the backup-signing key (dsgctl backup pubkey) and verifies\n"
    "the backup without any private key. Needs an administrator's login;\n"
    "recorded in the audit trail (backup-started, backup-verified,\n"
    "backup-failed).\n"
    "\n"
    "It then follows the run to its end, from the backup's state file (as root:\n"
    "the backups are the master's files): when stderr is a terminal, the role\n"
    "the run reads and the members and MiB written so far, on one line; the\n"
    "result line on stdout either way. With --no-wait it prints the ID as soon\n"
    "as the run started (dsgctl backup list shows how it ended).\n"
    "\n"
    "exit status: 0 verified (with --no-wait: started); 1 refused (no\n"
    "bkup.dest, no bkup.recipient_pubkey, a backup still running), failed, or\n"
    "dsgd stopped answering while it ran; 64 usage; 77 no login; others as for\n"
    "every command of the control socket.\n";

static const char list_help[] =
    "usage: dsgctl backup list [--socket PATH]\n"
    "\n"
    "The backups dsgd made in bkup.dest, oldest first: ID, start and end\n"
    "times, the roles in it, its size (the member files' bytes as stored),\n"
    "its state (running, verified, failed) and, for a failed one, the reason.\n";

static const char pubkey_help[] =
    "usage: dsgctl backup pubkey [--socket PATH]\n"
    "\n"
    "The public key (PEM) of the gateway's backup-signing key, which dsgctl\n"
    "backup verify --pubkey takes; dsgd makes the key at its first backup, or\n"
    "here. Keep a copy off the gateway.\n";

/* now, list and pubkey: one fixed line to dsgd. */
static int online(const char *cmd, const char *help, int argc, char **argv)
{
    const char *socket = DSG_CTL_SOCKET_DEFAULT;
    char line[32];
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else {
            return dsgctl_group_usage("backup", cmd, "unexpected argument", argv[i]);
        }
    }
    snprintf(line, sizeof line, "backup %s", cmd);
    return dsgctl_group_run("backup", cmd, line, socket);
}

/* The answer "started the backup ID in DEST/ID (roles R): ...": the ID,
 * the backup's directory and the roles. 0, or -1. */
static int started_of(const char *answer, char id[DSG_BK_ID_LEN + 1], char *dir, size_t cap,
                      char *roles, size_t rcap)
{
    static const char head[] = "started the backup ";
    const char *p = answer + sizeof head - 1, *in, *r, *end;
    if (strncmp(answer, head, sizeof head - 1) != 0 || strncmp(p + DSG_BK_ID_LEN, " in ", 4))
        return -1;
    in = p + DSG_BK_ID_LEN + 4;
    if ((r = strstr(in, " (roles ")) == NULL || (end = strstr(r, "): ")) == NULL ||
        (size_t)(r - in) >= cap || (size_t)(end - r - 8) >= rcap)
        return -1;
    memcpy(id, p, DSG_BK_ID_LEN);
    id[DSG_BK_ID_LEN] = '\0';
    snprintf(dir, cap, "%.*s", (int)(r - in), in);
    snprintf(roles, rcap, "%.*s", (int)(end - r - 8), r + 8);
    return is_backup_id(id) ? 0 : -1;
}

/* The value of "KEY value" in a state file's text, into out. */
static void state_field(const char *text, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    out[0] = '\0';
    for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (strncmp(p, key, k) == 0 && p[k] == ' ') {
            snprintf(out, cap, "%.*s", (int)strcspn(p + k + 1, "\n"), p + k + 1);
            return;
        }
}

/* The member files written so far under dir (a backup being made). */
static void written(const char *dir, uint64_t *files, uint64_t *bytes)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    char path[4600];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            written(path, files, bytes);
        else if (S_ISREG(st.st_mode))
            (*files)++, *bytes += (uint64_t)st.st_size;
    }
    if (d != NULL)
        closedir(d);
}

/* One look at the run: 1 ended (the result printed, *rc its status), 0
 * still running (its progress shown on a terminal), -1 its state file
 * cannot be read. */
static int look(const char *id, const char *dir, const char *roles, int tty, int *rc)
{
    char path[4200], text[2048], state[32], current[32], f[3][800];
    snprintf(path, sizeof path, "%s.state", dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got <= 0)
        return -1;
    text[got] = '\0';
    state_field(text, "state", state, sizeof state);
    if (strcmp(state, "running") == 0) {
        uint64_t files = 0, bytes = 0;
        state_field(text, "current", current, sizeof current);
        snprintf(path, sizeof path, "%s.partial", dir);
        written(path, &files, &bytes);
        if (tty)
            fprintf(stderr, "\r\033[Kbackup %s: %s, %llu members, %llu MiB written", id,
                    strcmp(current, "writer") == 0 ? "writing and verifying" : current,
                    (unsigned long long)files, (unsigned long long)(bytes >> 20));
        return 0;
    }
    if (tty)
        fputs("\r\033[K", stderr);
    state_field(text, "members", f[0], sizeof f[0]);
    state_field(text, "size", f[1], sizeof f[1]);
    state_field(text, "reason", f[2], sizeof f[2]);
    if (strcmp(state, "verified") == 0) {
        printf("verified the backup %s in ", id);
        dsgctl_put_escaped_str(stdout, dir);
        printf(" (roles %s): %s members, %s bytes; signature, sizes and SHA-256 checked\n",
               roles, f[0], f[1]);
        *rc = dsgctl_finish_stdout(0);
    } else {
        fprintf(stderr, "dsgctl backup now: FAILED: the backup %s: ", id);
        dsgctl_put_escaped_str(stderr, f[2]);
        fputc('\n', stderr);
        *rc = BK_EXIT_FAILED;
    }
    return 1;
}

/* The run followed to its end: the state file every 500 ms (and, on a
 * terminal, the files written so far), dsgd asked every 10 s whether it
 * still answers (a crash leaves the file running). */
static int follow(const char *socket, const char *id, const char *dir, const char *roles)
{
    static char answer[65536];
    int tty = isatty(STDERR_FILENO), rc = 0, n;
    char err[512];
    size_t len;
    for (unsigned tick = 1;; tick++) {
        if ((n = look(id, dir, roles, tty, &rc)) != 0)
            break;
        struct timespec ts = { 0, 500000000 };
        nanosleep(&ts, NULL);
        int status = 0;
        if (tick % 20 == 0 && dsg_ctl_call(socket, "status", 15000, answer, sizeof answer, &len,
                                           &status, err, sizeof err) != DSG_CTL_OK) {
            if (tty)
                fputs("\r\033[K", stderr);
            fprintf(stderr, "dsgctl backup now: dsgd stopped answering while the backup %s ran: "
                    "its end is unknown (dsgctl backup list)\n", id);
            return BK_EXIT_FAILED;
        }
    }
    if (n < 0) {
        fprintf(stderr, "dsgctl backup now: the backup %s started, but its state file %s.state "
                "cannot be read here (not root?): dsgctl backup list shows how it ends\n", id,
                dir);
        return dsgctl_finish_stdout(0);
    }
    return rc;
}

/* dsgctl backup now. @relation(REQ-BKUP-001, REQ-BKUP-015) */
static int cmd_backup_now(int argc, char **argv)
{
    static char answer[4096];
    const char *socket = DSG_CTL_SOCKET_DEFAULT;
    char id[DSG_BK_ID_LEN + 1], dir[4096], roles[128], err[4200];
    int no_wait = 0, status = 0;
    size_t len = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(now_help, stdout);
            return dsgctl_finish_stdout(0);
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            socket = argv[++i];
        } else if (strcmp(argv[i], "--no-wait") == 0) {
            no_wait = 1;
        } else {
            return dsgctl_group_usage("backup", "now", "unexpected argument", argv[i]);
        }
    }
    if (no_wait)
        return dsgctl_group_run("backup", "now", "backup now", socket);
    dsg_ctl_result r = dsg_ctl_call(socket, "backup now", 15000, answer, sizeof answer - 1, &len,
                                    &status, err, sizeof err);
    if (r != DSG_CTL_OK) {
        fprintf(stderr, "dsgctl: backup now: %s\n", err);
        return dsgctl_ctl_status(r);
    }
    answer[len] = '\0';
    if (status != 0) {   /* refused: the answer says why */
        fprintf(stderr, "dsgctl: backup now: %s%s", answer,
                len > 0 && answer[len - 1] == '\n' ? "" : "\n");
        return status;
    }
    if (started_of(answer, id, dir, sizeof dir, roles, sizeof roles) != 0) {
        fputs(answer, stdout);   /* a form this dsgctl does not know: shown as it is */
        return dsgctl_finish_stdout(0);
    }
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "%s", answer);
    return follow(socket, id, dir, roles);
}

/* dsgctl backup list. @relation(REQ-BKUP-001) */
/* The escrow file of o, opened: 0, or the exit status (key import's). */
static int open_escrow(const char *cmd, const bk_opts *o, uint8_t *in, size_t cap,
                       size_t *len, dsg_escrow_keys *k)
{
    char msg[2048];
    dsg_ke_status st = dsg_ke_read(o->escrow, in, cap, len, msg, sizeof msg);
    if (st == DSG_KE_OK)
        st = dsg_ke_open(in, *len, o->passphrase, o->escrow_key, k, msg, sizeof msg);
    if (st == DSG_KE_OK)
        return 0;
    fprintf(stderr, "dsgctl backup %s: ", cmd);
    dsgctl_put_escaped_str(stderr, o->escrow);
    fputs(": ", stderr);
    dsgctl_put_escaped_str(stderr, msg);
    fputs("; nothing was restored\n", stderr);
    return (int)st;
}

/* The options restore and drill need, beyond bk_parse's. */
static int restore_usage(const char *cmd, const bk_opts *o)
{
    if (o->key == NULL)
        return bk_usage(cmd, "--key RECIPIENT_PRIV (the operator's X25519 private key) "
                        "is required", NULL);
    if (strcmp(cmd, "restore") == 0 && o->to == NULL)
        return bk_usage(cmd, "--to STATE (the new state directory) is required", NULL);
    if (strcmp(cmd, "drill") == 0 && o->work == NULL)
        return bk_usage(cmd, "--work WORK (where the drill restores) is required", NULL);
    if (o->escrow == NULL)
        return bk_usage(cmd, "--escrow FILE (the escrowed KEK and audit keys) is required",
                        NULL);
    if ((o->passphrase == NULL) == (o->escrow_key == NULL))
        return bk_usage(cmd, "one of --passphrase-file F and --escrow-key PRIV opens the "
                        "escrow file", NULL);
    return 0;
}

/* The restore of o's backup into to, for cmd: the keys loaded, the
 * escrow opened, dsg_bk_restore run; *sum what it restored. 0, or the exit
 * status with the message printed. */
static int run_restore(const char *cmd, const bk_opts *o, const char *to, dsg_rs_summary *sum)
{
    static uint8_t in[DSG_ESCROW_MAX + 1];
    uint8_t spub[DSG_BK_SIGN_KEY_LEN], priv[DSG_X25519_LEN];
    char err[4400];
    size_t len = 0;
    dsg_escrow_keys k;
    int rc = load_keys(cmd, o, spub, priv);
    if (rc != 0)
        return rc;
    if ((rc = open_escrow(cmd, o, in, sizeof in, &len, &k)) != 0) {
        OPENSSL_cleanse(priv, sizeof priv);
        return rc;
    }
    const dsg_ke_origin origin = { o->escrow, in, len, o->passphrase != NULL ? "passphrase"
                                                                             : "public key",
                                   getuid(), o->user, NULL };
    meter m = { isatty(STDERR_FILENO), 0, 0 };
    const dsg_rs_job job = { o->dir, spub, priv, &k, &origin, to, o->user, on_progress, &m };
    dsg_rs_status st = dsg_bk_restore(&job, sum, err, sizeof err);
    OPENSSL_cleanse(priv, sizeof priv);
    OPENSSL_cleanse(&k, sizeof k);
    meter_end(&m);
    if (st != DSG_RS_OK) {
        fprintf(stderr, "dsgctl backup %s: FAILED: ", cmd);
        dsgctl_put_escaped_str(stderr, err);
        fputc('\n', stderr);
    }
    return (int)st;
}

/* What a restore checked, after "... into DIR". */
static void restored_line(const dsg_rs_summary *sum)
{
    printf(": %llu members, %llu bytes decrypted and verified, every database passes "
           "integrity_check, the escrowed keys open its data keys and verify its audit trail, "
           "%llu objects checked under the KEK",
           (unsigned long long)sum->members, (unsigned long long)sum->bytes,
           (unsigned long long)sum->objects);
}

/* dsgctl backup restore. @relation(REQ-BKUP-006, REQ-BKUP-015) */
static int cmd_backup_restore(int argc, char **argv)
{
    static const char *const allowed[] = { "--pubkey", "--key", "--to", "--escrow",
                                           "--passphrase-file", "--escrow-key", "--user", NULL };
    dsg_rs_summary sum;
    bk_opts o;
    int rc = bk_parse("restore", allowed, 1, &o, argc, argv);
    if (rc != 0 || o.help) {
        if (o.help && rc == 0)
            fputs(restore_help, stdout);
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    }
    if ((rc = restore_usage("restore", &o)) != 0)
        return rc;
    if (geteuid() != 0) {
        fputs("dsgctl backup restore: only root restores (the KEK is root's)\n", stderr);
        return DSG_RS_NOPERM;
    }
    if ((rc = run_restore("restore", &o, o.to, &sum)) != 0)
        return rc;
    printf("restored the backup %s into ", sum.id);
    dsgctl_put_escaped_str(stdout, o.to);
    restored_line(&sum);
    fputs("; dsgd records the restore at its next start\n", stdout);
    return dsgctl_finish_stdout(0);
}

/* ---- the drill (REQ-BKUP-007) ------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* WORK and everything in it, never through a link: 0, or -1. */
static int remove_tree(const char *dir)
{
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 || errno == ENOENT ? 0 : -1;
}

/* Whether work lies in (or is) the live state directory statedir. */
static int inside(const char *work, const char *statedir)
{
    char w[PATH_MAX], sd[PATH_MAX], parent[PATH_MAX];
    if (realpath(statedir, sd) == NULL)
        return 1;   /* cannot tell: refused */
    if (realpath(work, w) == NULL) {
        snprintf(parent, sizeof parent, "%s", work);
        char *slash = strrchr(parent, '/');
        if (slash == parent)
            slash[1] = '\0';
        else if (slash != NULL)
            *slash = '\0';
        else
            snprintf(parent, sizeof parent, ".");
        if (realpath(parent, w) == NULL)
            return 0;   /* the restore will say why it cannot make it */
    }
    size_t n = strlen(sd);
    return strncmp(w, sd, n) == 0 && (w[n] == '\0' || w[n] == '/' || sd[n - 1] == '/');
}

/* The drill's result to dsgd, which records it: its exit status. */
static int report_drill(const char *socket, const char *id, int passed)
{
    char line[64];
    snprintf(line, sizeof line, "backup drill %s %s", id, passed ? "passed" : "failed");
    return dsgctl_group_run("backup", "drill", line, socket);
}

/* The backup's ID for the report: the restore's, else the directory's
 * name when it has the form of one; NULL when neither. */
static const char *drill_id(const dsg_rs_summary *sum, const char *dir)
{
    const char *base = strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir;
    if (sum->id[0] != '\0')
        return sum->id;
    return is_backup_id(base) ? base : NULL;
}

/* dsgctl backup drill. @relation(REQ-BKUP-007, REQ-BKUP-014, REQ-BKUP-015) */
static int cmd_backup_drill(int argc, char **argv)
{
    static const char *const allowed[] = { "--pubkey", "--key", "--work", "--escrow",
                                           "--passphrase-file", "--escrow-key", "--user",
                                           "--socket", NULL };
    char statedir[4096];
    dsg_rs_summary sum;
    bk_opts o;
    int rc = bk_parse("drill", allowed, 1, &o, argc, argv);
    if (rc != 0 || o.help) {
        if (o.help && rc == 0)
            fputs(drill_help, stdout);
        return rc != 0 ? rc : dsgctl_finish_stdout(0);
    }
    const char *socket = o.socket != NULL ? o.socket : DSG_CTL_SOCKET_DEFAULT;
    if ((rc = restore_usage("drill", &o)) != 0)
        return rc;
    if (geteuid() != 0) {
        fputs("dsgctl backup drill: only root restores (the KEK is root's)\n", stderr);
        return DSG_RS_NOPERM;
    }
    if ((rc = dsgctl_state_dir("backup", "drill", socket, statedir, sizeof statedir)) != 0)
        return rc;
    if (inside(o.work, statedir)) {
        fprintf(stderr, "dsgctl backup drill: %s lies in dsgd's state directory %s: a drill "
                "never touches live state\n", o.work, statedir);
        return DSG_RS_FAILED;
    }
    rc = run_restore("drill", &o, o.work, &sum);
    int removed = remove_tree(o.work) == 0;
    if (!removed)
        fprintf(stderr, "dsgctl backup drill: cannot remove %s: %s: remove it by hand (it holds "
                "the backup's databases and the escrowed keys)\n", o.work, strerror(errno));
    const char *id = drill_id(&sum, o.dir);
    int reported = id != NULL ? report_drill(socket, id, rc == 0) : 0;
    if (id == NULL)
        fputs("dsgctl backup drill: not reported to dsgd: the backup's ID is not known\n",
              stderr);
    if (rc != 0)
        return rc;
    printf("drill passed: restored the backup %s into ", sum.id);
    dsgctl_put_escaped_str(stdout, o.work);
    restored_line(&sum);
    printf("; %s\n", removed ? "removed it again" : "NOT removed");
    return reported != 0 ? reported : dsgctl_finish_stdout(removed ? 0 : DSG_RS_FAILED);
}

static int cmd_backup_list(int argc, char **argv)
{
    return online("list", list_help, argc, argv);
}

/* dsgctl backup pubkey. @relation(REQ-BKUP-004) */
static int cmd_backup_pubkey(int argc, char **argv)
{
    return online("pubkey", pubkey_help, argc, argv);
}

const command dsgctl_backup_commands[DSGCTL_BACKUP_COMMANDS] = {
    { "now", "start a backup on the running dsgd", now_help, cmd_backup_now },
    { "list", "the backups dsgd made, with their state", list_help, cmd_backup_list },
    { "pubkey", "the public key that verifies the gateway's backups", pubkey_help,
      cmd_backup_pubkey },
    { "verify", "check a backup's signature, members and (with --key) content (offline)",
      verify_help, cmd_backup_verify },
    { "decrypt", "verify a backup and restore its members into a fresh directory (offline)",
      decrypt_help, cmd_backup_decrypt },
    { "restore", "restore a backup as a new state directory, with the escrowed keys (offline)",
      restore_help, cmd_backup_restore },
    { "drill", "restore a backup into a scratch directory on the running gateway and report",
      drill_help, cmd_backup_drill },
    { "keygen", "make the operator's X25519 key pair that backups are encrypted to",
      keygen_help, cmd_backup_keygen },
};
