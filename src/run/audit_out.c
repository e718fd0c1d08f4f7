/* A role's outgoing audit records: see audit_out.h. */
#include <string.h>

#include "log/audit_wire.h"
#include "run/audit_out.h"
#include "run/bus.h"
#include "run/log.h"

#define QUEUE_MAX (DSGD_BUS_BODY_MAX - DSGD_AUDIT_PREFIX_MAX)
#define DROP_LOG_MS 10000u

static dsgd_chan *bus;
static uint8_t queue[QUEUE_MAX];
static size_t used;
static uint64_t dropped, dropped_logged;
static uint64_t next_drop_log;

void dsgd_audit_out_start(dsgd_chan *chan)
{
    bus = chan;
}

int dsgd_audit_out_add(uint32_t type, const dsg_audit_field *f, size_t n)
{
    if (dsg_audit_wire_put(queue, sizeof queue, &used, type, f, n) == 0)
        return 0;
    dsgd_audit_out_flush();   /* room for it, if the bus takes the queue now */
    if (dsg_audit_wire_put(queue, sizeof queue, &used, type, f, n) == 0)
        return 0;
    dropped++;
    return -1;
}

void dsgd_audit_out_flush(void)
{
    uint64_t now;
    if (bus != NULL && used > 0 && dsgd_bus_send(bus, DSGD_MSG_AUDIT, queue, used) == 0)
        used = 0;
    if (dropped == dropped_logged || (now = dsgd_now_ms()) < next_drop_log)
        return;
    dsgd_log("audit: %llu records dropped so far (logd not keeping up or not running)",
             (unsigned long long)dropped);
    dropped_logged = dropped;
    next_drop_log = now + DROP_LOG_MS;
}
