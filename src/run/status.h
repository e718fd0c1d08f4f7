/*
 * `dsgctl status` (REQ-RUN-023): what the master knows of itself and of each
 * role, and its two renderings, a table for people and JSON for programs.
 * The master fills a dsgd_status; the ctl worker hands the rendering to
 * dsgctl unchanged.
 */
#ifndef DSGD_STATUS_H
#define DSGD_STATUS_H

#include <stddef.h>
#include <stdint.h>

#define DSGD_STATUS_ROLES_MAX 16u

typedef struct dsgd_role_status {
    const char *name;
    const char *state;       /* running, starting, restarting, failed, stopped */
    int pid;                 /* 0: not running */
    int uid;                 /* -1: unknown */
    uint64_t uptime_ms;      /* since its last start; 0 when not running */
    unsigned restarts;
    /* the sandbox as the kernel reports it (/proc/PID/status, /proc/PID/root) */
    int no_new_privs;        /* NoNewPrivs: 1, 0, or -1 unknown */
    int seccomp;             /* Seccomp: 2 filter, 0 none, or -1 unknown */
    char root[256];          /* chroot directory, "/" when none, "" unknown */
    int landlock_abi;        /* > 0: Landlock ABI in force; 0: not applied */
} dsgd_role_status;

typedef struct dsgd_status {
    const char *version;
    int pid;
    uint64_t uptime_ms;
    unsigned config_generation;
    int sanitized;           /* a sanitizer build: worker sandbox off */
    unsigned nroles;
    dsgd_role_status roles[DSGD_STATUS_ROLES_MAX];
    /* the file system of the audit trail (REQ-LOG-009) */
    int storage_used_percent;        /* -1: unknown */
    uint64_t storage_capacity_bytes;
    unsigned storage_warn_percent;   /* log.storage_warn_percent */
} dsgd_status;

/* JSON: {"version", "pid", "uptime_ms", "config_generation", "sandbox",
 * "roles": [{"name", "state", "pid", "uid", "uptime_ms", "restarts",
 * "no_new_privs", "seccomp", "root", "landlock_abi"}], "audit_storage":
 * {"used_percent" (-1 unknown), "capacity_bytes", "warn_percent"}}, written by the proved
 * JSON writer ("sandbox": "off (sanitizer build)" from a sanitizer build).
 * Returns its length, or 0 when it does not fit in cap.
 * @relation(REQ-RUN-023, REQ-RUN-006) */
size_t dsgd_status_json(const dsgd_status *s, uint8_t *out, size_t cap);

/* One line about the master (ending "sandbox OFF (sanitizer build)" from a
 * sanitizer build), then a table with a row per role, then a line on the
 * audit trail's file system ("audit storage: N% used of M MiB, warning at
 * W%"). Returns its length,
 * or 0 when it does not fit in cap. @relation(REQ-RUN-023, REQ-RUN-006, REQ-LOG-009) */
size_t dsgd_status_text(const dsgd_status *s, char *out, size_t cap);

/* `dsgctl storage usage` (REQ-STOR-014): the storage areas, each a
 * directory of its own owner, measured by dsgd_usage_measure
 * (storage_usage.c). */
#define DSGD_USAGE_AREAS 6u

typedef struct dsgd_area_usage {
    const char *area;        /* protected-information, share-databases, accounts,
                              * audit-trail, keys, backups */
    char dir[4096];          /* "" when not configured (backups without bkup.dest) */
    int measured;            /* 0: see why */
    int complete;            /* 0: files and used_bytes count what the time allowed */
    char why[96];
    char owner[64];          /* the directory owner's user name, or its uid */
    uint64_t files;          /* regular files in the area */
    uint64_t used_bytes;     /* the space they occupy (st_blocks x 512) */
    uint64_t free_bytes;     /* of the area's file system, for an unprivileged writer */
    uint64_t fs_bytes;       /* the file system's size */
} dsgd_area_usage;

/* JSON: {"areas": [{"area", "directory", "measured", "complete", "why",
 * "owner", "files", "used_bytes", "free_bytes", "filesystem_bytes"}]}, written by the
 * proved JSON writer. Its length, or 0 when it does not fit in cap.
 * @relation(REQ-STOR-014) */
size_t dsgd_usage_json(const dsgd_area_usage *a, size_t n, uint8_t *out, size_t cap);

/* A table: a header line, then a row per area (sizes in MiB, with one
 * decimal; files and used space followed by "+" when the count was cut
 * short), "-" and the reason where an area is not measured. Its length,
 * or 0 when it does not fit in cap. @relation(REQ-STOR-014) */
size_t dsgd_usage_text(const dsgd_area_usage *a, size_t n, char *out, size_t cap);

#define DSGD_USAGE_BUDGET_MS 2000u   /* of the master's time, well within dsgd.ping_timeout */

/* Measures the areas under statedir and bkup_dest ("" none) into
 * out[DSGD_USAGE_AREAS]: each directory's owner and the files beneath it
 * (the share databases' area leaves the objects out: they are the
 * protected-information area), and its file system's free space and
 * size. The files are counted in the master's own time, so the walk
 * stops after DSGD_USAGE_BUDGET_MS in all; an area it did not finish is
 * marked incomplete. @relation(REQ-STOR-014) */
void dsgd_usage_measure(const char *statedir, const char *bkup_dest,
                        dsgd_area_usage out[DSGD_USAGE_AREAS]);

/* Reads NoNewPrivs and Seccomp from /proc/PID/status and the root from
 * /proc/PID/root into r (unknown values where they cannot be read).
 * @relation(REQ-RUN-023) */
void dsgd_status_read_proc(int pid, dsgd_role_status *r);

#endif
