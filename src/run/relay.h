/*
 * The master's side of the bus (REQ-RUN-049, REQ-RUN-050): every message the
 * master sends to a worker goes through here, its own and those it passes
 * on from another role (audit records to logd, HTTP exchanges between the
 * portal and the roles that serve routes).
 *
 * A worker gives credit back in the order it received messages, so the
 * master keeps, per destination, the origin of every message it sent and
 * not yet credited: when the destination gives n back, the n oldest are
 * done and a message passed on gives its sender one back in turn. That way
 * no role's window is freed before the next hop has finished with the
 * message, and a message waiting for room towards its destination waits
 * here, in order, never more than the senders' windows allow.
 */
#ifndef DSGD_RELAY_H
#define DSGD_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "run/channel.h"

#define DSGD_RELAY_MAX 8u                 /* workers the master can have */
#define DSGD_RELAY_MASTER 0xffffffffu     /* origin: the master's own message */

typedef struct dsgd_relay_ops {
    /* The channel of worker w if it is READY with an open bus, else NULL. */
    dsgd_chan *(*chan_of)(unsigned w);
    /* Worker `origin` gets one message of its window back, if its current
     * run is `run`: the message with this tag (0: untagged) was finished
     * by its destination (delivered), or dropped. */
    void (*give_back)(unsigned origin, unsigned run, uint32_t tag, int delivered);
    /* Sending to worker w failed: its channel is to be dropped. */
    void (*failed)(unsigned w, const char *why);
} dsgd_relay_ops;

/* @relation(REQ-RUN-050) */
void dsgd_relay_init(const dsgd_relay_ops *ops);

/* Sends, or queues until there is room, the message kind + head + body to
 * worker `to`; origin/run say whose window it used (DSGD_RELAY_MASTER:
 * none), tag is the caller's name for it (0: none). 0, or -1 (out of
 * memory or too long: the origin's credit is given back as dropped,
 * nothing is sent). @relation(REQ-RUN-050) */
int dsgd_relay_send(unsigned to, unsigned origin, unsigned run, uint32_t tag, uint8_t kind,
                    const uint8_t *head, size_t head_len, const uint8_t *body, size_t len);

/* The tag of the oldest message worker w holds (sent, not yet credited);
 * 0 when there is none or it has no tag. @relation(REQ-RUN-050) */
uint32_t dsgd_relay_oldest_tag(unsigned w);

/* Worker w gave n messages back. @relation(REQ-RUN-050) */
void dsgd_relay_credit(unsigned w, uint32_t n);

/* Sends what waits for worker w, now that it may have room (it became
 * READY, or gave credit). @relation(REQ-RUN-050) */
void dsgd_relay_flush(unsigned w);

/* Worker w went away: every message sent to it and not credited is given
 * back to its origin and forgotten, and so is every message waiting for it
 * unless keep_waiting (they then go to w's next run). Returns how many
 * sent messages were not credited. @relation(REQ-RUN-050) */
unsigned dsgd_relay_gone(unsigned w, int keep_waiting);

/* Messages towards worker w not yet credited or still waiting.
 * @relation(REQ-RUN-050) */
unsigned dsgd_relay_pending(unsigned w);

#endif
