/*
 * The audit store: see audit.h and docs/audit.md. Shell code (files,
 * SQLite, OpenSSL) around the proved encoder src/log/audit_enc.
 */
#define _GNU_SOURCE
#include "log/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "core/json_out.h"
#include "core/utf8.h"
#include "db/db.h"
#include "log/anchor.h"
#include "log/audit_enc.h"
#include "log/timefmt.h"
#include "io/fdio.h"
#include "stor/key_mem.h"

#define DB_NAME "audit.db"
#define CHAIN_KEY "chain.key"
#define SIGN_KEY "sign.key"
#define SIGN_PUB "sign.pub"
#define ANCHOR "anchor.log"
#define MARKER DSG_AUDIT_RESTORE_MARKER
#define PATH_CAP 4200
#define ANCHOR_FILE_MAX (64u * 1024u * 1024u)

/* ---- schema ------------------------------------------------------------------ */

typedef struct field_spec {
    const char *name;
    int required;
} field_spec;

typedef struct type_spec {
    uint32_t type;
    const char *name;
    const field_spec *fields;
    size_t n;
} type_spec;

/* 別紙 #15 アカウント管理操作ログ (REQ-LOG-030): ログの名前, ソース, 日付,
 * イベントID, タスクのカテゴリ, ログのレベル, キーワード, ユーザ名,
 * コンピューター名, イベントの詳細, 共有名; and for an action on the
 * control socket the kernel's uid and pid of the dsgctl that asked. */
static const field_spec account_ops_fields[] = {
    { "log_name", 1 },  { "source_name", 1 }, { "date", 1 },          { "event_id", 1 },
    { "task_category", 1 }, { "level", 1 },    { "keywords", 1 },      { "user_name", 1 },
    { "computer_name", 1 }, { "detail", 1 }, { "share_name", 0 }, { "uid", 0 },
    { "pid", 0 },
};

/* 別紙 #14 認証ログ(多要素認証) (REQ-LOG-029): イベント発生日時, コンピューター名,
 * ユーザID, Windowsアカウント名, イベント内容, 補足情報. */
static const field_spec auth_fields[] = {
    { "event_time", 1 }, { "computer_name", 1 }, { "user_id", 1 },
    { "windows_account", 1 }, { "event", 1 },     { "detail", 0 },
};

/* 別紙 #16 ポータルサイトアクセスログ (REQ-LOG-031): アクセス日時, アクセス元IP
 * アドレス, URL, メソッド, User-Agent, ステータスコード. */
static const field_spec portal_access_fields[] = {
    { "access_time", 1 }, { "source_ip", 1 }, { "url", 1 },
    { "method", 1 },      { "user_agent", 1 }, { "status", 1 },
};

/* 別紙 #17 マルウェア検知ログ (REQ-LOG-032): 検知した装置のIPアドレス, 検知時間,
 * 検知したファイル等の情報 (its name, where, digest, size, the detection,
 * the engine and its definitions, what was done, whose it was). */
static const field_spec malware_fields[] = {
    { "device_ip", 1 },      { "detected_at", 1 },    { "file_name", 1 },
    { "location", 1 },       { "sha256", 0 },         { "size", 0 },
    { "detection_name", 1 }, { "engine_version", 1 }, { "definitions_version", 1 },
    { "action", 1 },         { "user", 1 },
};

/* 別紙 #23 監査ログ・カスタムレポート (REQ-LOG-038): サイト ID, アイテム ID,
 * アイテムの種類, ユーザ ID, ドキュメントの場所, 発生時間(GMT), イベント,
 * カスタム イベント名, イベントソース, ソース名, イベントデータ, アプリ ID;
 * and for an action on the control socket the kernel's uid and pid of the
 * dsgctl that asked, for a portal request the client's address. */
static const field_spec share_audit_fields[] = {
    { "site_id", 1 },      { "item_id", 1 },           { "item_type", 1 },
    { "user_id", 1 },      { "document_location", 1 }, { "occurred_gmt", 1 },
    { "event", 1 },        { "custom_event_name", 0 }, { "event_source", 1 },
    { "source_name", 1 },  { "event_data", 0 },        { "app_id", 1 },
    { "uid", 0 },          { "pid", 0 },               { "client_address", 0 },
};

/* logd's own events: started, stopped. */
static const field_spec system_fields[] = {
    { "event", 1 },
    { "detail", 0 },
};

/* A command on the control socket, or a refused client (REQ-RUN-021): who
 * (the kernel's credentials of the peer, and the administrator whose login
 * it ran under, REQ-ACCT-012), what, and how it ended. */
static const field_spec control_fields[] = {
    { "uid", 1 }, { "gid", 1 }, { "pid", 1 }, { "command", 1 }, { "result", 1 }, { "admin", 0 },
};

/* Retention pruning (REQ-LOG-007): what went, where the remaining chain
 * starts (pruned_to, and the chain values of that record), and who. */
static const field_spec prune_fields[] = {
    { "before", 1 },  { "trigger", 1 }, { "removed", 1 }, { "total", 0 },
    { "pruned_to", 0 }, { "head", 0 },  { "mac", 0 },     { "uid", 0 },
    { "pid", 0 },       { "admin", 0 },
};

/* The chain goes on after a restore (REQ-LOG-046): the restored head
 * (record restored_to, its chain value and time), what the restore lost
 * (records up to lost_to, the last checkpoint's head and time), where the
 * database it replaced was kept, when and by whom. */
static const field_spec restore_fields[] = {
    { "restored_to", 1 }, { "restored_head", 1 }, { "restored_time", 0 },
    { "lost_to", 1 },     { "lost_head", 1 },     { "lost_time", 1 },
    { "set_aside", 0 },   { "requested_at", 0 },  { "uid", 0 },
    { "pid", 0 },
};

static const type_spec types[] = {
    { DSG_AUDIT_TYPE_AUTH, "auth", auth_fields, sizeof auth_fields / sizeof auth_fields[0] },
    { DSG_AUDIT_TYPE_ACCOUNT_OPS, "account_ops", account_ops_fields,
      sizeof account_ops_fields / sizeof account_ops_fields[0] },
    { DSG_AUDIT_TYPE_PORTAL_ACCESS, "portal_access", portal_access_fields,
      sizeof portal_access_fields / sizeof portal_access_fields[0] },
    { DSG_AUDIT_TYPE_MALWARE, "malware", malware_fields,
      sizeof malware_fields / sizeof malware_fields[0] },
    { DSG_AUDIT_TYPE_SHARE_AUDIT, "share_audit", share_audit_fields,
      sizeof share_audit_fields / sizeof share_audit_fields[0] },
    { DSG_AUDIT_TYPE_SYSTEM, "system", system_fields,
      sizeof system_fields / sizeof system_fields[0] },
    { DSG_AUDIT_TYPE_CONTROL, "control", control_fields,
      sizeof control_fields / sizeof control_fields[0] },
    { DSG_AUDIT_TYPE_PRUNE, "prune", prune_fields,
      sizeof prune_fields / sizeof prune_fields[0] },
    { DSG_AUDIT_TYPE_RESTORE, "restore", restore_fields,
      sizeof restore_fields / sizeof restore_fields[0] },
};

#define TRUNCATED_FIELD "truncated"

static const type_spec *find_type(uint32_t type)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (types[i].type == type)
            return &types[i];
    return NULL;
}

const char *dsg_audit_type_name(uint32_t type)
{
    if (type == DSG_AUDIT_TYPE_CHECKPOINT)
        return "checkpoint";
    const type_spec *t = find_type(type);
    return t != NULL ? t->name : NULL;
}

/* Pruning drops this trigger and makes it again inside its transaction. */
#define NO_DELETE_TRIGGER \
    "CREATE TRIGGER records_no_delete BEFORE DELETE ON records" \
    " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"

/* Version 1: the records. Triggers refuse UPDATE and DELETE: no code path
 * of dsg issues them but pruning (REQ-LOG-007), and a mistaken one fails
 * instead of rewriting the trail (REQ-LOG-006). Someone who can write the file can drop them; the
 * chains are what detects that. */
static const char *const migrations[] = {
    "CREATE TABLE records ("
    " source TEXT NOT NULL,"
    " seq INTEGER NOT NULL CHECK (seq >= 1),"
    " type INTEGER NOT NULL,"
    " recorded_at TEXT NOT NULL,"
    " body BLOB NOT NULL,"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " mac BLOB NOT NULL CHECK (length(mac) = 32),"
    " PRIMARY KEY (source, seq)) WITHOUT ROWID;"
    "CREATE INDEX records_time ON records (recorded_at);"
    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records"
    " BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"
    NO_DELETE_TRIGGER,
    /* Version 2: the forwarding cursors (REQ-LOG-047): per collector of
     * log.forward, the last record of each source and the bytes of
     * anchor.log its TCP acknowledged. Not records: they are updated. */
    "CREATE TABLE forward_cursor ("
    " collector TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " seq INTEGER NOT NULL CHECK (seq >= 0),"
    " PRIMARY KEY (collector, source)) WITHOUT ROWID;"
    "CREATE TABLE forward_anchor ("
    " collector TEXT NOT NULL PRIMARY KEY,"
    " offset INTEGER NOT NULL CHECK (offset >= 0)) WITHOUT ROWID;",
};
#define SCHEMA_VERSION (sizeof migrations / sizeof migrations[0])
/* Readers of records and checkpoints take every version: the records
 * table is the same since version 1 (an older copy still verifies,
 * exports and restores). */
#define SCHEMA_OLDEST 1u

/* ---- small helpers ------------------------------------------------------------- */

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (n > 0) {
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int path_of(char *out, const char *dir, const char *name)
{
    /* no "//": "file://x" would make x a URI authority (dir is "/" in logd's chroot) */
    size_t d = strlen(dir);
    int n = snprintf(out, PATH_CAP, "%s%s%s", dir, d > 0 && dir[d - 1] == '/' ? "" : "/", name);
    return n > 0 && n < PATH_CAP ? 0 : -1;
}

/* Reads a whole regular file (at most max bytes) into a malloc'd buffer. */
static int read_file(const char *path, size_t max, uint8_t **out, size_t *len, int *missing)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    *missing = 0;
    if (fd < 0) {
        *missing = errno == ENOENT;
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    if (buf == NULL) {
        close(fd);
        return -1;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = 0;
    *out = buf;
    *len = got;
    return 0;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] / 16];
        out[2 * i + 1] = d[b[i] % 16];
    }
    out[2 * n] = '\0';
}

/* ---- crypto ------------------------------------------------------------------- */

/* SHA-256(a || b) */
static int sha256_2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    uint8_t out[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned int n = 0;
    int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(c, a, alen) == 1 && EVP_DigestUpdate(c, b, blen) == 1 &&
             EVP_DigestFinal_ex(c, out, &n) == 1 && n == 32;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

/* HMAC-SHA-256(key, a || b) */
static int hmac_2(const uint8_t key[32], const uint8_t *a, size_t alen, const uint8_t *b,
                  size_t blen, uint8_t out[32])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[2];
    size_t n = 0;
    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    int ok = c != NULL && EVP_MAC_init(c, key, 32, params) == 1 &&
             EVP_MAC_update(c, a, alen) == 1 && EVP_MAC_update(c, b, blen) == 1 &&
             EVP_MAC_final(c, out, &n, 32) == 1 && n == 32;
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac);
    return ok ? 0 : -1;
}

static int ed25519_sign(EVP_PKEY *key, const char *msg, size_t len, uint8_t sig[64])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t n = 64;
    int ok = c != NULL && EVP_DigestSignInit(c, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestSign(c, sig, &n, (const uint8_t *)msg, len) == 1 && n == 64;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

static int ed25519_verify(EVP_PKEY *key, const char *msg, size_t len, const uint8_t sig[64])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c != NULL && EVP_DigestVerifyInit(c, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestVerify(c, sig, 64, (const uint8_t *)msg, len) == 1;
    EVP_MD_CTX_free(c);
    return ok;
}

static EVP_PKEY *pubkey_from_pem(const char *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (k != NULL && EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

/* ---- keys ------------------------------------------------------------------------ */

/* A key file must be a regular file with no group or other permission
 * and, for the store itself (own), of this uid (REQ-LOG-004, REQ-LOG-006).
 * An operator exporting the public key reads it as another uid. */
static int read_key_file(const char *path, size_t max, int own, uint8_t **buf, size_t *len,
                         int *missing, char *err, size_t n)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        *missing = errno == ENOENT;
        return fail(err, n, "%s: %s", path, strerror(errno));
    }
    *missing = 0;
    if (!S_ISREG(st.st_mode))
        return fail(err, n, "key %s is not a regular file: refusing it", path);
    if ((own && st.st_uid != geteuid()) || (st.st_mode & 077) != 0)
        return fail(err, n, "key %s has owner uid %u and mode %04o: it must be owned by uid %u "
                    "with no group or other permissions (chmod 600 %s): refusing it", path,
                    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid(),
                    path);
    int m = 0;
    if (read_file(path, max, buf, len, &m) != 0)
        return fail(err, n, "%s: cannot read: %s", path, strerror(errno));
    return 0;
}

/* Writes path atomically: path.new (0600, exclusive), fsync, rename. */
static int write_new_file(const char *path, const void *data, size_t len, mode_t mode, char *err,
                          size_t n)
{
    char tmp[PATH_CAP + 8];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    unlink(tmp);   /* left over from an interrupted start */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return fail(err, n, "%s: %s", tmp, strerror(errno));
    if (dsg_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, n, "%s: %s", tmp, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, n, "%s: %s", path, strerror(e));
    }
    return 0;
}

static int pem_of(EVP_PKEY *k, int private, char **pem, size_t *len)
{
    BIO *b = BIO_new(BIO_s_mem());
    BUF_MEM *m = NULL;
    int ok = b != NULL && (private ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
                                   : PEM_write_bio_PUBKEY(b, k)) == 1;
    if (ok) {
        BIO_get_mem_ptr(b, &m);
        *pem = malloc(m->length + 1);
        ok = *pem != NULL;
        if (ok) {
            memcpy(*pem, m->data, m->length);
            (*pem)[m->length] = '\0';
            *len = m->length;
        }
    }
    BIO_free(b);
    return ok ? 0 : -1;
}

static int create_keys(const char *dir, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t chain[32];
    EVP_PKEY *k = NULL;
    char *pem = NULL, *pub = NULL;
    size_t plen = 0, publen = 0;
    int rc = -1;

    if (RAND_priv_bytes(chain, sizeof chain) != 1)
        return fail(err, n, "no randomness for the chain key");
    k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (k == NULL || pem_of(k, 1, &pem, &plen) != 0 || pem_of(k, 0, &pub, &publen) != 0) {
        fail(err, n, "cannot generate the Ed25519 signing key");
        goto out;
    }
    /* the keys first, the public key last: a start that finds sign.pub
     * found complete keys */
    if (path_of(path, dir, CHAIN_KEY) != 0 ||
        write_new_file(path, chain, sizeof chain, 0600, err, n) != 0)
        goto out;
    if (path_of(path, dir, SIGN_KEY) != 0 || write_new_file(path, pem, plen, 0600, err, n) != 0)
        goto out;
    if (path_of(path, dir, SIGN_PUB) != 0 || write_new_file(path, pub, publen, 0644, err, n) != 0)
        goto out;
    rc = 0;
out:
    OPENSSL_cleanse(chain, sizeof chain);
    if (pem != NULL) {
        OPENSSL_cleanse(pem, plen);
        free(pem);
    }
    free(pub);
    EVP_PKEY_free(k);
    return rc;
}

static EVP_PKEY *load_sign_key(const char *dir, int own, int *missing, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (path_of(path, dir, SIGN_KEY) != 0 ||
        read_key_file(path, 16384, own, &buf, &len, missing, err, n) != 0)
        return NULL;
    BIO *b = BIO_new_mem_buf(buf, (int)len);
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    OPENSSL_cleanse(buf, len);
    free(buf);
    if (k == NULL || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(k);
        fail(err, n, "%s: not an Ed25519 private key", path);
        return NULL;
    }
    return k;
}

static int load_chain_key(const char *dir, uint8_t key[32], int *missing, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (path_of(path, dir, CHAIN_KEY) != 0 ||
        read_key_file(path, 64, 1, &buf, &len, missing, err, n) != 0)
        return -1;
    int ok = len == 32;
    if (ok)
        memcpy(key, buf, 32);
    OPENSSL_cleanse(buf, len);
    free(buf);
    return ok ? 0 : fail(err, n, "%s: %zu bytes, a chain key has 32", path, len);
}

int dsg_audit_pubkey_pem(const char *dir, char *out, size_t cap, char *err, size_t errsize)
{
    int missing = 0;
    char *pub = NULL;
    size_t len = 0;
    EVP_PKEY *k = load_sign_key(dir, 0, &missing, err, errsize);
    if (k == NULL)
        return -1;
    int rc = pem_of(k, 0, &pub, &len);
    EVP_PKEY_free(k);
    if (rc != 0 || len >= cap) {
        free(pub);
        return fail(err, errsize, "cannot write the public key");
    }
    memcpy(out, pub, len + 1);
    free(pub);
    return 0;
}

/* ---- the store -------------------------------------------------------------------- */

typedef struct source_head {
    char name[DSG_ANCHOR_SOURCE_MAX + 1];
    uint64_t seq;        /* last record; 0: none */
    uint8_t hash[32];
    uint8_t mac[32];
    uint64_t anchored;   /* last checkpoint's seq; 0: none */
    uint8_t anchored_head[32];
    char anchored_time[25];
} source_head;

struct dsg_audit {
    char dir[PATH_CAP];
    dsg_audit_opts opts;
    struct sqlite3 *db;
    EVP_PKEY *sign;
    uint8_t *chain_key;   /* 32 bytes of key memory (REQ-STOR-010) */
    int anchor_fd;
    size_t nsources;
    source_head src[DSG_AUDIT_SOURCES_MAX];
    uint8_t *enc;        /* DSG_AENC_SIZE_MAX bytes */
    int in_batch;        /* appends join one transaction (dsg_audit_batch_begin) */
    size_t saved_n;      /* the heads before the batch, restored if it fails */
    source_head saved[DSG_AUDIT_SOURCES_MAX];
    uint32_t restored;   /* restore records appended at open */
    int keys_made;       /* this open made sign.key and chain.key */
    uint64_t anchor_size;                /* bytes of anchor.log */
    struct dsg_audit_exporter *fwd;      /* forwarding's formatter, made on first use */
    int fwd_anchor_fd;                   /* anchor.log read-only, for forwarding; -1 */
};

static void fwd_release(dsg_audit *a);

struct sqlite3 *dsg_audit_db(dsg_audit *a)
{
    return a->db;
}

void dsg_audit_opts_default(dsg_audit_opts *o)
{
    o->busy_timeout_ms = 5000;
    o->checkpoint_records = 1000;
    o->max_field_bytes = 4096;
    dsg_config *c = malloc(sizeof *c);
    if (c != NULL && dsg_config_defaults(c) == 0) {
        o->busy_timeout_ms = (uint32_t)c->v[DSG_CFG_DB_BUSY_TIMEOUT].num;
        o->checkpoint_records = (uint32_t)c->v[DSG_CFG_LOG_CHECKPOINT_RECORDS].num;
        o->max_field_bytes = (uint32_t)c->v[DSG_CFG_LOG_MAX_FIELD_BYTES].num;
    }
    free(c);
}

static source_head *find_source(dsg_audit *a, const char *name)
{
    for (size_t i = 0; i < a->nsources; i++)
        if (strcmp(a->src[i].name, name) == 0)
            return &a->src[i];
    return NULL;
}

static source_head *add_source(dsg_audit *a, const char *name)
{
    source_head *s = find_source(a, name);
    if (s != NULL || a->nsources >= DSG_AUDIT_SOURCES_MAX)
        return s;
    s = &a->src[a->nsources++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

static int db_has_records(struct sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int has = 1;   /* on error: assume records, so no key is replaced */
    if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM records)", -1, &st, NULL) ==
            SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        has = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return has;
}

/* The last record of every source. */
static int load_heads(dsg_audit *a, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT r.source, r.seq, r.hash, r.mac FROM records r "
                      "WHERE r.seq = (SELECT max(seq) FROM records WHERE source = r.source)";
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        source_head *s = name != NULL ? add_source(a, name) : NULL;
        if (s == NULL || sqlite3_column_bytes(st, 2) != 32 || sqlite3_column_bytes(st, 3) != 32) {
            sqlite3_finalize(st);
            return fail(err, n, "audit.db: bad head row (or more than %u sources)",
                        DSG_AUDIT_SOURCES_MAX);
        }
        s->seq = (uint64_t)sqlite3_column_int64(st, 1);
        memcpy(s->hash, sqlite3_column_blob(st, 2), 32);
        memcpy(s->mac, sqlite3_column_blob(st, 3), 32);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
}

/* The last checkpoint of every source, from our own anchor file; a
 * source known only from it has no record (seq 0). */
static int load_anchored(dsg_audit *a, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    int missing = 0;
    if (path_of(path, a->dir, ANCHOR) != 0)
        return fail(err, n, "path too long");
    if (read_file(path, ANCHOR_FILE_MAX, &buf, &len, &missing) != 0)
        return missing ? 0 : fail(err, n, "%s: %s", path, strerror(errno));
    size_t pos = 0;
    while (pos < len) {
        const uint8_t *lf = memchr(buf + pos, '\n', len - pos);
        size_t end = lf != NULL ? (size_t)(lf - buf) : len;
        dsg_anchor an;
        if (dsg_anchor_parse((const char *)buf + pos, end - pos, &an) == DSG_ANCHOR_OK) {
            source_head *s = add_source(a, an.source);
            if (s != NULL && an.seq > s->anchored) {
                s->anchored = an.seq;
                memcpy(s->anchored_head, an.head, 32);
                memcpy(s->anchored_time, an.time, sizeof s->anchored_time);
            }
        }
        pos = end + 1;
    }
    free(buf);
    return 0;
}

/* sign.pub, written last when the keys were made, again if it is missing. */
static int ensure_pub(dsg_audit *a, char *err, size_t n)
{
    char path[PATH_CAP];
    char *pub = NULL;
    size_t len = 0;
    struct stat st;
    if (path_of(path, a->dir, SIGN_PUB) != 0)
        return fail(err, n, "path too long");
    if (lstat(path, &st) == 0)
        return 0;
    if (pem_of(a->sign, 0, &pub, &len) != 0)
        return fail(err, n, "cannot write the public key");
    int rc = write_new_file(path, pub, len, 0644, err, n);
    free(pub);
    return rc;
}

static int open_keys(dsg_audit *a, char *err, size_t n)
{
    int missing_sign = 0, missing_chain = 0;
    char e1[512];
    a->sign = load_sign_key(a->dir, 1, &missing_sign, e1, sizeof e1);
    if (a->sign == NULL && !missing_sign)
        return fail(err, n, "%s", e1);
    if (a->sign == NULL) {
        /* keys are made only for an empty store; a start interrupted while
         * making them left no record, so they are simply made again */
        if (db_has_records(a->db))
            return fail(err, n, "%s is missing but audit.db holds records: refusing to create "
                        "a new signing key (restore the keys)", SIGN_KEY);
        if (create_keys(a->dir, err, n) != 0)
            return -1;
        a->keys_made = 1;
        a->sign = load_sign_key(a->dir, 1, &missing_sign, err, n);
        if (a->sign == NULL)
            return -1;
    }
    if (load_chain_key(a->dir, a->chain_key, &missing_chain, err, n) != 0)
        return -1;
    return ensure_pub(a, err, n);
}

static int resume_after_restore(dsg_audit *a, char *err, size_t n);

int dsg_audit_open(const char *dir, const dsg_audit_opts *opts, dsg_audit **out, char *err,
                   size_t errsize)
{
    char path[PATH_CAP];
    struct stat st;
    *out = NULL;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, errsize, "%s: not a directory", dir);
    if ((st.st_mode & 077) != 0 || st.st_uid != geteuid())
        return fail(err, errsize, "%s has owner uid %u and mode %04o: the audit directory must be "
                    "owned by uid %u with mode 0700", dir, (unsigned)st.st_uid,
                    (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
    if (opts->max_field_bytes < 1 || opts->max_field_bytes > DSG_AENC_ITEM_MAX)
        return fail(err, errsize, "max_field_bytes %u outside 1..%u", opts->max_field_bytes,
                    DSG_AENC_ITEM_MAX);
    dsg_audit *a = calloc(1, sizeof *a);
    if (a == NULL)
        return fail(err, errsize, "out of memory");
    a->anchor_fd = -1;
    a->fwd_anchor_fd = -1;
    a->opts = *opts;
    snprintf(a->dir, sizeof a->dir, "%s", dir);
    a->enc = malloc(DSG_AENC_SIZE_MAX);
    a->chain_key = dsg_key_mem_new(32);
    if (a->enc == NULL || a->chain_key == NULL || path_of(path, dir, DB_NAME) != 0) {
        dsg_audit_close(a);
        return fail(err, errsize, "out of memory");
    }
    if (dsg_db_open(path, opts->busy_timeout_ms, migrations, SCHEMA_VERSION, &a->db, err,
                    errsize) != 0 ||
        open_keys(a, err, errsize) != 0 || load_heads(a, err, errsize) != 0 ||
        load_anchored(a, err, errsize) != 0) {
        dsg_audit_close(a);
        return -1;
    }
    if (path_of(path, dir, ANCHOR) != 0 ||
        (a->anchor_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
                             0600)) < 0) {
        fail(err, errsize, "%s: %s", path, strerror(errno));
        dsg_audit_close(a);
        return -1;
    }
    if (fstat(a->anchor_fd, &st) != 0) {
        fail(err, errsize, "%s: %s", path, strerror(errno));
        dsg_audit_close(a);
        return -1;
    }
    a->anchor_size = (uint64_t)st.st_size;
    if (resume_after_restore(a, err, errsize) != 0) {
        dsg_audit_close(a);
        return -1;
    }
    *out = a;
    return 0;
}

void dsg_audit_close(dsg_audit *a)
{
    if (a == NULL)
        return;
    dsg_db_close(a->db);
    EVP_PKEY_free(a->sign);
    dsg_key_mem_free(a->chain_key, 32);
    if (a->anchor_fd >= 0)
        close(a->anchor_fd);
    fwd_release(a);
    free(a->enc);
    free(a);
}

uint64_t dsg_audit_unanchored(const dsg_audit *a)
{
    uint64_t n = 0;
    for (size_t i = 0; i < a->nsources; i++)
        if (a->src[i].seq > a->src[i].anchored)
            n += a->src[i].seq - a->src[i].anchored;
    return n;
}

int dsg_audit_keys_made(const dsg_audit *a, char *detail, size_t cap)
{
    static const char label[] = "dsg chain key ID";
    uint8_t pub[32], fp[32], id[32];
    size_t publen = sizeof pub, idlen = 0;
    unsigned int fplen = 0;
    if (!a->keys_made)
        return 0;
    if (EVP_PKEY_get_raw_public_key(a->sign, pub, &publen) != 1 ||
        EVP_Digest(pub, publen, fp, &fplen, EVP_sha256(), NULL) != 1 ||
        EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, a->chain_key, 32, (const uint8_t *)label,
                  sizeof label - 1, id, sizeof id, &idlen) == NULL)
        return -1;
    int n = snprintf(detail, cap, "sign.key (Ed25519, public key SHA-256 ");
    for (int i = 0; i < 8 && n > 0 && (size_t)n < cap; i++)
        n += snprintf(detail + n, cap - (size_t)n, "%02x", fp[i]);
    if (n > 0 && (size_t)n < cap)
        n += snprintf(detail + n, cap - (size_t)n, ") and chain.key (ID ");
    for (int i = 0; i < 8 && n > 0 && (size_t)n < cap; i++)
        n += snprintf(detail + n, cap - (size_t)n, "%02x", id[i]);
    if (n > 0 && (size_t)n < cap)
        n += snprintf(detail + n, cap - (size_t)n, ") generated for an empty store");
    OPENSSL_cleanse(id, sizeof id);
    return n > 0 && (size_t)n < cap ? 1 : -1;
}

uint32_t dsg_audit_restored_sources(const dsg_audit *a)
{
    return a->restored;
}

/* ---- append ------------------------------------------------------------------------ */

/* The record's fields in the schema's order, cut to the limit. */
typedef struct prepared {
    dsg_aenc_record rec;
    char truncated[DSG_AENC_FIELDS_MAX * 80];
    size_t truncated_len;
} prepared;

/* Where to cut a value of len bytes at most max bytes, without splitting
 * a UTF-8 sequence. */
static size_t cut_at(const uint8_t *v, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    for (int back = 0; back < 3 && n > 0 && (v[n] & 0xC0) == 0x80; back++)
        n--;
    return (v[n] & 0xC0) == 0x80 ? max : n;
}

static int check_fields(const type_spec *t, const dsg_audit_field *f, size_t nf, char *err,
                        size_t n)
{
    for (size_t i = 0; i < nf; i++) {
        size_t k = 0;
        if (f[i].name == NULL || (f[i].value == NULL && f[i].len > 0))
            return fail(err, n, "field %zu: no name or value", i);
        while (k < t->n && strcmp(t->fields[k].name, f[i].name) != 0)
            k++;
        if (k == t->n)
            return fail(err, n, "unknown field '%.64s' for log type %s", f[i].name, t->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(f[j].name, f[i].name) == 0)
                return fail(err, n, "field '%s' given twice", f[i].name);
    }
    for (size_t k = 0; k < t->n; k++) {
        size_t i = 0;
        while (i < nf && strcmp(t->fields[k].name, f[i].name) != 0)
            i++;
        if (i == nf && t->fields[k].required)
            return fail(err, n, "missing required field '%s' for log type %s",
                        t->fields[k].name, t->name);
    }
    return 0;
}

static void add_item(dsg_aenc_record *r, const void *p, size_t len)
{
    r->item[r->nitems].p = p;
    r->item[r->nitems].len = (uint32_t)len;
    r->nitems++;
}

static void prepare(const dsg_audit *a, const type_spec *t, const char *source,
                    const char *now, const dsg_audit_field *f, size_t nf, prepared *p)
{
    memset(&p->rec, 0, sizeof p->rec);
    p->truncated_len = 0;
    add_item(&p->rec, source, strlen(source));
    add_item(&p->rec, now, strlen(now));
    for (size_t k = 0; k < t->n; k++) {
        for (size_t i = 0; i < nf; i++) {
            if (strcmp(t->fields[k].name, f[i].name) != 0)
                continue;
            size_t len = cut_at(f[i].value, f[i].len, a->opts.max_field_bytes);
            if (len < f[i].len) {
                int w = snprintf(p->truncated + p->truncated_len,
                                 sizeof p->truncated - p->truncated_len, "%s%s:%zu",
                                 p->truncated_len ? "," : "", f[i].name, f[i].len);
                if (w > 0 && (size_t)w < sizeof p->truncated - p->truncated_len)
                    p->truncated_len += (size_t)w;
            }
            add_item(&p->rec, t->fields[k].name, strlen(t->fields[k].name));
            add_item(&p->rec, f[i].value, len);
        }
    }
    if (p->truncated_len > 0) {
        add_item(&p->rec, TRUNCATED_FIELD, strlen(TRUNCATED_FIELD));
        add_item(&p->rec, p->truncated, p->truncated_len);
    }
}

static int insert_record(dsg_audit *a, const char *source, uint64_t seq, uint32_t type,
                         const char *now, size_t enclen, const uint8_t hash[32],
                         const uint8_t mac[32], char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "INSERT INTO records (source, seq, type, recorded_at, body, hash, mac) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)";
    int rc = sqlite3_prepare_v2(a->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
        sqlite3_bind_int64(st, 3, type);
        sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 5, a->enc, (int)enclen, SQLITE_STATIC);
        sqlite3_bind_blob(st, 6, hash, 32, SQLITE_STATIC);
        sqlite3_bind_blob(st, 7, mac, 32, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(err, n, "audit.db: insert: %s", sqlite3_errmsg(a->db));
    return 0;
}

static int checkpoint_source(dsg_audit *a, source_head *s, char *err, size_t n);

int dsg_audit_append(dsg_audit *a, const char *source, uint32_t type,
                     const dsg_audit_field *fields, size_t nfields, uint64_t *seq, char *err,
                     size_t errsize)
{
    const type_spec *t = find_type(type);
    char now[32];
    size_t enclen = 0;
    uint8_t hash[32], mac[32];
    static prepared p;   /* 1 KiB of slices and the truncation list: not on the stack */

    if (source == NULL || !dsg_anchor_source_ok(source, strlen(source)))
        return fail(err, errsize, "bad source name (1..64 of A-Z a-z 0-9 _ . : -)");
    if (t == NULL)
        return fail(err, errsize, "unknown log type %u", type);
    if (nfields > DSG_AENC_FIELDS_MAX - 1)
        return fail(err, errsize, "%zu fields: at most %u", nfields, DSG_AENC_FIELDS_MAX - 1);
    if (check_fields(t, fields, nfields, err, errsize) != 0)
        return -1;
    source_head *s = add_source(a, source);
    if (s == NULL)
        return fail(err, errsize, "more than %u sources", DSG_AUDIT_SOURCES_MAX);
    if (dsg_time_now_rfc3339_ms(now, sizeof now) == 0)
        return fail(err, errsize, "no clock");
    prepare(a, t, source, now, fields, nfields, &p);
    p.rec.type = type;
    p.rec.seq = s->seq + 1;
    if (dsg_aenc_encode(&p.rec, a->enc, DSG_AENC_SIZE_MAX, &enclen) != 0)
        return fail(err, errsize, "record cannot be encoded");
    if (sha256_2(s->hash, 32, a->enc, enclen, hash) != 0 ||
        hmac_2(a->chain_key, s->mac, 32, a->enc, enclen, mac) != 0)
        return fail(err, errsize, "hashing failed");
    if (!a->in_batch && dsg_db_begin(a->db, err, errsize) != 0)
        return -1;
    if (insert_record(a, source, p.rec.seq, type, now, enclen, hash, mac, err, errsize) != 0) {
        if (!a->in_batch)
            dsg_db_rollback(a->db);
        return -1;
    }
    if (!a->in_batch && dsg_db_commit(a->db, err, errsize) != 0)
        return -1;
    s->seq = p.rec.seq;
    memcpy(s->hash, hash, 32);
    memcpy(s->mac, mac, 32);
    *seq = s->seq;
    /* a checkpoint signs committed records only: in a batch, at its commit */
    if (!a->in_batch && a->opts.checkpoint_records > 0 &&
        s->seq - s->anchored >= a->opts.checkpoint_records)
        return checkpoint_source(a, s, err, errsize);
    return 0;
}

int dsg_audit_batch_begin(dsg_audit *a, char *err, size_t errsize)
{
    if (a->in_batch)
        return fail(err, errsize, "a batch is already open");
    if (dsg_db_begin(a->db, err, errsize) != 0)
        return -1;
    a->saved_n = a->nsources;
    memcpy(a->saved, a->src, a->nsources * sizeof a->src[0]);
    a->in_batch = 1;
    return 0;
}

/* The heads as they were before the batch: its records are not stored. */
static void batch_undo(dsg_audit *a)
{
    dsg_db_rollback(a->db);
    a->nsources = a->saved_n;
    memcpy(a->src, a->saved, a->saved_n * sizeof a->src[0]);
    a->in_batch = 0;
}

void dsg_audit_batch_abort(dsg_audit *a)
{
    if (a->in_batch)
        batch_undo(a);
}

int dsg_audit_batch_commit(dsg_audit *a, char *err, size_t errsize)
{
    if (!a->in_batch)
        return fail(err, errsize, "no batch is open");
    if (dsg_db_commit(a->db, err, errsize) != 0) {
        batch_undo(a);
        return -1;
    }
    a->in_batch = 0;
    for (size_t i = 0; i < a->nsources; i++) {
        source_head *s = &a->src[i];
        if (a->opts.checkpoint_records > 0 && s->seq - s->anchored >= a->opts.checkpoint_records &&
            checkpoint_source(a, s, err, errsize) != 0)
            return -1;
    }
    return 0;
}

/* ---- checkpoints ---------------------------------------------------------------------- */

static int checkpoint_source(dsg_audit *a, source_head *s, char *err, size_t n)
{
    dsg_anchor an;
    char line[DSG_ANCHOR_LINE_MAX + 2];
    memset(&an, 0, sizeof an);
    snprintf(an.source, sizeof an.source, "%s", s->name);
    an.seq = s->seq;
    memcpy(an.head, s->hash, 32);
    if (dsg_time_now_rfc3339_ms(an.time, sizeof an.time) == 0)
        return fail(err, n, "no clock");
    size_t len = dsg_anchor_signed_part(&an, line, sizeof line);
    if (len == 0 || ed25519_sign(a->sign, line, len, an.sig) != 0)
        return fail(err, n, "cannot sign the checkpoint of %s", s->name);
    len = dsg_anchor_format(&an, line, sizeof line);
    if (len == 0 || dsg_write_all(a->anchor_fd, line, len) != 0 || fsync(a->anchor_fd) != 0)
        return fail(err, n, "%s: cannot append: %s", ANCHOR, strerror(errno));
    a->anchor_size += len;
    s->anchored = s->seq;
    return 0;
}

int dsg_audit_checkpoint(dsg_audit *a, char *err, size_t errsize)
{
    for (size_t i = 0; i < a->nsources; i++)
        if (a->src[i].seq > a->src[i].anchored &&
            checkpoint_source(a, &a->src[i], err, errsize) != 0)
            return -1;
    return 0;
}


/* ---- time ------------------------------------------------------------------------ */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* n decimal digits at s into *v; 0, or -1. */
static int digits(const char *s, int n, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 0;
}

int dsg_audit_time_parse(const char *t, int64_t *sec, char canon[32], char *err, size_t n)
{
    unsigned y, mo, d, h, mi, s, ms = 0;
    static const char form[] = "YYYY-MM-DDTHH:MM:SS[.fff]Z (RFC 3339, UTC)";
    if (t == NULL || strlen(t) < 20 || digits(t, 4, &y) || t[4] != '-' || digits(t + 5, 2, &mo) ||
        t[7] != '-' || digits(t + 8, 2, &d) || t[10] != 'T' || digits(t + 11, 2, &h) ||
        t[13] != ':' || digits(t + 14, 2, &mi) || t[16] != ':' || digits(t + 17, 2, &s))
        return fail(err, n, "'%.40s' is not a time of the form %s", t != NULL ? t : "", form);
    const char *p = t + 19;
    if (*p == '.') {
        int k = 0;
        for (p++; *p >= '0' && *p <= '9'; p++, k++)
            if (k < 3)
                ms = ms * 10 + (unsigned)(*p - '0');
        if (k == 0)
            return fail(err, n, "'%.40s': no digits after the '.'", t);
        for (; k < 3; k++)
            ms *= 10;
    }
    if (p[0] != 'Z' || p[1] != '\0')
        return fail(err, n, "'%.40s' is not in UTC: it must end in Z (%s)", t, form);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || s > 59)
        return fail(err, n, "'%.40s' is not a valid date and time from 1970 on", t);
    *sec = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    if (canon != NULL)
        dsg_time_rfc3339_ms(canon, 32, *sec, (int64_t)ms * 1000000);
    return 0;
}
/* ---- retention pruning (REQ-LOG-007) ------------------------------------------------ */

/* What pruning removes from one source: records 1..to, `removed` rows. */
typedef struct prune_cut {
    const char *source;
    uint64_t to;
    uint64_t removed;
    uint8_t hash[32], mac[32];   /* record `to`'s chain values: where the rest links on */
} prune_cut;

int dsg_audit_prune_check(const dsg_audit_prune_req *q, char before[32], char *err, size_t n)
{
    int64_t cut, newest = q->now - (int64_t)q->retention_days * 86400;
    char limit[32];
    if (dsg_audit_time_parse(q->before, &cut, before, err, n) != 0)
        return -1;
    if (cut > q->now)
        return fail(err, n, "the cut %s is in the future: nothing removed", before);
    if (cut > newest) {
        dsg_time_rfc3339_ms(limit, sizeof limit, newest, 0);
        return fail(err, n, "the cut %s is younger than log.retention_days (%u days): the latest "
                    "cut allowed now is %s; nothing removed", before, q->retention_days, limit);
    }
    return 0;
}

/* One integer from sql with ?1 = source, ?2 = text or ?2 = number; *v
 * stays as it is when the result is NULL. */
static int query_u64(dsg_audit *a, const char *sql, const char *source, const char *text,
                     uint64_t num, uint64_t *v, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    if (text != NULL)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, (sqlite3_int64)num);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *v = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                                 : fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
}

static int chain_values_at(dsg_audit *a, prune_cut *c, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(a->db, "SELECT hash, mac FROM records WHERE source = ?1 AND seq = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, c->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)c->to);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32 &&
        sqlite3_column_bytes(st, 1) == 32) {
        memcpy(c->hash, sqlite3_column_blob(st, 0), 32);
        memcpy(c->mac, sqlite3_column_blob(st, 1), 32);
        ok = 1;
    }
    sqlite3_finalize(st);
    return ok ? 0 : fail(err, n, "record %llu of %s is missing or damaged: run dsgctl log "
                         "verify; nothing removed", (unsigned long long)c->to, c->source);
}

/* The records of s recorded before `before`, up to the first that is not:
 * a source keeps one unbroken run of records. */
static int plan_source(dsg_audit *a, const source_head *s, const char *before, prune_cut *c,
                       char *err, size_t n)
{
    uint64_t first_kept = s->seq + 1;
    memset(c, 0, sizeof *c);
    c->source = s->name;
    if (query_u64(a, "SELECT min(seq) FROM records WHERE source = ?1 AND recorded_at >= ?2",
                  s->name, before, 0, &first_kept, err, n) != 0)
        return -1;
    c->to = first_kept - 1;
    if (c->to == 0)
        return 0;
    if (query_u64(a, "SELECT count(*) FROM records WHERE source = ?1 AND seq <= ?2", s->name,
                  NULL, c->to, &c->removed, err, n) != 0)
        return -1;
    return c->removed > 0 ? chain_values_at(a, c, err, n) : 0;
}

static int delete_cut(dsg_audit *a, const prune_cut *c, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "DELETE FROM records WHERE source = ?1 AND seq <= ?2", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, c->source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)c->to);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(err, n, "audit.db: prune: %s", sqlite3_errmsg(a->db));
}

#define FIELD(k, v) { k, (const uint8_t *)(v), strlen(v) }

/* The prune record of one source; c NULL or c->removed 0: it lost nothing.
 * total: the count over all sources, in logd's record only. */
static int append_prune(dsg_audit *a, const char *source, const prune_cut *c,
                        const dsg_audit_prune_req *q, const char *before, const char *total,
                        char *err, size_t n)
{
    char removed[24], to[24], head[65], mac[65];
    dsg_audit_field f[10] = { FIELD("before", before), FIELD("trigger", q->trigger) };
    size_t k = 2;
    uint64_t seq = 0;
    snprintf(removed, sizeof removed, "%llu", (unsigned long long)(c != NULL ? c->removed : 0));
    f[k++] = (dsg_audit_field)FIELD("removed", removed);
    if (total != NULL)
        f[k++] = (dsg_audit_field)FIELD("total", total);
    if (c != NULL && c->removed > 0) {
        snprintf(to, sizeof to, "%llu", (unsigned long long)c->to);
        hex(c->hash, 32, head);
        hex(c->mac, 32, mac);
        f[k++] = (dsg_audit_field)FIELD("pruned_to", to);
        f[k++] = (dsg_audit_field)FIELD("head", head);
        f[k++] = (dsg_audit_field)FIELD("mac", mac);
    }
    if (q->uid != NULL)
        f[k++] = (dsg_audit_field)FIELD("uid", q->uid);
    if (q->pid != NULL)
        f[k++] = (dsg_audit_field)FIELD("pid", q->pid);
    if (q->admin != NULL)
        f[k++] = (dsg_audit_field)FIELD("admin", q->admin);
    return dsg_audit_append(a, source, DSG_AUDIT_TYPE_PRUNE, f, k, &seq, err, n);
}

/* Inside the batch: the rows go (the trigger that refuses DELETE is
 * lifted only within this transaction), then the prune records. */
static int remove_and_record(dsg_audit *a, const prune_cut *cuts, size_t nc,
                             const dsg_audit_prune_req *q, dsg_audit_prune_result *r,
                             char *err, size_t n)
{
    const prune_cut *own = NULL;
    char total[24];
    if (dsg_db_exec(a->db, "DROP TRIGGER records_no_delete", err, n) != 0)
        return -1;
    for (size_t i = 0; i < nc; i++) {
        if (delete_cut(a, &cuts[i], err, n) != 0)
            return -1;
        r->removed += cuts[i].removed;
    }
    if (dsg_db_exec(a->db, NO_DELETE_TRIGGER, err, n) != 0)
        return -1;
    for (size_t i = 0; i < nc; i++) {
        if (strcmp(cuts[i].source, "logd") == 0)
            own = &cuts[i];
        else if (append_prune(a, cuts[i].source, &cuts[i], q, r->before, NULL, err, n) != 0)
            return -1;
    }
    snprintf(total, sizeof total, "%llu", (unsigned long long)r->removed);
    return append_prune(a, "logd", own, q, r->before, total, err, n);
}

int dsg_audit_prune(dsg_audit *a, const dsg_audit_prune_req *q, dsg_audit_prune_result *r,
                    char *err, size_t errsize)
{
    static prune_cut cuts[DSG_AUDIT_SOURCES_MAX];
    size_t nc = 0;
    memset(r, 0, sizeof *r);
    if (a->in_batch)
        return fail(err, errsize, "a batch is open");
    if (q->trigger == NULL)
        return fail(err, errsize, "no trigger");
    if (dsg_audit_prune_check(q, r->before, err, errsize) != 0)
        return 1;
    /* everything that goes is under a signed checkpoint first */
    if (dsg_audit_checkpoint(a, err, errsize) != 0)
        return -1;
    for (size_t i = 0; i < a->nsources; i++) {
        if (plan_source(a, &a->src[i], r->before, &cuts[nc], err, errsize) != 0)
            return -1;
        nc += cuts[nc].removed > 0;
    }
    r->sources = (uint32_t)nc;
    if (dsg_audit_batch_begin(a, err, errsize) != 0)
        return -1;
    if (remove_and_record(a, cuts, nc, q, r, err, errsize) != 0) {
        dsg_audit_batch_abort(a);
        r->removed = 0;
        r->sources = 0;
        return -1;
    }
    if (dsg_audit_batch_commit(a, err, errsize) != 0) {
        r->removed = 0;
        r->sources = 0;
        return -1;
    }
    return dsg_audit_checkpoint(a, err, errsize);
}

int dsg_audit_has_older(dsg_audit *a, const char *before)
{
    sqlite3_stmt *st = NULL;
    int has = 0;
    /* only a source's first record counts: pruning stops at the first
     * record of a source that is not older */
    const char *sql = "SELECT EXISTS (SELECT 1 FROM records r WHERE r.recorded_at < ?1 AND "
                      "r.seq = (SELECT min(seq) FROM records WHERE source = r.source))";
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            has = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return has;
}
uint64_t dsg_audit_count_between(dsg_audit *a, const char *from, const char *to)
{
    sqlite3_stmt *st = NULL;
    uint64_t n = 0;
    const char *sql = "SELECT count(*) FROM records WHERE recorded_at >= ?1 AND recorded_at < ?2";
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* ---- after a restore (REQ-LOG-046): logd's side ----------------------------------- */

/* What dsgctl log restore left for logd: who restored, when, and where
 * the database it replaced was kept. */
typedef struct restore_marker {
    char uid[24], pid[24], requested_at[32], set_aside[80];
} restore_marker;

#define MARKER_MAGIC "dsg-restore-1\n"

/* The value of the line "key value" of text into out: 0, or -1 when it
 * is missing, empty, too long or not printable ASCII. */
static int marker_value(const char *text, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key), len = 0;
    const char *p = text;
    while (p != NULL && !(strncmp(p, key, kl) == 0 && p[kl] == ' ')) {
        p = strchr(p, '\n');
        p = p != NULL ? p + 1 : NULL;
    }
    if (p == NULL)
        return -1;
    for (p += kl + 1; p[len] != '\n' && p[len] != '\0'; len++)
        if (p[len] < 0x21 || p[len] > 0x7e)
            return -1;
    if (len == 0 || len >= cap)
        return -1;
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

static int read_marker(const char *dir, restore_marker *m, int *present, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    int missing = 0;
    *present = 0;
    if (path_of(path, dir, MARKER) != 0)
        return fail(err, n, "path too long");
    if (read_file(path, 4096, &buf, &len, &missing) != 0)
        return missing ? 0 : fail(err, n, "%s: %s", path, strerror(errno));
    const char *t = (const char *)buf;
    int ok = strncmp(t, MARKER_MAGIC, strlen(MARKER_MAGIC)) == 0 &&
             marker_value(t, "uid", m->uid, sizeof m->uid) == 0 &&
             marker_value(t, "pid", m->pid, sizeof m->pid) == 0 &&
             marker_value(t, "requested_at", m->requested_at, sizeof m->requested_at) == 0 &&
             marker_value(t, "set_aside", m->set_aside, sizeof m->set_aside) == 0;
    free(buf);
    *present = 1;
    return ok ? 0 : fail(err, n, "%s is damaged: run dsgctl log restore again", path);
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int remove_marker(const char *dir, char *err, size_t n)
{
    char path[PATH_CAP];
    if (path_of(path, dir, MARKER) != 0 || unlink(path) != 0 || fsync_dir(dir) != 0)
        return fail(err, n, "%s: cannot remove: %s", path, strerror(errno));
    return 0;
}

/* recorded_at of record seq of source into out. */
static int time_of_record(dsg_audit *a, const char *source, uint64_t seq, char out[32],
                          char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(a->db, "SELECT recorded_at FROM records WHERE source = ?1 AND "
                                  "seq = ?2", -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
        snprintf(out, 32, "%s", (const char *)sqlite3_column_text(st, 0));
        ok = 1;
    }
    sqlite3_finalize(st);
    return ok ? 0 : fail(err, n, "record %llu of %s is missing", (unsigned long long)seq, source);
}

/* The restore record of a source whose records end before its last
 * checkpoint: chained to the restored head, numbered after the
 * checkpoint, so that no new record takes a number a checkpoint signed. */
static int append_restore(dsg_audit *a, source_head *s, const restore_marker *m, char *err,
                          size_t n)
{
    char to[24], head[65], at[32] = "", lost[24], lost_head[65], lost_time[32];
    dsg_audit_field f[10];
    size_t k = 0;
    uint64_t seq = 0;
    if (s->seq > 0 && time_of_record(a, s->name, s->seq, at, err, n) != 0)
        return -1;
    snprintf(to, sizeof to, "%llu", (unsigned long long)s->seq);
    snprintf(lost, sizeof lost, "%llu", (unsigned long long)s->anchored);
    snprintf(lost_time, sizeof lost_time, "%s", s->anchored_time);
    hex(s->hash, 32, head);
    hex(s->anchored_head, 32, lost_head);
    f[k++] = (dsg_audit_field)FIELD("restored_to", to);
    f[k++] = (dsg_audit_field)FIELD("restored_head", head);
    if (at[0] != '\0')
        f[k++] = (dsg_audit_field)FIELD("restored_time", at);
    f[k++] = (dsg_audit_field)FIELD("lost_to", lost);
    f[k++] = (dsg_audit_field)FIELD("lost_head", lost_head);
    f[k++] = (dsg_audit_field)FIELD("lost_time", lost_time);
    f[k++] = (dsg_audit_field)FIELD("set_aside", m->set_aside);
    f[k++] = (dsg_audit_field)FIELD("requested_at", m->requested_at);
    f[k++] = (dsg_audit_field)FIELD("uid", m->uid);
    f[k++] = (dsg_audit_field)FIELD("pid", m->pid);
    s->seq = s->anchored;   /* the batch puts it back if the record is not stored */
    return dsg_audit_append(a, s->name, DSG_AUDIT_TYPE_RESTORE, f, k, &seq, err, n);
}

static const source_head *first_behind(const dsg_audit *a)
{
    for (size_t i = 0; i < a->nsources; i++)
        if (a->src[i].seq < a->src[i].anchored)
            return &a->src[i];
    return NULL;
}

/* One transaction for every source that lost records: after a crash, the
 * sources no longer lie behind their checkpoints, so nothing is appended
 * twice; the checkpoint and the marker's removal are simply done again. */
static int append_restores(dsg_audit *a, const restore_marker *m, char *err, size_t n)
{
    if (dsg_audit_batch_begin(a, err, n) != 0)
        return -1;
    for (size_t i = 0; i < a->nsources; i++) {
        source_head *s = &a->src[i];
        if (s->seq >= s->anchored)
            continue;
        if (append_restore(a, s, m, err, n) != 0) {
            dsg_audit_batch_abort(a);
            a->restored = 0;
            return -1;
        }
        a->restored++;
    }
    return dsg_audit_batch_commit(a, err, n);
}

static int resume_after_restore(dsg_audit *a, char *err, size_t n)
{
    restore_marker m;
    int present = 0;
    const source_head *behind = first_behind(a);
    if (read_marker(a->dir, &m, &present, err, n) != 0)
        return -1;
    if (!present && behind != NULL)
        return fail(err, n, "audit.db ends at record %llu of %s but anchor.log signs records up "
                    "to %llu: records were lost outside 'dsgctl log restore' (run dsgctl log "
                    "verify --offline); refusing to append", (unsigned long long)behind->seq,
                    behind->name, (unsigned long long)behind->anchored);
    if (!present)
        return 0;
    if (behind != NULL && append_restores(a, &m, err, n) != 0)
        return -1;
    if (dsg_audit_checkpoint(a, err, n) != 0)
        return -1;
    return remove_marker(a->dir, err, n);
}

/* ---- verification ------------------------------------------------------------------ */

const char *dsg_audit_break_token(dsg_audit_break_kind k)
{
    static const char *const t[] = { "edited", "deleted", "inserted", "reordered", "truncated",
                                     "bad signature" };
    return (unsigned)k < sizeof t / sizeof t[0] ? t[k] : "unknown";
}

static void add_break(dsg_audit_report *r, const char *source, uint64_t seq,
                      dsg_audit_break_kind kind, uint64_t cp, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void add_break(dsg_audit_report *r, const char *source, uint64_t seq,
                      dsg_audit_break_kind kind, uint64_t cp, const char *fmt, ...)
{
    if (r->nbreaks < DSG_AUDIT_BREAKS_MAX) {
        dsg_audit_break *b = &r->breaks[r->nbreaks];
        va_list ap;
        snprintf(b->source, sizeof b->source, "%s", source);
        b->seq = seq;
        b->kind = kind;
        b->checkpoint = cp;
        va_start(ap, fmt);
        vsnprintf(b->detail, sizeof b->detail, fmt, ap);
        va_end(ap);
    }
    r->nbreaks++;
}

/* The checkpoints whose signature holds, per source, ascending. */
typedef struct cp_list {
    char source[DSG_ANCHOR_SOURCE_MAX + 1];
    size_t n, cap;
    dsg_anchor *cp;
} cp_list;

typedef struct verifier {
    struct sqlite3 *db;
    EVP_PKEY *pub;
    const uint8_t *key;      /* chain key or NULL */
    dsg_audit_report *r;
    size_t nlists;
    cp_list lists[DSG_AUDIT_SOURCES_MAX];
} verifier;

static cp_list *cp_list_for(verifier *v, const char *source)
{
    for (size_t i = 0; i < v->nlists; i++)
        if (strcmp(v->lists[i].source, source) == 0)
            return &v->lists[i];
    if (v->nlists >= DSG_AUDIT_SOURCES_MAX)
        return NULL;
    cp_list *l = &v->lists[v->nlists++];
    memset(l, 0, sizeof *l);
    snprintf(l->source, sizeof l->source, "%s", source);
    return l;
}

static int cp_add(cp_list *l, const dsg_anchor *a)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        dsg_anchor *p = realloc(l->cp, cap * sizeof *p);
        if (p == NULL)
            return -1;
        l->cp = p;
        l->cap = cap;
    }
    l->cp[l->n++] = *a;
    return 0;
}

/* Reads anchor.log: a line that does not parse or whose signature fails
 * is a break (bad signature); the others are kept per source. */
static int read_anchors(verifier *v, const char *dir, char *err, size_t n)
{
    char path[PATH_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    int missing = 0;
    if (path_of(path, dir, ANCHOR) != 0)
        return fail(err, n, "path too long");
    if (read_file(path, ANCHOR_FILE_MAX, &buf, &len, &missing) != 0)
        return missing ? 0 : fail(err, n, "%s: %s", path, strerror(errno));
    size_t pos = 0, lineno = 0;
    while (pos < len) {
        const uint8_t *lf = memchr(buf + pos, '\n', len - pos);
        size_t end = lf != NULL ? (size_t)(lf - buf) : len;
        dsg_anchor a;
        lineno++;
        dsg_anchor_status st = lf == NULL ? DSG_ANCHOR_TRAILING
                                          : dsg_anchor_parse((const char *)buf + pos, end - pos, &a);
        if (st != DSG_ANCHOR_OK) {
            add_break(v->r, "-", 0, DSG_AUDIT_BAD_SIGNATURE, 0,
                      "anchor.log line %zu is not a checkpoint (%s)", lineno,
                      lf == NULL ? "no final newline" : dsg_anchor_status_token(st));
        } else if (!ed25519_verify(v->pub, (const char *)buf + pos, a.signed_len, a.sig)) {
            add_break(v->r, a.source, a.seq, DSG_AUDIT_BAD_SIGNATURE, a.seq,
                      "anchor.log line %zu: the signature of checkpoint %llu does not verify "
                      "with this public key", lineno, (unsigned long long)a.seq);
        } else {
            cp_list *l = cp_list_for(v, a.source);
            if (l == NULL || cp_add(l, &a) != 0) {
                free(buf);
                return fail(err, n, "too many sources or out of memory");
            }
            v->r->checkpoints++;
        }
        pos = end + 1;
    }
    free(buf);
    return 0;
}

/* Walking one source's rows in sequence order (docs/audit.md, "Verify"). */
typedef struct walk {
    const char *source;
    cp_list *cps;
    size_t ci;                 /* next checkpoint to meet */
    uint64_t expect;           /* the sequence number the next row should have */
    uint64_t last;             /* the last row's sequence number */
    uint64_t good_cp;          /* the last checkpoint that matched */
    uint8_t hash[32], mac[32]; /* the previous row's stored chain values */
    int resync;                /* the previous row was out of place: skip link checks */
    uint64_t displaced;        /* rows carry records this many places later (insertion) */
    uint64_t swap_with;        /* a row reported reordered expects its partner here */
    uint64_t mac_bad;          /* a row whose MAC failed, judged at the next row */
    uint8_t mac_bad_value[32];
    uint64_t pruned_to;        /* records 1..pruned_to were removed by pruning */
    uint64_t top;              /* the source's last checkpoint */
} walk;

typedef struct row {
    uint64_t seq;
    const uint8_t *body;
    size_t len;
    const uint8_t *hash, *mac;
} row;

/* A MAC failure at row k is an edit when row k + 1's MAC links to the
 * stored MAC of k (the MAC is genuine, the record was changed), an
 * insertion otherwise (the row was made up). */
static void judge_mac(verifier *v, walk *w, const row *next)
{
    if (w->mac_bad == 0)
        return;
    uint8_t m[32];
    int links = next != NULL && hmac_2(v->key, w->mac_bad_value, 32, next->body, next->len, m) == 0 &&
                memcmp(m, next->mac, 32) == 0;
    if (links)
        add_break(v->r, w->source, w->mac_bad, DSG_AUDIT_EDITED, 0,
                  "the MAC does not match the record (its hash chain was recomputed)");
    else
        add_break(v->r, w->source, w->mac_bad, DSG_AUDIT_INSERTED, 0,
                  "the record's MAC was not made with the chain key");
    w->mac_bad = 0;
}

/* A row whose record is not the one its place expects. Returns 1 when it
 * is part of a break already reported. */
static int out_of_place(verifier *v, walk *w, const row *rw, const dsg_aenc_record *rec,
                        int same_source)
{
    uint64_t s = rec->seq;
    if (same_source && s < rw->seq && w->swap_with == s) {
        w->swap_with = 0;   /* the other half of a swap */
        return 1;
    }
    if (same_source && s < rw->seq && w->displaced == rw->seq - s)
        return 1;           /* still shifted by the same insertion */
    if (!same_source || s > rw->seq) {
        add_break(v->r, w->source, rw->seq, DSG_AUDIT_REORDERED, 0,
                  "the row holds the record %s seq %llu", same_source ? "of" : "of another source,",
                  (unsigned long long)s);
        w->swap_with = rw->seq;
        return 1;
    }
    add_break(v->r, w->source, s, DSG_AUDIT_INSERTED, 0,
              "record %llu found at seq %llu: %llu record(s) inserted before it",
              (unsigned long long)s, (unsigned long long)rw->seq,
              (unsigned long long)(rw->seq - s));
    w->displaced = rw->seq - s;
    return 1;
}

/* The checkpoints at or before this row. */
static void meet_checkpoints(verifier *v, walk *w, const row *rw, int row_bad)
{
    while (w->ci < w->cps->n && w->cps->cp[w->ci].seq <= rw->seq) {
        const dsg_anchor *c = &w->cps->cp[w->ci++];
        if (c->seq < rw->seq || row_bad)
            continue;   /* a missing or broken row: reported already */
        if (memcmp(c->head, rw->hash, 32) == 0) {
            w->good_cp = c->seq;
            continue;
        }
        add_break(v->r, w->source, w->good_cp + 1, DSG_AUDIT_EDITED, c->seq,
                  "records %llu..%llu were rewritten: checkpoint %llu signs another chain head",
                  (unsigned long long)(w->good_cp + 1), (unsigned long long)c->seq,
                  (unsigned long long)c->seq);
        w->good_cp = c->seq;
    }
}

/* The value of field `name` of a decoded record: 1 and p/len, or 0. */
static int rec_field(const dsg_aenc_record *r, const char *name, const uint8_t **p, size_t *len)
{
    size_t nl = strlen(name);
    for (uint32_t i = 2; i + 1 < r->nitems; i += 2)
        if (r->item[i].len == nl && memcmp(r->item[i].p, name, nl) == 0) {
            *p = r->item[i + 1].p;
            *len = r->item[i + 1].len;
            return 1;
        }
    return 0;
}

static int unhex32(const uint8_t *p, size_t len, uint8_t out[32])
{
    if (len != 64)
        return -1;
    for (size_t i = 0; i < 64; i++) {
        int c = p[i], v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        out[i / 2] = (uint8_t)(i % 2 ? (out[i / 2] << 4) | v : v);
    }
    return 0;
}

/* A decimal field of a decoded record: 0, or -1. */
static int rec_u64(const dsg_aenc_record *r, const char *name, uint64_t *v)
{
    const uint8_t *p;
    size_t len;
    char num[24];
    char *end;
    if (!rec_field(r, name, &p, &len) || len == 0 || len >= sizeof num || p[0] < '0' ||
        p[0] > '9')
        return -1;
    memcpy(num, p, len);
    num[len] = '\0';
    errno = 0;
    *v = strtoull(num, &end, 10);
    return *end == '\0' && errno == 0 ? 0 : -1;
}

/* A 64-hex-digit field of a decoded record: 0, or -1. */
static int rec_hex32(const dsg_aenc_record *r, const char *name, uint8_t out[32])
{
    const uint8_t *p;
    size_t len;
    return rec_field(r, name, &p, &len) && unhex32(p, len, out) == 0 ? 0 : -1;
}

/* A field's text (at most 31 bytes, "" when absent) for the report. */
static void rec_text(const dsg_aenc_record *r, const char *name, char out[32])
{
    const uint8_t *p = NULL;
    size_t len = 0;
    out[0] = '\0';
    if (!rec_field(r, name, &p, &len))
        return;
    len = len < 31 ? len : 31;
    for (size_t i = 0; i < len; i++)
        out[i] = p[i] != 0 ? (char)p[i] : '?';
    out[len] = '\0';
}

/* Whether a checkpoint whose signature holds signs head at seq. */
static int signed_head(const cp_list *l, uint64_t seq, const uint8_t head[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (l->cp[i].seq == seq && memcmp(l->cp[i].head, head, 32) == 0)
            return 1;
    return 0;
}

static void add_gap(dsg_audit_report *r, const char *source, uint64_t first, uint64_t last,
                    const dsg_aenc_record *rec)
{
    if (r->ngaps < DSG_AUDIT_GAPS_MAX) {
        dsg_audit_gap *g = &r->gaps[r->ngaps];
        snprintf(g->source, sizeof g->source, "%s", source);
        g->first = first;
        g->last = last;
        g->at = rec->seq;
        size_t len = rec->item[1].len < 31 ? rec->item[1].len : 31;
        memcpy(g->restored_on, rec->item[1].p, len);
        g->restored_on[len] = '\0';
        rec_text(rec, "restored_time", g->from);
        rec_text(rec, "lost_time", g->to);
    }
    r->ngaps++;
}

/* The gap a restore left (REQ-LOG-046), accepted when row rw is a restore
 * record that a checkpoint covers, names the row before it as the
 * restored head and the numbers in between as lost, names as the lost
 * head what a checkpoint signed at the last lost number, and links to the
 * restored head. Then the gap is reported and 1 returned; 0 otherwise
 * (the missing records are a deletion). */
static int restore_gap(verifier *v, walk *w, const row *rw)
{
    dsg_aenc_record rec;
    uint64_t to = 0, lost = 0;
    uint8_t head[32], lost_head[32], h[32];
    if (w->resync || rw->seq > w->top || dsg_aenc_decode(rw->body, rw->len, &rec) != 0 ||
        rec.type != DSG_AUDIT_TYPE_RESTORE || rec.seq != rw->seq ||
        rec.item[0].len != strlen(w->source) ||
        memcmp(rec.item[0].p, w->source, rec.item[0].len) != 0)
        return 0;
    if (rec_u64(&rec, "restored_to", &to) != 0 || rec_u64(&rec, "lost_to", &lost) != 0 ||
        rec_hex32(&rec, "restored_head", head) != 0 || rec_hex32(&rec, "lost_head", lost_head) != 0)
        return 0;
    if (to + 1 != w->expect || lost + 1 != rw->seq || memcmp(head, w->hash, 32) != 0 ||
        !signed_head(w->cps, lost, lost_head))
        return 0;
    if (sha256_2(w->hash, 32, rw->body, rw->len, h) != 0 || memcmp(h, rw->hash, 32) != 0)
        return 0;
    add_gap(v->r, w->source, w->expect, lost, &rec);
    return 1;
}

static void check_row(verifier *v, walk *w, const row *rw)
{
    dsg_aenc_record rec;
    int bad = 0, skip_links = w->resync;
    uint8_t h[32], m[32];

    if (v->key != NULL)
        judge_mac(v, w, rw);
    if (rw->seq > w->expect && w->displaced == 0 && !restore_gap(v, w, rw)) {
        add_break(v->r, w->source, w->expect, DSG_AUDIT_DELETED, 0,
                  "records %llu..%llu are missing", (unsigned long long)w->expect,
                  (unsigned long long)(rw->seq - 1));
        skip_links = 1;
    }
    if (dsg_aenc_decode(rw->body, rw->len, &rec) != 0) {
        add_break(v->r, w->source, rw->seq, DSG_AUDIT_EDITED, 0,
                  "the stored record is not a canonical encoding");
        bad = 1;
    } else {
        int same = rec.item[0].len == strlen(w->source) &&
                   memcmp(rec.item[0].p, w->source, rec.item[0].len) == 0;
        if (!same || rec.seq != rw->seq)
            bad = out_of_place(v, w, rw, &rec, same);
        else
            w->displaced = 0;
    }
    if (!bad && !skip_links) {
        if (sha256_2(w->hash, 32, rw->body, rw->len, h) != 0 || memcmp(h, rw->hash, 32) != 0) {
            add_break(v->r, w->source, rw->seq, DSG_AUDIT_EDITED, 0,
                      "the record does not match its hash");
            bad = 2;   /* the stored hash is the original: the chain goes on */
        } else if (v->key != NULL &&
                   (hmac_2(v->key, w->mac, 32, rw->body, rw->len, m) != 0 ||
                    memcmp(m, rw->mac, 32) != 0)) {
            w->mac_bad = rw->seq;
            memcpy(w->mac_bad_value, rw->mac, 32);
        }
    }
    meet_checkpoints(v, w, rw, bad == 1);
    memcpy(w->hash, rw->hash, 32);
    memcpy(w->mac, rw->mac, 32);
    w->resync = bad == 1;
    w->expect = rw->seq + 1;
    w->last = rw->seq;
}

/* A prune record's pruned_to, head and mac: 0, or -1 when it has none. */
static int prune_point(const dsg_aenc_record *r, uint64_t *to, uint8_t hash[32], uint8_t mac[32])
{
    const uint8_t *p;
    size_t len;
    char num[24];
    char *end;
    if (r->type != DSG_AUDIT_TYPE_PRUNE || !rec_field(r, "pruned_to", &p, &len) || len == 0 ||
        len >= sizeof num)
        return -1;
    memcpy(num, p, len);
    num[len] = '\0';
    *to = strtoull(num, &end, 10);
    if (*end != '\0' || *to == 0 || *to >= r->seq)
        return -1;
    if (!rec_field(r, "head", &p, &len) || unhex32(p, len, hash) != 0 ||
        !rec_field(r, "mac", &p, &len) || unhex32(p, len, mac) != 0)
        return -1;
    return 0;
}

/* Where a source's chain starts: after the records its latest prune
 * record (REQ-LOG-007) says were removed, linking on to that record's
 * chain values; at 1 otherwise. A prune record after the source's last
 * checkpoint (`top`) is not trusted: no signature covers it yet, and one
 * made up there could hide records deleted at the start. */
static int prune_start(verifier *v, walk *w, uint64_t top, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(v->db, "SELECT seq, body FROM records WHERE source = ?1 AND type = ?2 "
                                  "AND seq <= ?3 ORDER BY seq DESC", -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(v->db));
    sqlite3_bind_text(st, 1, w->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, DSG_AUDIT_TYPE_PRUNE);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)top);
    while (sqlite3_step(st) == SQLITE_ROW) {
        dsg_aenc_record rec;
        uint64_t to;
        const uint8_t *body = sqlite3_column_blob(st, 1);
        if (body == NULL ||
            dsg_aenc_decode(body, (size_t)sqlite3_column_bytes(st, 1), &rec) != 0 ||
            rec.seq != (uint64_t)sqlite3_column_int64(st, 0) ||
            prune_point(&rec, &to, w->hash, w->mac) != 0)
            continue;   /* a damaged one is reported by the walk */
        w->expect = to + 1;
        w->pruned_to = to;
        w->good_cp = to;
        break;
    }
    sqlite3_finalize(st);
    return 0;
}

static int walk_source(verifier *v, const char *source, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    walk w;
    cp_list empty;
    memset(&w, 0, sizeof w);
    memset(&empty, 0, sizeof empty);
    w.source = source;
    w.expect = 1;
    w.cps = cp_list_for(v, source);
    if (w.cps == NULL)
        w.cps = &empty;
    uint64_t top = w.cps->n > 0 ? w.cps->cp[w.cps->n - 1].seq : 0;
    w.top = top;
    if (prune_start(v, &w, top, err, n) != 0)
        return -1;
    if (sqlite3_prepare_v2(v->db, "SELECT seq, body, hash, mac FROM records WHERE source = ? "
                                  "ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(v->db));
    sqlite3_bind_text(st, 1, source, -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row rw;
        rw.seq = (uint64_t)sqlite3_column_int64(st, 0);
        rw.body = sqlite3_column_blob(st, 1);
        rw.len = (size_t)sqlite3_column_bytes(st, 1);
        rw.hash = sqlite3_column_blob(st, 2);
        rw.mac = sqlite3_column_blob(st, 3);
        if (rw.body == NULL || rw.hash == NULL || rw.mac == NULL ||
            sqlite3_column_bytes(st, 2) != 32 || sqlite3_column_bytes(st, 3) != 32) {
            static const uint8_t zero[32];
            add_break(v->r, source, rw.seq, DSG_AUDIT_EDITED, 0, "the row's columns are damaged");
            rw.body = rw.body != NULL ? rw.body : zero;
            rw.hash = zero;
            rw.mac = zero;
        }
        v->r->records++;
        check_row(v, &w, &rw);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(v->db));
    if (v->key != NULL)
        judge_mac(v, &w, NULL);
    if (top > w.last)
        add_break(v->r, source, w.last + 1, DSG_AUDIT_TRUNCATED, top,
                  "truncated after seq %llu: checkpoint %llu signs records the database does "
                  "not have", (unsigned long long)w.last, (unsigned long long)top);
    else
        v->r->unanchored += w.last - top;
    return 0;
}

static int walk_all(verifier *v, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    char names[DSG_AUDIT_SOURCES_MAX][DSG_ANCHOR_SOURCE_MAX + 1];
    size_t count = 0;
    if (sqlite3_prepare_v2(v->db, "SELECT DISTINCT source FROM records ORDER BY source", -1, &st,
                           NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(v->db));
    while (sqlite3_step(st) == SQLITE_ROW && count < DSG_AUDIT_SOURCES_MAX) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        snprintf(names[count++], sizeof names[0], "%s", s != NULL ? s : "");
    }
    sqlite3_finalize(st);
    /* sources known only from checkpoints: every record of theirs is gone */
    for (size_t i = 0; i < v->nlists && count < DSG_AUDIT_SOURCES_MAX; i++) {
        size_t k = 0;
        while (k < count && strcmp(names[k], v->lists[i].source) != 0)
            k++;
        if (k == count)
            snprintf(names[count++], sizeof names[0], "%s", v->lists[i].source);
    }
    v->r->sources = (uint32_t)count;
    for (size_t i = 0; i < count; i++)
        if (walk_source(v, names[i], err, n) != 0)
            return -1;
    return 0;
}

int dsg_audit_verify(const char *dir, const char *pub, size_t publen, const uint8_t *chain_key,
                     dsg_audit_report *r, char *err, size_t errsize)
{
    char path[PATH_CAP];
    verifier *v = calloc(1, sizeof *v);
    int rc = -1;
    memset(r, 0, sizeof *r);
    if (v == NULL)
        return fail(err, errsize, "out of memory");
    v->r = r;
    v->key = chain_key;
    r->tail_checked = chain_key != NULL;
    v->pub = pubkey_from_pem(pub, publen);
    if (v->pub == NULL) {
        fail(err, errsize, "the public key is not an Ed25519 public key in PEM");
        goto out;
    }
    if (path_of(path, dir, DB_NAME) != 0 ||
        dsg_db_open_readonly_from(path, SCHEMA_OLDEST, SCHEMA_VERSION, &v->db, err, errsize) != 0)
        goto out;
    if (read_anchors(v, dir, err, errsize) != 0 || walk_all(v, err, errsize) != 0)
        goto out;
    rc = 0;
out:
    for (size_t i = 0; i < v->nlists; i++)
        free(v->lists[i].cp);
    dsg_db_close(v->db);
    EVP_PKEY_free(v->pub);
    free(v);
    return rc;
}

/* ---- restore (REQ-LOG-046): dsgctl's side ------------------------------------------- */

static int refuse(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A refusal: nothing was changed. */
static int refuse(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (n > 0) {
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return 1;
}

/* The last record of each source of a database. */
typedef struct db_head {
    char name[DSG_ANCHOR_SOURCE_MAX + 1];
    uint64_t seq;
    uint8_t hash[32];
} db_head;

typedef struct restore_check {
    verifier v;
    uint8_t key[32];           /* dir's chain key */
    size_t nheads;
    db_head heads[DSG_AUDIT_SOURCES_MAX];
    struct sqlite3 *current;   /* dir's audit.db, when it can be read */
} restore_check;

static size_t read_heads(struct sqlite3 *db, db_head *h, size_t cap)
{
    sqlite3_stmt *st = NULL;
    size_t k = 0;
    const char *sql = "SELECT r.source, r.seq, r.hash FROM records r "
                      "WHERE r.seq = (SELECT max(seq) FROM records WHERE source = r.source)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    while (k < cap && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (name == NULL || sqlite3_column_bytes(st, 2) != 32)
            continue;
        snprintf(h[k].name, sizeof h[k].name, "%s", name);
        h[k].seq = (uint64_t)sqlite3_column_int64(st, 1);
        memcpy(h[k].hash, sqlite3_column_blob(st, 2), 32);
        k++;
    }
    sqlite3_finalize(st);
    return k;
}

/* The chain value of record seq of source in db: 1 and hash, 0 when the
 * row is not there. */
static int hash_at(struct sqlite3 *db, const char *source, uint64_t seq, uint8_t hash[32])
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM records WHERE source = ?1 AND seq = ?2", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
        memcpy(hash, sqlite3_column_blob(st, 0), 32);
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

static uint64_t last_checkpoint(verifier *v, const char *source)
{
    for (size_t i = 0; i < v->nlists; i++)
        if (strcmp(v->lists[i].source, source) == 0 && v->lists[i].n > 0)
            return v->lists[i].cp[v->lists[i].n - 1].seq;
    return 0;
}

static int has_checkpoint_at(verifier *v, const char *source, uint64_t seq)
{
    for (size_t i = 0; i < v->nlists; i++)
        if (strcmp(v->lists[i].source, source) == 0)
            for (size_t k = 0; k < v->lists[i].n; k++)
                if (v->lists[i].cp[k].seq == seq)
                    return 1;
    return 0;
}

static int nonempty_file(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > 0);
}

/* Nothing pending, dsgd stopped, the copy there. */
static int restore_preconditions(const dsg_audit_restore_req *q, char *err, size_t n)
{
    char path[PATH_CAP];
    struct stat st;
    if (stat(q->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, n, "%s: not a directory", q->dir);
    if (path_of(path, q->dir, MARKER) != 0)
        return fail(err, n, "path too long");
    if (lstat(path, &st) == 0)
        return refuse(err, n, "a restore is already pending (%s): start dsgd to complete it; "
                      "nothing changed", path);
    if (path_of(path, q->dir, DB_NAME "-wal") != 0)
        return fail(err, n, "path too long");
    if (lstat(path, &st) == 0)
        return refuse(err, n, "%s exists: dsgd is running or did not stop cleanly; stop dsgd "
                      "(or start and stop it once) first; nothing changed", path);
    if (stat(q->copy, &st) != 0)
        return fail(err, n, "%s: %s; nothing changed", q->copy, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return refuse(err, n, "%s is not a regular file: not an audit store; nothing changed",
                      q->copy);
    snprintf(path, sizeof path, "%s-wal", q->copy);
    if (nonempty_file(path))
        return refuse(err, n, "%s has a write-ahead log %s: make the copy with sqlite3 %s "
                      "'.backup FILE' instead; nothing changed", q->copy, path, q->copy);
    return 0;
}

/* The copy verifies under dir's keys and anchor.log; the only break
 * allowed is that it ends before the checkpoints (that is what a restore
 * loses). */
static int check_copy_chains(const dsg_audit_restore_req *q, restore_check *c, char *err,
                             size_t n)
{
    static char pub[16384];
    uint8_t *buf = NULL;
    size_t len = 0;
    int missing = 0, rc;
    char path[PATH_CAP], why[512];
    if (dsg_audit_pubkey_pem(q->dir, pub, sizeof pub, err, n) != 0)
        return -1;
    if (path_of(path, q->dir, CHAIN_KEY) != 0 ||
        read_key_file(path, 64, 0, &buf, &len, &missing, err, n) != 0)
        return -1;
    if (len != 32) {
        OPENSSL_cleanse(buf, len);
        free(buf);
        return fail(err, n, "%s: %zu bytes, a chain key has 32", path, len);
    }
    memcpy(c->key, buf, 32);
    OPENSSL_cleanse(buf, len);
    free(buf);
    c->v.key = c->key;
    c->v.pub = pubkey_from_pem(pub, strlen(pub));
    if (c->v.pub == NULL)
        return fail(err, n, "%s: no Ed25519 public key", q->dir);
    if (dsg_db_open_readonly_from(q->copy, SCHEMA_OLDEST, SCHEMA_VERSION, &c->v.db, why,
                                  sizeof why) != 0)
        return refuse(err, n, "%s is not an audit store (%s); nothing changed", q->copy, why);
    if (read_anchors(&c->v, q->dir, err, n) != 0)
        return -1;
    rc = walk_all(&c->v, why, sizeof why);
    if (rc != 0)
        return refuse(err, n, "%s is not an audit store (%s); nothing changed", q->copy, why);
    for (uint32_t i = 0; i < c->v.r->nbreaks && i < DSG_AUDIT_BREAKS_MAX; i++) {
        const dsg_audit_break *b = &c->v.r->breaks[i];
        if (b->kind != DSG_AUDIT_TRUNCATED)
            return refuse(err, n, "%s does not verify against the keys and checkpoints of %s "
                          "(another store's copy, or altered): source %s seq %llu %s: %s; "
                          "nothing changed", q->copy, q->dir, b->source,
                          (unsigned long long)b->seq, dsg_audit_break_token(b->kind), b->detail);
    }
    return 0;
}

/* Every record of the copy lies in the signed history: no source goes
 * past its last checkpoint, and a head no checkpoint signs is the same
 * record as the current store's of that number, when it has it. */
static int check_copy_is_ancestor(const dsg_audit_restore_req *q, restore_check *c, char *err,
                                  size_t n)
{
    uint8_t h[32];
    c->nheads = read_heads(c->v.db, c->heads, DSG_AUDIT_SOURCES_MAX);
    for (size_t i = 0; i < c->nheads; i++) {
        const db_head *d = &c->heads[i];
        uint64_t top = last_checkpoint(&c->v, d->name);
        if (d->seq > top)
            return refuse(err, n, "%s holds records of %s up to %llu but the last checkpoint "
                          "signs %llu: the copy is newer than the signed history of %s, a "
                          "substitution, not a restore; nothing changed", q->copy, d->name,
                          (unsigned long long)d->seq, (unsigned long long)top, q->dir);
        if (c->current != NULL && !has_checkpoint_at(&c->v, d->name, d->seq) &&
            hash_at(c->current, d->name, d->seq, h) && memcmp(h, d->hash, 32) != 0)
            return refuse(err, n, "record %llu of %s in %s differs from the one in %s: the copy "
                          "diverges from the signed history, a substitution, not a restore; "
                          "nothing changed", (unsigned long long)d->seq, d->name, q->copy, q->dir);
    }
    return 0;
}

/* The current store: no records after the last checkpoint (what a clean
 * stop leaves). One that cannot be read is what a restore is for. */
static int check_current(const dsg_audit_restore_req *q, restore_check *c, char *err, size_t n)
{
    static db_head cur[DSG_AUDIT_SOURCES_MAX];
    char path[PATH_CAP], why[512];
    if (path_of(path, q->dir, DB_NAME) != 0)
        return fail(err, n, "path too long");
    if (access(path, F_OK) != 0 ||
        dsg_db_open_readonly_from(path, SCHEMA_OLDEST, SCHEMA_VERSION, &c->current, why,
                                  sizeof why) != 0)
        return 0;
    size_t k = read_heads(c->current, cur, DSG_AUDIT_SOURCES_MAX);
    for (size_t i = 0; i < k; i++) {
        uint64_t top = last_checkpoint(&c->v, cur[i].name);
        if (cur[i].seq > top)
            return refuse(err, n, "%s holds records of %s after its last checkpoint (%llu > %llu):"
                          " dsgd did not stop cleanly; start and stop dsgd once, then restore; "
                          "nothing changed", path, cur[i].name, (unsigned long long)cur[i].seq,
                          (unsigned long long)top);
    }
    return 0;
}

static void count_lost(restore_check *c, dsg_audit_restore_result *r)
{
    for (size_t i = 0; i < c->v.nlists; i++) {
        const cp_list *l = &c->v.lists[i];
        uint64_t have = 0, top = l->n > 0 ? l->cp[l->n - 1].seq : 0;
        for (size_t k = 0; k < c->nheads; k++)
            if (strcmp(c->heads[k].name, l->source) == 0)
                have = c->heads[k].seq;
        if (top > have) {
            r->sources++;
            r->lost += top - have;
        }
    }
}

/* src copied to dst (created, mode 0600, owner uid:gid), synced. */
static int copy_file(const char *src, const char *dst, uid_t uid, gid_t gid, char *err, size_t n)
{
    static uint8_t buf[1u << 16];
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return fail(err, n, "%s: %s", src, strerror(errno));
    unlink(dst);   /* left over from an interrupted restore */
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    ssize_t got = 0;
    int rc = out < 0 ? -1 : 0;
    while (rc == 0 && (got = read(in, buf, sizeof buf)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        rc = got < 0 || dsg_write_all(out, buf, (size_t)got) != 0 ? -1 : 0;
    }
    if (rc == 0 && (fchown(out, uid, gid) != 0 || fsync(out) != 0))
        rc = -1;
    int e = errno;
    close(in);
    if (out >= 0)
        close(out);
    if (rc != 0) {
        if (out >= 0)
            unlink(dst);
        return fail(err, n, "%s: cannot copy to %s: %s; nothing changed", src, dst, strerror(e));
    }
    return 0;
}

/* audit.db (and its -shm) renamed to the name kept aside; with no
 * audit.db, the name becomes "none". */
static int set_aside(const char *dir, char *name, size_t cap, char *err, size_t n)
{
    char from[PATH_CAP], to[PATH_CAP], shm[PATH_CAP], shm_to[PATH_CAP + 8];
    if (path_of(from, dir, DB_NAME) != 0 || path_of(to, dir, name) != 0 ||
        path_of(shm, dir, DB_NAME "-shm") != 0)
        return fail(err, n, "path too long");
    if (access(from, F_OK) != 0 && errno == ENOENT) {
        snprintf(name, cap, "none");
        return 0;
    }
    if (rename(from, to) != 0)
        return fail(err, n, "%s: cannot rename to %s: %s", from, to, strerror(errno));
    snprintf(shm_to, sizeof shm_to, "%s-shm", to);
    if (access(shm, F_OK) == 0 && rename(shm, shm_to) != 0)
        return fail(err, n, "%s: %s", shm, strerror(errno));
    return 0;
}

static int write_marker(const dsg_audit_restore_req *q, const char *aside, uid_t uid, gid_t gid,
                        char *err, size_t n)
{
    char path[PATH_CAP], text[512], now[32];
    if (dsg_time_now_rfc3339_ms(now, sizeof now) == 0)
        return fail(err, n, "no clock");
    int len = snprintf(text, sizeof text, MARKER_MAGIC "uid %s\npid %s\nrequested_at %s\n"
                       "set_aside %s\n", q->uid, q->pid, now, aside);
    if (len <= 0 || (size_t)len >= sizeof text || path_of(path, q->dir, MARKER) != 0)
        return fail(err, n, "marker too long");
    if (write_new_file(path, text, (size_t)len, 0600, err, n) != 0)
        return -1;
    return chown(path, uid, gid) == 0 ? 0 : fail(err, n, "%s: %s", path, strerror(errno));
}

/* The copy in place, the current database aside, the marker last: a
 * crash before the marker leaves a database behind its checkpoints and
 * no marker, which logd refuses to open; `dsgctl log restore` again
 * completes it. */
static int swap_in(const dsg_audit_restore_req *q, dsg_audit_restore_result *r, char *err,
                   size_t n)
{
    char staged[PATH_CAP], live[PATH_CAP], stamp[32];
    struct stat st;
    time_t now = time(NULL);
    struct tm tm;
    if (stat(q->dir, &st) != 0 || gmtime_r(&now, &tm) == NULL)
        return fail(err, n, "%s: %s", q->dir, strerror(errno));
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(r->set_aside, sizeof r->set_aside, DB_NAME ".before-restore-%s-%ld", stamp,
             (long)getpid());
    if (path_of(staged, q->dir, DB_NAME ".restoring") != 0 || path_of(live, q->dir, DB_NAME) != 0)
        return fail(err, n, "path too long");
    if (copy_file(q->copy, staged, st.st_uid, st.st_gid, err, n) != 0)
        return -1;
    if (set_aside(q->dir, r->set_aside, sizeof r->set_aside, err, n) != 0)
        return -1;
    if (rename(staged, live) != 0)
        return fail(err, n, "%s: cannot rename to %s: %s (the current database is %s)", staged,
                    live, strerror(errno), r->set_aside);
    if (write_marker(q, r->set_aside, st.st_uid, st.st_gid, err, n) != 0 || fsync_dir(q->dir) != 0)
        return -1;
    return 0;
}

int dsg_audit_restore(const dsg_audit_restore_req *q, dsg_audit_restore_result *r, char *err,
                      size_t errsize)
{
    static dsg_audit_report rep;
    memset(r, 0, sizeof *r);
    int rc = restore_preconditions(q, err, errsize);
    if (rc != 0)
        return rc;
    restore_check *c = calloc(1, sizeof *c);
    if (c == NULL)
        return fail(err, errsize, "out of memory");
    memset(&rep, 0, sizeof rep);
    c->v.r = &rep;
    rc = check_copy_chains(q, c, err, errsize);
    if (rc == 0)
        rc = check_current(q, c, err, errsize);
    if (rc == 0)
        rc = check_copy_is_ancestor(q, c, err, errsize);
    if (rc == 0)
        count_lost(c, r);
    for (size_t i = 0; i < c->v.nlists; i++)
        free(c->v.lists[i].cp);
    dsg_db_close(c->v.db);
    dsg_db_close(c->current);
    EVP_PKEY_free(c->v.pub);
    OPENSSL_cleanse(c, sizeof *c);
    free(c);
    if (rc != 0)
        return rc;
    return swap_in(q, r, err, errsize);
}

/* ---- export ---------------------------------------------------------------------- */

/* Shows bytes as valid UTF-8 text: a backslash as \\, a control byte and
 * a byte that is not part of well-formed UTF-8 as \xNN (REQ-LOG-013); the
 * exact bytes travel in the record's hex encoding. */
static size_t show(const uint8_t *s, size_t len, char *out)
{
    size_t o = 0, i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t k = dsg_utf8_decode(s, len, i, &cp);
        if (k == 1 && s[i] == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else if (k == 0 || (k == 1 && (s[i] < 0x20 || s[i] == 0x7f))) {
            o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
            k = 1;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
        }
        i += k;
    }
    out[o] = '\0';
    return o;
}

/* What an export has selected of one source, for its checkpoints. */
typedef struct export_span {
    char source[DSG_ANCHOR_SOURCE_MAX + 1];
    uint64_t first, last;   /* the first and last selected seq */
    int covered;            /* a checkpoint at or after `last` went out */
} export_span;

enum { EXPORT_RECORDS = 0, EXPORT_CHECKPOINTS, EXPORT_DONE };

typedef struct exporter {
    dsg_audit_format fmt;
    int phase;
    struct sqlite3 *db;
    sqlite3_stmt *rows;  /* the selected records, open across reads */
    FILE *anchors;       /* anchor.log, read line by line */
    char *aline;         /* getline's buffer */
    size_t acap;
    uint8_t *line;       /* the line being handed out */
    size_t cap, len, off;
    char *tmp;           /* show() output, 4x an item */
    char *hexbuf;        /* the encoding in hex */
    int everything;      /* no selection: every checkpoint goes out (REQ-LOG-042) */
    dsg_audit_select sel;
    size_t nspans;
    export_span spans[DSG_AUDIT_SOURCES_MAX];
} exporter;

struct dsg_audit_exporter {
    exporter x;
};

static int json_str(dsg_json_out *w, const char *s)
{
    return dsg_json_out_string(w, (const uint8_t *)s, strlen(s));
}

static int json_key(dsg_json_out *w, const char *s)
{
    return dsg_json_out_key(w, (const uint8_t *)s, strlen(s));
}

/* The line in x->line[0 .. n) is ready to be handed out. */
static int emit(exporter *x, size_t n)
{
    x->line[n++] = '\n';
    x->len = n;
    x->off = 0;
    return 0;
}

static int export_json(exporter *x, const dsg_aenc_record *rec, const char *hash,
                       const char *prev, const char *mac)
{
    dsg_json_out w;
    size_t n = 0;
    const char *tn = dsg_audit_type_name(rec->type);
    int bad = 0;
    dsg_json_out_init(&w, x->line, x->cap - 1);
    bad |= dsg_json_out_object_begin(&w);
    show(rec->item[0].p, rec->item[0].len, x->tmp);
    bad |= json_key(&w, "source") | json_str(&w, x->tmp);
    bad |= json_key(&w, "seq") | dsg_json_out_uint(&w, rec->seq);
    bad |= json_key(&w, "type") | dsg_json_out_uint(&w, rec->type);
    bad |= json_key(&w, "type_name") | (tn != NULL ? json_str(&w, tn) : dsg_json_out_null(&w));
    show(rec->item[1].p, rec->item[1].len, x->tmp);
    bad |= json_key(&w, "recorded_at") | json_str(&w, x->tmp);
    bad |= json_key(&w, "fields") | dsg_json_out_object_begin(&w);
    for (uint32_t i = 2; i + 1 < rec->nitems; i += 2) {
        show(rec->item[i].p, rec->item[i].len, x->tmp);
        bad |= json_key(&w, x->tmp);
        show(rec->item[i + 1].p, rec->item[i + 1].len, x->tmp);
        bad |= json_str(&w, x->tmp);
    }
    bad |= dsg_json_out_object_end(&w);
    bad |= json_key(&w, "hash") | json_str(&w, hash);
    bad |= json_key(&w, "prev") | (prev[0] ? json_str(&w, prev) : dsg_json_out_null(&w));
    bad |= json_key(&w, "mac") | json_str(&w, mac);
    bad |= json_key(&w, "enc") | json_str(&w, x->hexbuf);
    bad |= dsg_json_out_object_end(&w);
    if (bad || dsg_json_out_finish(&w, &n) != 0)
        return -1;
    return emit(x, n);
}

/* The value of field name in rec (items 2, 4, ... are names), or NULL. */
static const dsg_aenc_item *field_of(const dsg_aenc_record *rec, const char *name)
{
    size_t k = strlen(name);
    for (uint32_t i = 2; i + 1 < rec->nitems; i += 2)
        if (rec->item[i].len == k && memcmp(rec->item[i].p, name, k) == 0)
            return &rec->item[i + 1];
    return NULL;
}

static int field_is(const dsg_aenc_record *rec, const char *name, const char *value)
{
    const dsg_aenc_item *v = field_of(rec, name);
    return v != NULL && v->len == strlen(value) && memcmp(v->p, value, v->len) == 0;
}

/* One history line: the fields of REQ-SHARE-017, tab-separated. */
static int export_history(exporter *x, const dsg_aenc_record *rec)
{
    static const char *const cols[] = { "occurred_gmt", "user_id", "custom_event_name",
                                         "document_location", "event_data" };
    size_t n = 0;
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        const dsg_aenc_item *v = field_of(rec, cols[c]);
        if (c == 2 && (v == NULL || v->len == 0))
            v = field_of(rec, "event");
        if (v == NULL)
            strcpy(x->tmp, "-");
        else
            show(v->p, v->len, x->tmp);
        size_t k = strlen(x->tmp);
        if (n + k + 2 > x->cap)
            return -1;
        if (c > 0)
            x->line[n++] = '\t';
        memcpy(x->line + n, x->tmp, k);
        n += k;
    }
    return emit(x, n);
}

/* RFC 5424 §6.3.3: in a PARAM-VALUE, '"', '\' and ']' are escaped. */
static size_t sd_value(const char *s, char *out)
{
    size_t o = 0;
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == ']' || *s == '\\')
            out[o++] = '\\';
        out[o++] = *s;
    }
    out[o] = '\0';
    return o;
}

#define SD_ID "dsg@32473"     /* 32473: the documentation enterprise number (RFC 5612) */
#define SD_FIELDS "fields@32473"

/* <110>: facility 13 (log audit), severity 6 (informational). */
static int export_5424(exporter *x, const dsg_aenc_record *rec, const char *hash,
                       const char *prev, const char *mac)
{
    char *line = (char *)x->line;
    const char *tn = dsg_audit_type_name(rec->type);
    char src[DSG_ANCHOR_SOURCE_MAX * 4 + 1], at[32];
    size_t n;
    show(rec->item[0].p, rec->item[0].len, src);
    show(rec->item[1].p, rec->item[1].len < 31 ? rec->item[1].len : 31, at);
    n = (size_t)snprintf(line, x->cap, "<110>1 %s - dsg-logd - %s [" SD_ID " source=\"%s\" "
                         "seq=\"%llu\" type=\"%u\" hash=\"%s\" prev=\"%s\" mac=\"%s\" enc=\"%s\"]["
                         SD_FIELDS, at, tn != NULL ? tn : "unknown", src,
                         (unsigned long long)rec->seq, (unsigned)rec->type, hash, prev, mac,
                         x->hexbuf);
    for (uint32_t i = 2; i + 1 < rec->nitems && n < x->cap / 2; i += 2) {
        char name[64];
        if (rec->item[i].len > 32)
            return -1;   /* SD-NAME is at most 32 characters: no schema name is longer */
        memcpy(name, rec->item[i].p, rec->item[i].len);
        name[rec->item[i].len] = '\0';
        show(rec->item[i + 1].p, rec->item[i + 1].len, x->tmp);
        n += (size_t)snprintf(line + n, x->cap - n, " %s=\"", name);
        n += sd_value(x->tmp, line + n);
        line[n++] = '"';
    }
    if (n + 2 >= x->cap)
        return -1;
    line[n++] = ']';
    return emit(x, n);
}

static int export_checkpoint(exporter *x, const char *linetext, size_t len, const dsg_anchor *a)
{
    char head[65], sig[129];
    hex(a->head, 32, head);
    hex(a->sig, 64, sig);
    if (x->fmt == DSG_AUDIT_RFC5424) {
        int n = snprintf((char *)x->line, x->cap, "<110>1 %s - dsg-logd - checkpoint [" SD_ID
                         " source=\"%s\" seq=\"%llu\" head=\"%s\" sig=\"%s\"] %.*s", a->time,
                         a->source, (unsigned long long)a->seq, head, sig, (int)len, linetext);
        return n > 0 && (size_t)n < x->cap - 1 ? emit(x, (size_t)n) : -1;
    }
    dsg_json_out w;
    size_t n = 0;
    int bad = 0;
    dsg_json_out_init(&w, x->line, x->cap - 1);
    bad |= dsg_json_out_object_begin(&w);
    bad |= json_key(&w, "source") | json_str(&w, a->source);
    bad |= json_key(&w, "seq") | dsg_json_out_uint(&w, a->seq);
    bad |= json_key(&w, "type") | dsg_json_out_uint(&w, DSG_AUDIT_TYPE_CHECKPOINT);
    bad |= json_key(&w, "type_name") | json_str(&w, "checkpoint");
    bad |= json_key(&w, "recorded_at") | json_str(&w, a->time);
    bad |= json_key(&w, "head") | json_str(&w, head);
    bad |= json_key(&w, "sig") | json_str(&w, sig);
    bad |= json_key(&w, "anchor") | dsg_json_out_string(&w, (const uint8_t *)linetext, len);
    bad |= dsg_json_out_object_end(&w);
    if (bad || dsg_json_out_finish(&w, &n) != 0)
        return -1;
    return emit(x, n);
}

static export_span *span_for(exporter *x, const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < x->nspans; i++)
        if (strlen(x->spans[i].source) == len && memcmp(x->spans[i].source, name, len) == 0)
            return &x->spans[i];
    if (x->nspans >= DSG_AUDIT_SOURCES_MAX || len > DSG_ANCHOR_SOURCE_MAX)
        return NULL;
    export_span *sp = &x->spans[x->nspans++];
    memset(sp, 0, sizeof *sp);
    memcpy(sp->source, name, len);
    return sp;
}

static void note_selected(exporter *x, const dsg_aenc_record *rec)
{
    export_span *sp = span_for(x, rec->item[0].p, rec->item[0].len);
    if (sp == NULL)
        return;
    if (sp->first == 0)
        sp->first = rec->seq;
    sp->last = rec->seq;
}

/* Whether rec passes the field conditions of the selection (the SQL has
 * taken type, source and time). */
static int fields_selected(const exporter *x, const dsg_aenc_record *rec)
{
    const dsg_audit_select *sel = &x->sel;
    if (sel->site[0] && !field_is(rec, "site_id", sel->site))
        return 0;
    if (!sel->item[0])
        return 1;
    if (!field_is(rec, "item_id", sel->item))
        return 0;
    if (sel->item_kind == DSG_AUDIT_ITEM_FOLDER)
        return field_is(rec, "item_type", "folder");
    return field_is(rec, "item_type", "file") || field_is(rec, "item_type", "version");
}

/* The next row as a decoded record: 1, 0 when there is none, -1 with a
 * message. */
static int next_row(exporter *x, dsg_aenc_record *rec, char *err, size_t n)
{
    int rc = sqlite3_step(x->rows);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(x->db));
    const uint8_t *body = sqlite3_column_blob(x->rows, 0);
    size_t len = (size_t)sqlite3_column_bytes(x->rows, 0);
    if (body == NULL || sqlite3_column_bytes(x->rows, 1) != 32 ||
        sqlite3_column_bytes(x->rows, 2) != 32 || dsg_aenc_decode(body, len, rec) != 0)
        return fail(err, n, "audit.db holds a damaged record: run dsgctl log verify");
    return 1;
}

/* Rows one read may pass over without selecting any (see
 * DSG_AUDIT_EXPORT_LATER). */
#define SKIP_BUDGET 4096

/* The next selected record as the current line: 1, 0 when there is none,
 * 2 when SKIP_BUDGET rows went by unselected, -1 with a message. */
static int next_record(exporter *x, char *err, size_t n)
{
    dsg_aenc_record rec;
    char hash[65], prev[65] = "", mac[65];
    int rc, skipped = 0;
    while ((rc = next_row(x, &rec, err, n)) == 1 && !fields_selected(x, &rec))
        if (++skipped == SKIP_BUDGET)
            return 2;
    if (rc != 1)
        return rc;
    if (x->fmt == DSG_AUDIT_HISTORY)
        return export_history(x, &rec) == 0 ? 1 : fail(err, n, "record %llu cannot be shown",
                                                         (unsigned long long)rec.seq);
    const uint8_t *body = sqlite3_column_blob(x->rows, 0);
    size_t len = (size_t)sqlite3_column_bytes(x->rows, 0);
    hex(sqlite3_column_blob(x->rows, 1), 32, hash);
    hex(sqlite3_column_blob(x->rows, 2), 32, mac);
    if (sqlite3_column_bytes(x->rows, 3) == 32)
        hex(sqlite3_column_blob(x->rows, 3), 32, prev);
    hex(body, len, x->hexbuf);
    note_selected(x, &rec);
    int w = x->fmt == DSG_AUDIT_JSONL ? export_json(x, &rec, hash, prev, mac)
                                      : export_5424(x, &rec, hash, prev, mac);
    return w == 0 ? 1 : fail(err, n, "record %llu cannot be exported", (unsigned long long)rec.seq);
}

/* A checkpoint covers selected records of its source when it lies from
 * the source's first selected record up to the first checkpoint at or
 * after its last one (anchor.log holds each source's in ascending order). */
static int covers_selected(exporter *x, const dsg_anchor *a)
{
    export_span *sp = NULL;
    if (x->everything)
        return 1;
    for (size_t i = 0; i < x->nspans && sp == NULL; i++)
        if (strcmp(x->spans[i].source, a->source) == 0)
            sp = &x->spans[i];
    if (sp == NULL || sp->covered || a->seq < sp->first)
        return 0;
    sp->covered = a->seq >= sp->last;
    return 1;
}

static int next_checkpoint(exporter *x, char *err, size_t n)
{
    if (x->anchors == NULL || x->fmt == DSG_AUDIT_HISTORY)
        return 0;
    for (;;) {
        dsg_anchor a;
        ssize_t got = getline(&x->aline, &x->acap, x->anchors);
        if (got < 0)
            return ferror(x->anchors) ? fail(err, n, "anchor.log: %s", strerror(errno)) : 0;
        size_t len = (size_t)got;
        if (len > 0 && x->aline[len - 1] == '\n')
            len--;
        if (dsg_anchor_parse(x->aline, len, &a) != DSG_ANCHOR_OK)
            return fail(err, n, "anchor.log has a damaged line: run dsgctl log verify");
        if (!covers_selected(x, &a))
            continue;
        if (export_checkpoint(x, x->aline, len, &a) != 0)
            return fail(err, n, "checkpoint %llu cannot be exported", (unsigned long long)a.seq);
        return 1;
    }
}

long dsg_audit_export_read(dsg_audit_exporter *e, uint8_t *buf, size_t cap, char *err,
                           size_t errsize)
{
    exporter *x = &e->x;
    size_t got = 0;
    while (got < cap && x->phase != EXPORT_DONE) {
        if (x->off < x->len) {
            size_t k = x->len - x->off < cap - got ? x->len - x->off : cap - got;
            memcpy(buf + got, x->line + x->off, k);
            x->off += k;
            got += k;
            continue;
        }
        int r = x->phase == EXPORT_RECORDS ? next_record(x, err, errsize)
                                           : next_checkpoint(x, err, errsize);
        if (r < 0)
            return -1;
        if (r == 2)
            return got > 0 ? (long)got : DSG_AUDIT_EXPORT_LATER;
        if (r == 0)
            x->phase++;
    }
    return (long)got;
}

/* Rows as next_record reads them: encoding, hash, mac, and the hash of the
 * record before it in its chain; then the seq. */
#define ROWS_WITH_PREV                                                                      \
    "SELECT r.body, r.hash, r.mac, (SELECT p.hash FROM records p WHERE p.source = r.source " \
    "AND p.seq = CASE WHEN r.type = 104 THEN (SELECT max(q.seq) FROM records q WHERE "      \
    "q.source = r.source AND q.seq < r.seq) ELSE r.seq - 1 END), r.seq "

/* The selected rows, each with the hash of the record before it (prev;
 * for a restore record, type 104, the row before it: its restored head),
 * so that a record and its predecessor's chain value travel together. */
static int select_rows(exporter *x, const dsg_audit_select *sel, char *err, size_t n)
{
    static const char sql[] = ROWS_WITH_PREV "FROM records r WHERE (?1 = 0 OR r.type = ?1) AND "
        "(?2 = '' OR r.source = ?2) AND (?3 = '' OR r.recorded_at >= ?3) AND "
        "(?4 = '' OR r.recorded_at < ?4) ORDER BY r.source, r.seq";
    if (sqlite3_prepare_v2(x->db, sql, -1, &x->rows, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(x->db));
    sqlite3_bind_int64(x->rows, 1, sel->type);
    sqlite3_bind_text(x->rows, 2, sel->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(x->rows, 3, sel->since, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(x->rows, 4, sel->until, -1, SQLITE_TRANSIENT);
    return 0;
}

static int open_anchors(exporter *x, const char *dir, char *err, size_t n)
{
    char path[PATH_CAP];
    if (path_of(path, dir, ANCHOR) != 0)
        return fail(err, n, "path too long");
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : fail(err, n, "%s: %s", path, strerror(errno));
    x->anchors = fdopen(fd, "r");
    if (x->anchors == NULL) {
        close(fd);
        return fail(err, n, "%s: %s", path, strerror(errno));
    }
    return 0;
}

void dsg_audit_export_close(dsg_audit_exporter *e)
{
    if (e == NULL)
        return;
    sqlite3_finalize(e->x.rows);
    dsg_db_close(e->x.db);
    if (e->x.anchors != NULL)
        fclose(e->x.anchors);
    free(e->x.aline);
    free(e->x.line);
    free(e->x.tmp);
    free(e->x.hexbuf);
    free(e);
}

/* An exporter with its buffers and nothing open yet. */
static dsg_audit_exporter *exporter_new(dsg_audit_format fmt, char *err, size_t errsize)
{
    dsg_audit_exporter *e = calloc(1, sizeof *e);
    if (e == NULL) {
        fail(err, errsize, "out of memory");
        return NULL;
    }
    exporter *x = &e->x;
    x->fmt = fmt;
    /* worst case: every item shown as \xNN (x4), then JSON-escaped (x2 for \\) */
    x->cap = 2 * DSG_AENC_SIZE_MAX * 4 + 2 * DSG_AENC_SIZE_MAX + 4096;
    x->line = malloc(x->cap);
    x->tmp = malloc(4 * DSG_AENC_ITEM_MAX + 1);
    x->hexbuf = malloc(2 * DSG_AENC_SIZE_MAX + 1);
    if (x->line == NULL || x->tmp == NULL || x->hexbuf == NULL ||
        (fmt != DSG_AUDIT_JSONL && fmt != DSG_AUDIT_RFC5424 && fmt != DSG_AUDIT_HISTORY)) {
        fail(err, errsize, x->line == NULL ? "out of memory" : "unknown format");
        dsg_audit_export_close(e);
        return NULL;
    }
    return e;
}

int dsg_audit_export_open(const char *dir, const dsg_audit_select *sel, dsg_audit_format fmt,
                          dsg_audit_exporter **out, char *err, size_t errsize)
{
    static const dsg_audit_select all;
    char path[PATH_CAP];
    dsg_audit_exporter *e = exporter_new(fmt, err, errsize);
    *out = NULL;
    if (e == NULL)
        return -1;
    exporter *x = &e->x;
    x->sel = sel != NULL ? *sel : all;
    x->everything = x->sel.type == 0 && !x->sel.source[0] && !x->sel.since[0] &&
                    !x->sel.until[0] && !x->sel.site[0] && !x->sel.item[0];
    if (path_of(path, dir, DB_NAME) != 0 ||
        dsg_db_open_readonly_from(path, SCHEMA_OLDEST, SCHEMA_VERSION, &x->db, err, errsize) != 0 ||
        select_rows(x, &x->sel, err, errsize) != 0 ||
        open_anchors(x, dir, err, errsize) != 0) {
        dsg_audit_export_close(e);
        return -1;
    }
    *out = e;
    return 0;
}

int dsg_audit_export(const char *dir, const dsg_audit_select *sel, dsg_audit_format fmt, int fd,
                     char *err, size_t errsize)
{
    static uint8_t buf[65536];
    dsg_audit_exporter *e = NULL;
    long got;
    if (dsg_audit_export_open(dir, sel, fmt, &e, err, errsize) != 0)
        return -1;
    while ((got = dsg_audit_export_read(e, buf, sizeof buf, err, errsize)) > 0 ||
           got == DSG_AUDIT_EXPORT_LATER)
        if (got > 0 && dsg_write_all(fd, buf, (size_t)got) != 0) {
            fail(err, errsize, "cannot write the export: %s", strerror(errno));
            got = -1;
            break;
        }
    dsg_audit_export_close(e);
    return got == 0 ? 0 : -1;
}

/* An ID as the share role writes it: 1..19 decimal digits, no leading 0. */
static int id_ok(const char *s)
{
    size_t n = strspn(s, "0123456789");
    return n > 0 && n < 20 && s[n] == '\0' && s[0] != '0';
}

int dsg_audit_select_site(dsg_audit_select *sel, const char *area, char *err, size_t errsize)
{
    if (!id_ok(area))
        return fail(err, errsize, "'%.24s' is not an area ID (a number such as 3)", area);
    snprintf(sel->site, sizeof sel->site, "%s", area);
    return 0;
}

int dsg_audit_select_item(dsg_audit_select *sel, const char *spec, char *err, size_t errsize)
{
    static const struct { const char *prefix; dsg_audit_item_kind kind; } kinds[] = {
        { "folder:", DSG_AUDIT_ITEM_FOLDER }, { "file:", DSG_AUDIT_ITEM_FILE }
    };
    if (strncmp(spec, "area:", 5) == 0)
        return dsg_audit_select_site(sel, spec + 5, err, errsize);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i].prefix);
        if (strncmp(spec, kinds[i].prefix, k) != 0)
            continue;
        if (!id_ok(spec + k))
            return fail(err, errsize, "'%.40s': the ID after %s is not a number such as 12",
                        spec, kinds[i].prefix);
        snprintf(sel->item, sizeof sel->item, "%s", spec + k);
        sel->item_kind = kinds[i].kind;
        return 0;
    }
    return fail(err, errsize, "'%.40s' is not an item: want area:ID, folder:ID or file:ID", spec);
}

/* ---- verification by the store's owner ---------------------------------------------- */

int dsg_audit_verify_own(dsg_audit *a, dsg_audit_report *r, char *err, size_t errsize)
{
    char *pub = NULL;
    size_t len = 0;
    int rc;
    if (a->in_batch)
        return fail(err, errsize, "a batch is open");
    if (pem_of(a->sign, 0, &pub, &len) != 0) {
        free(pub);
        return fail(err, errsize, "cannot write the public key");
    }
    rc = dsg_audit_verify(a->dir, pub, len, a->chain_key, r, err, errsize);
    free(pub);
    return rc;
}

/* ---- the report as text --------------------------------------------------------------- */

/* s escaped into out at *n: printable ASCII as is, the rest as \xNN. */
static int put_escaped(char *out, size_t cap, size_t *n, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        int w = c >= 0x20 && c < 0x7f && c != '\\'
                    ? snprintf(out + *n, cap - *n, "%c", c)
                    : snprintf(out + *n, cap - *n, "\\x%02X", c);
        if (w < 0 || (size_t)w >= cap - *n)
            return -1;
        *n += (size_t)w;
    }
    return 0;
}

static int put_text(char *out, size_t cap, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int put_text(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out + *n, cap - *n, fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= cap - *n)
        return -1;
    *n += (size_t)w;
    return 0;
}

/* One gap a restore left (REQ-LOG-046) as a line. */
static int put_gap(const dsg_audit_gap *g, char *out, size_t cap, size_t *n)
{
    if (put_text(out, cap, n, "GAP source=") != 0 || put_escaped(out, cap, n, g->source) != 0 ||
        put_text(out, cap, n, ": records %llu..%llu lost by a restore on ",
                 (unsigned long long)g->first, (unsigned long long)g->last) != 0 ||
        put_escaped(out, cap, n, g->restored_on) != 0 ||
        put_text(out, cap, n, " (from %s", g->from[0] ? "" : "the start") != 0 ||
        put_escaped(out, cap, n, g->from) != 0 || put_text(out, cap, n, " to ") != 0 ||
        put_escaped(out, cap, n, g->to) != 0 ||
        put_text(out, cap, n, "); restore record seq %llu\n", (unsigned long long)g->at) != 0)
        return -1;
    return 0;
}

/* One line per gap a restore left (REQ-LOG-046); lines that do not fit
 * are counted in a "... and N more gap(s)" line (room: cap_all). */
static int put_gaps(const dsg_audit_report *r, char *out, size_t cap, size_t cap_all, size_t *n)
{
    uint32_t listed = 0;
    for (; listed < r->ngaps && listed < DSG_AUDIT_GAPS_MAX; listed++) {
        size_t line = *n;
        if (put_gap(&r->gaps[listed], out, cap, n) != 0) {
            *n = line;
            out[line] = '\0';
            break;
        }
    }
    if (r->ngaps > listed)
        return put_text(out, cap_all, n, "... and %u more gap(s)\n", r->ngaps - listed);
    return 0;
}

size_t dsg_audit_report_text(const dsg_audit_report *r, char *out, size_t cap)
{
    /* the summary lines always fit: break lines stop short of this */
    const size_t tail = 400;
    size_t n = 0, listed = 0;
    if (cap <= tail)
        return 0;
    out[0] = '\0';
    if (put_gaps(r, out, cap - tail, cap, &n) != 0)
        return 0;
    for (uint32_t i = 0; i < r->nbreaks && i < DSG_AUDIT_BREAKS_MAX; i++, listed++) {
        const dsg_audit_break *b = &r->breaks[i];
        size_t line = n;
        if (put_text(out, cap - tail, &n, "BREAK source=") != 0 ||
            put_escaped(out, cap - tail, &n, b->source) != 0 ||
            put_text(out, cap - tail, &n, " seq=%llu kind=%s: ", (unsigned long long)b->seq,
                     dsg_audit_break_token(b->kind)) != 0 ||
            put_escaped(out, cap - tail, &n, b->detail) != 0 ||
            put_text(out, cap - tail, &n, "\n") != 0) {
            n = line;   /* the line that did not fit goes, whole */
            out[n] = '\0';
            break;
        }
    }
    if (r->nbreaks > listed &&
        put_text(out, cap, &n, "... and %llu more break(s)\n",
                 (unsigned long long)(r->nbreaks - listed)) != 0)
        return 0;
    if (put_text(out, cap, &n,
                 "%s: %u break(s); %u source(s), %llu record(s), %u checkpoint(s); "
                 "%llu record(s) after the last checkpoint %s",
                 r->nbreaks ? "BROKEN" : "OK", r->nbreaks, r->sources,
                 (unsigned long long)r->records, r->checkpoints,
                 (unsigned long long)r->unanchored,
                 r->tail_checked ? "(checked with the chain key)"
                                 : "(not covered by a signature: give --key to check them)") != 0)
        return 0;
    if (r->ngaps > 0 && put_text(out, cap, &n, "; %u gap(s) left by restores", r->ngaps) != 0)
        return 0;
    if (put_text(out, cap, &n, "\n") != 0)
        return 0;
    return n;
}

/* ---- forwarding (REQ-LOG-010, REQ-LOG-047) ----------------------------------------- */

size_t dsg_audit_heads(const dsg_audit *a, const char **names, uint64_t *seq, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nsources && n < cap; i++) {
        names[n] = a->src[i].name;
        seq[n++] = a->src[i].seq;
    }
    return n;
}

uint64_t dsg_audit_anchor_size(const dsg_audit *a)
{
    return a->anchor_size;
}

static void fwd_release(dsg_audit *a)
{
    if (a->fwd != NULL) {
        sqlite3_finalize(a->fwd->x.rows);
        a->fwd->x.rows = NULL;
        a->fwd->x.db = NULL;   /* the store's own connection: closed by dsg_audit_close */
        dsg_audit_export_close(a->fwd);
        a->fwd = NULL;
    }
    if (a->fwd_anchor_fd >= 0)
        close(a->fwd_anchor_fd);
    a->fwd_anchor_fd = -1;
}

/* The formatter forwarding shares `dsgctl log export --format rfc5424`
 * with, made on first use, reading the store's own connection. */
static exporter *fwd_exporter(dsg_audit *a, char *err, size_t n)
{
    static const char sql[] = ROWS_WITH_PREV "FROM records r WHERE r.source = ?1 AND r.seq > ?2 "
                              "ORDER BY r.seq LIMIT 1";
    if (a->in_batch) {
        fail(err, n, "a batch is open");
        return NULL;
    }
    if (a->fwd == NULL && (a->fwd = exporter_new(DSG_AUDIT_RFC5424, err, n)) == NULL)
        return NULL;
    exporter *x = &a->fwd->x;
    x->db = a->db;
    if (x->rows == NULL && sqlite3_prepare_v2(a->db, sql, -1, &x->rows, NULL) != SQLITE_OK) {
        fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
        return NULL;
    }
    return x;
}

int dsg_audit_fwd_record(dsg_audit *a, const char *source, uint64_t after, uint64_t *seq,
                         const uint8_t **msg, size_t *len, char *err, size_t errsize)
{
    exporter *x = fwd_exporter(a, err, errsize);
    if (x == NULL)
        return -1;
    sqlite3_reset(x->rows);
    sqlite3_bind_text(x->rows, 1, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(x->rows, 2, after > INT64_MAX ? INT64_MAX : (sqlite3_int64)after);
    x->nspans = 0;
    int rc = next_record(x, err, errsize);
    if (rc == 1) {
        *seq = (uint64_t)sqlite3_column_int64(x->rows, 4);
        *msg = x->line;
        *len = x->len - 1;   /* without the export's LF */
    }
    sqlite3_reset(x->rows);   /* no read transaction left open */
    return rc;
}

/* The line of anchor.log at off: 1 with its length (LF excluded), 0 when
 * no complete line starts there. */
static int anchor_line(dsg_audit *a, uint64_t off, char *buf, size_t cap, size_t *len,
                       char *err, size_t n)
{
    char path[PATH_CAP];
    if (a->fwd_anchor_fd < 0 &&
        (path_of(path, a->dir, ANCHOR) != 0 ||
         (a->fwd_anchor_fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0))
        return fail(err, n, "%s: %s", ANCHOR, strerror(errno));
    ssize_t got = pread(a->fwd_anchor_fd, buf, cap, (off_t)off);
    if (got < 0)
        return fail(err, n, "%s: %s", ANCHOR, strerror(errno));
    const char *lf = memchr(buf, '\n', (size_t)got);
    if (lf == NULL)
        return got == (ssize_t)cap ? fail(err, n, "%s: a line longer than %u bytes at byte %llu",
                                          ANCHOR, DSG_ANCHOR_LINE_MAX,
                                          (unsigned long long)off)
                                   : 0;
    *len = (size_t)(lf - buf);
    return 1;
}

int dsg_audit_fwd_checkpoint(dsg_audit *a, uint64_t off, uint64_t *next, char source[65],
                             uint64_t *seq, const uint8_t **msg, size_t *len, char *err,
                             size_t errsize)
{
    char line[DSG_ANCHOR_LINE_MAX + 2];
    size_t n = 0;
    dsg_anchor an;
    exporter *x = fwd_exporter(a, err, errsize);
    if (x == NULL)
        return -1;
    int rc = anchor_line(a, off, line, sizeof line, &n, err, errsize);
    if (rc != 1)
        return rc;
    *next = off + n + 1;
    *len = 0;
    if (dsg_anchor_parse(line, n, &an) != DSG_ANCHOR_OK)
        return 1;   /* not a checkpoint: skipped (dsgctl log verify reports it) */
    if (export_checkpoint(x, line, n, &an) != 0)
        return fail(err, errsize, "the checkpoint at byte %llu cannot be formatted",
                    (unsigned long long)off);
    snprintf(source, 65, "%s", an.source);
    *seq = an.seq;
    *msg = x->line;
    *len = x->len - 1;
    return 1;
}

int dsg_audit_fwd_load(dsg_audit *a, const char *collector, dsg_audit_fwd_each each, void *arg,
                       uint64_t *anchor, char *err, size_t errsize)
{
    sqlite3_stmt *st = NULL;
    int rc;
    *anchor = 0;
    if (sqlite3_prepare_v2(a->db, "SELECT source, seq FROM forward_cursor WHERE collector = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(err, errsize, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, collector, -1, SQLITE_TRANSIENT);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_text(st, 0) != NULL)
            each(arg, (const char *)sqlite3_column_text(st, 0),
                 (uint64_t)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(err, errsize, "audit.db: %s", sqlite3_errmsg(a->db));
    uint64_t off = 0;
    if (query_u64(a, "SELECT offset FROM forward_anchor WHERE collector = ?1", collector, NULL, 0,
                  &off, err, errsize) != 0)
        return -1;
    *anchor = off;
    return 0;
}

static int fwd_put(dsg_audit *a, const char *sql, const char *collector, const char *source,
                   uint64_t v, char *err, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
    sqlite3_bind_text(st, 1, collector, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, v > INT64_MAX ? INT64_MAX : (sqlite3_int64)v);
    if (source != NULL)
        sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(err, n, "audit.db: %s", sqlite3_errmsg(a->db));
}

int dsg_audit_fwd_save(dsg_audit *a, const char *collector, const dsg_audit_fwd_pos *pos,
                       size_t npos, uint64_t anchor, char *err, size_t errsize)
{
    if (a->in_batch)
        return fail(err, errsize, "a batch is open");
    if (dsg_db_begin(a->db, err, errsize) != 0)
        return -1;
    for (size_t i = 0; i < npos; i++)
        if (fwd_put(a, "INSERT OR REPLACE INTO forward_cursor (collector, seq, source) "
                       "VALUES (?1, ?2, ?3)", collector, pos[i].source, pos[i].seq, err,
                    errsize) != 0) {
            dsg_db_rollback(a->db);
            return -1;
        }
    if (fwd_put(a, "INSERT OR REPLACE INTO forward_anchor (collector, offset) VALUES (?1, ?2)",
                collector, NULL, anchor, err, errsize) != 0) {
        dsg_db_rollback(a->db);
        return -1;
    }
    return dsg_db_commit(a->db, err, errsize);
}
