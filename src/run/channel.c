/* IPC channel I/O: every frame, sent or received, through dsg_ipc_decode. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "run/channel.h"

void dsgd_chan_init(dsgd_chan *c, int fd, dsg_ipc_peer self)
{
    c->fd = fd;
    c->self = self;
    dsg_ipc_channel_init(&c->ch);
    c->len = 0;
    c->pending = 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            continue;   /* frames are small; the peer drains its socket */
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

dsgd_chan_rc dsgd_chan_send(dsgd_chan *c, uint16_t type, uint32_t request_id,
                            const uint8_t *payload, uint32_t length,
                            dsg_ipc_status *status)
{
    static uint8_t frame[DSGD_CHAN_BUF];
    dsg_ipc_channel next = c->ch;
    dsg_ipc_frame f;
    size_t eaten = 0;

    *status = DSG_IPC_ERR_SIZE;
    if (c->fd < 0 || length > DSG_IPC_PAYLOAD_MAX)
        return DSGD_CHAN_BAD;
    dsg_ipc_encode_header(frame, type, length, request_id);
    if (length > 0)
        memcpy(frame + DSG_IPC_HEADER_SIZE, payload, length);
    *status = dsg_ipc_decode(&next, c->self, frame, DSG_IPC_HEADER_SIZE + length, &f, &eaten);
    if (*status != DSG_IPC_OK)
        return DSGD_CHAN_BAD;
    if (write_all(c->fd, frame, eaten) != 0)
        return DSGD_CHAN_IO;
    c->ch = next;
    return DSGD_CHAN_FRAME;
}

dsgd_chan_rc dsgd_chan_next(dsgd_chan *c, int do_read, dsg_ipc_frame *out,
                            dsg_ipc_status *status)
{
    dsg_ipc_peer from = c->self == DSG_IPC_PEER_MASTER ? DSG_IPC_PEER_WORKER
                                                       : DSG_IPC_PEER_MASTER;
    size_t eaten = 0;
    int eof = 0;

    *status = DSG_IPC_NEED_MORE;
    if (c->pending > 0) {
        memmove(c->buf, c->buf + c->pending, c->len - c->pending);
        c->len -= c->pending;
        c->pending = 0;
    }
    if (c->fd < 0)
        return DSGD_CHAN_EOF;
    if (do_read && c->len < sizeof c->buf) {
        ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
        if (r < 0 && errno != EAGAIN && errno != EINTR)
            return DSGD_CHAN_IO;
        if (r == 0)
            eof = 1;
        if (r > 0)
            c->len += (size_t)r;
    }
    if (c->len == 0)
        return eof ? DSGD_CHAN_EOF : DSGD_CHAN_AGAIN;
    *status = dsg_ipc_decode(&c->ch, from, c->buf, c->len, out, &eaten);
    if (*status == DSG_IPC_OK) {
        c->pending = eaten;
        return DSGD_CHAN_FRAME;
    }
    if (*status == DSG_IPC_NEED_MORE)
        return eof ? DSGD_CHAN_EOF : DSGD_CHAN_AGAIN;
    return DSGD_CHAN_BAD;
}

void dsgd_chan_close(dsgd_chan *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
