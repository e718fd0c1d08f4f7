/*
 * logd's forwarding cursors, one collector at a time (REQ-LOG-047,
 * docs/audit.md "Forwarding"): what has been sent to the collector and
 * what it has acknowledged. Pure bookkeeping, no I/O.
 *
 * A cursor says, per source (by its index in logd's table of sources),
 * the last record forwarded, and how many bytes of anchor.log (the signed
 * checkpoints) were forwarded. `acked` is what the collector's TCP has
 * acknowledged (and logd has stored in its database); `sent` runs ahead of
 * it by the batches in flight. Each batch sent is remembered with the
 * cursor it reaches; when logfwd reports batch k delivered, every batch
 * up to k is (TCP delivers in order) and `acked` becomes k's cursor. A
 * connection that goes down takes `sent` back to `acked`, so the next
 * connection resends everything not acknowledged: nothing is lost, and a
 * record may arrive twice (the collector tells by its source and seq).
 */
#ifndef DSGD_FWD_CURSOR_H
#define DSGD_FWD_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "log/audit.h"

#define DSGD_FWD_INFLIGHT 16u   /* batches sent and not yet acknowledged, per collector */

typedef struct dsgd_fwd_cursor {
    uint64_t seq[DSG_AUDIT_SOURCES_MAX];   /* per source index: the last record forwarded */
    uint64_t anchor;                       /* bytes of anchor.log forwarded */
} dsgd_fwd_cursor;

typedef struct dsgd_fwd_coll {
    int up;                      /* a TLS connection is established */
    uint32_t gen;                /* its generation (the master counts connections) */
    dsgd_fwd_cursor acked, sent;
    unsigned first, n;           /* the batches in flight, a ring, oldest first */
    uint64_t id[DSGD_FWD_INFLIGHT];
    dsgd_fwd_cursor at[DSGD_FWD_INFLIGHT];
} dsgd_fwd_coll;

/* A collector known to be down, acknowledged up to *acked. @relation(REQ-LOG-047) */
void dsgd_fwd_coll_init(dsgd_fwd_coll *c, const dsgd_fwd_cursor *acked);

/* Connection gen is up: sending starts again from acked; 1. When it is
 * already up with that generation nothing changes (what is in flight
 * stays, a frame half sent goes on): 0. @relation(REQ-LOG-047) */
int dsgd_fwd_coll_up(dsgd_fwd_coll *c, uint32_t gen);

/* Connection gen is down (another generation's news is ignored): what
 * was in flight is forgotten and sent goes back to acked. 1 when the
 * collector was up with that generation. @relation(REQ-LOG-047) */
int dsgd_fwd_coll_down(dsgd_fwd_coll *c, uint32_t gen);

/* Up, with room for one more batch in flight. @relation(REQ-LOG-047) */
int dsgd_fwd_coll_room(const dsgd_fwd_coll *c);

/* A batch with this id went out, taking the collector to *after (which
 * becomes `sent`). 0, or -1 without room. @relation(REQ-LOG-047) */
int dsgd_fwd_coll_sent(dsgd_fwd_coll *c, uint64_t id, const dsgd_fwd_cursor *after);

/* logfwd reports batch id of connection gen delivered: 1 when acked
 * moved (to that batch's cursor, every older batch dropped from the
 * ring), 0 for an id not in flight or another generation (nothing
 * changes). @relation(REQ-LOG-047) */
int dsgd_fwd_coll_acked(dsgd_fwd_coll *c, uint32_t gen, uint64_t id);

#endif
