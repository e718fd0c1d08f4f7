/*
 * A role's outgoing audit records (REQ-LOG-001): records are packed into
 * one bus message (src/log/audit_wire.h) and sent to the master, which
 * passes them on to logd, whenever the bus has room; the master gives the
 * room back once logd has committed them. While the bus is full records
 * wait in one message's worth of memory; beyond that they are dropped,
 * counted, and the count is logged (REQ-LOG-008's fail-closed path for
 * security operations is theirs to build on top).
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

/* Sends what is queued if the bus has room; logs drops now and then.
 * @relation(REQ-LOG-043) */
void dsgd_audit_out_flush(void);

#endif
