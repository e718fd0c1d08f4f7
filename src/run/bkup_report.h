/*
 * What dsgctl reports of the backup work it does itself, on the running
 * gateway, with keys the gateway does not hold or files only root reads
 * (docs/backup.md):
 *
 *   - a restore drill (REQ-BKUP-007, "Restore drills"): `dsgctl backup
 *     drill` restores a backup into a scratch directory with every check
 *     of `dsgctl backup restore`, removes it, and sends "backup drill ID
 *     passed|failed". The master records it (backup-drill) and keeps the
 *     last passed drill in STATE/last-drill (0600: the backup ID and the
 *     time, Unix seconds), from which it warns, at start and once a day,
 *     when no drill has passed for bkup.drill_max_age;
 *   - a verification (REQ-BKUP-005, "Verifying a backup"): `dsgctl backup
 *     verify ID` checks DEST/ID with the gateway's signing key and sends
 *     "backup verify ID passed|failed keyless|decrypted"; the master
 *     records it (backup-checked).
 *
 * ctl appends the administrator, uid and pid to either line.
 */
#ifndef DSGD_BKUP_REPORT_H
#define DSGD_BKUP_REPORT_H

#include <stddef.h>
#include <stdint.h>

/* A report as ctl passes it on, body[0 .. len): "VERB ID passed|failed
 * TAIL", VERB "backup drill" or "backup verify", ID of the form
 * YYYYMMDDTHHMMSSZ: 0 with the ID (16 bytes and a NUL), *passed and TAIL
 * (" --admin ..." for a drill, " keyless --admin ..." or " decrypted
 * --admin ..." for a verification: the caller checks it), or -1.
 * @relation(REQ-BKUP-005, REQ-BKUP-007) */
int dsgd_bkup_report_parse(const char *body, size_t len, const char *verb, char id[17],
                           int *passed, const char **tail);

/* A verification's report recorded as backup-checked "ID passed|failed:
 * signature, sizes and SHA-256[, every member decrypted and every database
 * checked]; WHO"; the answer for dsgctl in out.
 * @relation(REQ-BKUP-005, REQ-BKUP-014) */
void dsgd_bkup_verify_report(const char *id, int passed, int decrypted, const char *who,
                             void (*record)(const char *event, const char *detail), char *out,
                             size_t n);

/* The report recorded (record: the master's audit record) as backup-drill
 * "ID passed|failed; WHO"; a passed one kept in STATE/last-drill with
 * now. The answer for dsgctl in out. 0, or -1 when last-drill cannot be
 * written (recorded all the same). @relation(REQ-BKUP-007, REQ-BKUP-014) */
int dsgd_bkup_drill_report(const char *statedir, const char *id, int passed, const char *who,
                           int64_t now, void (*record)(const char *event, const char *detail),
                           char *out, size_t n);

/* The last passed drill's time in STATE/last-drill (Unix seconds) and its
 * backup ID, or -1 when there is none (or it cannot be read).
 * @relation(REQ-BKUP-007) */
int64_t dsgd_bkup_drill_last(const char *statedir, char id[17]);

/* Whether the warning is due, pure: a drill passed (last >= 0) more than
 * max_age_s before now; or none ever passed while a backup exists.
 * @relation(REQ-BKUP-007) */
int dsgd_bkup_drill_overdue(int64_t last, int have_backup, int64_t now, uint64_t max_age_s);

#endif
