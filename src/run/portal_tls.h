/*
 * The portal's TLS server: the SSL_CTX with the project's TLS policy, built
 * from bytes before the sandbox, and a poll-driven table of non-blocking
 * connections accepted on the inherited listening socket, each with its
 * deadline (handshake, request head, keep-alive idle, answer). What a
 * request is answered with is http_conn.c's business.
 */
#ifndef DSGD_PORTAL_TLS_H
#define DSGD_PORTAL_TLS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "core/http_body.h"
#include "run/bus.h"
#include "run/channel.h"
#include "run/http_conn.h"
#include "run/json_body.h"

/* TLS 1.3 suites are all AEAD; these are OpenSSL's, in this order */
#define DSGD_TLS13_SUITES \
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"

/* What the configuration sets of the TLS policy (portal.tls12_ciphers, a
 * list already checked by src/run/tls_policy; portal.tls_min_version). */
typedef struct dsgd_tls_policy {
    const char *tls12_ciphers;
    uint32_t min_version;        /* TLS1_2_VERSION or TLS1_3_VERSION */
    const uint8_t *client_ca;    /* portal.client_ca's PEM certificates (REQ-MFA-002) */
    size_t client_ca_len;        /* 0: no client certificate is asked for */
} dsgd_tls_policy;

#define DSGD_TLS_CONN_MAX 256u   /* compile-time ceiling of portal.max_connections */

typedef struct dsgd_tls_conn {
    int fd;                      /* -1: free slot */
    SSL *ssl;
    int phase;                   /* handshake, read, write */
    int idle;                    /* read phase between requests (keep-alive) */
    int close_after;             /* close once the answer is written */
    uint64_t deadline;           /* monotonic ms */
    short events;                /* POLLIN or POLLOUT: what OpenSSL waits for */
    char peer[48];               /* "address:port", for the log */
    char addr[48];               /* the address alone, for the access log */
    int has_cert_fp;             /* a client certificate verified at the handshake */
    uint8_t cert_fp[32];         /* its SHA-256 (DER), passed on with each request */
    size_t in_len;               /* received, not yet answered */
    /* a request a role serves (REQ-RUN-017), its body streamed (REQ-RUN-013) */
    uint32_t xid;                /* its exchange id; 0: none */
    uint8_t xrole;               /* the role serving it */
    int xsent;                   /* REQUEST sent */
    int xbody;                   /* it has a body still to decode */
    int blocked;                 /* waiting for room on the bus */
    int interim;                 /* writing "100 Continue": the body phase follows */
    size_t lingered;             /* bytes dropped while closing (PHASE_LINGER) */
    dsgd_http_forward fwd;       /* method and connection flags (no pointers kept) */
    dsg_http_body body;
    dsgd_json_body json;         /* a JSON body, gathered whole before it goes on */
    size_t json_sent;            /* its bytes on the bus so far */
    int json_checked;
    /* a streamed answer (a download, REQ-STOR-013): its pieces as they
     * arrive, at most DSGD_XCH_STREAM_WINDOW of them, held until written */
    uint8_t *sbuf;               /* allocated when the stream starts */
    size_t s_off, s_len;
    size_t piece_left[DSGD_XCH_STREAM_WINDOW];   /* unwritten bytes of each piece held */
    unsigned pieces;
    unsigned more_owed;          /* MORE not yet sent for pieces written */
    uint64_t s_expect;           /* content bytes still to come from the role */
    int s_done;                  /* STREAM_* */
    /* its access-log fields, kept until the role answers */
    uint8_t log_method[16], log_url[1024], log_agent[512];
    size_t log_method_len, log_url_len, log_agent_len;
    size_t out_len, out_off;
    uint8_t out[DSGD_HTTP_OUT_MAX];
    uint8_t in[DSGD_HTTP_HEAD_MAX];
} dsgd_tls_conn;

typedef struct dsgd_tls_timeouts {
    uint32_t handshake_ms;       /* portal.handshake_timeout */
    uint32_t head_ms;            /* portal.header_timeout */
    uint32_t keepalive_ms;       /* portal.keepalive_timeout */
    uint32_t body_ms;            /* portal.body_timeout: between body reads, and for the
                                  * role's answer */
} dsgd_tls_timeouts;

/* An END owed to a role for an exchange abandoned while the bus was full. */
typedef struct dsgd_tls_end {
    uint8_t role;
    uint32_t xid;
} dsgd_tls_end;

typedef struct dsgd_tls_server {
    SSL_CTX *ctx;
    int listen_fd;
    int accepting;               /* 0 once dsgd stops */
    uint32_t max_conns;
    dsgd_tls_timeouts t;
    dsgd_http_config http;
    uint64_t accepted, handshakes, answered, timeouts, failed;
    dsgd_chan *bus;              /* to the master; NULL until WELCOME */
    uint32_t next_xid;
    size_t ends_owed;
    dsgd_tls_end ends[DSGD_TLS_CONN_MAX];
    int pf_slot[DSGD_TLS_CONN_MAX + 1]; /* pollfd index -> slot, -1: the listening socket */
    dsgd_tls_conn conns[DSGD_TLS_CONN_MAX];
} dsgd_tls_server;

/* Why the last TLS call failed, into out: OpenSSL's last queued error, else
 * errno's text (or "connection closed" when errno is 0); the queue is
 * cleared. Shared with logfwd's TLS client. @relation(REQ-RUN-040, REQ-RUN-053) */
void dsgd_tls_reason(char *out, size_t n);

/* Initialises OpenSSL without reading any configuration file
 * (OPENSSL_INIT_NO_LOAD_CONFIG), loads the error strings, seeds the DRBG, and
 * builds the server SSL_CTX from PEM bytes: TLS 1.2 and 1.3 only, the AEAD
 * ECDHE suites above, server preference, no renegotiation, compression,
 * session tickets or session cache, ALPN http/1.1 only, security level 2.
 * Before the sandbox only. Returns NULL with a message in err.
 * @relation(REQ-RUN-040, REQ-RUN-042) */
SSL_CTX *dsgd_tls_ctx_new(const uint8_t *cert, size_t cert_len, const uint8_t *key,
                          size_t key_len, const dsgd_tls_policy *pol, char *err,
                          size_t errsize);

/* s must be zero (static storage): only what differs from zero is set, so
 * that the connection buffers stay untouched until used.
 * @relation(REQ-RUN-043) */
void dsgd_tls_server_init(dsgd_tls_server *s, SSL_CTX *ctx, int listen_fd, uint32_t max_conns,
                          const dsgd_tls_timeouts *t, const dsgd_http_config *http);

/* Fills pf (room for max entries) with the listening socket (while a slot is
 * free) and every connection; returns the count and lowers *timeout_ms (-1:
 * none) to the next deadline. @relation(REQ-RUN-043) */
size_t dsgd_tls_server_pollfds(dsgd_tls_server *s, struct pollfd *pf, size_t max,
                               uint64_t now, int *timeout_ms);

/* dsgd stops (REQ-RUN-009): no connection is accepted any more (those
 * the kernel queues meanwhile are reset when the portal exits); those
 * already accepted go on until SHUTDOWN. @relation(REQ-RUN-009) */
void dsgd_tls_server_stop_accepting(dsgd_tls_server *s);

/* The bus to the master, once WELCOMEd: requests for the roles' routes go
 * there. @relation(REQ-RUN-017) */
void dsgd_tls_server_bus(dsgd_tls_server *s, dsgd_chan *bus);

/* A message from the master: ROUTES, ANSWER or GONE. 0 when handled (its
 * credit is given back), -1 when malformed. @relation(REQ-RUN-017, REQ-RUN-013) */
int dsgd_tls_server_message(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now);

/* Handles what poll returned for the n entries filled by
 * dsgd_tls_server_pollfds, then the expired deadlines. @relation(REQ-RUN-043) */
void dsgd_tls_server_events(dsgd_tls_server *s, const struct pollfd *pf, size_t n, uint64_t now);

#endif
