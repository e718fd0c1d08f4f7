/*
 * One end of an IPC channel (a socketpair between the master and one
 * worker). Every frame sent and every frame received goes through the proved
 * decoder dsg_ipc_decode with from = the sender (src/core/ipc_frame.h), so
 * this end never sends what the peer refuses and both ends keep the same
 * channel state.
 */
#ifndef DSGD_CHANNEL_H
#define DSGD_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ipc_frame.h"

#define DSGD_CHAN_BUF (DSG_IPC_HEADER_SIZE + DSG_IPC_PAYLOAD_MAX)

typedef struct dsgd_chan {
    int fd;                      /* -1 when closed */
    dsg_ipc_peer self;           /* this end */
    dsg_ipc_channel ch;          /* the state both ends agree on */
    size_t len;                  /* bytes in buf */
    size_t pending;              /* bytes of the frame last returned, dropped on the next call */
    uint8_t buf[DSGD_CHAN_BUF];
} dsgd_chan;

typedef enum dsgd_chan_rc {
    DSGD_CHAN_FRAME = 0,   /* *out holds a frame accepted by dsg_ipc_decode */
    DSGD_CHAN_AGAIN = 1,   /* nothing complete yet */
    DSGD_CHAN_EOF = 2,     /* the peer closed its end */
    DSGD_CHAN_BAD = 3,     /* the decoder refused a frame (*status says why) */
    DSGD_CHAN_IO = 4       /* read or write failed (errno) */
} dsgd_chan_rc;

/* A fresh channel (HANDSHAKE) on fd, seen from self. @relation(REQ-RUN-030) */
void dsgd_chan_init(dsgd_chan *c, int fd, dsg_ipc_peer self);

/* Builds a frame, checks it with dsg_ipc_decode (from = self), and writes it
 * whole. Returns DSGD_CHAN_FRAME on success, DSGD_CHAN_BAD if the decoder
 * refuses it (nothing is sent; *status says why), DSGD_CHAN_IO if the write
 * fails. @relation(REQ-RUN-030, REQ-RUN-037, REQ-RUN-007) */
__attribute__((warn_unused_result))
dsgd_chan_rc dsgd_chan_send(dsgd_chan *c, uint16_t type, uint32_t request_id,
                            const uint8_t *payload, uint32_t length,
                            dsg_ipc_status *status);

/* Reads what the socket holds (one read), then returns the next frame
 * accepted by dsg_ipc_decode (from = the peer). out->payload stays valid
 * until the next call. With do_read 0 only the buffer is examined.
 * @relation(REQ-RUN-030, REQ-RUN-037, REQ-RUN-007) */
__attribute__((warn_unused_result))
dsgd_chan_rc dsgd_chan_next(dsgd_chan *c, int do_read, dsg_ipc_frame *out,
                            dsg_ipc_status *status);

/* Closes the descriptor. @relation(REQ-RUN-030) */
void dsgd_chan_close(dsgd_chan *c);

#endif
