/*
 * The master's backup run (REQ-BKUP-001..005, REQ-BKUP-014,
 * docs/backup.md "The backup run"). `dsgctl backup now` starts one: the
 * master refuses without bkup.dest or bkup.recipient_pubkey, loads (or
 * makes, at the first run) the backup-signing key var/keys/backup-sign.key,
 * makes one pipe per storage role it runs (auth, logd, share, in the
 * manifest's order) and forks the writer, a child of its own that holds
 * the read ends, the recipient's public key and the signing key: it
 * writes DEST/ID.partial with src/bkup/bk_backup.h, reading each role's
 * stream (src/bkup/bk_stream.h) in turn, adds the master's own members
 * (the configuration in force and the public keys: logd's checkpoint key,
 * the portal's certificate, the backup-signing key; never a private key),
 * commits (signs and renames to
 * DEST/ID), verifies the result without any private key (dsg_bk_verify)
 * and reports one line on its result pipe. The master meanwhile passes
 * each role its write end (its fd 4, run/role_backup.h) and asks it on
 * the bus, one role after the other as each answers, so only the role
 * the writer reads is writing. A role that is not up gets no pipe: the
 * writer sees its stream end at once and the backup fails, naming it.
 * The master records backup-started, then backup-verified or
 * backup-failed (with the cause) on the audit trail, and keeps the runs
 * for `dsgctl backup list`, each also in DEST/ID.state.
 */
#ifndef DSGD_BKUP_RUN_H
#define DSGD_BKUP_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DSGD_BKUP_MAX_ROLES 3u

typedef struct dsgd_bkup_ops {
    /* Whether the role named name is up (HELLO answered, channel open). */
    int (*up)(const char *role);
    /* fd to the role on its fd 4, then DSGD_MSG_BACKUP with id: 0, or -1. */
    int (*ask)(const char *role, int fd, const char *id);
    /* An audit record of the master's. */
    void (*record)(const char *event, const char *detail);
    /* The configuration in force as `dsgctl config show` prints it, into
     * out[0 .. cap): its length (0: none). May be NULL. */
    size_t (*config)(char *out, size_t cap);
    /* In the writer, first thing: wipes every key of the master's it
     * inherited (the roles' data keys, the TLS private key). May be NULL. */
    void (*wipe)(void);
    /* The run id verified: logd is told (REQ-BKUP-010). May be NULL. */
    void (*verified)(const char *id);
} dsgd_bkup_ops;

typedef struct dsgd_bkup_config {
    const char *dest;                       /* bkup.dest, resolved; "" none */
    const char *statedir;                   /* the signing key under keys/ */
    const char *recipient_file;             /* bkup.recipient_pubkey; "" none */
    int have_recipient;
    uint8_t recipient[32];                  /* its raw X25519 key, read at start */
    const char *roles[DSGD_BKUP_MAX_ROLES]; /* the storage roles dsgd runs, in order */
    unsigned nroles;
    uint32_t max_ms;                        /* bkup.max_duration; 0: no limit */
} dsgd_bkup_config;

/* The role's process ended (the master reaped it): a copy it was asked
 * for and never answered is forgotten, unless it is the one the running
 * backup waits for (the tick fails that part). @relation(REQ-BKUP-001) */
void dsgd_bkup_role_gone(const char *role);

/* dsgd stops: a running writer is killed and waited for, and the run
 * marked failed ("dsgd stopped during the run"). @relation(REQ-BKUP-001) */
void dsgd_bkup_stop(void);

/* The ops the run uses. @relation(REQ-BKUP-001) */
void dsgd_bkup_init(const dsgd_bkup_ops *ops);

/* bkup.recipient_pubkey read into c (at start): 0, or -1 with the reason
 * (not an X25519 public key; a private key, which must never be on the
 * gateway). "" is no key and 0. @relation(REQ-BKUP-003) */
int dsgd_bkup_read_recipient(dsgd_bkup_config *c, char *err, size_t n);

/* Starts a run for actor ("admin NAME uid U pid P", or "dsgd"): 0 with a
 * line for the operator in out (the ID, where), or 1 with the reason
 * (no bkup.dest or bkup.recipient_pubkey, a run going on, the signing
 * key, a pipe or the writer). Recorded either way.
 * @relation(REQ-BKUP-001, REQ-BKUP-003, REQ-BKUP-014) */
int dsgd_bkup_now(const dsgd_bkup_config *c, const char *actor, char *out, size_t n);

/* A role's DSGD_MSG_BACKUP_DONE: the next role is asked. 0, or -1 when
 * the message is malformed or no run waits for that role.
 * @relation(REQ-BKUP-002) */
int dsgd_bkup_role_done(const char *role, const uint8_t *body, size_t len);

/* Every turn of the master's loop: a role the run waits for that is no
 * longer up counts as failed, and the next is asked; a run older than
 * bkup.max_duration is stopped (its writer killed, reaped as failed).
 * A role's answer that comes after its run ended is taken and dropped.
 * @relation(REQ-BKUP-002) */
void dsgd_bkup_tick(void);

/* A child the master reaped: 1 when it was the writer (the run ends,
 * verified or failed, and is recorded), else 0. @relation(REQ-BKUP-005, REQ-BKUP-014) */
int dsgd_bkup_reaped(pid_t pid, int status);

/* `dsgctl backup list` into out: the runs in DEST, oldest first (the
 * newest 200, and a line saying how many older ones are not listed).
 * @relation(REQ-BKUP-001) */
size_t dsgd_bkup_list(const dsgd_bkup_config *c, char *out, size_t n);

/* `dsgctl backup pubkey`: the signing key's public key in PEM into out
 * (the key made if there is none yet). 0, or -1 with the reason.
 * @relation(REQ-BKUP-004) */
int dsgd_bkup_pubkey(const dsgd_bkup_config *c, char *out, size_t n);

/* At start: every state file of c->dest still `running` (a run the last
 * stop or crash cut short) marked failed, "dsgd stopped before the run
 * ended"; how many. @relation(REQ-BKUP-001) */
unsigned dsgd_bkup_settle_stale(const dsgd_bkup_config *c);

/* When the daily backup is due (Unix seconds; REQ-BKUP-001), pure: S is
 * the last bkup.daily_time (minute of the UTC day) at or before now; a
 * backup started at or after S (last, -1 for none) makes it S + 1 day;
 * else S itself when dsgd was running at S (started <= S), else, when a
 * backup was ever made, the catch-up: started + the smaller of catch_up_s
 * and 60 s (the master waits for the storage roles until
 * started + catch_up_s); a gateway that never made a backup starts its
 * first at the next daily time. @relation(REQ-BKUP-001) */
int64_t dsgd_bkup_due(int64_t now, uint32_t daily_minute, int64_t last, int64_t started,
                      uint32_t catch_up_s);

/* The newest backup's start in c->dest (Unix seconds, from the IDs of
 * its state files and directories), or -1. @relation(REQ-BKUP-001) */
int64_t dsgd_bkup_last_start(const dsgd_bkup_config *c);

/* The start of the newest backup in c->dest whose state file says
 * verified (Unix seconds), or -1. @relation(REQ-BKUP-013) */
int64_t dsgd_bkup_newest_verified(const dsgd_bkup_config *c);

/* Whether the backups are overdue (REQ-BKUP-013), pure: the newest
 * verified backup (-1: none) started more than 24 h + max_ms before now,
 * or, with none, dsgd has run that long (started: its start).
 * @relation(REQ-BKUP-013) */
int dsgd_bkup_overdue(int64_t newest_verified, int64_t started, int64_t now, uint32_t max_ms);

/* The timer, every turn of the master's loop: with bkup.dest set, the
 * daily backup started when due (as "dsgd"), once a day; roles_up says
 * whether every storage role is up (a catch-up waits for them until its
 * limit). started: dsgd's start (Unix seconds). @relation(REQ-BKUP-001) */
void dsgd_bkup_timer(const dsgd_bkup_config *c, uint32_t daily_minute, uint32_t catch_up_ms,
                     int64_t started, int roles_up);

/* Milliseconds until the timer's next due time, at most 60000.
 * @relation(REQ-BKUP-001) */
uint32_t dsgd_bkup_wait_ms(void);

#endif
