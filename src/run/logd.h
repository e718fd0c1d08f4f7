/*
 * The logd worker's audit store (docs/audit.md): opened once sandboxed,
 * a "started" record at start, checkpoints every log.checkpoint_interval,
 * a "stopped" record and a final checkpoint at SHUTDOWN. The C API other
 * roles' records will come through (IPC routing to be added) is
 * dsgd_logd_append; records from the other roles arrive as bus messages
 * (dsgd_logd_message).
 */
#ifndef DSGD_LOGD_H
#define DSGD_LOGD_H

#include <stddef.h>
#include <stdint.h>

#include "log/audit.h"

/* Commits the records of the AUDIT messages taken since the last call and
 * gives their credit back (group commit; the worker calls it once it has
 * read all the channel had). 0, or -1 when the channel is broken.
 * @relation(REQ-LOG-043) */
int dsgd_logd_settle(void);

/* Opens the store in dir ("/" when chrooted into var/logd) with the
 * settings the master passed (`-L`, dsgd_settings_logd_arg; NULL: the
 * embedded defaults), records logd's start and loads the forwarding
 * cursors of the collectors of forward (`-F`, log.forward; NULL: none).
 * 0, or -1 with a message.
 * @relation(REQ-LOG-041, REQ-LOG-004, REQ-RUN-020, REQ-LOG-047) */
int dsgd_logd_start(const char *dir, const char *settings, const char *forward, char *err,
                    size_t n);

/* Appends one record (see dsg_audit_append); 0 once durably committed.
 * @relation(REQ-LOG-001) */
int dsgd_logd_append(const char *source, uint32_t type, const dsg_audit_field *fields,
                     size_t nfields, uint64_t *seq, char *err, size_t n);

struct dsgd_msg;
struct dsgd_chan;

/* A bus message from the master. DSGD_MSG_AUDIT: its body is the sending
 * role's name (one length byte, then the name) and its records
 * (src/log/audit_wire.h), appended in one transaction as coming from that
 * role; a record the store refuses (unknown type or field, missing field)
 * is logged and skipped. DSGD_MSG_LOG_VERIFY: the store is verified with
 * logd's own keys and the report sent back as DSGD_MSG_ROLE_REPORT.
 * DSGD_MSG_ROLE_COMMAND: "log prune --before T --uid U --pid P" prunes
 * (dsg_audit_prune) and reports; "log export [--type N] [--source S]
 * [--since T] [--until T] --format F" starts an export whose pieces go as
 * DSGD_MSG_ROLE_PART, one at a time (dsgd_logd_tick sends the next once the
 * last one's credit is back), ended by a DSGD_MSG_ROLE_REPORT. Then the
 * message's credit goes back to the master. 0, or -1 for a message logd
 * does not take (the channel is then closed).
 * @relation(REQ-LOG-043, REQ-LOG-005, REQ-LOG-044, REQ-LOG-045) */
int dsgd_logd_message(const struct dsgd_msg *m, struct dsgd_chan *chan);

/* Milliseconds until the next timed checkpoint is due (-1: none pending),
 * 0 when the next piece of an export can go. @relation(REQ-LOG-004, REQ-LOG-045) */
int dsgd_logd_poll_timeout(void);

/* Sends the next piece of an export when it can; writes the timed
 * checkpoint when it is due, then prunes what is older than
 * log.retention_days. @relation(REQ-LOG-004, REQ-LOG-044, REQ-LOG-045) */
void dsgd_logd_tick(void);

/* Records logd's stop, writes the final checkpoint and closes the store.
 * @relation(REQ-LOG-004) */
void dsgd_logd_stop(void);

#ifdef DSG_TEST_HOOKS
/* Test hooks slow-commit and no-commit: every commit of records waits ms
 * first; with ms < 0 logd commits none (until its stop). */
void dsgd_logd_test_hook_slow(int ms);
#endif

struct dsgd_backup_source;

/* What a backup copies (run/role_backup.h): audit.db and anchor.log.
 * @relation(REQ-BKUP-009) */
int dsgd_logd_backup(struct dsgd_backup_source *src);

#endif
