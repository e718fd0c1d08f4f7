/*
 * The portal worker's front end: the TLS server (portal_tls.c) answering
 * HTTP/1.1 (http_conn.c), set up from what the master handed over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "run/log.h"
#include "run/portal.h"
#include "run/portal_setup.h"
#include "run/portal_tls.h"

static dsgd_tls_server server;
static uint32_t max_conns = 1;

int dsgd_portal_prepare(char *err, size_t errsize)
{
    static uint8_t buf[DSGD_SETUP_MAX];
    static char ciphers[1025];
    dsgd_portal_setup s;
    int acc = 0, type = 0;
    socklen_t l1 = sizeof acc, l2 = sizeof type;
    SSL_CTX *ctx;

    if (getsockopt(DSGD_PORTAL_LISTEN_FD, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l1) != 0 || !acc ||
        getsockopt(DSGD_PORTAL_LISTEN_FD, SOL_SOCKET, SO_TYPE, &type, &l2) != 0 ||
        type != SOCK_STREAM) {
        snprintf(err, errsize, "fd %d is not a listening TCP socket", DSGD_PORTAL_LISTEN_FD);
        return -1;
    }
    /* OpenSSL writes to sockets with write(2): a peer that has gone must
     * give EPIPE, not SIGPIPE (rt_sigaction traps once sandboxed) */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        snprintf(err, errsize, "SIGPIPE: %s", strerror(errno));
        return -1;
    }
    int rc = dsgd_portal_setup_read(DSGD_SETUP_FD, buf, sizeof buf, &s, err, errsize);
    close(DSGD_SETUP_FD);
    if (rc != 0) {
        OPENSSL_cleanse(buf, sizeof buf);
        return -1;
    }
    if (s.tls12_ciphers_len >= sizeof ciphers) {
        snprintf(err, errsize, "the TLS 1.2 cipher list is longer than %zu bytes",
                 sizeof ciphers - 1);
        OPENSSL_cleanse(buf, sizeof buf);
        return -1;
    }
    memcpy(ciphers, s.tls12_ciphers, s.tls12_ciphers_len);
    ciphers[s.tls12_ciphers_len] = '\0';
    dsgd_tls_policy pol = { ciphers, s.tls_min_version, s.client_ca, s.client_ca_len };
    ctx = dsgd_tls_ctx_new(s.cert, s.cert_len, s.key, s.key_len, &pol, err, errsize);
    OPENSSL_cleanse(buf, sizeof buf);   /* the key now lives in the SSL_CTX only */
    if (ctx == NULL)
        return -1;
    max_conns = s.max_conns > DSGD_TLS_CONN_MAX ? DSGD_TLS_CONN_MAX : s.max_conns;
    dsgd_tls_timeouts t = { s.handshake_timeout_ms, s.head_timeout_ms, s.keepalive_timeout_ms,
                            s.body_timeout_ms };
    dsgd_http_config http = { s.max_request_line, s.max_header_bytes, s.max_header_count,
                              s.hsts_max_age, s.api_max_body_bytes,
                              (uint64_t)s.upload_max_hi << 32 | s.upload_max_lo,
                              s.json_max_depth, s.json_max_tokens };
    dsgd_tls_server_init(&server, ctx, DSGD_PORTAL_LISTEN_FD, max_conns, &t, &http);
    dsgd_log("TLS ready: %s, TLS 1.2-1.3, at most %u connections, handshake timeout %u ms, "
             "request head timeout %u ms, keep-alive timeout %u ms, client certificates %s",
             OpenSSL_version(OPENSSL_VERSION), max_conns, s.handshake_timeout_ms,
             s.head_timeout_ms, s.keepalive_timeout_ms,
             s.client_ca_len > 0 ? "asked for (portal.client_ca)" : "not asked for");
    return 0;
}

uint32_t dsgd_portal_nofile(void)
{
    return max_conns + 8u;   /* 0-4, plus headroom for accept4 before a slot check */
}

size_t dsgd_portal_pollfds(struct pollfd *pf, size_t max, int *timeout_ms)
{
    return dsgd_tls_server_pollfds(&server, pf, max, dsgd_now_ms(), timeout_ms);
}

void dsgd_portal_events(const struct pollfd *pf, size_t n)
{
    dsgd_tls_server_events(&server, pf, n, dsgd_now_ms());
}

void dsgd_portal_bus(dsgd_chan *bus)
{
    dsgd_tls_server_bus(&server, bus);
}

void dsgd_portal_stop_accepting(void)
{
    dsgd_tls_server_stop_accepting(&server);
}

int dsgd_portal_message(const dsgd_msg *m)
{
    return dsgd_tls_server_message(&server, m, dsgd_now_ms());
}
