/*
 * Unit tests of the audit store (src/log/audit.h): REQ-LOG-001, 003, 004,
 * 005, 006, 013, 031. Each test works in its own temporary directory.
 * Bad input first (unknown, missing, duplicate fields; bad keys), then the
 * chain, then verification against each kind of tampering, done on
 * purpose to the database and the anchor file with SQLite and OpenSSL.
 */
#define _GNU_SOURCE
#include <check.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/audit.h"
#include "log/audit_enc.h"
#include "tests/audit_fixture.h"

Suite *suite_audit(void);

static char dir[64];
static char err[1024];
static char pub[4096];
static dsg_audit_report rep;

static void setup(void)
{
    fixture_mkdtemp(dir, sizeof dir, "/tmp/dsg-audit-XXXXXX");
}

static void teardown(void)
{
    fixture_rmdir(dir);
}

static dsg_audit *open_store(uint32_t checkpoint_records)
{
    dsg_audit_opts o;
    dsg_audit *a = NULL;
    dsg_audit_opts_default(&o);
    o.checkpoint_records = checkpoint_records;
    o.max_field_bytes = 256;
    ck_assert_msg(dsg_audit_open(dir, &o, &a, err, sizeof err) == 0, "%s", err);
    return a;
}

#define F(n, v) { n, (const uint8_t *)(v), sizeof(v) - 1 }

static uint64_t access_log(dsg_audit *a, const char *source, const char *url)
{
    dsg_audit_field f[] = {
        F("access_time", "2026-01-02T03:04:05.678Z"), F("source_ip", "192.0.2.7"),
        { "url", (const uint8_t *)url, strlen(url) }, F("method", "GET"),
        F("user_agent", "curl/7.88"), F("status", "200"),
    };
    uint64_t seq = 0;
    ck_assert_msg(dsg_audit_append(a, source, DSG_AUDIT_TYPE_PORTAL_ACCESS, f, 6, &seq, err,
                                   sizeof err) == 0, "%s", err);
    return seq;
}

/* n records from "portal", a checkpoint after every `every` (0: none) */
static void fill(int n, uint32_t every)
{
    dsg_audit *a = open_store(every);
    char url[32];
    for (int i = 1; i <= n; i++) {
        snprintf(url, sizeof url, "/page/%d", i);
        ck_assert_uint_eq(access_log(a, "portal", url), (uint64_t)i);
    }
    dsg_audit_close(a);
}

static int verify(const char *with_pub, int with_key)
{
    uint8_t key[32];
    if (with_key) {
        char path[128];
        snprintf(path, sizeof path, "%s/chain.key", dir);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fread(key, 1, 32, f), 32);
        fclose(f);
    }
    ck_assert_msg(dsg_audit_verify(dir, with_pub, strlen(with_pub), with_key ? key : NULL, &rep,
                                   err, sizeof err) == 0, "%s", err);
    return (int)rep.nbreaks;
}

static void load_pub(void)
{
    ck_assert_msg(dsg_audit_pubkey_pem(dir, pub, sizeof pub, err, sizeof err) == 0, "%s", err);
}

/* The only break is of kind k at seq s. */
static void expect_break(dsg_audit_break_kind k, uint64_t s, int with_key)
{
    load_pub();
    int n = verify(pub, with_key);
    for (int i = 0; i < n && i < (int)DSG_AUDIT_BREAKS_MAX; i++)
        fprintf(stderr, "  break %d: %s seq %llu %s: %s\n", i, rep.breaks[i].source,
                (unsigned long long)rep.breaks[i].seq, dsg_audit_break_token(rep.breaks[i].kind),
                rep.breaks[i].detail);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(dsg_audit_break_token(rep.breaks[0].kind), dsg_audit_break_token(k));
    ck_assert_uint_eq(rep.breaks[0].seq, s);
    ck_assert_str_eq(rep.breaks[0].source, k == DSG_AUDIT_BAD_SIGNATURE && s == 0 ? "-" : "portal");
}

/* Runs SQL on the copy as an attacker would: the triggers go first. */
static void tamper(const char *sql)
{
    fixture_tamper(dir, sql);
}

static void sha256_2(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, uint8_t out[32])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned n;
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, a, an);
    EVP_DigestUpdate(c, b, bn);
    EVP_DigestFinal_ex(c, out, &n);
    EVP_MD_CTX_free(c);
}

/* Recomputes the public hash chain of "portal" from seq `from` on, as an
 * attacker who cannot read the chain key can. */
static void rechain(uint64_t from)
{
    char path[128];
    sqlite3 *db;
    sqlite3_stmt *st, *up;
    uint8_t prev[32] = { 0 }, h[32];
    snprintf(path, sizeof path, "%s/audit.db", dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT seq, body, hash FROM records WHERE "
                                            "source = 'portal' ORDER BY seq", -1, &st, NULL), 0);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE records SET hash = ? WHERE source = "
                                            "'portal' AND seq = ?", -1, &up, NULL), 0);
    while (sqlite3_step(st) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
        if (seq < from) {
            memcpy(prev, sqlite3_column_blob(st, 2), 32);
            continue;
        }
        sha256_2(prev, 32, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), h);
        sqlite3_bind_blob(up, 1, h, 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 2, (sqlite3_int64)seq);
        ck_assert_int_eq(sqlite3_step(up), SQLITE_DONE);
        sqlite3_reset(up);
        memcpy(prev, h, 32);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(up);
    sqlite3_close(db);
}

static long file_size(const char *name)
{
    char path[128];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* ---- bad input -------------------------------------------------------------- */

/* @relation(REQ-LOG-001, REQ-LOG-031) */
START_TEST(test_audit_refuses_unknown_missing_and_duplicate_fields)
{
    dsg_audit *a = open_store(0);
    uint64_t seq = 77;
    dsg_audit_field unknown[] = {
        F("access_time", "t"), F("source_ip", "i"), F("url", "/"), F("method", "GET"),
        F("user_agent", "u"), F("status", "200"), F("password", "x"),
    };
    ck_assert_int_eq(dsg_audit_append(a, "portal", 16, unknown, 7, &seq, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown field 'password'") != NULL, "%s", err);
    ck_assert_int_eq(dsg_audit_append(a, "portal", 16, unknown, 5, &seq, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "missing required field 'status'") != NULL, "%s", err);
    dsg_audit_field dup[] = { F("event", "start"), F("event", "stop") };
    ck_assert_int_eq(dsg_audit_append(a, "logd", 101, dup, 2, &seq, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "field 'event' given twice") != NULL, "%s", err);
    ck_assert_int_eq(dsg_audit_append(a, "logd", 999, dup, 1, &seq, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown log type 999") != NULL, "%s", err);
    ck_assert_int_eq(dsg_audit_append(a, "bad source", 101, dup, 1, &seq, err, sizeof err), -1);
    ck_assert_uint_eq(seq, 77);
    /* nothing was stored: the first good record is seq 1 */
    ck_assert_uint_eq(access_log(a, "portal", "/"), 1);
    dsg_audit_close(a);
    load_pub();
    ck_assert_int_eq(verify(pub, 1), 0);
    ck_assert_uint_eq(rep.records, 1);
}
END_TEST

/* @relation(REQ-LOG-004, REQ-LOG-006, REQ-LOG-041) */
START_TEST(test_audit_refuses_key_files_with_loose_permissions)
{
    char path[128];
    dsg_audit_opts o;
    dsg_audit *a = open_store(0);
    access_log(a, "portal", "/");
    dsg_audit_close(a);
    dsg_audit_opts_default(&o);
    snprintf(path, sizeof path, "%s/chain.key", dir);
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "mode 0640") != NULL && strstr(err, "chmod 600") != NULL, "%s", err);
    ck_assert_int_eq(chmod(path, 0600), 0);
    if (geteuid() == 0) {   /* a key of another uid (the tests run as root in CI) */
        ck_assert_int_eq(chown(path, 1, 1), 0);
        ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
        ck_assert_msg(strstr(err, "has owner uid 1") != NULL, "%s", err);
        ck_assert_int_eq(chown(path, 0, 0), 0);
    }
    snprintf(path, sizeof path, "%s/sign.key", dir);
    ck_assert_int_eq(chmod(path, 0604), 0);
    ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "sign.key has owner uid") != NULL, "%s", err);
    /* a missing key with records stored is never replaced */
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "refusing to create a new signing key") != NULL, "%s", err);
    ck_assert_int_eq(file_size("chain.key"), 32);   /* untouched */
    /* the directory itself must be private */
    ck_assert_int_eq(chmod(dir, 0755), 0);
    ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "mode 0700") != NULL, "%s", err);
}
END_TEST

/* @relation(REQ-LOG-013, REQ-LOG-042) */
START_TEST(test_audit_truncates_long_fields_and_flags_them)
{
    dsg_audit *a = open_store(0);
    static uint8_t longurl[1000];
    uint64_t seq;
    memset(longurl, 'a', sizeof longurl);
    longurl[255] = 0xe3;   /* a 3-byte UTF-8 sequence across the cut at 256 */
    longurl[256] = 0x81;
    longurl[257] = 0x82;
    dsg_audit_field f[] = {
        F("access_time", "t"), F("source_ip", "i"), { "url", longurl, sizeof longurl },
        F("method", "GET"), F("user_agent", "a\x01" "b\xff\\"), F("status", "200"),
    };
    ck_assert_int_eq(dsg_audit_append(a, "portal", 16, f, 6, &seq, err, sizeof err), 0);
    dsg_audit_close(a);
    char path[128], cmd[256];
    snprintf(path, sizeof path, "%s/out.jsonl", dir);
    FILE *o = fopen(path, "w");
    ck_assert_int_eq(dsg_audit_export(dir, NULL, DSG_AUDIT_JSONL, fileno(o), err, sizeof err), 0);
    fclose(o);
    /* cut before the split sequence, at 255 bytes, and flagged */
    snprintf(cmd, sizeof cmd, "grep -q '\"truncated\":\"url:1000\"' %s", path);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -qE '\"url\":\"a{255}\"' %s", path);
    ck_assert_int_eq(system(cmd), 0);
    /* a control byte and a byte that is not UTF-8 as \xNN, a backslash
     * doubled (then JSON-escaped once more) */
    snprintf(cmd, sizeof cmd, "grep -qF '\"user_agent\":\"a\\\\x01b\\\\xff\\\\\\\\\"' %s", path);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- the chain -------------------------------------------------------------- */

/* @relation(REQ-LOG-003, REQ-LOG-004, REQ-LOG-005, REQ-LOG-040, REQ-LOG-041) */
START_TEST(test_audit_numbers_per_source_and_verifies_intact)
{
    dsg_audit *a = open_store(3);
    ck_assert_uint_eq(access_log(a, "portal", "/a"), 1);
    ck_assert_uint_eq(access_log(a, "portal", "/b"), 2);
    dsg_audit_field f[] = { F("event", "started") };
    uint64_t seq;
    ck_assert_int_eq(dsg_audit_append(a, "logd", DSG_AUDIT_TYPE_SYSTEM, f, 1, &seq, err,
                                      sizeof err), 0);
    ck_assert_uint_eq(seq, 1);
    ck_assert_uint_eq(access_log(a, "portal", "/c"), 3);   /* checkpoint by count */
    ck_assert_uint_eq(dsg_audit_unanchored(a), 1);
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 0);
    dsg_audit_close(a);
    /* reopening continues the numbering */
    a = open_store(3);
    ck_assert_uint_eq(access_log(a, "portal", "/d"), 4);
    dsg_audit_close(a);
    load_pub();
    ck_assert_int_eq(verify(pub, 0), 0);
    ck_assert_uint_eq(rep.sources, 2);
    ck_assert_uint_eq(rep.records, 5);
    ck_assert_uint_eq(rep.checkpoints, 2);   /* portal at 3, logd at 1 */
    ck_assert_uint_eq(rep.unanchored, 1);
    ck_assert_int_eq(verify(pub, 1), 0);
    /* the database refuses UPDATE and DELETE */
    char path[128];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/audit.db", dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM records", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "UPDATE records SET type = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}
END_TEST

/* ---- tampering ---------------------------------------------------------------- */

/* @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_an_edited_field)
{
    fill(10, 5);
    /* the url of record 7 changes from /page/7 to /page/9 */
    tamper("UPDATE records SET body = CAST(replace(CAST(body AS TEXT), '/page/7', '/page/9') "
           "AS BLOB) WHERE seq = 7");
    expect_break(DSG_AUDIT_EDITED, 7, 0);
}
END_TEST

/* An attacker who recomputes the public hash chain after the edit is
 * caught by the next checkpoint, and by the MAC chain at the record.
 * @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_an_edit_with_a_recomputed_hash_chain)
{
    fill(10, 5);
    tamper("UPDATE records SET body = CAST(replace(CAST(body AS TEXT), '/page/7', '/page/9') "
           "AS BLOB) WHERE seq = 7");
    rechain(7);
    expect_break(DSG_AUDIT_EDITED, 6, 0);   /* somewhere in 6..10, after checkpoint 5 */
    ck_assert_uint_eq(rep.breaks[0].checkpoint, 10);
    load_pub();
    ck_assert_int_eq(verify(pub, 1), 2);
    ck_assert_uint_eq(rep.breaks[0].seq, 7);   /* the MAC points at the record itself */
    ck_assert_int_eq(rep.breaks[0].kind, DSG_AUDIT_EDITED);
}
END_TEST

/* @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_a_deleted_record)
{
    fill(10, 5);
    tamper("DELETE FROM records WHERE seq = 4");
    expect_break(DSG_AUDIT_DELETED, 4, 0);
}
END_TEST

/* @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_two_swapped_records)
{
    fill(10, 5);
    tamper("UPDATE records SET seq = 100 WHERE seq = 3; UPDATE records SET seq = 3 WHERE seq = 4;"
           "UPDATE records SET seq = 4 WHERE seq = 100");
    expect_break(DSG_AUDIT_REORDERED, 3, 0);
}
END_TEST

/* A record inserted at 4: the later ones are shifted by one.
 * @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_an_inserted_record)
{
    fill(10, 5);
    tamper("UPDATE records SET seq = seq + 1000 WHERE seq >= 4;"
           "UPDATE records SET seq = seq - 999 WHERE seq >= 1000;"
           "INSERT INTO records SELECT source, 4, type, recorded_at, body, hash, mac "
           "FROM records WHERE seq = 5");
    expect_break(DSG_AUDIT_INSERTED, 4, 0);
}
END_TEST

/* A forged record appended after the last checkpoint with a correct
 * public hash: only the chain key can tell.
 * @relation(REQ-LOG-003, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_a_forged_tail_record_with_the_chain_key)
{
    fill(10, 5);
    tamper("INSERT INTO records SELECT source, 11, type, recorded_at, "
           "CAST(replace(CAST(body AS TEXT), '/page/10', '/page/11') AS BLOB), hash, mac "
           "FROM records WHERE seq = 10");
    tamper("UPDATE records SET body = CAST(replace(CAST(body AS TEXT), "
           "char(10,0,0,0,0,0,0,0), char(11,0,0,0,0,0,0,0)) AS BLOB) WHERE seq = 11");
    rechain(11);
    load_pub();
    ck_assert_int_eq(verify(pub, 0), 0);   /* beyond the last checkpoint: not signed */
    ck_assert_uint_eq(rep.unanchored, 1);
    expect_break(DSG_AUDIT_INSERTED, 11, 1);
}
END_TEST

/* @relation(REQ-LOG-004, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_truncation_before_the_last_checkpoint)
{
    fill(10, 5);
    tamper("DELETE FROM records WHERE seq >= 8");
    expect_break(DSG_AUDIT_TRUNCATED, 8, 0);
    ck_assert_uint_eq(rep.breaks[0].checkpoint, 10);
}
END_TEST

/* The documented bound: records after the last checkpoint can be cut
 * without a trace; verify reports how many are unanchored.
 * @relation(REQ-LOG-004, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_bounds_truncation_after_the_last_checkpoint)
{
    fill(12, 5);
    load_pub();
    ck_assert_int_eq(verify(pub, 0), 0);
    ck_assert_uint_eq(rep.unanchored, 2);
    tamper("DELETE FROM records WHERE seq >= 11");
    ck_assert_int_eq(verify(pub, 1), 0);
    ck_assert_uint_eq(rep.unanchored, 0);
    tamper("DELETE FROM records WHERE seq = 10");
    expect_break(DSG_AUDIT_TRUNCATED, 10, 0);
}
END_TEST

/* @relation(REQ-LOG-004, REQ-LOG-005, REQ-LOG-040) */
START_TEST(test_verify_finds_a_corrupted_signature_and_a_wrong_key)
{
    fill(10, 5);
    char path[128];
    snprintf(path, sizeof path, "%s/anchor.log", dir);
    FILE *f = fopen(path, "r+");
    ck_assert_ptr_nonnull(f);
    char line[400];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    size_t n = strlen(line);
    /* the last hex digit of the first line's signature */
    ck_assert_int_eq(fseek(f, (long)n - 2, SEEK_SET), 0);
    fputc(line[n - 2] == '0' ? '1' : '0', f);
    fclose(f);
    expect_break(DSG_AUDIT_BAD_SIGNATURE, 5, 0);
    /* another store's public key: no checkpoint verifies */
    char other[64], cmd[200];
    snprintf(other, sizeof other, "%s", dir);
    snprintf(dir, sizeof dir, "/tmp/dsg-audit-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    dsg_audit_close(open_store(0));
    load_pub();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(dir, sizeof dir, "%s", other);
    ck_assert_int_eq(verify(pub, 0), 2);
    ck_assert_int_eq(rep.breaks[0].kind, DSG_AUDIT_BAD_SIGNATURE);
    ck_assert_int_eq(rep.breaks[1].kind, DSG_AUDIT_BAD_SIGNATURE);
    /* a line that is not a checkpoint at all */
    f = fopen(path, "a");
    fputs("dsg-anchor-1 portal 1 xyz\n", f);
    fclose(f);
    ck_assert_int_eq(file_size("anchor.log") > 0, 1);
}
END_TEST

/* The first open of an empty store makes its keys and says so by key ID;
 * a later open finds them and says nothing. @relation(REQ-STOR-015) */
START_TEST(test_audit_keys_made_once)
{
    char detail[200];
    dsg_audit *a = open_store(1000);
    ck_assert_int_eq(dsg_audit_keys_made(a, detail, sizeof detail), 1);
    ck_assert_ptr_nonnull(strstr(detail, "sign.key (Ed25519, public key SHA-256 "));
    ck_assert_ptr_nonnull(strstr(detail, ") generated for an empty store"));
    ck_assert_uint_eq(strlen(detail), strlen("sign.key (Ed25519, public key SHA-256 ) and chain.key "
                                             "(ID ) generated for an empty store") + 32);
    ck_assert_int_eq(dsg_audit_keys_made(a, detail, 20), -1);
    dsg_audit_close(a);
    a = open_store(1000);
    ck_assert_int_eq(dsg_audit_keys_made(a, detail, sizeof detail), 0);
    dsg_audit_close(a);
}
END_TEST

Suite *suite_audit(void)
{
    Suite *s = suite_create("audit");
    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_audit_refuses_unknown_missing_and_duplicate_fields);
    tcase_add_test(bad, test_audit_refuses_key_files_with_loose_permissions);
    tcase_add_test(bad, test_audit_truncates_long_fields_and_flags_them);
    suite_add_tcase(s, bad);
    TCase *tc = tcase_create("chain");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_audit_numbers_per_source_and_verifies_intact);
    tcase_add_test(tc, test_audit_keys_made_once);
    suite_add_tcase(s, tc);
    TCase *tv = tcase_create("tampering");
    tcase_add_checked_fixture(tv, setup, teardown);
    tcase_set_timeout(tv, 30);
    tcase_add_test(tv, test_verify_finds_an_edited_field);
    tcase_add_test(tv, test_verify_finds_an_edit_with_a_recomputed_hash_chain);
    tcase_add_test(tv, test_verify_finds_a_deleted_record);
    tcase_add_test(tv, test_verify_finds_two_swapped_records);
    tcase_add_test(tv, test_verify_finds_an_inserted_record);
    tcase_add_test(tv, test_verify_finds_a_forged_tail_record_with_the_chain_key);
    tcase_add_test(tv, test_verify_finds_truncation_before_the_last_checkpoint);
    tcase_add_test(tv, test_verify_bounds_truncation_after_the_last_checkpoint);
    tcase_add_test(tv, test_verify_finds_a_corrupted_signature_and_a_wrong_key);
    suite_add_tcase(s, tv);
    return s;
}
