/*
 * logd's side of forwarding the audit trail (REQ-LOG-010, REQ-LOG-047,
 * docs/audit.md "Forwarding"). For every collector of log.forward logd
 * keeps a cursor (run/fwd_cursor.h) in its database; while the master
 * says the collector's TLS connection is up, logd reads the records after
 * the cursor, source by source, and then the checkpoints of anchor.log
 * after it, formats each exactly as `dsgctl log export --format rfc5424`
 * does, frames it (RFC 5425 octet counting) and sends the collector's
 * stream in FWD_BATCH messages of at most 60000 bytes through the master
 * to logfwd. logfwd reports a batch delivered once the collector's TCP has
 * acknowledged its last byte; logd then stores the cursor that batch
 * reached. A connection that goes down takes the collector back to its
 * stored cursor, so what was not acknowledged is sent again.
 *
 * Flow: at most DSGD_FWD_INFLIGHT batches per collector are unacknowledged,
 * forwarding holds at most two of logd's bus messages at once (the rest of
 * the window stays for reports, export pieces and UNSTORED), and it pauses
 * while a `dsgctl log export` is streamed.
 */
#ifndef DSGD_LOGD_FWD_H
#define DSGD_LOGD_FWD_H

#include <stddef.h>

#include "log/audit.h"
#include "run/bus.h"

/* Loads the cursors of the collectors of list (log.forward as the master
 * passed it with -F; NULL or empty: none). 0, or -1 with a message.
 * @relation(REQ-LOG-047) */
__attribute__((warn_unused_result))
int dsgd_logd_fwd_start(dsg_audit *store, const char *list, char *err, size_t n);

/* FWD_STATE (from the master) and FWD_ACK (from logfwd): taken, and the
 * message's credit given back: 0; -1 for a malformed message or one logd
 * does not take (the channel is then closed). @relation(REQ-LOG-047) */
int dsgd_logd_fwd_message(const dsgd_msg *m, dsgd_chan *chan);

/* 1 when a batch can go now (a collector up with room, something not yet
 * sent, bus room, no export streaming). @relation(REQ-LOG-047) */
int dsgd_logd_fwd_ready(int exporting);

/* Sends what it can; -1 when the channel is broken. @relation(REQ-LOG-047) */
int dsgd_logd_fwd_pump(int exporting);

#endif
