/*
 * Unit tests of the master's backup run (src/run/bkup_run.h), with the
 * roles played by the test: REQ-BKUP-001, 003, 004, 005, 014. Without
 * bkup.dest or a recipient key no run starts and the refusal is recorded;
 * a private key or a file that is no key is refused as the recipient; a
 * run whose roles send their streams ends verified, with its state file,
 * its list line and its records, and verifies with the public key `backup
 * pubkey` gives; a role that is not up makes the run fail, naming it; a
 * second run while one goes on is refused; an answer no run waits for is
 * refused.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bkup/bk_stream.h"
#include "run/bkup_run.h"

Suite *suite_bkup_run(void);

#define WHEN "2026-11-27T03:00:00.000Z"

static uint8_t h[DSG_BK_STREAM_HEAD_MAX];   /* a frame being written */

/* A frame's bytes to fd. */
static void put(int fd, uint8_t *h, size_t len)
{
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(write(fd, h, len), (ssize_t)len);
}

static char top[64], dest[128], state[128], pub_pem[160], priv_pem[160], junk[160];
static char records[8192];
static const char *down;        /* the role that is not up, or NULL */
static dsgd_bkup_config c;

static int up(const char *role)
{
    return down == NULL || strcmp(role, down) != 0;
}

static int stuck = -1;          /* a role that never answers: its pipe kept open, or -1 */

/* The role's part, played at once: its stream into fd (a stuck role keeps
 * the pipe and writes nothing). */
static int ask(const char *role, int fd, const char *id)
{
    (void)id;
    if (stuck == -2) {
        stuck = dup(fd);
        return 0;
    }
    put(fd, h, dsg_bk_stream_role(h, WHEN, 4));
    put(fd, h, dsg_bk_stream_member(h, strcmp(role, "share") == 0 ? "share.db" : "x.db", 3));
    ck_assert_int_eq(write(fd, role, 3), 3);
    if (strcmp(role, "share") == 0) {
        put(fd, h, dsg_bk_stream_member(h, "objects/ab/ab01.1", 5));
        ck_assert_int_eq(write(fd, "12345", 5), 5);
    }
    put(fd, h, dsg_bk_stream_end(h));
    return 0;
}

static void record(const char *event, const char *detail)
{
    size_t at = strlen(records);
    snprintf(records + at, sizeof records - at, "%s: %s\n", event, detail);
}

static size_t config(char *out, size_t cap)
{
    return (size_t)snprintf(out, cap, "bkup.dest = %s\n", dest);
}

static const dsgd_bkup_ops ops = { up, ask, record, config, NULL, NULL };

static void put_key(const char *path, int private_key)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(private_key ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)
                                 : PEM_write_PUBKEY(f, k), 1);
    fclose(f);
    EVP_PKEY_free(k);
}

static void setup(void)
{
    char p[200];
    snprintf(top, sizeof top, "/tmp/dsg-bkrun-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(dest, sizeof dest, "%s/dest", top);
    snprintf(state, sizeof state, "%s/var", top);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    ck_assert_int_eq(mkdir(state, 0700), 0);
    snprintf(p, sizeof p, "%s/keys", state);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    snprintf(pub_pem, sizeof pub_pem, "%s/op.pub", top);
    snprintf(priv_pem, sizeof priv_pem, "%s/op.key", top);
    snprintf(junk, sizeof junk, "%s/junk.pem", top);
    put_key(pub_pem, 0);
    put_key(priv_pem, 1);
    FILE *f = fopen(junk, "w");
    fputs("not a key\n", f);
    fclose(f);
    memset(&c, 0, sizeof c);
    c.dest = dest;
    c.statedir = state;
    c.recipient_file = pub_pem;
    c.roles[0] = "auth";
    c.roles[1] = "logd";
    c.roles[2] = "share";
    c.nroles = 3;
    records[0] = '\0';
    down = NULL;
    dsgd_bkup_init(&ops);
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    ck_assert_int_eq(system(cmd), 0);
}

/* The run started with out, the roles' answers given, the writer reaped:
 * the backup's ID. */
static void run_to_end(const char *out, char id[17])
{
    const char *p = strstr(out, "started the backup ");
    ck_assert_ptr_nonnull(p);
    memcpy(id, p + 19, 16);
    id[16] = '\0';
    for (unsigned i = 0; i < c.nroles; i++)
        if (up(c.roles[i]))
            ck_assert_int_eq(dsgd_bkup_role_done(c.roles[i], (const uint8_t *)"\0ok", 3), 0);
    int status;
    pid_t pid = wait(&status);
    ck_assert_int_gt(pid, 0);
    ck_assert_int_eq(dsgd_bkup_reaped(pid + 100000, status), 0);   /* not the writer */
    ck_assert_int_eq(dsgd_bkup_reaped(pid, status), 1);
}

static char *read_text(const char *path)
{
    static char buf[4096];
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    return buf;
}

/* @relation(REQ-BKUP-003, REQ-BKUP-014) */
START_TEST(test_run_refusals)
{
    char out[1200], err[600];
    c.recipient_file = "";
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    ck_assert_int_eq(dsgd_bkup_now(&c, "admin k uid 0 pid 1", out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "no bkup.recipient_pubkey"));
    c.recipient_file = priv_pem;
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "holds a private key"));
    c.recipient_file = junk;
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, junk));
    c.recipient_file = pub_pem;
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    ck_assert_int_eq(c.have_recipient, 1);
    c.dest = "";
    ck_assert_int_eq(dsgd_bkup_now(&c, "admin k uid 0 pid 1", out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "no bkup.dest"));
    ck_assert_ptr_nonnull(strstr(records, "backup-failed: not started: no bkup.recipient_pubkey; "
                                          "admin k uid 0 pid 1"));
    ck_assert_ptr_nonnull(strstr(records, "backup-failed: not started: no bkup.dest"));
    ck_assert_int_eq(dsgd_bkup_role_done("auth", (const uint8_t *)"\0ok", 3), -1);
}
END_TEST

/* @relation(REQ-BKUP-001, REQ-BKUP-004, REQ-BKUP-005, REQ-BKUP-014) */
START_TEST(test_run_verified)
{
    char out[1200], err[600], id[17], p[300], list[4096];
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    ck_assert_int_eq(dsgd_bkup_now(&c, "admin k uid 0 pid 1", out, sizeof out), 0);
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", err, sizeof err), 1);   /* one at a time */
    ck_assert_ptr_nonnull(strstr(err, "backup_running"));
    ck_assert_int_eq(dsgd_bkup_role_done("share", (const uint8_t *)"\0ok", 3), -1);   /* not its turn */
    run_to_end(out, id);
    snprintf(p, sizeof p, "%s/%s.state", dest, id);
    char *st = read_text(p);
    ck_assert_msg(strstr(st, "state verified\n") != NULL, "%s", st);
    ck_assert_ptr_nonnull(strstr(st, "roles auth,logd,share\nmembers 6\n"));
    snprintf(p, sizeof p, "backup-started: %s in %s; roles auth,logd,share; admin k", id, dest);
    ck_assert_msg(strstr(records, p) != NULL, "%s", records);
    snprintf(p, sizeof p, "backup-verified: %s: 6 members, ", id);
    ck_assert_msg(strstr(records, p) != NULL, "%s", records);
    ck_assert_uint_gt(dsgd_bkup_list(&c, list, sizeof list), 0);
    ck_assert_ptr_nonnull(strstr(list, id));
    ck_assert_ptr_nonnull(strstr(list, "verified"));
    /* the signing key's public key verifies the backup */
    char pem[1200];
    uint8_t spub[32];
    ck_assert_int_eq(dsgd_bkup_pubkey(&c, pem, sizeof pem), 0);
    snprintf(p, sizeof p, "%s/sign.pub", top);
    FILE *f = fopen(p, "w");
    fputs(pem, f);
    fclose(f);
    ck_assert_int_eq(dsg_bk_signkey_read_public(p, spub, err, sizeof err), DSG_BK_OK);
    snprintf(p, sizeof p, "%s/%s", dest, id);
    ck_assert_msg(dsg_bk_verify(p, spub, NULL, NULL, NULL, err, sizeof err) == DSG_BK_OK, "%s",
                  err);
    snprintf(p, sizeof p, "%s/keys/backup-sign.key", state);
    struct stat sb;
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
}
END_TEST

/* @relation(REQ-BKUP-001, REQ-BKUP-014) */
START_TEST(test_run_role_down)
{
    char out[1200], err[600], id[17], p[300];
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    down = "logd";
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", out, sizeof out), 0);
    run_to_end(out, id);
    snprintf(p, sizeof p, "%s/%s.state", dest, id);
    char *st = read_text(p);
    ck_assert_msg(strstr(st, "state failed\n") != NULL, "%s", st);
    ck_assert_msg(strstr(st, "reason logd is not running") != NULL, "%s", st);
    snprintf(p, sizeof p, "backup-failed: %s: logd is not running; dsgd", id);
    ck_assert_msg(strstr(records, p) != NULL, "%s", records);
    snprintf(p, sizeof p, "%s/%s", dest, id);
    ck_assert_int_ne(access(p, F_OK), 0);   /* nothing committed */
}
END_TEST

#define DAY 86400
#define T0 1795737600   /* 2026-11-27T00:00:00Z */

/* The daily time: due at bkup.daily_time, once a day; missed while dsgd
 * was down: a catch-up within bkup.catch_up_delay of the start; none for a
 * gateway that never made a backup. @relation(REQ-BKUP-001) */
START_TEST(test_timer_due)
{
    const uint32_t two = 120;   /* 02:00 */
    /* running since the day before, last backup yesterday 02:00: today 02:00 */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 3600, two, T0 - DAY + 7200, T0 - 1000, 600), T0 + 7200);
    ck_assert_int_eq(dsgd_bkup_due(T0 + 7200, two, T0 - DAY + 7200, T0 - 1000, 600), T0 + 7200);
    /* today's made (at 02:00:05): tomorrow's */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 7300, two, T0 + 7205, T0 - 1000, 600), T0 + DAY + 7200);
    /* down at 02:00, started at 09:00, last backup yesterday: catch-up */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 9 * 3600, two, T0 - DAY + 7200, T0 + 9 * 3600, 600),
                     T0 + 9 * 3600 + 60);
    ck_assert_int_eq(dsgd_bkup_due(T0 + 9 * 3600, two, T0 - DAY + 7200, T0 + 9 * 3600, 5),
                     T0 + 9 * 3600 + 5);
    /* never a backup, started after today's time: the next daily time */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 9 * 3600, two, -1, T0 + 9 * 3600, 600), T0 + DAY + 7200);
    /* never a backup, running at the daily time: then */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 7200, two, -1, T0 + 3600, 600), T0 + 7200);
    /* before today's time: yesterday's counts */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 60, two, T0 - DAY + 7200, T0 - 5 * DAY, 600),
                     T0 + 7200);
    ck_assert_int_eq(dsgd_bkup_due(T0 + 60, two, T0 - 2 * DAY, T0 - 5 * DAY, 600),
                     T0 - DAY + 7200);
    /* 23:59 and 00:00 */
    ck_assert_int_eq(dsgd_bkup_due(T0 + 100, 1439, T0 - 30, T0 - DAY, 600), T0 + DAY - 60);
    ck_assert_int_eq(dsgd_bkup_due(T0 + 100, 0, T0 - 30, T0 - DAY, 600), T0);
}
END_TEST

/* The newest start among the state files and backup directories of
 * bkup.dest; other names are not backups. @relation(REQ-BKUP-001) */
START_TEST(test_timer_last_start)
{
    char p[300];
    ck_assert_int_eq(dsgd_bkup_last_start(&c), -1);
    static const char *const names[] = { "20261125T020000Z", "20261126T020000Z.state",
                                         "20261127T020000Z.partial", "20261128T020000Z.state.new",
                                         "notes" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dest, names[i]);
        ck_assert_int_eq(mkdir(p, 0700), 0);
    }
    ck_assert_int_eq(dsgd_bkup_last_start(&c), (int64_t)T0 - DAY + 7200);
}
END_TEST

/* A run cut short by a stop stays `running` in its file until the next
 * start marks it failed; finished ones are left alone.
 * @relation(REQ-BKUP-001) */
START_TEST(test_settle_stale)
{
    char p[300];
    static const char run_text[] = "id 20261126T020000Z\nstate running\nstart x\nend -\n"
                                   "roles auth\nmembers 0\nsize 0\nactor dsgd\nreason -\n";
    static const char done_text[] = "id 20261125T020000Z\nstate verified\nstart x\nend y\n"
                                    "roles auth\nmembers 1\nsize 9\nactor dsgd\nreason -\n";
    snprintf(p, sizeof p, "%s/20261126T020000Z.state", dest);
    FILE *f = fopen(p, "w");
    fputs(run_text, f);
    fclose(f);
    snprintf(p, sizeof p, "%s/20261125T020000Z.state", dest);
    f = fopen(p, "w");
    fputs(done_text, f);
    fclose(f);
    ck_assert_uint_eq(dsgd_bkup_settle_stale(&c), 1);
    ck_assert_str_eq(read_text(p), done_text);
    snprintf(p, sizeof p, "%s/20261126T020000Z.state", dest);
    ck_assert_str_eq(read_text(p), "id 20261126T020000Z\nstate failed\nstart x\nend -\n"
                                   "roles auth\nmembers 0\nsize 0\nactor dsgd\n"
                                   "reason dsgd stopped before the run ended\n");
    ck_assert_uint_eq(dsgd_bkup_settle_stale(&c), 0);
    char list[4096];
    ck_assert_uint_gt(dsgd_bkup_list(&c, list, sizeof list), 0);
    ck_assert_ptr_nonnull(strstr(list, "failed     dsgd stopped before the run ended"));
}
END_TEST

/* The newest backup whose state file says verified; failed and running
 * ones do not count. Overdue past 24 h + bkup.max_duration since it, or
 * since dsgd started when there is none. @relation(REQ-BKUP-013) */
START_TEST(test_newest_verified_overdue)
{
    char p[300];
    static const char *const files[][2] = {
        { "20261125T020000Z.state", "id 20261125T020000Z\nstate verified\nstart x\n" },
        { "20261126T020000Z.state", "id 20261126T020000Z\nstate failed\nstart x\n" },
        { "20261127T020000Z.state", "id 20261127T020000Z\nstate running\nstart x\n" },
        { "20261128T020000Z.notes", "id 20261128T020000Z\nstate verified\n" },
    };
    ck_assert_int_eq(dsgd_bkup_newest_verified(&c), -1);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dest, files[i][0]);
        FILE *f = fopen(p, "w");
        fputs(files[i][1], f);
        fclose(f);
    }
    int64_t v = dsgd_bkup_newest_verified(&c);
    ck_assert_int_eq(v, (int64_t)T0 - 2 * DAY + 7200);
    const uint32_t four_h = 4 * 3600 * 1000;
    ck_assert_int_eq(dsgd_bkup_overdue(v, 0, v + DAY + 4 * 3600, four_h), 0);
    ck_assert_int_eq(dsgd_bkup_overdue(v, 0, v + DAY + 4 * 3600 + 1, four_h), 1);
    /* none ever: judged from dsgd's start */
    ck_assert_int_eq(dsgd_bkup_overdue(-1, 1000, 1000 + DAY + 4 * 3600, four_h), 0);
    ck_assert_int_eq(dsgd_bkup_overdue(-1, 1000, 1001 + DAY + 4 * 3600, four_h), 1);
}
END_TEST

/* A run past bkup.max_duration is stopped and failed; the answer that
 * comes after it is taken, and no new run starts before it.
 * @relation(REQ-BKUP-001, REQ-BKUP-014) */
START_TEST(test_run_overdue)
{
    char out[1200], err[600], id[17], p[300];
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    c.max_ms = 1;
    stuck = -2;
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", out, sizeof out), 0);
    const char *q = strstr(out, "started the backup ");
    ck_assert_ptr_nonnull(q);
    memcpy(id, q + 19, 16);
    id[16] = '\0';
    usleep(20000);
    dsgd_bkup_tick();
    int status;
    pid_t pid = wait(&status);
    ck_assert(WIFSIGNALED(status));
    ck_assert_int_eq(dsgd_bkup_reaped(pid, status), 1);
    snprintf(p, sizeof p, "%s/%s.state", dest, id);
    char *st = read_text(p);
    ck_assert_msg(strstr(st, "reason not finished within bkup.max_duration: stopped\n") != NULL,
                  "%s", st);
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", out, sizeof out), 1);
    ck_assert_msg(strstr(out, "auth is still finishing its copy") != NULL, "%s", out);
    ck_assert_msg(strstr(records, "backup-failed: not started: auth is still finishing its copy")
                  != NULL, "%s", records);   /* recorded and alerted, as every refusal */
    close(stuck);
    stuck = -1;
    ck_assert_int_eq(dsgd_bkup_role_done("auth", (const uint8_t *)"\1the pipe: Broken pipe", 23),
                     0);
    ck_assert_int_eq(dsgd_bkup_role_done("auth", (const uint8_t *)"\0ok", 3), -1);
}
END_TEST

/* dsgd stops during a run: the writer is killed and waited for, the run
 * marked failed; a role that restarted and so never answers its copy is
 * forgotten when it is reaped, and the next backup starts.
 * @relation(REQ-BKUP-001) */
START_TEST(test_run_stopped_and_role_gone)
{
    char out[1200], err[600], id[17], p[300];
    ck_assert_int_eq(dsgd_bkup_read_recipient(&c, err, sizeof err), 0);
    stuck = -2;
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", out, sizeof out), 0);
    const char *q = strstr(out, "started the backup ");
    ck_assert_ptr_nonnull(q);
    memcpy(id, q + 19, 16);
    id[16] = '\0';
    dsgd_bkup_stop();
    snprintf(p, sizeof p, "%s/%s.state", dest, id);
    char *st = read_text(p);
    ck_assert_msg(strstr(st, "state failed\n") != NULL, "%s", st);
    ck_assert_msg(strstr(st, "reason dsgd stopped during the run\n") != NULL, "%s", st);
    close(stuck);
    stuck = -1;
    ck_assert_int_eq(dsgd_bkup_now(&c, "dsgd", out, sizeof out), 1);   /* auth owes its answer */
    dsgd_bkup_role_gone("auth");
    sleep(1);   /* a new second: a new backup ID */
    ck_assert_msg(dsgd_bkup_now(&c, "dsgd", out, sizeof out) == 0, "%s", out);
    run_to_end(out, id);
    snprintf(p, sizeof p, "%s/%s.state", dest, id);
    st = read_text(p);
    ck_assert_msg(strstr(st, "state verified\n") != NULL, "%s", st);
}
END_TEST

/* The list fits one answer: the newest 200 backups, and how many older
 * ones it leaves out. @relation(REQ-BKUP-001) */
START_TEST(test_list_newest)
{
    static char list[65536];
    char p[300];
    for (int i = 0; i < 205; i++) {
        snprintf(p, sizeof p, "%s/2026%02d%02dT020000Z.state", dest, 1 + i / 28, 1 + i % 28);
        FILE *f = fopen(p, "w");
        fprintf(f, "id 2026%02d%02dT020000Z\nstate failed\nreason %0300d\n", 1 + i / 28,
                1 + i % 28, 7);
        fclose(f);
    }
    size_t len = dsgd_bkup_list(&c, list, sizeof list);
    ck_assert_uint_lt(len, 65000);
    ck_assert_ptr_nonnull(strstr(list, "(5 older backups not listed)\n"));
    ck_assert_ptr_null(strstr(list, "20260105T020000Z"));
    ck_assert_ptr_nonnull(strstr(list, "20260106T020000Z"));
    ck_assert_ptr_nonnull(strstr(list, "20260809T020000Z"));   /* the 205th */
}
END_TEST

Suite *suite_bkup_run(void)
{
    Suite *s = suite_create("bkup_run");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_run_stopped_and_role_gone);
    tcase_add_test(tc, test_run_refusals);
    tcase_add_test(tc, test_run_verified);
    tcase_add_test(tc, test_run_role_down);
    tcase_add_test(tc, test_timer_due);
    tcase_add_test(tc, test_timer_last_start);
    tcase_add_test(tc, test_settle_stale);
    tcase_add_test(tc, test_run_overdue);
    tcase_add_test(tc, test_list_newest);
    tcase_add_test(tc, test_newest_verified_overdue);
    suite_add_tcase(s, tc);
    return s;
}
