/* Registered terminals: see terminal_store.h. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "auth/org_store.h"
#include "auth/terminal_store.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "db/db.h"

#define TERM_COLUMNS \
    "name, org, kind, fingerprint, registered_by, registered_at, revoked_by, revoked_at"

static int name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '-' || c == '_';
}

int dsg_term_name_check(const char *name, dsg_acct_problem *p)
{
    size_t n = strnlen(name, DSG_TERM_NAME_MAX + 1);
    if (n == 0)
        return dsg_problem(p, "missing_field", "name", "name: required");
    if (n > DSG_TERM_NAME_MAX)
        return dsg_problem(p, "bad_field", "name", "name: longer than %u bytes",
                           DSG_TERM_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        if (!name_byte(name[i]) || (i == 0 && (name[i] == '.' || name[i] == '-' ||
                                               name[i] == '_')))
            return dsg_problem(p, "bad_field", "name",
                               "name: letters, digits, '.', '-' and '_', starting with a "
                               "letter or digit");
    return 0;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int dsg_term_fp_parse(const char *text, uint8_t fp[DSG_TERM_FP_LEN], dsg_acct_problem *p)
{
    size_t n = strnlen(text, 3 * DSG_TERM_FP_LEN), at = 0;
    int colons = n == 3 * DSG_TERM_FP_LEN - 1;
    if (n != DSG_TERM_FP_HEX && !colons)
        return dsg_problem(p, "bad_field", "fingerprint",
                           "fingerprint: 64 hex digits (SHA-256), pairs optionally separated "
                           "by ':'");
    for (size_t i = 0; i < DSG_TERM_FP_LEN; i++) {
        int hi = hex_value(text[at]), lo = hex_value(text[at + 1]);
        if (hi < 0 || lo < 0 || (colons && i + 1 < DSG_TERM_FP_LEN && text[at + 2] != ':'))
            return dsg_problem(p, "bad_field", "fingerprint",
                               "fingerprint: not hex digits at byte %zu", at);
        fp[i] = (uint8_t)(hi << 4 | lo);
        at += colons ? 3 : 2;
    }
    return 0;
}

void dsg_term_fp_text(const uint8_t fp[DSG_TERM_FP_LEN], char out[DSG_TERM_FP_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < DSG_TERM_FP_LEN; i++) {
        out[2 * i] = digits[fp[i] >> 4];
        out[2 * i + 1] = digits[fp[i] & 15];
    }
    out[DSG_TERM_FP_HEX] = '\0';
}

/* ---- the request on the control line -------------------------------------------- */

static void put_text(dsg_json_out *w, const char *key, const char *value)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)value, strlen(value));
}

int dsg_term_req_to_json(const dsg_term_req *r, uint8_t *out, size_t cap, size_t *len)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    if (r->name[0] != '\0')
        put_text(&w, "name", r->name);
    if (r->org[0] != '\0')
        put_text(&w, "org", r->org);
    if (dsg_org_class_name((dsg_org_class)r->kind) != NULL)
        put_text(&w, "kind", dsg_org_class_name((dsg_org_class)r->kind));
    if (r->fp[0] != '\0')
        put_text(&w, "fingerprint", r->fp);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

static int bad(dsg_acct_problem *p)
{
    return dsg_problem(p, "bad_request", "",
                       "the request is not one JSON object of name, org, kind and fingerprint");
}

/* A string value into out[0 .. cap - 1]: 0, or -1. */
static int take_string(const uint8_t *buf, size_t len, const dsg_json_tok *t, char *out,
                       size_t cap)
{
    size_t n;
    if (t->type != DSG_JSON_STRING ||
        dsg_json_string_value(buf, len, t, (uint8_t *)out, cap - 1, &n) != DSG_JSON_OK ||
        memchr(out, '\0', n) != NULL)
        return -1;
    out[n] = '\0';
    return 0;
}

int dsg_term_req_from_json(const uint8_t *buf, size_t len, dsg_term_req *r,
                           dsg_acct_problem *p)
{
    dsg_json_tok toks[10];
    size_t n = 0, at = 0;
    char key[16], kind[16];
    memset(r, 0, sizeof *r);
    r->kind = -1;
    if (len == 0 || len > DSG_TERM_JSON_MAX ||
        dsg_json_tokenize(buf, len, 2, toks, 10, &n, &at) != DSG_JSON_OK ||
        dsg_json_check_keys(buf, len, toks, n, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT)
        return bad(p);
    for (size_t i = 1; i + 1 < n; i += 2) {
        if (take_string(buf, len, &toks[i], key, sizeof key) != 0)
            return bad(p);
        const dsg_json_tok *v = &toks[i + 1];
        int ok = strcmp(key, "name") == 0 ? take_string(buf, len, v, r->name, sizeof r->name) == 0
               : strcmp(key, "org") == 0  ? take_string(buf, len, v, r->org, sizeof r->org) == 0
               : strcmp(key, "fingerprint") == 0
                   ? take_string(buf, len, v, r->fp, sizeof r->fp) == 0
               : strcmp(key, "kind") == 0
                   ? take_string(buf, len, v, kind, sizeof kind) == 0 &&
                         (r->kind = dsg_org_class_parse(kind)) >= 0
                   : 0;
        if (!ok)
            return bad(p);
    }
    return 0;
}

/* ---- the store --------------------------------------------------------------------- */

/* One row of TERM_COLUMNS; -1 when its kind or fingerprint is not one of
 * ours (a row written around this code). */
static int read_term(sqlite3_stmt *st, dsg_term_row *r)
{
    char kind[16];
    memset(r, 0, sizeof *r);
    dsg_db_column_copy(st, 0, r->name, sizeof r->name);
    dsg_db_column_copy(st, 1, r->org, sizeof r->org);
    dsg_db_column_copy(st, 2, kind, sizeof kind);
    int k = dsg_org_class_parse(kind);
    const void *fp = sqlite3_column_blob(st, 3);
    if (k < 0 || fp == NULL || sqlite3_column_bytes(st, 3) != (int)DSG_TERM_FP_LEN)
        return -1;
    r->kind = (dsg_org_class)k;
    memcpy(r->fp, fp, DSG_TERM_FP_LEN);
    dsg_db_column_copy(st, 4, r->registered_by, sizeof r->registered_by);
    r->registered_at = sqlite3_column_int64(st, 5);
    dsg_db_column_copy(st, 6, r->revoked_by, sizeof r->revoked_by);
    r->revoked_at = sqlite3_column_int64(st, 7);
    return 0;
}

/* The one row st selects: 1 and *out, 0 none, -1 (err) a database error. */
static int one_row(sqlite3 *db, sqlite3_stmt *st, dsg_term_row *out, char *err, size_t n)
{
    int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_term(st, out) == 0 ? 1 : -1)
              : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading a terminal: %s",
                 rc == SQLITE_ROW ? "a malformed row" : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_term_store_get(sqlite3 *db, const char *name, dsg_term_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " TERM_COLUMNS " FROM terminals"
                                          " WHERE name = ?");
    if (st != NULL)
        dsg_db_bind_text(st, 1, name);
    return one_row(db, st, out, err, n);
}

int dsg_term_store_by_fp(sqlite3 *db, const uint8_t fp[DSG_TERM_FP_LEN], dsg_term_row *out,
                         char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " TERM_COLUMNS " FROM terminals"
                                          " WHERE fingerprint = ? AND revoked_at IS NULL");
    if (st != NULL)
        sqlite3_bind_blob(st, 1, fp, (int)DSG_TERM_FP_LEN, SQLITE_TRANSIENT);
    return one_row(db, st, out, err, n);
}

int dsg_term_store_each(sqlite3 *db, int (*fn)(const dsg_term_row *r, void *ctx), void *ctx,
                        char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " TERM_COLUMNS " FROM terminals"
                                          " ORDER BY name");
    static dsg_term_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_term(st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing terminals: %s", rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* The organisation org is registered with the kind kind: 0, or -1 with
 * the problem. */
static int org_of_kind(sqlite3 *db, const char *org, int kind, dsg_acct_problem *p)
{
    static dsg_org_row o;
    char err[200];
    int found = dsg_org_store_get(db, org, &o, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0)
        return dsg_problem(p, "unknown_org", "org", "no organisation %s is registered"
                           " (dsgctl org add)", org);
    if ((int)o.kind != kind)
        return dsg_problem(p, "kind_mismatch", "kind", "organisation %s is of kind %s", org,
                           dsg_org_class_name(o.kind));
    return 0;
}

/* Neither the name nor a live terminal with fp is registered: 0, or -1. */
static int fresh(sqlite3 *db, const char *name, const uint8_t *fp, dsg_acct_problem *p)
{
    static dsg_term_row had;
    char err[200];
    int named = dsg_term_store_get(db, name, &had, err, sizeof err);
    if (named < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (named == 1)
        return dsg_problem(p, "terminal_exists", "name", "terminal %s is registered already%s",
                           name, had.revoked_at != 0 ? " (revoked; names are not reused)" : "");
    int held = dsg_term_store_by_fp(db, fp, &had, err, sizeof err);
    if (held < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (held == 1)
        return dsg_problem(p, "certificate_registered", "fingerprint",
                           "the certificate is registered already, as terminal %s", had.name);
    return 0;
}

static int insert(sqlite3 *db, const char *name, const char *org, int kind, const uint8_t *fp,
                  const char *by, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO terminals (name, org, kind, fingerprint,"
                                          " registered_by, registered_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, name);
    dsg_db_bind_text(st, 2, org);
    dsg_db_bind_text(st, 3, dsg_org_class_name((dsg_org_class)kind));
    sqlite3_bind_blob(st, 4, fp, (int)DSG_TERM_FP_LEN, SQLITE_TRANSIENT);
    dsg_db_bind_text(st, 5, by);
    sqlite3_bind_int64(st, 6, now);
    return dsg_db_run(st);
}

int dsg_term_store_register(sqlite3 *db, const char *name, const char *org, int kind,
                            const uint8_t fp[DSG_TERM_FP_LEN], const char *by, int64_t now,
                            dsg_acct_problem *p)
{
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_term_name_check(name, p) != 0 || dsg_org_name_check(org, p) != 0)
        return -1;
    if (dsg_org_class_name((dsg_org_class)kind) == NULL)
        return dsg_problem(p, "bad_field", "kind", "kind: company or ministry");
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (org_of_kind(db, org, kind, p) != 0 || fresh(db, name, fp, p) != 0) {
        dsg_db_rollback(db);
        return -1;
    }
    if (insert(db, name, org, kind, fp, by, now) != 0) {
        dsg_problem(p, "storage", "", "the account database failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_term_store_revoke(sqlite3 *db, const char *name, const char *by, int64_t now,
                          dsg_term_row *before, dsg_acct_problem *p)
{
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_term_name_check(name, p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int found = dsg_term_store_get(db, name, before, err, sizeof err);
    if (found != 1 || before->revoked_at != 0) {
        dsg_db_rollback(db);
        return found < 0    ? dsg_problem(p, "storage", "", "%s", err)
             : found == 0   ? dsg_problem(p, "unknown_terminal", "name", "no terminal %s is"
                                          " registered (dsgctl terminal list)", name)
                            : dsg_problem(p, "terminal_revoked", "name", "terminal %s was"
                                          " revoked already", name);
    }
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE terminals SET revoked_by = ?, revoked_at = ?"
                                          " WHERE name = ? AND revoked_at IS NULL");
    if (st != NULL) {
        dsg_db_bind_text(st, 1, by);
        sqlite3_bind_int64(st, 2, now > 0 ? now : 1);   /* 0 means live */
        dsg_db_bind_text(st, 3, name);
    }
    if (st == NULL || dsg_db_run(st) != 0) {
        dsg_problem(p, "storage", "", "the account database failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}
