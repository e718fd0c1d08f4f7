/*
 * What the master hands the portal at exec (docs/sandbox.md, "The portal's
 * descriptors"): the listening TCP socket on fd 4, and on fd 5 the read end
 * of a pipe the master has filled and closed, holding the portal's settings,
 * certificate and private key. The portal reads fd 5 to EOF and closes it
 * before its sandbox is loaded.
 *
 * Pipe contents (the frame of setup_pipe.h): "DSGP", version 5, the 15
 * settings in the order of dsgd_portal_setup, then three blobs: the TLS 1.2
 * cipher list, the certificate, the key; then, only when portal.client_ca
 * is set, a fourth: its PEM CA certificates (REQ-MFA-002).
 */
#ifndef DSGD_PORTAL_SETUP_H
#define DSGD_PORTAL_SETUP_H

#include <stddef.h>
#include <stdint.h>

#include "run/setup_pipe.h"

#define DSGD_PORTAL_LISTEN_FD 4   /* and the setup pipe on DSGD_SETUP_FD */
#define DSGD_PORTAL_CLIENT_CA_MAX 8192u   /* bytes of portal.client_ca: the pipe holds it
                                           * beside the largest certificate and key */

typedef struct dsgd_portal_setup {
    uint32_t max_conns;             /* portal.max_connections */
    uint32_t handshake_timeout_ms;  /* portal.handshake_timeout */
    uint32_t head_timeout_ms;       /* portal.header_timeout */
    uint32_t keepalive_timeout_ms;  /* portal.keepalive_timeout */
    uint32_t max_request_line;      /* portal.max_request_line */
    uint32_t max_header_bytes;      /* portal.max_header_bytes */
    uint32_t max_header_count;      /* portal.max_header_count */
    uint32_t hsts_max_age;          /* portal.hsts_max_age */
    uint32_t body_timeout_ms;       /* portal.body_timeout */
    uint32_t api_max_body_bytes;    /* portal.api_max_body_bytes */
    uint32_t upload_max_hi;         /* portal.upload_max_bytes, high 32 bits */
    uint32_t upload_max_lo;         /* and low 32 bits */
    uint32_t json_max_depth;        /* portal.json_max_depth */
    uint32_t json_max_tokens;       /* portal.json_max_tokens */
    uint32_t tls_min_version;       /* portal.tls_min_version: TLS1_2_VERSION or TLS1_3_VERSION */
    const char *tls12_ciphers;      /* portal.tls12_ciphers, not NUL-terminated */
    size_t tls12_ciphers_len;
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *client_ca;       /* portal.client_ca's PEM certificates, read by the master */
    size_t client_ca_len;           /* 0: none (no client certificate is asked for) */
} dsgd_portal_setup;

/* Master: a pipe (close-on-exec both ends) holding *s; returns its read end
 * with the write end closed, or -1 after logging why.
 * @relation(REQ-RUN-042) */
__attribute__((warn_unused_result))
int dsgd_portal_setup_pipe(const dsgd_portal_setup *s);

/* Portal: reads fd to EOF into buf (at most size bytes) and points *s into
 * it. Returns 0, or -1 with a message in err.
 * @relation(REQ-RUN-042) */
__attribute__((warn_unused_result))
int dsgd_portal_setup_read(int fd, uint8_t *buf, size_t size, dsgd_portal_setup *s,
                           char *err, size_t errsize);

#endif
