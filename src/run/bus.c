/* The message bus over IPC streams: see bus.h. */
#include <string.h>

#include "run/bus.h"
#include "run/log.h"

static uint32_t next_id;

static int send(dsgd_chan *c, uint16_t type, const uint8_t *p, uint32_t len)
{
    dsg_ipc_status st;
    if (dsgd_chan_send(c, type, ++next_id, p, len, &st) == DSGD_CHAN_FRAME)
        return 0;
    dsgd_log("bus: cannot send frame type %u (%s)", (unsigned)type, dsg_ipc_status_token(st));
    return -1;
}

int dsgd_bus_open(dsgd_chan *c)
{
    uint8_t open[16];
    dsg_ipc_put_u32(open, 0xFFFFFFFFu);       /* total length: unknown (all ones) */
    dsg_ipc_put_u32(open + 4, 0xFFFFFFFFu);
    dsg_ipc_put_u32(open + 8, DSGD_BUS_STREAM);
    dsg_ipc_put_u32(open + 12, DSGD_BUS_WINDOW);
    return send(c, DSG_IPC_STREAM_OPEN, open, sizeof open);
}

uint32_t dsgd_bus_room(const dsgd_chan *c)
{
    const dsg_ipc_stream *own = &c->ch.stream[c->self];
    return own->sending ? own->credit : 0;
}

int dsgd_bus_send(dsgd_chan *c, uint8_t kind, const uint8_t *body, size_t len)
{
    static uint8_t frame[DSG_IPC_PAYLOAD_MAX];
    if (kind == 0 || len > DSGD_BUS_BODY_MAX)
        return -1;
    if (dsgd_bus_room(c) == 0)
        return 1;
    frame[0] = kind;
    if (len > 0)
        memcpy(frame + 1, body, len);
    return send(c, DSG_IPC_DATA, frame, (uint32_t)len + 1);
}

int dsgd_bus_done(dsgd_chan *c, uint32_t n)
{
    uint8_t p[4];
    if (n == 0)
        return 0;
    dsg_ipc_put_u32(p, n);
    return send(c, DSG_IPC_CREDIT, p, 4);
}

int dsgd_bus_receive(const dsgd_chan *c, const dsg_ipc_frame *f, dsgd_msg *m)
{
    (void)c;
    switch (f->type) {
    case DSG_IPC_STREAM_OPEN:
        return dsg_ipc_get_u32(f->payload + 8) == DSGD_BUS_STREAM ? 0 : -1;
    case DSG_IPC_CREDIT:
        return 0;   /* the decoder has added it to this end's window */
    case DSG_IPC_DATA:
        if (f->length < 1 || f->payload[0] == 0)
            return -1;
        m->kind = f->payload[0];
        m->body = f->payload + 1;
        m->len = f->length - 1;
        return 1;
    default:
        return -1;
    }
}
