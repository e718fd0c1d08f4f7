/*
 * Restoring a backup as dsgd's state directory (spec/bkup.md
 * REQ-BKUP-006, docs/backup.md "Restoring a backup"): the core of
 * `dsgctl backup restore`, run as root with dsgd stopped, on the backup
 * (DEST/ID), the operator's X25519 private key it is encrypted to and the
 * escrowed keys (REQ-STOR-009).
 *
 *   1. STATE must not exist or be an empty directory; the manifest's
 *      signature is checked and its head read: a backup that depends on
 *      earlier ones (dsgd makes full backups only) or holds a role this
 *      dsgctl does not know where to put is refused before anything is
 *      written.
 *   2. STATE/keys/restore-partial (the backup, the time, the uid) is
 *      written first: while it exists dsgd refuses to start on STATE.
 *   3. The backup is decrypted into STATE/.restore-work (dsg_bk_decrypt:
 *      verified first, every member checked as it is decrypted, every
 *      database passes integrity_check), then each role's directory is
 *      moved to STATE/ROLE and given to the roles' user (directories 0700,
 *      files 0600), the master's members (its configuration then, the
 *      public keys) to STATE/restored-backup, logd's public key also to
 *      STATE/logd/sign.pub.
 *   4. The escrowed keys are imported (dsg_ke_import): the KEK must open
 *      every wrapped data key the backup holds, logd's keys must verify
 *      the restored audit trail, every checkpoint and every record's MAC,
 *      and match its public key.
 *   5. Every object file of the share role is read whole under the KEK and
 *      its tags checked (dsg_storage_verify_kek).
 *   6. STATE/keys/restored replaces the partial marker: at its next start
 *      dsgd's master records `backup-restored` with the backup's ID, the
 *      audit trail's continuation, then removes it.
 *
 * Not pure (files, OpenSSL, SQLite); in the library, used by dsgctl.
 */
#ifndef DSG_CTL_BK_RESTORE_H
#define DSG_CTL_BK_RESTORE_H

#include <stddef.h>
#include <stdint.h>

#include "bkup/bk_backup.h"
#include "ctl/key_escrow.h"
#include "stor/escrow.h"

/* The markers, under the state directory, in the master's keys directory
 * (root's, 0700), which dsgd reads at its start (run/keys.h). */
#define DSG_RS_PARTIAL "keys/restore-partial"
#define DSG_RS_DONE "keys/restored"
#define DSG_RS_MASTER "restored-backup"   /* the master's members, for the operator */

/* What a restore ended with: dsgctl's exit status. */
typedef enum dsg_rs_status {
    DSG_RS_OK = 0,
    DSG_RS_FAILED = 1,    /* a check failed, STATE not empty, or a write failed */
    DSG_RS_USAGE = 64,
    DSG_RS_NOPERM = 77    /* not root */
} dsg_rs_status;

/* What to restore, and with which keys. */
typedef struct dsg_rs_job {
    const char *backup;                      /* DEST/ID */
    const uint8_t *sign_pub;                 /* DSG_BK_SIGN_KEY_LEN bytes */
    const uint8_t *recipient;                /* the X25519 private key, DSG_X25519_LEN */
    const dsg_escrow_keys *keys;             /* opened from the escrow file */
    const dsg_ke_origin *escrow;             /* the escrow file, for the import's marker */
    const char *statedir;                    /* STATE */
    const char *user;                        /* the roles' user; NULL: dsg */
    dsg_bk_progress_fn progress;             /* may be NULL */
    void *ctx;
} dsg_rs_job;

/* What was restored, for the result line. */
typedef struct dsg_rs_summary {
    char id[DSG_BK_ID_LEN + 1];
    uint64_t members, bytes, objects;
} dsg_rs_summary;

/* The restore above. DSG_RS_OK with *sum, or the status with the reason
 * in err (the first failing member, key or object). A failure after step
 * 2 leaves STATE with its partial marker: dsgd refuses it; restore again
 * into an empty directory. @relation(REQ-BKUP-006) */
__attribute__((warn_unused_result))
dsg_rs_status dsg_bk_restore(const dsg_rs_job *job, dsg_rs_summary *sum, char *err, size_t n);

#endif
