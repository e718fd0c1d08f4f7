/*
 * tests/bench/login.c — the cost of a login's password step (make bench):
 * the scrypt verification at the configured cost alone, then the login
 * service's password step for a correct password, a wrong one, an unknown
 * user ID, a locked account and an address outside the account's
 * organisation's networks (REQ-ACCT-016), each BENCH_ROUNDS times
 * (default 20) over
 * a real auth.db in a temporary directory. Not a test: it prints figures
 * (mean and standard deviation in ms, and the password steps one auth role
 * completes per second) and fails only when it cannot run.
 *
 *   BENCH_SCRYPT_LOG2N  the cost N = 2^this (default 17, auth.scrypt_n)
 *   BENCH_ROUNDS        steps per kind (default 20)
 *
 * The five kinds of answer must cost the same (REQ-MFA-012): an unknown
 * user ID, a locked account and a refused network spend a dummy
 * verification.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "auth/acct_store.h"
#include "auth/cred_store.h"
#include "auth/login_svc.h"
#include "auth/org_store.h"
#include "db/db.h"

#define NOW 1800000000LL
#define PASSWORD "Bench-passw0rd-42"

static sqlite3 *db;
static dsg_lsvc_cfg cfg;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-login: %s\n", what);
    exit(2);
}

/* An ACTIVE company account with PASSWORD as its own (not temporary). */
static void account(const char *user)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_REGISTER;
    snprintf(a.user_id, sizeof a.user_id, "%s", user);
    strcpy(a.applicant, "bench");
    strcpy(a.reason, "bench");
    strcpy(a.name, "bench");
    strcpy(a.org, "bench");
    strcpy(a.contract, "C-1");
    a.org_kind = DSG_ORG_MINISTRY;
    a.type = DSG_ACCT_MINISTRY;
    a.expiry = NOW + 86400;
    a.contract_end = NOW + 86400;
    if (dsg_acct_store_apply(db, &a, "admin1", NOW - 10, &id, &p) != 0 ||
        dsg_acct_store_approve(db, id, "admin2", NOW - 9, &p) != 0)
        die(p.message);
    if (dsg_pw_hash_new((const uint8_t *)PASSWORD, strlen(PASSWORD), &cfg.scrypt, verifier,
                        sizeof verifier) < 0 ||
        dsg_cred_store_password_set(db, user, verifier, NOW - 8, err, sizeof err) != 0)
        die("cannot store the password");
}

typedef void (*kind_fn)(int round);

static const dsg_lsvc_peer peer = { DSG_LOGIN_PORTAL, 1, 0, "127.0.0.1", NULL, "127.0.0.1" };

/* The same Ministry account's organisation "bench" holds 127.0.0.1 only;
 * from outside auth.ministry_networks too (REQ-ACCT-016): */
static const dsg_lsvc_peer outside = { DSG_LOGIN_PORTAL, 0, 0, "192.0.2.7", NULL, "192.0.2.7" };

static void step_from(const dsg_lsvc_peer *from, const char *user, const char *pw, int want)
{
    dsg_lsvc_result r;
    dsg_lsvc_password(user, (const uint8_t *)pw, strlen(pw), from, NOW, &r);
    if (r.status != want)
        die(r.detail);
}

static void step(const char *user, const char *pw, int want)
{
    step_from(&peer, user, pw, want);
}

static void correct(int i) { (void)i; step("ok", PASSWORD, 200); }
static void wrong(int i) { (void)i; step("wrong", "Not-the-passw0rd", 401); }
static void unknown(int i) { char id[32]; snprintf(id, sizeof id, "nobody%d", i); step(id, PASSWORD, 401); }
static void locked(int i) { (void)i; step("locked", PASSWORD, 401); }
static void network(int i) { (void)i; step_from(&outside, "ok", PASSWORD, 401); }
static void verify(int i)
{
    dsg_cred_password cred;
    (void)i;
    if (dsg_cred_store_password(db, "ok", NOW, &cred) != 1 ||
        dsg_pw_verify(cred.verifier, strlen(cred.verifier), (const uint8_t *)PASSWORD,
                      strlen(PASSWORD)) != 1)
        die("the verification failed");
}

/* Runs fn rounds times; prints the mean and standard deviation in ms. */
static double measure(const char *name, kind_fn fn, int rounds)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < rounds; i++) {
        double t0 = now_ms();
        fn(i);
        double d = now_ms() - t0;
        sum += d;
        sq += d * d;
    }
    double mean = sum / rounds, sd = sqrt(sq / rounds - mean * mean > 0 ? sq / rounds - mean * mean : 0);
    printf("%-28s %8.1f ms  sd %6.1f ms\n", name, mean, sd);
    return mean;
}

int main(void)
{
    char dir[] = "/tmp/dsg-bench-login.XXXXXX", path[64], err[200], cmd[96];
    const char *n_env = getenv("BENCH_SCRYPT_LOG2N"), *r_env = getenv("BENCH_ROUNDS");
    int rounds = r_env != NULL ? atoi(r_env) : 20;
    if (rounds < 2 || rounds > 90 || mkdtemp(dir) == NULL)
        die("BENCH_ROUNDS is 2..90, and a temporary directory is needed");
    snprintf(path, sizeof path, "%s/auth.db", dir);
    if (dsg_acct_store_open(path, 1000, &db, err, sizeof err) != 0)
        die(err);
    cfg.lock = (dsg_lock_policy){ 100, 3600, 3600 };   /* wrong passwords must not lock */
    cfg.scrypt = (dsg_scrypt_params){ n_env != NULL ? (uint32_t)atoi(n_env) : 17, 8, 1 };
    cfg.password = (dsg_pw_policy){ 12, 128, 3 };
    cfg.challenge_lifetime = 300;
    cfg.session = (dsg_session_policy){ 900, 43200 };
    cfg.admin_session = (dsg_session_policy){ 900, 43200 };
    cfg.reauth_max_age = 900;
    cfg.max_sessions = 10;
    cfg.totp_skew = 1;
    snprintf(cfg.issuer, sizeof cfg.issuer, "DSG");
    static const uint8_t totp_key[DSG_SEAL_KEY_LEN] = "bench-login-data-key-of-32-bytes";
    cfg.totp_key = totp_key;
    if (dsg_lsvc_init(&cfg, db) != 0)
        die("the scrypt cost is out of range");
    dsg_acct_problem p;
    if (dsg_org_store_add(db, "bench", DSG_ORG_CLASS_MINISTRY, "127.0.0.1", "admin1", NOW - 20,
                          &p) != 0)
        die(p.message);
    account("ok");
    account("wrong");
    account("locked");
    dsg_lock lock;
    dsg_lock_init(&lock);
    lock.locked_until = INT64_MAX;   /* until an administrator unlocks */
    if (dsg_cred_store_lock_put(db, "locked", &lock) != 0)
        die("cannot lock");
    printf("scrypt N=2^%u r=8 p=1, %d rounds each\n", cfg.scrypt.log2_n, rounds);
    double v = measure("scrypt verification alone", verify, rounds);
    double c = measure("password step, correct", correct, rounds);
    measure("password step, wrong", wrong, rounds);
    measure("password step, unknown ID", unknown, rounds);
    measure("password step, locked", locked, rounds);
    measure("password step, network", network, rounds);
    printf("password steps per second, one auth role: %.1f (scrypt alone: %.1f)\n", 1000 / c,
           1000 / v);
    dsg_db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 2;
}
