/*
 * The backup retention job of the master (REQ-BKUP-008, docs/backup.md
 * "Retention"): the only path that deletes a backup. It lists bkup.dest,
 * asks the proved decision (src/core/bkup_retain.h) which backups go, and
 * deletes each: its directory's files, then the directory, then its
 * leftovers (ID.partial, ID.unverified), then its state file last, and
 * syncs DEST. Each deletion is recorded (backup-deleted: the ID, the
 * reason). Nothing is deleted while the clock is unsynchronised or behind
 * the newest backup; that refusal is recorded once per cause per UTC day
 * (backup-retention-skipped).
 *
 * Deletion never follows a symbolic link and never leaves DEST: every
 * name is opened relative to DEST's descriptor with O_NOFOLLOW, a link is
 * removed as a link, a top-level name that is not a directory or a file
 * is left alone, and a directory on another filesystem stops the deletion.
 */
#ifndef DSGD_BKUP_RETENTION_H
#define DSGD_BKUP_RETENTION_H

#include <stddef.h>
#include <stdint.h>

typedef struct dsgd_retention_config {
    const char *dest;          /* bkup.dest, resolved; "" none */
    uint32_t days;             /* bkup.retention_days */
    uint32_t min_count;        /* bkup.retention_min_count */
    int clock_check;           /* bkup.retention_clock_check: 1 kernel, 0 none */
    uint32_t max_offset_ms;    /* ntp.max_offset */
} dsgd_retention_config;

typedef struct dsgd_retention_ops {
    /* An audit record of the master's. */
    void (*record)(const char *event, const char *detail);
    /* Whether the clock is synchronised: 1, or 0 with the cause in why.
     * NULL: the kernel's answer (run/clock_sync.h). */
    int (*clock)(uint32_t max_offset_ms, char *why, size_t n);
} dsgd_retention_ops;

/* What the job keeps between runs: the UTC day each cause of a refusal
 * was last recorded. Zeroed before the first run. */
typedef struct dsgd_retention_memory {
    int64_t skipped_day[3];   /* +1, so 0 is never */
} dsgd_retention_memory;

typedef struct dsgd_retention_result {
    unsigned deleted;          /* backups (and leftovers) deleted */
    unsigned kept_verified;    /* verified backups left */
    int skipped;               /* 1: nothing decided (clock, list) */
    int failed;                /* deletions that did not complete */
} dsgd_retention_result;

/* One run at now (Unix seconds, the server's clock). Returns the result;
 * nothing happens without a destination. @relation(REQ-BKUP-008, REQ-BKUP-014) */
dsgd_retention_result dsgd_retention_run(const dsgd_retention_config *c,
                                         const dsgd_retention_ops *ops,
                                         dsgd_retention_memory *mem, int64_t now);

/* The start of a backup ID YYYYMMDDTHHMMSSZ (Unix seconds), or -1 for
 * anything else. @relation(REQ-BKUP-008) */
int64_t dsgd_retention_id_time(const char *id, size_t len);

#endif
