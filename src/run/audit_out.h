/*
 * A role's outgoing audit records (REQ-LOG-001): records are packed into
 * one bus message (src/log/audit_wire.h) and sent to the master, which
 * passes them on to logd, whenever the bus has room; the master gives the
 * room back once logd has committed them. While the bus is full records
 * wait in one message's worth of memory; beyond that they are dropped,
 * counted, and the count is logged.
 *
 * Fail-closed operations (REQ-LOG-008) take a ticket for their record and
 * ask what became of it: the master answers every AUDIT message with a
 * DSGD_MSG_AUDIT_ACK once logd has committed it, when logd stopped before
 * confirming it, or when log.ack_timeout passed first (src/run/bus.h). An
 * operation whose record is not stored in time fails (the ctl worker:
 * `error audit-unavailable`, dsgctl exit 75; a role serving HTTP: 503
 * `audit-unavailable`, src/run/role_http.h).
 */
#ifndef DSGD_AUDIT_OUT_H
#define DSGD_AUDIT_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "log/audit.h"
#include "run/channel.h"

/* Space for the master's prefix (role name) in the message. */
#define DSGD_AUDIT_PREFIX_MAX 17u

/* Starts sending on chan (after the bus is open). @relation(REQ-LOG-043) */
void dsgd_audit_out_start(dsgd_chan *chan);

/* Queues one record; 0, or -1 when it was dropped (queue full, or not a
 * record the wire can carry). @relation(REQ-LOG-043) */
int dsgd_audit_out_add(uint32_t type, const dsg_audit_field *f, size_t n);

/* What became of a ticket's record. */
typedef enum dsgd_audit_fate {
    DSGD_AUDIT_PENDING = 0,      /* not answered yet */
    DSGD_AUDIT_STORED = 1,       /* logd committed it */
    DSGD_AUDIT_UNSTORED = 2      /* dropped, lost, late, or queued behind an outage */
} dsgd_audit_fate;

/* Queues one record as dsgd_audit_out_add does and sets *ticket to follow
 * it (0 when it was dropped). 0, or -1 when dropped. @relation(REQ-LOG-008) */
int dsgd_audit_out_add_ticket(uint32_t type, const dsg_audit_field *f, size_t n,
                              uint32_t *ticket);

/* A DSGD_MSG_AUDIT_ACK from the master: 0, or -1 when malformed.
 * @relation(REQ-LOG-008) */
__attribute__((warn_unused_result))
int dsgd_audit_out_ack(const uint8_t *body, size_t len);

/* What became of ticket's record so far. A record still queued here
 * (the bus full) is UNSTORED when the latest answer about an earlier
 * message was not STORED: logd is not keeping up. @relation(REQ-LOG-008) */
dsgd_audit_fate dsgd_audit_out_fate(uint32_t ticket);

/* 0 when the latest answer about a message was not STORED (logd is not
 * keeping up), else 1. @relation(REQ-LOG-008) */
int dsgd_audit_out_keeping_up(void);

/* Sends what is queued if the bus has room; logs drops now and then.
 * @relation(REQ-LOG-043) */
void dsgd_audit_out_flush(void);

/* A clean stop (REQ-LOG-043): SHUTDOWN closes the channel, so the master
 * first asks for the records (DSGD_MSG_DRAIN); once none is queued the
 * role answers DSGD_MSG_DRAINED and holds whatever it records after that,
 * which could only cross SHUTDOWN on the wire and be refused. */

/* Records queued and not yet sent. @relation(REQ-LOG-043) */
size_t dsgd_audit_out_queued(void);

/* From now on nothing more is sent (DRAINED has gone out). @relation(REQ-LOG-043) */
void dsgd_audit_out_hold(void);

/* At SHUTDOWN: logs how many records are still queued, and the drops not
 * logged yet; they are lost, but never silently. @relation(REQ-LOG-043) */
void dsgd_audit_out_abandon(void);

#endif
