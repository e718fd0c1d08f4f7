/*
 * Restore drills on the running gateway (REQ-BKUP-007, docs/backup.md
 * "Restore drills"). `dsgctl backup drill` restores a backup into a
 * scratch directory with every check of `dsgctl backup restore`, removes
 * it, and tells the master the result: "backup drill ID passed|failed",
 * with the administrator, uid and pid ctl appends. The master records it
 * (backup-drill) and keeps the last passed drill in STATE/last-drill
 * (0600: the backup ID and the time, Unix seconds), from which it warns,
 * at start and once a day, when no drill has passed for bkup.drill_max_age.
 */
#ifndef DSGD_BKUP_DRILL_H
#define DSGD_BKUP_DRILL_H

#include <stddef.h>
#include <stdint.h>

/* A drill's report as ctl passes it on, body[0 .. len): "backup drill ID
 * passed|failed --admin NAME --uid U --pid P" checked against that form:
 * 0 with the ID (16 bytes and a NUL), *passed and the tail after the
 * result (" --admin ..."), or -1. @relation(REQ-BKUP-007) */
int dsgd_bkup_drill_parse(const char *body, size_t len, char id[17], int *passed,
                          const char **tail);

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
