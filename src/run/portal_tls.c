/*
 * The portal's TLS server (portal_tls.h). Connection and TLS I/O only: what
 * a request is answered with is the handler's business, so the HTTP step
 * replaces the handler and keeps this file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "log/audit.h"
#include "log/timefmt.h"
#include "log/url_redact.h"
#include "run/audit_out.h"
#include "core/json_tok.h"
#include "run/exchange.h"
#include "run/log.h"
#include "run/refusal.h"
#include "run/portal_tls.h"

enum {
    PHASE_HANDSHAKE = 0,
    PHASE_READ = 1,      /* a request head */
    PHASE_WRITE = 2,     /* the answer */
    PHASE_BODY = 3,      /* a request for a role: head and body onto the bus */
    PHASE_WAIT = 4,      /* the role's answer */
    PHASE_LINGER = 5,    /* answered and closing: what the client still sends is dropped */
    PHASE_STREAM = 6     /* a role's streamed answer (a download) on its way out */
};

/* Where a streamed answer's content stands (dsgd_tls_conn.s_done). */
enum { STREAM_FLOWING = 0, STREAM_COMPLETE = 1, STREAM_ABORTED = 2 };

/* How long a closing connection keeps reading what the client still sends
 * (nginx's lingering_timeout default), and how much it reads at most.
 * Closing a socket with unread bytes makes the kernel send a reset, which
 * can destroy the answer before the client has read it: a client still
 * sending a body too large or malformed would see "connection reset"
 * instead of the 413 or 400 that explains why. */
#define LINGER_MS 5000u
#define LINGER_MAX_BYTES (1024u * 1024u)

/* Bus messages an exchange leaves free: one for the audit records, one for
 * an END owed. */
#define BUS_RESERVE 2u

static const unsigned char alpn_http11[] = "\x08http/1.1";

void dsgd_tls_reason(char *out, size_t n)
{
    unsigned long e = ERR_peek_last_error();
    if (e == 0)
        snprintf(out, n, "%s", errno ? strerror(errno) : "connection closed");
    else
        ERR_error_string_n(e, out, n);
    ERR_clear_error();
}

/* ALPN (RFC 7301): http/1.1 or nothing. A client that offers ALPN without
 * http/1.1 gets no_application_protocol. */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    unsigned char *sel = NULL;
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&sel, outlen, alpn_http11, sizeof alpn_http11 - 1, in, inlen)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

static int load_pem(SSL_CTX *ctx, const uint8_t *cert, size_t cert_len, const uint8_t *key,
                    size_t key_len)
{
    BIO *bc = BIO_new_mem_buf(cert, (int)cert_len);
    BIO *bk = BIO_new_mem_buf(key, (int)key_len);
    X509 *x = NULL, *chain;
    EVP_PKEY *pk = NULL;
    int rc = -1;

    if (bc == NULL || bk == NULL || (x = PEM_read_bio_X509(bc, NULL, NULL, NULL)) == NULL ||
        SSL_CTX_use_certificate(ctx, x) != 1)
        goto out;
    /* certificates after the first are the chain an operator's CA gave */
    while ((chain = PEM_read_bio_X509(bc, NULL, NULL, NULL)) != NULL)
        if (SSL_CTX_add0_chain_cert(ctx, chain) != 1) {
            X509_free(chain);
            goto out;
        }
    ERR_clear_error();   /* the end of the PEM stream */
    if ((pk = PEM_read_bio_PrivateKey(bk, NULL, NULL, NULL)) == NULL ||
        SSL_CTX_use_PrivateKey(ctx, pk) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        goto out;
    rc = 0;
out:
    EVP_PKEY_free(pk);
    X509_free(x);
    BIO_free(bc);
    BIO_free(bk);
    return rc;
}

/* One verification of the first CA certificate against store, its result
 * unused: what verifying does lazily the first time (glibc reads
 * /etc/localtime for the validity check) happens now, before the sandbox
 * forbids opening files. 0, or -1. */
static int warm_verify(X509_STORE *store, const uint8_t *ca, size_t len)
{
    BIO *b = BIO_new_mem_buf(ca, (int)len);
    X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    X509_STORE_CTX *v = X509_STORE_CTX_new();
    int rc = x != NULL && v != NULL && X509_STORE_CTX_init(v, store, x, NULL) == 1 ? 0 : -1;
    if (rc == 0)
        (void)X509_verify_cert(v);
    X509_STORE_CTX_free(v);
    X509_free(x);
    BIO_free(b);
    ERR_clear_error();
    return rc;
}

/* portal.client_ca (REQ-MFA-002): the CA certificates of ca[0 .. len) as
 * the trust store for client certificates and the list of names sent in
 * the CertificateRequest. A client certificate is asked for at the
 * handshake, not required (no FAIL_IF_NO_PEER_CERT); one that does not
 * verify fails the handshake. 0, or -1. */
static int load_client_ca(SSL_CTX *ctx, const uint8_t *ca, size_t len)
{
    BIO *b = BIO_new_mem_buf(ca, (int)len);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    X509 *x;
    int count = 0, rc = -1;
    if (b == NULL || store == NULL || names == NULL)
        goto out;
    while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        X509_NAME *name = X509_NAME_dup(X509_get_subject_name(x));
        int ok = X509_STORE_add_cert(store, x) == 1 && name != NULL &&
                 sk_X509_NAME_push(names, name) > 0;
        X509_free(x);
        if (!ok) {
            X509_NAME_free(name);
            goto out;
        }
        count++;
    }
    ERR_clear_error();   /* the end of the PEM stream */
    if (count == 0 || warm_verify(store, ca, len) != 0)
        goto out;
    SSL_CTX_set_client_CA_list(ctx, names);
    names = NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_verify_depth(ctx, 4);
    rc = 0;
out:
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    BIO_free(b);
    return rc;
}

SSL_CTX *dsgd_tls_ctx_new(const uint8_t *cert, size_t cert_len, const uint8_t *key,
                          size_t key_len, const dsgd_tls_policy *pol, char *err,
                          size_t errsize)
{
    const char *what = "OPENSSL_init_ssl";
    unsigned char seed[32];
    SSL_CTX *ctx = NULL;
    char why[200];

    /* no openssl.cnf (nor OPENSSL_CONF: the environment is empty), and
     * everything lazy done now, while files may still be opened */
    if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_LOAD_SSL_STRINGS |
                             OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                         NULL) != 1)
        goto fail;
    what = "seeding the DRBG";
    if (RAND_bytes(seed, sizeof seed) != 1 || RAND_priv_bytes(seed, sizeof seed) != 1)
        goto fail;
    what = "SSL_CTX_new";
    if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
        goto fail;
    what = "the TLS policy";
    if ((pol->min_version != TLS1_2_VERSION && pol->min_version != TLS1_3_VERSION) ||
        SSL_CTX_set_min_proto_version(ctx, (int)pol->min_version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
        goto fail;
    SSL_CTX_set_security_level(ctx, 2);
    if (SSL_CTX_set_cipher_list(ctx, pol->tls12_ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(ctx, DSGD_TLS13_SUITES) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1)
        goto fail;
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_NO_COMPRESSION |
                                 SSL_OP_NO_TICKET);
    /* no resumption at all: no ticket keys to manage, no session cache */
    if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
        goto fail;
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    /* writes may end part way (each loop counts what went), and a download's
     * unsent bytes may move in their buffer as pieces arrive behind them */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    what = "the certificate or key";
    if (load_pem(ctx, cert, cert_len, key, key_len) != 0)
        goto fail;
    what = "portal.client_ca";
    if (pol->client_ca_len > 0 && load_client_ca(ctx, pol->client_ca, pol->client_ca_len) != 0)
        goto fail;
    OPENSSL_cleanse(seed, sizeof seed);
    return ctx;
fail:
    dsgd_tls_reason(why, sizeof why);
    snprintf(err, errsize, "%s: %s", what, why);
    SSL_CTX_free(ctx);
    return NULL;
}

void dsgd_tls_server_init(dsgd_tls_server *s, SSL_CTX *ctx, int listen_fd, uint32_t max_conns,
                          const dsgd_tls_timeouts *t, const dsgd_http_config *http)
{
    s->ctx = ctx;
    s->listen_fd = listen_fd;
    s->accepting = 1;
    s->max_conns = max_conns > DSGD_TLS_CONN_MAX ? DSGD_TLS_CONN_MAX : max_conns;
    s->t = *t;
    s->http = *http;
    if (s->http.max_header_bytes > DSGD_HTTP_HEAD_MAX)
        s->http.max_header_bytes = DSGD_HTTP_HEAD_MAX;
    for (size_t i = 0; i < DSGD_TLS_CONN_MAX; i++)
        s->conns[i].fd = -1;
}

static void owe_end(dsgd_tls_server *s, uint8_t role, uint32_t xid);

static void conn_close(dsgd_tls_server *s, dsgd_tls_conn *c, int send_close_notify)
{
    /* a client gone in the middle of a body or a download: its role stops */
    if (c->xid != 0 && c->xsent &&
        (c->phase == PHASE_BODY || c->interim ||
         (c->phase == PHASE_STREAM && c->s_done == STREAM_FLOWING)))
        owe_end(s, c->xrole, c->xid);
    c->xid = 0;
    free(c->sbuf);
    c->sbuf = NULL;
    if (c->ssl != NULL) {
        if (send_close_notify)
            (void)SSL_shutdown(c->ssl);   /* one try: we do not wait for the peer's */
        SSL_free(c->ssl);
    }
    ERR_clear_error();
    close(c->fd);
    dsgd_json_body_free(&c->json);
    c->ssl = NULL;
    c->fd = -1;
}

/* Maps an SSL_get_error result to the event to wait for; 0: the connection
 * is over (closed or failed). */
static short want(dsgd_tls_conn *c, int r)
{
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        return POLLIN;
    case SSL_ERROR_WANT_WRITE:
        return POLLOUT;
    default:
        return 0;
    }
}

/* Whether url names an administrative path: /api/v1/admin or /admin, or
 * under either. Administration is on the control socket only; such a
 * request is answered 404 and recorded as a warning.
 * @relation(REQ-ACCT-013, REQ-ACCT-011) */
static int admin_path(const uint8_t *url, size_t len)
{
    static const char *const prefixes[] = { "/api/v1/admin", "/admin" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (len >= n && memcmp(url, prefixes[i], n) == 0 &&
            (len == n || url[n] == '/' || url[n] == '?'))
            return 1;
    }
    return 0;
}

/* 別紙 #16 ポータルサイトアクセスログ for one answer (REQ-LOG-031,
 * REQ-SHARE-018): when, from where, what, how, with which client, and the
 * status. The callers give the URL with its secrets redacted and cut at
 * sizeof log_url bytes, the User-Agent cut at sizeof log_agent. A head that
 * could not be parsed has "-" for its URL and method. */
static void log_fields(const dsgd_tls_conn *c, const uint8_t *url, size_t url_len,
                       const uint8_t *method, size_t method_len, const uint8_t *agent,
                       size_t agent_len, int st)
{
    char when[32], status[8];
    size_t when_len = dsg_time_now_rfc3339_ms(when, sizeof when);
    int status_len = snprintf(status, sizeof status, "%d", st);
    dsg_audit_field f[6] = {
        { "access_time", (const uint8_t *)when, when_len },
        { "source_ip", (const uint8_t *)c->addr, strlen(c->addr) },
        { "url", url, url_len },
        { "method", method, method_len },
        { "user_agent", agent, agent_len },
        { "status", (const uint8_t *)status, status_len > 0 ? (size_t)status_len : 0 },
    };
    (void)dsgd_audit_out_add(DSG_AUDIT_TYPE_PORTAL_ACCESS, f, 6);
    if (st == 404 && admin_path(url, url_len)) {
        char detail[300];
        snprintf(detail, sizeof detail, "%.*s %.*s refused on the TLS port (404): "
                 "administration is on the control socket only", (int)method_len,
                 (const char *)method, (int)(url_len < 200 ? url_len : 200), (const char *)url);
        (void)dsgd_refusal_record("dsgd/portal", DSGD_EVENT_TLS_ADMIN_PATH, c->addr, "-", detail,
                                  NULL, NULL);
    }
}

static void log_access(const dsgd_tls_conn *c, const dsgd_http_answer *a)
{
    static const uint8_t dash[] = "-";
    uint8_t url[sizeof c->log_url];
    if (a->parsed)
        log_fields(c, url, dsg_url_redact(c->in + a->target_off, a->target_len, url, sizeof url),
                   c->in + a->method_off, a->method_len, c->in + a->agent_off,
                   a->agent_len < sizeof c->log_agent ? a->agent_len : sizeof c->log_agent,
                   a->status);
    else
        log_fields(c, dash, 1, dash, 1, dash, 0, a->status);
}

/* The access-log fields of a forwarded request, kept until it is answered
 * (long URLs and User-Agents are cut: the audit trail bounds fields too),
 * the URL's secrets redacted (REQ-SHARE-018). */
static size_t keep(uint8_t *dst, size_t cap, const uint8_t *src, size_t len)
{
    size_t n = len < cap ? len : cap;
    memcpy(dst, src, n);
    return n;
}

static void keep_log_fields(dsgd_tls_conn *c, const dsgd_http_answer *a)
{
    c->log_method_len = keep(c->log_method, sizeof c->log_method, c->in + a->method_off,
                             a->method_len);
    c->log_url_len = dsg_url_redact(c->in + a->target_off, a->target_len, c->log_url,
                                    sizeof c->log_url);
    c->log_agent_len = keep(c->log_agent, sizeof c->log_agent, c->in + a->agent_off,
                            a->agent_len);
}

static void log_exchange(const dsgd_tls_conn *c, int status)
{
    log_fields(c, c->log_url, c->log_url_len, c->log_method, c->log_method_len, c->log_agent,
               c->log_agent_len, status);
}

static void begin_exchange(dsgd_tls_server *s, dsgd_tls_conn *c, const dsgd_http_answer *a,
                           uint64_t now);

static int bus_room(const dsgd_tls_server *s, uint32_t need);

/* The answer to the first request in c->in, if its head is complete: the
 * request's bytes are dropped and the connection moves to the write phase,
 * or, for a role's route, to the body phase. 1: done; 0: the head is not
 * complete; -1: the request is for a role and the bus is full: it stays in
 * the buffer, read again once there is room. */
static int answer_buffered(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    dsgd_http_answer a;
    if (c->in_len == 0 ||
        !dsgd_http_serve(&s->http, c->in, c->in_len, time(NULL), c->out, sizeof c->out, &a))
        return 0;
    if (a.forward && s->bus != NULL && !bus_room(s, BUS_RESERVE + 1)) {
        c->blocked = 1;
        return -1;
    }
    if (a.forward) {
        begin_exchange(s, c, &a, now);
        return 1;
    }
    if (a.error != NULL)
        dsgd_log("%s: %d %s", c->peer, a.status, a.error);
    log_access(c, &a);
    memmove(c->in, c->in + a.consumed, c->in_len - a.consumed);
    c->in_len -= a.consumed;
    c->out_len = a.len;
    c->out_off = 0;
    c->close_after = a.close;
    c->phase = PHASE_WRITE;
    return 1;
}

/* Reads what TLS has for the connection; 1: bytes arrived, 0: wait for
 * c->events, -1: the connection is over (closed here). A head may fill
 * max_header_bytes of the buffer, a body all of it. */
static int read_more(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    size_t cap = c->phase == PHASE_BODY ? sizeof c->in : s->http.max_header_bytes;
    size_t got = 0, room = cap - c->in_len;
    int r;
    if (room == 0) {   /* cannot happen: a full buffer always gets an answer */
        conn_close(s, c, 1);
        return -1;
    }
    r = SSL_read_ex(c->ssl, c->in + c->in_len, room, &got);
    if (r != 1) {
        if ((c->events = want(c, r)) != 0)
            return 0;
        conn_close(s, c, 0);   /* the client went away */
        return -1;
    }
    if (c->idle) {             /* the next request starts: its head has a deadline */
        c->idle = 0;
        c->deadline = now + s->t.head_ms;
    }
    if (c->phase == PHASE_BODY)   /* a body may pause at most body_ms between reads */
        c->deadline = now + s->t.body_ms;
    c->in_len += got;
    return 1;
}

/* Writes the rest of the answer; 1: all written, 0: wait, -1: over. */
static int write_more(dsgd_tls_server *s, dsgd_tls_conn *c)
{
    while (c->out_off < c->out_len) {
        size_t put = 0;
        int r = SSL_write_ex(c->ssl, c->out + c->out_off, c->out_len - c->out_off, &put);
        if (r != 1) {
            if ((c->events = want(c, r)) != 0)
                return 0;
            conn_close(s, c, 0);
            return -1;
        }
        c->out_off += put;
    }
    return 1;
}

/* Between requests: wait for the next one for at most keepalive_ms, or
 * answer the one already buffered (pipelining) first. */
static void next_request(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    c->phase = PHASE_READ;
    c->idle = c->in_len == 0;
    c->deadline = now + (c->idle ? s->t.keepalive_ms : s->t.head_ms);
}

/* The SHA-256 of the client certificate the handshake verified against
 * portal.client_ca into c->cert_fp (REQ-MFA-002). A certificate that did
 * not verify fails the handshake already; the verify result is checked
 * again so that no unverified one is ever named. */
static void peer_fingerprint(dsgd_tls_conn *c)
{
    X509 *x = SSL_get0_peer_certificate(c->ssl);
    unsigned int n = 0;
    c->has_cert_fp = 0;
    if (x == NULL || SSL_get_verify_result(c->ssl) != X509_V_OK)
        return;
    if (X509_digest(x, EVP_sha256(), c->cert_fp, &n) == 1 && n == sizeof c->cert_fp)
        c->has_cert_fp = 1;
    else
        ERR_clear_error();
}

static int handshake(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    char why[200];
    int r = SSL_do_handshake(c->ssl);
    if (r != 1) {
        if ((c->events = want(c, r)) != 0)
            return 0;
        dsgd_tls_reason(why, sizeof why);
        dsgd_log("TLS handshake with %s failed: %s", c->peer, why);
        s->failed++;
        conn_close(s, c, 0);
        return -1;
    }
    s->handshakes++;
    peer_fingerprint(c);
    c->phase = PHASE_READ;
    c->idle = 0;               /* the first request's head is due within head_ms */
    c->deadline = now + s->t.head_ms;
    return 1;
}

/* ---- requests a role serves (REQ-RUN-017, REQ-RUN-013) ------------------ */

static int bus_room(const dsgd_tls_server *s, uint32_t need)
{
    return s->bus != NULL && dsgd_bus_room(s->bus) >= need;
}

static int send_end(dsgd_tls_server *s, uint8_t role, uint32_t xid, int complete)
{
    uint8_t m[DSGD_XCH_BODY_HEAD + 1];
    dsgd_xch_head_put(m, role, xid);
    m[DSGD_XCH_BODY_HEAD] = complete ? 1 : 0;
    return dsgd_bus_send(s->bus, DSGD_MSG_HTTP_END, m, sizeof m);
}

/* The role is told an exchange is abandoned, now or as soon as the bus has
 * room, so that it never waits for the rest of a body that will not come. */
static void owe_end(dsgd_tls_server *s, uint8_t role, uint32_t xid)
{
    if (bus_room(s, 1) && send_end(s, role, xid, 0) == 0)
        return;
    if (s->ends_owed < DSGD_TLS_CONN_MAX)
        s->ends[s->ends_owed++] = (dsgd_tls_end){ role, xid };
}

static void pay_ends(dsgd_tls_server *s)
{
    size_t paid = 0;
    while (paid < s->ends_owed && bus_room(s, 1) &&
           send_end(s, s->ends[paid].role, s->ends[paid].xid, 0) == 0)
        paid++;
    memmove(s->ends, s->ends + paid, (s->ends_owed - paid) * sizeof s->ends[0]);
    s->ends_owed -= paid;
}

/* The exchange is over: its answer (the role's or the portal's own error)
 * goes to the client; an unfinished body ends the connection. */
static void answer_exchange(dsgd_tls_server *s, dsgd_tls_conn *c, int status,
                            const char *error, const char *message, const uint8_t *json,
                            size_t json_len, const dsgd_xch_cookie *cookie, uint64_t now)
{
    dsgd_http_answer a;
    int unfinished = c->phase == PHASE_BODY || c->interim;
    size_t kept = 0;
    if (unfinished && c->xsent)
        owe_end(s, c->xrole, c->xid);
    if (c->interim) {         /* the rest of "100 Continue" goes first */
        kept = c->out_len - c->out_off;
        memmove(c->out, c->out + c->out_off, kept);
        c->interim = 0;
    }
    dsgd_http_reply(&s->http, &c->fwd, status, error, message, json, json_len, cookie,
                    unfinished, time(NULL), c->out + kept, sizeof c->out - kept, &a);
    if (a.error != NULL)
        dsgd_log("%s: %d %s", c->peer, a.status, a.error);
    log_exchange(c, a.status);
    c->xid = 0;
    c->blocked = 0;
    dsgd_json_body_free(&c->json);
    c->out_len = kept + a.len;
    c->out_off = 0;
    c->close_after = a.close;
    c->phase = PHASE_WRITE;
    c->deadline = now + s->t.head_ms;   /* for the answer itself */
}

static void exchange_error(dsgd_tls_server *s, dsgd_tls_conn *c, int status, const char *code,
                           const char *message, uint64_t now)
{
    answer_exchange(s, c, status, code, message, NULL, 0, NULL, now);
}

/* RFC 9110 §15.2.1: a client that sent "Expect: 100-continue" waits for
 * this before its body (curl, for a second); sent once the request is
 * known to go to its role. */
static void continue_interim(dsgd_tls_conn *c)
{
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    memcpy(c->out, cont, sizeof cont - 1);
    c->out_len = sizeof cont - 1;
    c->out_off = 0;
    c->interim = 1;
    c->phase = PHASE_WRITE;
}

static int send_request(dsgd_tls_server *s, const dsgd_tls_conn *c, const dsgd_http_answer *a)
{
    static uint8_t m[DSGD_BUS_BODY_MAX];
    dsgd_xch_request r = {
        .role = c->xrole, .id = c->xid, .method = (uint8_t)a->fwd.method,
        .framing = (uint8_t)a->fwd.framing, .length = a->fwd.length,
        .path = a->fwd.path, .path_len = a->fwd.path_len,
        .query = c->in + a->fwd.query_off, .query_len = a->fwd.query_len,
        .addr = c->addr, .addr_len = strlen(c->addr),
        .token = c->in + a->fwd.token_off, .token_len = a->fwd.token_len,
        .cert_fp = c->has_cert_fp ? c->cert_fp : NULL,
        .cert_fp_len = c->has_cert_fp ? sizeof c->cert_fp : 0,
    };
    const dsgd_http_forward *f = &a->fwd;
    if (f->page) {   /* REQ-SHARE-022: what a page needs of the head */
        r.ctype = (const char *)c->in + f->ctype.off;
        r.ctype_len = f->ctype.len;
        r.accept_lang = (const char *)c->in + f->accept_lang.off;
        r.accept_lang_len = f->accept_lang.len;
        r.origin = (const char *)c->in + f->origin.off;
        r.origin_len = f->origin.len;
        r.host = (const char *)c->in + f->host.off;
        r.host_len = f->host.len;
        r.lang = (const char *)c->in + f->lang.off;
        r.lang_len = f->lang.len;
    }
    size_t len = dsgd_xch_request_put(m, sizeof m, &r);
    return len == 0 ? -1 : dsgd_bus_send(s->bus, DSGD_MSG_HTTP_REQUEST, m, len);
}

static void begin_exchange(dsgd_tls_server *s, dsgd_tls_conn *c, const dsgd_http_answer *a,
                           uint64_t now)
{
    keep_log_fields(c, a);
    c->fwd = a->fwd;
    c->fwd.route = NULL;      /* pointers into the parser's buffers: not kept */
    c->fwd.path = NULL;
    c->xrole = a->fwd.route->role;
    if (++s->next_xid == 0)
        s->next_xid = 1;
    c->xid = s->next_xid;
    c->xsent = 0;
    c->blocked = 0;
    c->interim = 0;
    c->xbody = a->fwd.framing != DSG_HTTP_FRAMING_NONE;
    dsgd_json_body_free(&c->json);
    c->json_sent = 0;
    c->json_checked = 0;
    if (a->fwd.framing == DSG_HTTP_FRAMING_LENGTH)
        (void)dsg_http_body_init_length(&c->body, a->fwd.length, a->fwd.body_limit);
    else
        dsg_http_body_init_chunked(&c->body, a->fwd.body_limit);
    c->phase = PHASE_BODY;
    c->deadline = now + s->t.body_ms;
    /* the REQUEST is built now, while the head is in the buffer */
    if (s->bus == NULL || send_request(s, c, a) != 0) {
        c->in_len -= a->consumed;   /* nothing sent: not WELCOMEd yet, or the master is gone */
        memmove(c->in, c->in + a->consumed, c->in_len);
        exchange_error(s, c, 503, "service-unavailable",
                       "the service cannot take requests now; try again later", now);
        return;   /* the body is unread: the answer closes the connection */
    }
    c->xsent = 1;
    memmove(c->in, c->in + a->consumed, c->in_len - a->consumed);
    c->in_len -= a->consumed;
    if (c->fwd.expect_continue && c->xbody && c->in_len == 0)
        continue_interim(c);
}

static int send_body(dsgd_tls_server *s, const dsgd_tls_conn *c, const uint8_t *p, size_t len)
{
    static uint8_t m[DSGD_BUS_BODY_MAX];
    dsgd_xch_head_put(m, c->xrole, c->xid);
    memcpy(m + DSGD_XCH_BODY_HEAD, p, len);
    return dsgd_bus_send(s->bus, DSGD_MSG_HTTP_BODY, m, DSGD_XCH_BODY_HEAD + len);
}

static void drop_in(dsgd_tls_conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* A piece of the body: on the bus at once, or, for a JSON body, into the
 * buffer where it is checked whole. 0, or -1 when the exchange ended. */
static int take_piece(dsgd_tls_server *s, dsgd_tls_conn *c, const uint8_t *p, size_t len,
                      uint64_t now)
{
    if (c->fwd.json) {
        if (dsgd_json_body_add(&c->json, p, len) == 0)
            return 0;
        exchange_error(s, c, 503, "service-unavailable", "the portal is short of memory", now);
        return -1;
    }
    if (send_body(s, c, p, len) == 0)
        return 0;
    exchange_error(s, c, 503, "service-unavailable", "the service went away", now);
    return -1;
}

/* A whole JSON body: checked by the proved tokenizer, then put on the bus
 * in pieces as room allows. 0 once all of it is sent; -1 while waiting
 * for the bus, or when the exchange ended (400 bad-json). */
static int send_json(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    static char why[160];
    size_t at = 0;
    if (!c->json_checked) {
        int rc = dsgd_json_body_check(&c->json, s->http.json_max_depth, s->http.json_max_tokens,
                                      &at);
        if (rc != DSG_JSON_OK) {
            snprintf(why, sizeof why, "the request body is not accepted JSON (%s at byte %zu)",
                     rc < 0 ? "no memory" : dsg_json_error_token(rc), at);
            exchange_error(s, c, 400, "bad-json", why, now);
            return -1;
        }
        c->json_checked = 1;
    }
    while (c->json_sent < c->json.len) {
        size_t left = c->json.len - c->json_sent;
        size_t piece = left < DSGD_XCH_BODY_MAX ? left : DSGD_XCH_BODY_MAX;
        if (!bus_room(s, BUS_RESERVE + 1)) {
            c->blocked = 1;
            return -1;
        }
        if (send_body(s, c, c->json.buf + c->json_sent, piece) != 0) {
            exchange_error(s, c, 503, "service-unavailable", "the service went away", now);
            return -1;
        }
        c->json_sent += piece;
    }
    return 0;
}

/* A body the decoder refuses: 413 past the limit, 400 for bad framing. */
static void body_error(dsgd_tls_server *s, dsgd_tls_conn *c, dsg_http_body_status st,
                       uint64_t now)
{
    if (st == DSG_HTTP_BODY_ERR_TOO_LARGE)
        exchange_error(s, c, 413, "body-too-large",
                       "the request body is larger than this resource accepts", now);
    else
        exchange_error(s, c, 400, "bad-body", "the request body's chunked framing is malformed",
                       now);
}

/* Decodes what is buffered and puts it on the bus, one message per piece,
 * while the bus has room (flow control: a full bus stops the reading, so
 * memory stays flat whatever the body's size). 1: the body is complete
 * and END sent; 0: more input needed; -1: waiting for the bus, or the
 * exchange ended with an error. */
static int pump_body(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    while (c->xbody) {
        dsg_http_body_out o;
        dsg_http_body_status st;
        size_t piece = c->in_len < DSGD_XCH_BODY_MAX ? c->in_len : DSGD_XCH_BODY_MAX;
        if (!c->fwd.json && !bus_room(s, BUS_RESERVE + 1)) {
            c->blocked = 1;
            return -1;
        }
        st = dsg_http_body_feed(&c->body, c->in, piece, &o);
        if (st == DSG_HTTP_BODY_DATA) {
            if (take_piece(s, c, c->in + o.data_off, o.data_len, now) != 0)
                return -1;
            drop_in(c, o.consumed);
        } else if (st == DSG_HTTP_BODY_NEED_MORE) {
            drop_in(c, o.consumed);
            if (c->in_len > 0)
                continue;   /* more than one message's worth was buffered */
            return 0;
        } else if (st == DSG_HTTP_BODY_DONE) {
            drop_in(c, o.consumed);
            c->xbody = 0;
        } else {
            body_error(s, c, st, now);
            return -1;
        }
    }
    if (c->fwd.json && send_json(s, c, now) != 0)
        return -1;
    if (!bus_room(s, 1)) {
        c->blocked = 1;
        return -1;
    }
    if (send_end(s, c->xrole, c->xid, 1) != 0) {
        exchange_error(s, c, 503, "service-unavailable", "the service went away", now);
        return -1;
    }
    c->phase = PHASE_WAIT;
    c->deadline = now + s->t.body_ms;
    return 1;
}

/* ---- streamed answers: downloads (REQ-RUN-013, REQ-STOR-013) ------------- */

static dsgd_tls_conn *exchange_conn(dsgd_tls_server *s, uint32_t xid);

/* MORE for the pieces of c written since the last one, as the bus allows. */
static void pay_more(dsgd_tls_server *s, dsgd_tls_conn *c)
{
    uint8_t m[8];
    while (c->more_owed > 0 && c->xid != 0 && bus_room(s, BUS_RESERVE)) {
        unsigned n = c->more_owed < DSGD_XCH_STREAM_WINDOW ? c->more_owed
                                                           : DSGD_XCH_STREAM_WINDOW;
        size_t len = dsgd_xch_more_put(m, sizeof m, c->xrole, c->xid, n);
        if (len == 0 || dsgd_bus_send(s->bus, DSGD_MSG_HTTP_MORE, m, len) != 0)
            return;
        c->more_owed -= n;
    }
}

static dsgd_tls_conn *stream_conn(dsgd_tls_server *s, uint32_t xid)
{
    for (size_t i = 0; i < s->max_conns; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd >= 0 && xid != 0 && c->xid == xid && c->phase == PHASE_STREAM)
            return c;
    }
    return NULL;
}

/* n bytes of a piece went to the client: each piece done asks for another. */
static void pieces_written(dsgd_tls_conn *c, size_t n)
{
    while (n > 0 && c->pieces > 0) {
        size_t take = n < c->piece_left[0] ? n : c->piece_left[0];
        c->piece_left[0] -= take;
        n -= take;
        if (c->piece_left[0] == 0) {
            memmove(c->piece_left, c->piece_left + 1, (c->pieces - 1) * sizeof c->piece_left[0]);
            c->pieces--;
            c->more_owed++;
        }
    }
}

/* Writes what c holds of its streamed answer. 1: the content is complete
 * and written; 0: wait for the client or the role; -1: the connection is
 * over (the client left, or the content was aborted: closed without
 * close_notify and short of its length, so that no client takes it for
 * whole, REQ-STOR-005). */
static int stream_out(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    int r = write_more(s, c);   /* the head */
    if (r <= 0)
        return r;
    while (c->s_off < c->s_len) {
        size_t put = 0;
        int w = SSL_write_ex(c->ssl, c->sbuf + c->s_off, c->s_len - c->s_off, &put);
        if (w != 1) {
            if ((c->events = want(c, w)) != 0)
                return 0;
            conn_close(s, c, 0);
            return -1;
        }
        c->s_off += put;
        c->deadline = now + s->t.body_ms;
        pieces_written(c, put);
    }
    c->s_off = c->s_len = 0;
    pay_more(s, c);
    if (c->s_done == STREAM_ABORTED) {
        dsgd_log("%s: download aborted by its service: closing short of its length", c->peer);
        conn_close(s, c, 0);
        return -1;
    }
    return c->s_done == STREAM_COMPLETE ? 1 : 0;
}

/* A stream that waits for the role's next piece polls nothing. */
static int stream_waits(const dsgd_tls_conn *c)
{
    return c->phase == PHASE_STREAM && c->out_off == c->out_len && c->s_off == c->s_len &&
           c->s_done == STREAM_FLOWING;
}

static void step(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now);

/* STREAM: the head goes to the client, and the role may send the first
 * pieces. A HEAD request gets the head alone: the role is told the
 * exchange is over. */
static int on_stream(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    dsgd_xch_stream st;
    dsgd_tls_conn *c;
    int close;
    size_t len;
    if (dsgd_xch_stream_get(m->body, m->len, &st) != 0)
        return -1;
    if ((c = exchange_conn(s, st.id)) == NULL || c->phase != PHASE_WAIT)
        return 0;   /* its client is gone: the role hears of it from the END owed */
    len = dsgd_http_stream_head(&s->http, &c->fwd, &st, time(NULL), c->out, sizeof c->out,
                                &close);
    c->sbuf = len > 0 ? malloc(DSGD_XCH_STREAM_WINDOW * (size_t)DSGD_XCH_DATA_MAX) : NULL;
    if (c->sbuf == NULL) {
        owe_end(s, c->xrole, c->xid);
        exchange_error(s, c, 500, "internal-error", "the answer could not be sent", now);
        step(s, c, now);
        return 0;
    }
    log_exchange(c, st.status);
    dsgd_json_body_free(&c->json);
    c->out_len = len;
    c->out_off = 0;
    c->close_after = close;
    c->s_off = c->s_len = 0;
    c->pieces = 0;
    c->s_expect = st.length;
    c->s_done = STREAM_FLOWING;
    c->more_owed = DSGD_XCH_STREAM_WINDOW;
    c->phase = PHASE_STREAM;
    c->deadline = now + s->t.body_ms;
    if (c->fwd.method == DSG_HTTP_HEAD || st.length == 0) {
        owe_end(s, c->xrole, c->xid);   /* no piece will be asked for: the role forgets it */
        c->xid = 0;
        c->more_owed = 0;
        c->s_expect = 0;
        c->s_done = STREAM_COMPLETE;
    }
    pay_more(s, c);
    step(s, c, now);
    return 0;
}

/* A stream broken by its role (more than it may send, or past the
 * length): the connection ends short, the role's exchange with it. */
static void stream_broken(dsgd_tls_server *s, dsgd_tls_conn *c, const char *why)
{
    dsgd_log("%s: a download's service %s: closing", c->peer, why);
    conn_close(s, c, 0);
}

static int on_data(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    const uint8_t *p;
    size_t n;
    uint32_t xid;
    dsgd_tls_conn *c;
    if (dsgd_xch_data_get(m->body, m->len, &xid, &p, &n) != 0)
        return -1;
    if ((c = stream_conn(s, xid)) == NULL || c->s_done != STREAM_FLOWING)
        return 0;   /* the client left, or a HEAD request: dropped */
    if (c->pieces == DSGD_XCH_STREAM_WINDOW || n > c->s_expect) {
        stream_broken(s, c, c->pieces == DSGD_XCH_STREAM_WINDOW ? "sent more than it may"
                                                                : "sent past the length");
        return 0;
    }
    if (c->s_off > 0) {   /* room at the end: what is written is dropped */
        memmove(c->sbuf, c->sbuf + c->s_off, c->s_len - c->s_off);
        c->s_len -= c->s_off;
        c->s_off = 0;
    }
    memcpy(c->sbuf + c->s_len, p, n);
    c->s_len += n;
    c->piece_left[c->pieces++] = n;
    c->s_expect -= n;
    c->deadline = now + s->t.body_ms;
    step(s, c, now);
    return 0;
}

static int on_done(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    uint32_t xid;
    int complete;
    dsgd_tls_conn *c;
    if (dsgd_xch_done_get(m->body, m->len, &xid, &complete) != 0)
        return -1;
    if ((c = stream_conn(s, xid)) == NULL || c->s_done != STREAM_FLOWING)
        return 0;
    c->s_done = complete && c->s_expect == 0 ? STREAM_COMPLETE : STREAM_ABORTED;
    c->xid = 0;   /* the role is done with it */
    step(s, c, now);
    return 0;
}

static dsgd_tls_conn *exchange_conn(dsgd_tls_server *s, uint32_t xid)
{
    for (size_t i = 0; i < s->max_conns; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd >= 0 && xid != 0 && c->xid == xid &&
            (c->phase == PHASE_BODY || c->phase == PHASE_WAIT || c->interim))
            return c;
    }
    return NULL;
}

static int on_answer(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    uint32_t xid;
    int status;
    dsgd_xch_cookie cookie;
    const uint8_t *json;
    size_t len;
    dsgd_tls_conn *c;
    if (dsgd_xch_answer_get(m->body, m->len, &xid, &status, &cookie, &json, &len) != 0)
        return -1;
    if ((c = exchange_conn(s, xid)) == NULL)
        return 0;           /* its client is gone, or it timed out: nobody to tell */
    answer_exchange(s, c, status, NULL, NULL, json, len, &cookie, now);
    step(s, c, now);
    return 0;
}

static int on_routes(const dsgd_msg *m)
{
    static dsgd_route rs[DSGD_ROUTES_MAX];
    size_t n;
    if (m->len < 1 || dsgd_xch_routes_get(m->body + 1, m->len - 1, m->body[0], rs, &n) != 0)
        return -1;
    if (dsgd_http_routes_set(m->body[0], rs, n) != 0) {
        dsgd_log("routes of role %u refused: a path is already served", (unsigned)m->body[0]);
        return 0;
    }
    dsgd_log("routes of role %u: %zu", (unsigned)m->body[0], n);
    return 0;
}

/* A role went away: its exchanges end with 503, and no END is owed it. */
static int on_gone(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    size_t kept = 0;
    if (m->len != 1)
        return -1;
    for (size_t i = 0; i < s->ends_owed; i++)
        if (s->ends[i].role != m->body[0])
            s->ends[kept++] = s->ends[i];
    s->ends_owed = kept;
    for (size_t i = 0; i < s->max_conns; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd >= 0 && c->xid != 0 && c->xrole == m->body[0] && c->phase == PHASE_STREAM) {
            c->xsent = 0;   /* no END owed */
            stream_broken(s, c, "stopped");
            continue;
        }
        if (c->fd < 0 || c->xid == 0 || c->xrole != m->body[0] ||
            (c->phase != PHASE_BODY && c->phase != PHASE_WAIT && !c->interim))
            continue;
        c->xsent = 0;
        exchange_error(s, c, 503, "service-unavailable",
                       "the service stopped while answering; try again", now);
        step(s, c, now);
    }
    return 0;
}

void dsgd_tls_server_bus(dsgd_tls_server *s, dsgd_chan *bus)
{
    s->bus = bus;
}

int dsgd_tls_server_message(dsgd_tls_server *s, const dsgd_msg *m, uint64_t now)
{
    int rc;
    switch (m->kind) {
    case DSGD_MSG_HTTP_ROUTES: rc = on_routes(m); break;
    case DSGD_MSG_HTTP_ANSWER: rc = on_answer(s, m, now); break;
    case DSGD_MSG_HTTP_STREAM: rc = on_stream(s, m, now); break;
    case DSGD_MSG_HTTP_DATA: rc = on_data(s, m, now); break;
    case DSGD_MSG_HTTP_DONE: rc = on_done(s, m, now); break;
    case DSGD_MSG_GONE: rc = on_gone(s, m, now); break;
    default: return -1;
    }
    if (rc == 0 && dsgd_bus_done(s->bus, 1) != 0)
        return -1;
    return rc;
}

/* Reads and drops what a closing connection's client still sends; closes
 * it at the client's end, on an error, or past LINGER_MAX_BYTES. */
static void linger_read(dsgd_tls_server *s, dsgd_tls_conn *c)
{
    uint8_t drop[4096];
    for (;;) {
        ssize_t n = read(c->fd, drop, sizeof drop);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0 || (c->lingered += (size_t)n) > LINGER_MAX_BYTES) {
            conn_close(s, c, 0);   /* close_notify went out at linger_start */
            return;
        }
    }
}

/* The last answer is written: close_notify, then linger (see LINGER_MS). */
static void linger_start(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    (void)SSL_shutdown(c->ssl);   /* one try: we do not wait for the peer's */
    ERR_clear_error();
    c->phase = PHASE_LINGER;
    c->events = POLLIN;
    c->lingered = 0;
    c->deadline = now + LINGER_MS;
    linger_read(s, c);
}

/* Drives one connection as far as it goes without blocking: requests are
 * answered one at a time, in the order they came. */
static void step(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    ERR_clear_error();
    errno = 0;
    if (c->phase == PHASE_LINGER) {
        linger_read(s, c);
        return;
    }
    if (c->phase == PHASE_HANDSHAKE && handshake(s, c, now) <= 0)
        return;
    for (;;) {
        if (c->phase == PHASE_READ) {
            int r = answer_buffered(s, c, now);
            if (r > 0)
                continue;
            if (r < 0 || read_more(s, c, now) <= 0)
                return;
            continue;
        }
        if (c->phase == PHASE_BODY) {
            int r = pump_body(s, c, now);
            if (r == 0 && read_more(s, c, now) > 0)
                continue;
            if (r < 0 && c->phase == PHASE_WRITE)
                continue;   /* answered with an error */
            return;
        }
        if (c->phase == PHASE_WAIT)
            return;         /* the role's answer wakes it */
        if (c->phase == PHASE_STREAM) {
            if (stream_out(s, c, now) <= 0)
                return;
            free(c->sbuf);
            c->sbuf = NULL;
        } else if (write_more(s, c) <= 0) {
            return;
        }
        if (c->interim) {
            c->interim = 0;
            c->phase = PHASE_BODY;
            continue;
        }
        s->answered++;
        if (c->close_after) {
            linger_start(s, c, now);
            return;
        }
        next_request(s, c, now);
    }
}

/* A deadline passed: the handshake or the answer took too long (drop), the
 * keep-alive wait ended (close), or the request head is late (408). */
static void expire(dsgd_tls_server *s, dsgd_tls_conn *c, uint64_t now)
{
    dsgd_http_answer a;
    if (c->phase == PHASE_READ && c->idle) {
        conn_close(s, c, 1);
        return;
    }
    if (c->phase == PHASE_LINGER) {
        conn_close(s, c, 0);
        return;
    }
    s->timeouts++;
    if (c->phase == PHASE_STREAM) {
        dsgd_log("%s: download stalled for %u ms: closing", c->peer, s->t.body_ms);
        conn_close(s, c, 0);
        return;
    }
    if (c->phase == PHASE_BODY || c->phase == PHASE_WAIT) {
        int body = c->phase == PHASE_BODY;
        dsgd_log("%s: %s timeout (%u ms)", c->peer, body ? "request body" : "answer",
                 s->t.body_ms);
        if (body)
            exchange_error(s, c, 408, "body-timeout", "the request body stopped arriving", now);
        else
            exchange_error(s, c, 504, "answer-timeout", "the service did not answer in time",
                           now);
        step(s, c, now);   /* a body cut short closes the connection; a whole one need not */
        return;
    }
    if (c->phase != PHASE_READ) {
        dsgd_log("%s: %s timeout (%u ms): dropping the connection", c->peer,
                 c->phase == PHASE_HANDSHAKE ? "handshake" : "response",
                 c->phase == PHASE_HANDSHAKE ? s->t.handshake_ms : s->t.head_ms);
        conn_close(s, c, c->phase != PHASE_HANDSHAKE);
        return;
    }
    dsgd_log("%s: request head timeout (%u ms): answering 408", c->peer, s->t.head_ms);
    dsgd_http_timeout(&s->http, time(NULL), c->out, sizeof c->out, &a);
    log_access(c, &a);
    c->in_len = 0;
    c->out_len = a.len;
    c->out_off = 0;
    c->close_after = 1;
    c->phase = PHASE_WRITE;
    c->deadline = now + s->t.head_ms;   /* for the answer itself */
    step(s, c, now);
}

static void accept_some(dsgd_tls_server *s, uint64_t now)
{
    for (size_t i = 0; i < s->max_conns; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        char addr[INET_ADDRSTRLEN];
        int fd;

        if (c->fd >= 0)
            continue;
        fd = accept4(s->listen_fd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED)
                dsgd_log("accept4: %s", strerror(errno));
            return;
        }
        s->accepted++;
        if (sa.sin_family == AF_INET && inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr)) {
            snprintf(c->peer, sizeof c->peer, "%s:%u", addr, (unsigned)ntohs(sa.sin_port));
            snprintf(c->addr, sizeof c->addr, "%s", addr);
        } else {
            snprintf(c->peer, sizeof c->peer, "a client");
            snprintf(c->addr, sizeof c->addr, "unknown");
        }
        c->ssl = SSL_new(s->ctx);
        if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1) {
            dsgd_log("%s: SSL_new failed: closing", c->peer);
            SSL_free(c->ssl);
            c->ssl = NULL;
            close(fd);
            continue;
        }
        SSL_set_accept_state(c->ssl);
        c->fd = fd;
        c->phase = PHASE_HANDSHAKE;
        c->has_cert_fp = 0;
        c->deadline = now + s->t.handshake_ms;
        c->events = POLLIN;
        c->idle = 0;
        c->close_after = 0;
        c->in_len = 0;
        c->out_len = 0;
        c->out_off = 0;
        step(s, c, now);
    }
}

void dsgd_tls_server_stop_accepting(dsgd_tls_server *s)
{
    s->accepting = 0;
}

static void poll_deadline(const dsgd_tls_conn *c, uint64_t now, int *timeout_ms)
{
    uint64_t left = c->deadline > now ? c->deadline - now : 0;
    if (*timeout_ms < 0 || left < (uint64_t)*timeout_ms)
        *timeout_ms = (int)left;
}

/* Connections the full bus held back go on once it has room again. */
static void resume_blocked(dsgd_tls_server *s, uint64_t now)
{
    pay_ends(s);
    for (size_t i = 0; i < s->max_conns; i++)
        if (s->conns[i].fd >= 0 && s->conns[i].phase == PHASE_STREAM)
            pay_more(s, &s->conns[i]);
    for (size_t i = 0; i < s->max_conns && bus_room(s, BUS_RESERVE + 1); i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd < 0 || !c->blocked)
            continue;
        c->blocked = 0;
        c->deadline = now + (c->phase == PHASE_READ ? s->t.head_ms : s->t.body_ms);
        step(s, c, now);
    }
}

size_t dsgd_tls_server_pollfds(dsgd_tls_server *s, struct pollfd *pf, size_t max,
                               uint64_t now, int *timeout_ms)
{
    size_t n = 0, live = 0;
    resume_blocked(s, now);
    for (size_t i = 0; i < s->max_conns && n < max; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd < 0)
            continue;
        live++;
        if (c->blocked)
            continue;       /* no deadline while the bus holds it back */
        if (c->phase == PHASE_WAIT || stream_waits(c)) {
            poll_deadline(c, now, timeout_ms);
            continue;       /* nothing to read or write until the role answers */
        }
        pf[n].fd = c->fd;
        pf[n].events = c->events;
        pf[n].revents = 0;
        s->pf_slot[n] = (int)i;
        n++;
        poll_deadline(c, now, timeout_ms);
    }
    if (live < s->max_conns && n < max && s->accepting) {
        pf[n].fd = s->listen_fd;
        pf[n].events = POLLIN;
        pf[n].revents = 0;
        s->pf_slot[n] = -1;
        n++;
    }
    return n;
}

void dsgd_tls_server_events(dsgd_tls_server *s, const struct pollfd *pf, size_t n, uint64_t now)
{
    for (size_t i = 0; i < n; i++) {
        if (pf[i].revents == 0)
            continue;
        if (s->pf_slot[i] < 0) {
            accept_some(s, now);
            continue;
        }
        dsgd_tls_conn *c = &s->conns[s->pf_slot[i]];
        if (c->fd == pf[i].fd)
            step(s, c, now);
    }
    for (size_t i = 0; i < s->max_conns; i++) {
        dsgd_tls_conn *c = &s->conns[i];
        if (c->fd >= 0 && !c->blocked && now >= c->deadline)
            expire(s, c, now);
    }
}
