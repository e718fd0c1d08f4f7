/* The logfwd worker: see logfwd.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sockios.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "run/fwd_cursor.h"
#include "run/fwd_wire.h"
#include "run/log.h"
#include "run/logfwd.h"
#include "run/logfwd_setup.h"
#include "run/portal_tls.h"

#define QMAX (2u * DSGD_FWD_INFLIGHT)   /* batches held per connection, written or not */
#define ACK_POLL_MS 100
#define OUTBOX 32u

enum { PHASE_NONE = 0, PHASE_HANDSHAKE = 1, PHASE_UP = 2 };

typedef struct batch {
    uint8_t *p;
    size_t len, off;
    uint64_t id;
    uint64_t end;        /* written: BIO_number_written after its last byte */
} batch;

typedef struct fconn {
    int fd;
    SSL *ssl;
    uint32_t gen;
    int phase;
    int want_out;        /* the last TLS call wants the socket writable */
    uint64_t deadline;   /* of the handshake */
    batch q[QMAX];       /* [0 .. nw) written, waiting for TCP; [nw .. n) to write */
    unsigned n, nw;
    int ack_pending;
    uint64_t ack_id;
    dsgd_fwd_scan scan;
    uint64_t delivered;  /* batches acknowledged on this connection */
} fconn;

typedef struct outmsg {
    uint8_t kind;
    uint8_t len;
    uint8_t body[DSGD_FWD_ACK_LEN];
} outmsg;

static struct {
    SSL_CTX *ctx;
    dsgd_fwd_targets t;
    uint32_t handshake_ms;
    dsgd_chan *chan;
    int pass_fd;         /* fd 4 until the master closes its end */
    fconn c[DSGD_FWD_MAX];
    outmsg out[OUTBOX];
    unsigned out_first, out_n;
} lf = { .pass_fd = DSGD_LOGFWD_PASS_FD };

/* ---- before the sandbox --------------------------------------------------------- */

static int load_ca(SSL_CTX *ctx, const uint8_t *pem, size_t len)
{
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509 *x;
    int n = 0;
    if (b == NULL)
        return -1;
    while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        int ok = X509_STORE_add_cert(store, x) == 1;
        X509_free(x);
        if (!ok) {
            BIO_free(b);
            return -1;
        }
        n++;
    }
    ERR_clear_error();   /* the end of the PEM stream */
    BIO_free(b);
    return n > 0 ? 0 : -1;
}

/* The client side of the gateway's TLS policy (REQ-RUN-040): TLS 1.2-1.3,
 * AEAD ECDHE suites, no renegotiation, compression or resumption; the
 * peer's certificate must verify. */
static SSL_CTX *client_ctx(const dsgd_logfwd_setup *s, const char *ciphers, char *err,
                           size_t n)
{
    const char *what = "SSL_CTX_new";
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char why[200];
    if (ctx == NULL)
        goto fail;
    what = "the TLS policy";
    if ((s->tls_min_version != TLS1_2_VERSION && s->tls_min_version != TLS1_3_VERSION) ||
        SSL_CTX_set_min_proto_version(ctx, (int)s->tls_min_version) != 1 ||
        SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
        goto fail;
    SSL_CTX_set_security_level(ctx, 2);
    if (SSL_CTX_set_cipher_list(ctx, ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(ctx, DSGD_TLS13_SUITES) != 1 ||
        SSL_CTX_set1_groups_list(ctx, "X25519:P-256:P-384") != 1)
        goto fail;
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    what = "log.forward_ca";
    if (load_ca(ctx, s->ca, s->ca_len) != 0)
        goto fail;
    return ctx;
fail:
    dsgd_tls_reason(why, sizeof why);
    snprintf(err, n, "%s: %s", what, why);
    SSL_CTX_free(ctx);
    return NULL;
}

static int setup_tls(const dsgd_logfwd_setup *s, char *err, size_t n)
{
    static char ciphers[1025], list[1025];
    unsigned char seed[32];
    char why[160];
    if (s->tls12_ciphers_len >= sizeof ciphers || s->list_len >= sizeof list)
        return snprintf(err, n, "cipher list or collector list too long"), -1;
    memcpy(ciphers, s->tls12_ciphers, s->tls12_ciphers_len);
    ciphers[s->tls12_ciphers_len] = '\0';
    memcpy(list, s->list, s->list_len);
    list[s->list_len] = '\0';
    if (dsgd_fwd_targets_parse(list, &lf.t, why, sizeof why) != 0 || lf.t.n == 0)
        return snprintf(err, n, "log.forward: %s", lf.t.n == 0 ? "no collector" : why), -1;
    /* no openssl.cnf, and the DRBGs seeded now, while files may be opened */
    if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_LOAD_SSL_STRINGS |
                             OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1 ||
        RAND_bytes(seed, sizeof seed) != 1 || RAND_priv_bytes(seed, sizeof seed) != 1)
        return snprintf(err, n, "OpenSSL initialisation failed"), -1;
    lf.handshake_ms = s->handshake_timeout_ms;
    return (lf.ctx = client_ctx(s, ciphers, err, n)) != NULL ? 0 : -1;
}

int dsgd_logfwd_prepare(char *err, size_t n)
{
    static uint8_t buf[DSGD_SETUP_MAX];
    dsgd_logfwd_setup s;
    int type = 0;
    socklen_t l = sizeof type;
    if (getsockopt(DSGD_LOGFWD_PASS_FD, SOL_SOCKET, SO_TYPE, &type, &l) != 0 ||
        type != SOCK_SEQPACKET)
        return snprintf(err, n, "fd %d is not the master's socket", DSGD_LOGFWD_PASS_FD), -1;
    /* a collector that has gone must give EPIPE, not SIGPIPE (OpenSSL
     * writes with write(2); rt_sigaction traps once sandboxed) */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return snprintf(err, n, "SIGPIPE: %s", strerror(errno)), -1;
    /* certificate checks read the local time zone (found by the filter:
     * killed by seccomp: openat of /etc/localtime): loaded now, once */
    tzset();
    int rc = dsgd_logfwd_setup_read(DSGD_SETUP_FD, buf, sizeof buf, &s, err, n);
    close(DSGD_SETUP_FD);
    if (rc != 0 || setup_tls(&s, err, n) != 0)
        return -1;
    for (unsigned i = 0; i < DSGD_FWD_MAX; i++)
        lf.c[i].fd = -1;
    dsgd_log("TLS client ready: %s, %u collector(s), CA certificates from log.forward_ca, "
             "handshake timeout %u ms", OpenSSL_version(OPENSSL_VERSION), lf.t.n,
             lf.handshake_ms);
    return 0;
}

unsigned dsgd_logfwd_nofile(void)
{
    return 5u + 2u * DSGD_FWD_MAX;
}

void dsgd_logfwd_bus(dsgd_chan *chan)
{
    lf.chan = chan;
}

/* ---- messages to the master ------------------------------------------------------ */

static void post(uint8_t kind, const uint8_t *body, size_t len)
{
    if (lf.out_n == OUTBOX) {
        dsgd_log("forward: more than %u messages wait for the bus: one dropped", OUTBOX);
        return;
    }
    outmsg *o = &lf.out[(lf.out_first + lf.out_n++) % OUTBOX];
    o->kind = kind;
    o->len = (uint8_t)len;
    memcpy(o->body, body, len);
}

static void post_state(unsigned k, uint32_t gen, int up)
{
    uint8_t b[DSGD_FWD_STATE_LEN];
    dsgd_fwd_state_put(b, (uint8_t)k, gen, up);
    post(DSGD_MSG_FWD_STATE, b, sizeof b);
}

static void post_ack(unsigned k, fconn *c)
{
    uint8_t b[DSGD_FWD_ACK_LEN];
    dsgd_fwd_ack_put(b, (uint8_t)k, c->gen, c->ack_id);
    post(DSGD_MSG_FWD_ACK, b, sizeof b);
    c->ack_pending = 0;
}

/* What waits goes out while the bus has room: state changes and moves of
 * the cursor in order, then the latest acknowledgement of each connection. */
static void flush_out(void)
{
    for (;;) {
        while (lf.chan != NULL && lf.out_n > 0 && dsgd_bus_room(lf.chan) > 0) {
            outmsg *o = &lf.out[lf.out_first];
            if (dsgd_bus_send(lf.chan, o->kind, o->body, o->len) != 0)
                return;
            lf.out_first = (lf.out_first + 1) % OUTBOX;
            lf.out_n--;
        }
        unsigned k = 0;
        while (k < lf.t.n && !lf.c[k].ack_pending)
            k++;
        if (lf.out_n > 0 || k == lf.t.n || lf.chan == NULL || dsgd_bus_room(lf.chan) == 0)
            return;
        post_ack(k, &lf.c[k]);
    }
}

/* ---- connections ---------------------------------------------------------------- */

static void free_batches(fconn *c)
{
    for (unsigned i = 0; i < c->n; i++)
        free(c->q[i].p);
    c->n = c->nw = 0;
}

static void conn_down(unsigned k, const char *why)
{
    fconn *c = &lf.c[k];
    if (c->fd < 0)
        return;
    dsgd_log("forward: %s: connection %u %s: %s", lf.t.t[k].text, c->gen,
             c->phase == PHASE_UP ? "down" : "failed", why);
    if (c->ack_pending)
        post_ack(k, c);   /* what was delivered before it went */
    SSL_free(c->ssl);
    close(c->fd);
    free_batches(c);
    post_state(k, c->gen, 0);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* The collector must show a certificate for its NAME, or else for its
 * address (RFC 5425 §5.2, RFC 6125). */
static int expect_peer(SSL *ssl, const dsgd_fwd_target *t)
{
    if (t->host[0] != '\0')
        return SSL_set1_host(ssl, t->host) == 1 && SSL_set_tlsext_host_name(ssl, t->host) == 1
                   ? 0 : -1;
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t->addr) == 1 ? 0 : -1;
}

static void conn_open(unsigned k, int fd, uint32_t gen)
{
    fconn *c = &lf.c[k];
    conn_down(k, "replaced by a new connection");
    c->fd = fd;
    c->gen = gen;
    c->phase = PHASE_HANDSHAKE;
    c->deadline = dsgd_now_ms() + lf.handshake_ms;
    if ((c->ssl = SSL_new(lf.ctx)) == NULL || SSL_set_fd(c->ssl, fd) != 1 ||
        expect_peer(c->ssl, &lf.t.t[k]) != 0) {
        conn_down(k, "cannot set up TLS");
        return;
    }
    SSL_set_connect_state(c->ssl);
}

/* The TLS call's result: 0 to wait, -1 with the reason when it failed. */
static int tls_wait(fconn *c, int rc, char *why, size_t n)
{
    int e = SSL_get_error(c->ssl, rc);
    c->want_out = e == SSL_ERROR_WANT_WRITE;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    if (e == SSL_ERROR_ZERO_RETURN)
        snprintf(why, n, "the collector closed the connection");
    else
        dsgd_tls_reason(why, n);
    return -1;
}

static void handshake(unsigned k)
{
    fconn *c = &lf.c[k];
    char why[300];
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        c->phase = PHASE_UP;
        c->want_out = 0;
        dsgd_log("forward: %s: connection %u up: %s %s, certificate verified", lf.t.t[k].text,
                 c->gen, SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
        post_state(k, c->gen, 1);
        return;
    }
    if (tls_wait(c, rc, why, sizeof why) == 0)
        return;
    long v = SSL_get_verify_result(c->ssl);
    if (v != X509_V_OK) {
        char more[300];
        snprintf(more, sizeof more, "TLS handshake refused: certificate verify failed: %s",
                 X509_verify_cert_error_string(v));
        conn_down(k, more);
        return;
    }
    char more[360];
    snprintf(more, sizeof more, "TLS handshake failed: %s", why);
    conn_down(k, more);
}

/* Writes what is queued; a batch fully written waits for TCP. */
static void conn_write(unsigned k)
{
    fconn *c = &lf.c[k];
    char why[300];
    while (c->phase == PHASE_UP && c->nw < c->n) {
        batch *b = &c->q[c->nw];
        int rc = SSL_write(c->ssl, b->p + b->off, (int)(b->len - b->off));
        if (rc <= 0) {
            if (tls_wait(c, rc, why, sizeof why) != 0)
                conn_down(k, why);
            return;
        }
        c->want_out = 0;
        b->off += (size_t)rc;
        if (b->off < b->len)
            continue;
        b->end = BIO_number_written(SSL_get_wbio(c->ssl));
        free(b->p);
        b->p = NULL;
        c->nw++;
    }
}

/* Batches whose every byte the collector's TCP acknowledged: the bytes
 * written to the socket minus those it still holds unacknowledged. */
static void conn_acks(unsigned k)
{
    fconn *c = &lf.c[k];
    int outq = 0;
    unsigned done = 0;
    if (c->phase != PHASE_UP || c->nw == 0)
        return;
    if (ioctl(c->fd, SIOCOUTQ, &outq) != 0 || outq < 0) {
        conn_down(k, "SIOCOUTQ failed");
        return;
    }
    uint64_t acked = BIO_number_written(SSL_get_wbio(c->ssl)) - (uint64_t)outq;
    while (done < c->nw && c->q[done].end <= acked)
        done++;
    if (done == 0)
        return;
    c->ack_id = c->q[done - 1].id;
    c->ack_pending = 1;
    c->delivered += done;
    memmove(c->q, c->q + done, (c->n - done) * sizeof c->q[0]);
    c->n -= done;
    c->nw -= done;
}

/* What the collector sends (nothing, in RFC 5425) is read and dropped. */
static void conn_read(unsigned k)
{
    fconn *c = &lf.c[k];
    static uint8_t sink[4096];
    char why[300];
    for (;;) {
        int rc = SSL_read(c->ssl, sink, sizeof sink);
        if (rc > 0)
            continue;
        if (tls_wait(c, rc, why, sizeof why) != 0)
            conn_down(k, why);
        return;
    }
}

/* ---- the master's sockets -------------------------------------------------------- */

/* One connected socket from the master on fd 4 (SCM_RIGHTS). */
static void take_socket(void)
{
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    uint8_t body[8];
    struct iovec iov = { body, sizeof body };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };
    uint8_t k;
    uint32_t gen;
    int fd = -1;
    ssize_t r = recvmsg(lf.pass_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (r == 0) {
        lf.pass_fd = -1;   /* the master closed its end */
        return;
    }
    if (r < 0)
        return;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    if (cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
        cm->cmsg_len == CMSG_LEN(sizeof(int)))
        memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    if (fd < 0 || (mh.msg_flags & MSG_CTRUNC) ||
        dsgd_fwd_handover_get(body, (size_t)r, &k, &gen) != 0 || k >= lf.t.n) {
        dsgd_log("forward: a malformed handover from the master: ignored");
        if (fd >= 0)
            close(fd);
        return;
    }
    conn_open(k, fd, gen);
    handshake(k);
}

/* ---- the poll loop ------------------------------------------------------------------ */

static int timeout_of(uint64_t now)
{
    int t = -1;
    for (unsigned k = 0; k < lf.t.n; k++) {
        const fconn *c = &lf.c[k];
        int d = -1;
        if (c->phase == PHASE_HANDSHAKE)
            d = c->deadline > now ? (int)(c->deadline - now) : 0;
        else if (c->phase == PHASE_UP && c->nw > 0)
            d = ACK_POLL_MS;
        if (d >= 0 && (t < 0 || d < t))
            t = d;
    }
    return t;
}

size_t dsgd_logfwd_pollfds(struct pollfd *pf, size_t max, int *timeout_ms)
{
    uint64_t now = dsgd_now_ms();
    size_t n = 0;
    for (unsigned k = 0; k < lf.t.n; k++) {
        if (lf.c[k].phase == PHASE_HANDSHAKE && now >= lf.c[k].deadline)
            conn_down(k, "TLS handshake timeout (log.forward_timeout)");
        conn_acks(k);
    }
    flush_out();
    if (lf.pass_fd >= 0 && n < max)
        pf[n++] = (struct pollfd){ lf.pass_fd, POLLIN, 0 };
    for (unsigned k = 0; k < lf.t.n && n < max; k++) {
        short ev = (short)(POLLIN | (lf.c[k].want_out ? POLLOUT : 0));
        if (lf.c[k].fd >= 0)
            pf[n++] = (struct pollfd){ lf.c[k].fd, ev, 0 };
    }
    *timeout_ms = timeout_of(now);
    return n;
}

void dsgd_logfwd_events(const struct pollfd *pf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (pf[i].revents == 0)
            continue;
        if (pf[i].fd == lf.pass_fd) {
            take_socket();
            continue;
        }
        for (unsigned k = 0; k < lf.t.n; k++) {
            if (lf.c[k].fd != pf[i].fd)
                continue;
            if (lf.c[k].phase == PHASE_HANDSHAKE)
                handshake(k);
            else
                conn_read(k), conn_write(k);
        }
    }
}

/* ---- batches from logd -------------------------------------------------------------- */

/* A batch for connection gen of collector k: checked to continue the
 * stream of RFC 5425 frames, copied, and written when the socket takes it. */
static void queue_batch(unsigned k, uint32_t gen, uint64_t id, const uint8_t *p, size_t len)
{
    fconn *c = &lf.c[k];
    if (c->phase != PHASE_UP || c->gen != gen)
        return;   /* for a connection that has gone: logd sends it again on the next */
    if (dsgd_fwd_scan_feed(&c->scan, p, len) != 0) {
        conn_down(k, "logd sent bytes that are not RFC 5425 frames: not forwarded");
        return;
    }
    if (c->n == QMAX || (c->q[c->n].p = malloc(len)) == NULL) {
        conn_down(k, "more batches than logd may have in flight");
        return;
    }
    memcpy(c->q[c->n].p, p, len);
    c->q[c->n].len = len;
    c->q[c->n].off = 0;
    c->q[c->n].id = id;
    c->n++;
    conn_write(k);
}

int dsgd_logfwd_message(const dsgd_msg *m)
{
    uint8_t k;
    uint32_t gen;
    uint64_t id;
    int up;
    const uint8_t *p;
    size_t len;
    if (m->kind == DSGD_MSG_FWD_BATCH &&
        dsgd_fwd_batch_get(m->body, m->len, &k, &gen, &id, &p, &len) == 0 && k < lf.t.n) {
        queue_batch(k, gen, id, p, len);
    } else if (m->kind == DSGD_MSG_FWD_STATE &&
               dsgd_fwd_state_get(m->body, m->len, &k, &gen, &up) == 0 && !up &&
               k < lf.t.n) {
        if (lf.c[k].fd >= 0 && lf.c[k].gen == gen)
            conn_down(k, "closed at the master's request (logd restarted)");
    } else {
        return -1;
    }
    return dsgd_bus_done(lf.chan, 1) == 0 ? 0 : -1;
}

void dsgd_logfwd_stop(void)
{
    for (unsigned k = 0; k < lf.t.n; k++) {
        fconn *c = &lf.c[k];
        if (c->fd < 0)
            continue;
        conn_acks(k);
        if (c->phase == PHASE_UP)
            (void)SSL_shutdown(c->ssl);   /* one close_notify, not waited for */
        dsgd_log("forward: %s: closing connection %u (%llu batch(es) delivered on it)",
                 lf.t.t[k].text, c->gen, (unsigned long long)c->delivered);
        conn_down(k, "dsgd is stopping");
    }
    flush_out();
}
