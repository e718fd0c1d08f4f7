/*
 * What the master hands the logfwd role at exec (docs/sandbox.md, "The
 * logfwd role"): on fd 4 its end of a SOCK_SEQPACKET socketpair over which
 * the master later passes each connected TCP socket (SCM_RIGHTS, with the
 * handover datagram of run/fwd_wire.h), and on fd 5 the read end of a pipe
 * the master has filled and closed, holding logfwd's settings, the CA
 * certificates of log.forward_ca and the log.forward list. logfwd reads
 * fd 5 to EOF and closes it before its sandbox is loaded, as the portal
 * does with its certificate and key (REQ-RUN-042).
 *
 * Pipe contents (the frame of setup_pipe.h): "DSGF", version 1, the
 * settings in the order of dsgd_logfwd_setup (each non-zero), then three
 * blobs: the TLS 1.2 cipher list, the CA PEM, the log.forward list.
 */
#ifndef DSGD_LOGFWD_SETUP_H
#define DSGD_LOGFWD_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "run/setup_pipe.h"

#define DSGD_LOGFWD_PASS_FD 4           /* and the setup pipe on DSGD_SETUP_FD */
#define DSGD_LOGFWD_CA_MAX 49152u       /* bytes of log.forward_ca */

typedef struct dsgd_logfwd_setup {
    uint32_t tls_min_version;       /* portal.tls_min_version: the gateway's TLS policy */
    uint32_t handshake_timeout_ms;  /* log.forward_timeout */
    const char *tls12_ciphers;      /* portal.tls12_ciphers, not NUL-terminated */
    size_t tls12_ciphers_len;
    const uint8_t *ca;              /* log.forward_ca's PEM */
    size_t ca_len;
    const char *list;               /* log.forward, not NUL-terminated */
    size_t list_len;
} dsgd_logfwd_setup;

/* Master: a pipe (close-on-exec both ends) holding *s; its read end with
 * the write end closed, or -1 after logging why. @relation(REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_logfwd_setup_pipe(const dsgd_logfwd_setup *s);

/* logfwd: reads fd to EOF into buf (at most size bytes) and points *s
 * into it. 0, or -1 with a message in err. @relation(REQ-RUN-053) */
__attribute__((warn_unused_result))
int dsgd_logfwd_setup_read(int fd, uint8_t *buf, size_t size, dsgd_logfwd_setup *s, char *err,
                           size_t errsize);

#endif
