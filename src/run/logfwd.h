/*
 * The logfwd worker (REQ-RUN-053, REQ-LOG-047; docs/sandbox.md "The
 * logfwd role", docs/audit.md "Forwarding"): the TLS client that carries
 * the audit trail to the collectors of log.forward. It never connects: the
 * master makes each TCP connection and passes the connected socket on fd 4
 * (SCM_RIGHTS). logfwd verifies the collector (its certificate chains to
 * log.forward_ca and carries the collector's address, or the NAME of
 * "NAME@ADDR:PORT"), writes the frame stream logd sends in FWD_BATCH
 * messages, checking that it is RFC 5425 frames, and reports a batch
 * delivered (FWD_ACK) once the collector's TCP has acknowledged every byte
 * up to its end: the bytes written to the socket (BIO_number_written)
 * minus those still unacknowledged in it (ioctl SIOCOUTQ). What the
 * collector sends is read and thrown away. Connections that come up or go
 * down are reported to the master (FWD_STATE).
 */
#ifndef DSGD_LOGFWD_H
#define DSGD_LOGFWD_H

#include <poll.h>
#include <stddef.h>

#include "run/bus.h"

/* Before the sandbox: checks fd 4, reads the setup pipe on fd 5 and
 * closes it, initialises OpenSSL without configuration and builds the
 * client SSL_CTX with the CA certificates. 0, or -1 with a message.
 * @relation(REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_logfwd_prepare(char *err, size_t n);

/* RLIMIT_NOFILE for the role: fds 0-4 and one socket per collector, with
 * room for a replacement arriving before the old one is closed.
 * @relation(REQ-RUN-053) */
unsigned dsgd_logfwd_nofile(void);

/* The bus is open (after WELCOME). @relation(REQ-RUN-053) */
void dsgd_logfwd_bus(dsgd_chan *chan);

/* The descriptors to poll (fd 4 and the connections) and the timeout
 * (handshake deadlines; every 100 ms while bytes wait for the collector's
 * acknowledgement). Sends what waits for bus room. @relation(REQ-LOG-047, REQ-RUN-053) */
size_t dsgd_logfwd_pollfds(struct pollfd *pf, size_t max, int *timeout_ms);

/* What poll found. @relation(REQ-LOG-047, REQ-RUN-053) */
void dsgd_logfwd_events(const struct pollfd *pf, size_t n);

/* FWD_BATCH from logd, FWD_STATE (down: drop that connection) from the
 * master: 0, or -1 for a message logfwd does not take.
 * @relation(REQ-LOG-047) */
int dsgd_logfwd_message(const dsgd_msg *m);

/* SHUTDOWN: the last acknowledgements, then close_notify and close.
 * @relation(REQ-LOG-047) */
void dsgd_logfwd_stop(void);

#endif
