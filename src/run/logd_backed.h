/*
 * What of the audit trail a verified backup holds (REQ-BKUP-010,
 * docs/audit.md "Pruning and backups"). When logd's copy of audit.db for
 * a backup completes, every record recorded before that moment is in the
 * copy; once the master says the backup verified, logd keeps that moment
 * in STATE/logd/backed-up ("ID TIME", replaced whole), and pruning never
 * cuts later than it: a record goes only once a verified backup holds it.
 * Without a verified backup nothing is pruned.
 */
#ifndef DSGD_LOGD_BACKED_H
#define DSGD_LOGD_BACKED_H

#include <stddef.h>
#include <stdint.h>

#define DSGD_BACKED_FILE "backed-up"
#define DSGD_BACKED_ID_LEN 16u
#define DSGD_BACKED_TIME_LEN 24u   /* YYYY-MM-DDTHH:MM:SS.mmmZ, as recorded_at */

typedef struct dsgd_backed {
    char pending_id[DSGD_BACKED_ID_LEN + 1];    /* the copy made, not verified yet */
    char pending_at[DSGD_BACKED_TIME_LEN + 1];
    char id[DSGD_BACKED_ID_LEN + 1];            /* the newest verified backup's */
    char upto[DSGD_BACKED_TIME_LEN + 1];        /* records before it are in it; "" none */
} dsgd_backed;

/* b from dir's file (a missing or malformed file: no verified backup).
 * @relation(REQ-BKUP-010) */
void dsgd_backed_load(dsgd_backed *b, const char *dir);

/* The copy of backup id completed at `at` (a canonical time).
 * @relation(REQ-BKUP-010) */
void dsgd_backed_copied(dsgd_backed *b, const char *id, const char *at);

/* The master's word that backup id[0 .. len) verified: when it is the
 * copy made, its time becomes the mark, kept in dir's file (written as
 * FILE.new, synced, renamed). 1 moved, 0 not the copy made (or not later),
 * -1 the file could not be written (the mark is not moved).
 * @relation(REQ-BKUP-010) */
int dsgd_backed_verified(dsgd_backed *b, const char *dir, const uint8_t *id, size_t len);

/* The cut pruning may use for `before`: before itself, or the mark when
 * that is earlier ("" when there is none): 1 when records are held back
 * so, else 0. @relation(REQ-BKUP-010) */
int dsgd_backed_cut(const dsgd_backed *b, const char *before, char out[DSGD_BACKED_TIME_LEN + 1]);

#endif
