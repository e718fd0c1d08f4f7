/* A role's outgoing audit records: see audit_out.h. */
#include <string.h>

#include "core/ipc_frame.h"
#include "log/audit_wire.h"
#include "run/audit_out.h"
#include "run/bus.h"
#include "run/log.h"

#define QUEUE_MAX (DSGD_BUS_BODY_MAX - DSGD_AUDIT_PREFIX_MAX)
#define DROP_LOG_MS 10000u

static dsgd_chan *bus;
static uint8_t queue[QUEUE_MAX];
static size_t used;
static size_t queued;           /* records in queue[0 .. used) */
static int held;                /* handed over for a stop: nothing more goes out */
static uint64_t dropped, dropped_logged;
static uint64_t next_drop_log;
static uint32_t sent;           /* AUDIT messages sent this run: the last one's number */
static int last_fine = 1;       /* the latest answer about a message was STORED */
/* The first answer about each of the latest ANSWERS messages. */
#define ANSWERS 64u
static struct { uint32_t seq; uint8_t result; } answers[ANSWERS];

void dsgd_audit_out_start(dsgd_chan *chan)
{
    bus = chan;
}

int dsgd_audit_out_add_ticket(uint32_t type, const dsg_audit_field *f, size_t n,
                              uint32_t *ticket)
{
    if (ticket != NULL)
        *ticket = 0;
    if (dsg_audit_wire_put(queue, sizeof queue, &used, type, f, n) != 0) {
        dsgd_audit_out_flush();   /* room for it, if the bus takes the queue now */
        if (dsg_audit_wire_put(queue, sizeof queue, &used, type, f, n) != 0) {
            dropped++;
            return -1;
        }
    }
    queued++;
    if (ticket != NULL)
        *ticket = sent + 1;   /* the message the queue goes out as */
    return 0;
}

int dsgd_audit_out_add(uint32_t type, const dsg_audit_field *f, size_t n)
{
    return dsgd_audit_out_add_ticket(type, f, n, NULL);
}

int dsgd_audit_out_ack(const uint8_t *body, size_t len)
{
    uint32_t seq;
    if (len != DSGD_AUDIT_ACK_LEN || body[4] > DSGD_AUDIT_ACK_REFUSED)
        return -1;
    seq = dsg_ipc_get_u32(body);
    if (seq == 0 || seq > sent)
        return -1;   /* an answer about a message this run never sent */
    last_fine = body[4] == DSGD_AUDIT_ACK_STORED;
    if (answers[seq % ANSWERS].seq == seq)
        return 0;   /* the first answer about a message decides */
    answers[seq % ANSWERS].seq = seq;
    answers[seq % ANSWERS].result = body[4];
    return 0;
}

dsgd_audit_fate dsgd_audit_out_fate(uint32_t ticket)
{
    if (ticket == 0)
        return DSGD_AUDIT_UNSTORED;
    if (ticket > sent)
        return last_fine ? DSGD_AUDIT_PENDING : DSGD_AUDIT_UNSTORED;
    if (answers[ticket % ANSWERS].seq != ticket)
        return DSGD_AUDIT_PENDING;
    return answers[ticket % ANSWERS].result == DSGD_AUDIT_ACK_STORED ? DSGD_AUDIT_STORED
                                                                     : DSGD_AUDIT_UNSTORED;
}

int dsgd_audit_out_keeping_up(void)
{
    return last_fine;
}

void dsgd_audit_out_flush(void)
{
    uint64_t now;
    if (bus != NULL && used > 0 && !held && dsgd_bus_send(bus, DSGD_MSG_AUDIT, queue, used) == 0) {
        used = 0;
        queued = 0;
        sent++;
    }
    if (dropped == dropped_logged || (now = dsgd_now_ms()) < next_drop_log)
        return;
    dsgd_log("audit: %llu records dropped so far (logd not keeping up or not running)",
             (unsigned long long)dropped);
    dropped_logged = dropped;
    next_drop_log = now + DROP_LOG_MS;
}

size_t dsgd_audit_out_queued(void)
{
    return queued;
}

void dsgd_audit_out_hold(void)
{
    held = 1;
}

void dsgd_audit_out_abandon(void)
{
    if (queued > 0)
        dsgd_log("audit: %zu record(s) still queued at SHUTDOWN (%s): lost", queued,
                 held ? "made after the stop began" : "not handed over in time");
    if (dropped > dropped_logged)
        dsgd_log("audit: %llu records dropped in all (logd not keeping up or not running)",
                 (unsigned long long)dropped);
}
