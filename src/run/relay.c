/* The master's side of the bus: see relay.h. */
#include <stdlib.h>
#include <string.h>

#include "run/bus.h"
#include "run/relay.h"

typedef struct queued {
    struct queued *next;
    unsigned origin, run;
    uint32_t tag;
    uint8_t kind;
    size_t len;
    uint8_t body[];
} queued;

typedef struct origin {
    unsigned who, run;
    uint32_t tag;
} origin;

/* Per destination: the messages waiting for room, and the origins of those
 * sent and not yet credited, oldest first (a ring of the bus window). */
typedef struct lane {
    queued *head, *tail;
    origin sent[DSGD_BUS_WINDOW];
    unsigned first, n;
} lane;

static dsgd_relay_ops ops;
static lane lanes[DSGD_RELAY_MAX];

void dsgd_relay_init(const dsgd_relay_ops *o)
{
    ops = *o;
}

static void give_back(origin o, int delivered)
{
    if (o.who != DSGD_RELAY_MASTER)
        ops.give_back(o.who, o.run, o.tag, delivered);
}

/* Sends the oldest waiting messages while the destination has room. */
void dsgd_relay_flush(unsigned w)
{
    lane *l = &lanes[w];
    dsgd_chan *c = ops.chan_of(w);
    while (l->head != NULL && c != NULL && dsgd_bus_room(c) > 0 && l->n < DSGD_BUS_WINDOW) {
        queued *q = l->head;
        if (dsgd_bus_send(c, q->kind, q->body, q->len) != 0) {
            ops.failed(w, "cannot send it a message");
            return;
        }
        l->sent[(l->first + l->n++) % DSGD_BUS_WINDOW] = (origin){ q->origin, q->run, q->tag };
        l->head = q->next;
        if (l->head == NULL)
            l->tail = NULL;
        free(q);
    }
}

/* Nothing waits for `to` and it has room: the message goes out at once,
 * without being queued. 1 when sent; 0 when it must wait; -1 when the send
 * failed (the destination is dropped). */
static int send_now(unsigned to, origin o, uint8_t kind, const uint8_t *head, size_t head_len,
                    const uint8_t *body, size_t len)
{
    static uint8_t msg[DSGD_BUS_BODY_MAX];
    lane *l = &lanes[to];
    dsgd_chan *c = ops.chan_of(to);
    if (l->head != NULL || c == NULL || dsgd_bus_room(c) == 0 || l->n == DSGD_BUS_WINDOW)
        return 0;
    if (head_len > 0)
        memcpy(msg, head, head_len);
    if (len > 0)
        memcpy(msg + head_len, body, len);
    if (dsgd_bus_send(c, kind, msg, head_len + len) != 0) {
        ops.failed(to, "cannot send it a message");
        give_back(o, 0);
        return -1;
    }
    l->sent[(l->first + l->n++) % DSGD_BUS_WINDOW] = o;
    return 1;
}

int dsgd_relay_send(unsigned to, unsigned origin_w, unsigned run, uint32_t tag, uint8_t kind,
                    const uint8_t *head, size_t head_len, const uint8_t *body, size_t len)
{
    origin o = { origin_w, run, tag };
    lane *l;
    queued *q;
    int now;
    if (to >= DSGD_RELAY_MAX || head_len > DSGD_BUS_BODY_MAX || len > DSGD_BUS_BODY_MAX - head_len) {
        give_back(o, 0);
        return -1;
    }
    if ((now = send_now(to, o, kind, head, head_len, body, len)) != 0)
        return now > 0 ? 0 : -1;
    if ((q = malloc(sizeof *q + head_len + len)) == NULL) {
        give_back(o, 0);
        return -1;
    }
    l = &lanes[to];
    q->next = NULL;
    q->origin = origin_w;
    q->run = run;
    q->tag = tag;
    q->kind = kind;
    q->len = head_len + len;
    if (head_len > 0)
        memcpy(q->body, head, head_len);
    if (len > 0)
        memcpy(q->body + head_len, body, len);
    if (l->tail != NULL)
        l->tail->next = q;
    else
        l->head = q;
    l->tail = q;
    dsgd_relay_flush(to);
    return 0;
}

void dsgd_relay_credit(unsigned w, uint32_t n)
{
    lane *l = &lanes[w];
    for (; n > 0 && l->n > 0; n--, l->n--) {
        origin o = l->sent[l->first];
        l->first = (l->first + 1) % DSGD_BUS_WINDOW;
        give_back(o, 1);
    }
    dsgd_relay_flush(w);
}

unsigned dsgd_relay_gone(unsigned w, int keep_waiting)
{
    lane *l = &lanes[w];
    unsigned count = l->n;
    while (l->n > 0) {
        origin o = l->sent[l->first];
        l->first = (l->first + 1) % DSGD_BUS_WINDOW;
        l->n--;
        give_back(o, 0);
    }
    l->first = 0;
    while (!keep_waiting && l->head != NULL) {
        queued *q = l->head;
        l->head = q->next;
        give_back((origin){ q->origin, q->run, q->tag }, 0);
        free(q);
    }
    if (l->head == NULL)
        l->tail = NULL;
    return count;
}

unsigned dsgd_relay_pending(unsigned w)
{
    unsigned count = lanes[w].n;
    for (const queued *q = lanes[w].head; q != NULL; q = q->next)
        count++;
    return count;
}

uint32_t dsgd_relay_oldest_tag(unsigned w)
{
    const lane *l = &lanes[w];
    return l->n > 0 && l->sent[l->first].who != DSGD_RELAY_MASTER ? l->sent[l->first].tag : 0;
}
