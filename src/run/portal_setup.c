/* The portal's setup pipe on fd 5: see portal_setup.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/portal_setup.h"

#define SETUP_MAGIC 0x50475344u   /* "DSGP" little-endian */
#define SETUP_VERSION 4u
#define SETUP_SETTINGS 15u
#define SETUP_HSTS 7u             /* settings that may be 0: HSTS, and the halves of */
#define SETUP_UPLOAD_HI 10u       /* the 64-bit upload limit (which may not) */
#define SETUP_UPLOAD_LO 11u
#define SETUP_SETTINGS_END (4u * (2u + SETUP_SETTINGS))   /* magic, version, settings */

/* The settings in pipe order. */
static uint32_t *setting(dsgd_portal_setup *s, unsigned i)
{
    uint32_t *all[SETUP_SETTINGS] = { &s->max_conns, &s->handshake_timeout_ms,
                                      &s->head_timeout_ms, &s->keepalive_timeout_ms,
                                      &s->max_request_line, &s->max_header_bytes,
                                      &s->max_header_count, &s->hsts_max_age,
                                      &s->body_timeout_ms, &s->api_max_body_bytes,
                                      &s->upload_max_hi, &s->upload_max_lo,
                                      &s->json_max_depth, &s->json_max_tokens,
                                      &s->tls_min_version };
    return all[i];
}

/* After the settings, three blobs, each a u32 length and its bytes: the
 * TLS 1.2 cipher list, the certificate, the key. */
static size_t put_blob(uint8_t *buf, size_t at, const void *p, size_t len)
{
    dsg_ipc_put_u32(buf + at, (uint32_t)len);
    memcpy(buf + at + 4, p, len);
    return at + 4 + len;
}

int dsgd_portal_setup_pipe(const dsgd_portal_setup *s)
{
    static uint8_t buf[DSGD_PORTAL_SETUP_MAX];
    size_t need = SETUP_SETTINGS_END + 4 + s->tls12_ciphers_len + 4 + s->cert_len + 4 +
                  s->key_len;
    size_t at;
    int p[2];
    ssize_t w;

    if (s->cert_len == 0 || s->key_len == 0 || s->tls12_ciphers_len == 0 ||
        need > sizeof buf) {
        dsgd_log("portal setup: cipher list, certificate and key must be 1 to %u bytes together",
                 DSGD_PORTAL_SETUP_MAX - SETUP_SETTINGS_END - 12);
        return -1;
    }
    dsg_ipc_put_u32(buf, SETUP_MAGIC);
    dsg_ipc_put_u32(buf + 4, SETUP_VERSION);
    dsgd_portal_setup copy = *s;
    for (unsigned i = 0; i < SETUP_SETTINGS; i++)
        dsg_ipc_put_u32(buf + 8 + 4 * i, *setting(&copy, i));
    at = put_blob(buf, SETUP_SETTINGS_END, s->tls12_ciphers, s->tls12_ciphers_len);
    at = put_blob(buf, at, s->cert, s->cert_len);
    (void)put_blob(buf, at, s->key, s->key_len);
    if (pipe2(p, O_CLOEXEC) != 0) {
        dsgd_log("portal setup: pipe: %s", strerror(errno));
        OPENSSL_cleanse(buf, need);
        return -1;
    }
    /* non-blocking: a pipe smaller than the setup fails here, never hangs */
    (void)fcntl(p[1], F_SETPIPE_SZ, 65536);
    (void)fcntl(p[1], F_SETFL, O_NONBLOCK);
    w = write(p[1], buf, need);
    OPENSSL_cleanse(buf, need);
    close(p[1]);
    if (w != (ssize_t)need) {
        dsgd_log("portal setup: could not fill the pipe (%zd of %zu bytes)", w, need);
        close(p[0]);
        return -1;
    }
    return p[0];
}

static int bad(char *err, size_t n, const char *why)
{
    snprintf(err, n, "setup pipe on fd %d: %s", DSGD_PORTAL_SETUP_FD, why);
    return -1;
}

/* The blob at *at of buf[0 .. n): 0 and its place, or -1 when it is
 * empty or runs past the end. */
static int take_blob(const uint8_t *buf, size_t n, size_t *at, const uint8_t **p, size_t *len)
{
    uint32_t l;
    if (n - *at < 4)
        return -1;
    l = dsg_ipc_get_u32(buf + *at);
    if (l == 0 || l > n - *at - 4)
        return -1;
    *p = buf + *at + 4;
    *len = l;
    *at += 4 + (size_t)l;
    return 0;
}

int dsgd_portal_setup_read(int fd, uint8_t *buf, size_t size, dsgd_portal_setup *s,
                           char *err, size_t errsize)
{
    size_t n = 0, at = SETUP_SETTINGS_END;
    const uint8_t *ciphers;

    for (;;) {
        ssize_t r;
        if (n == size)
            return bad(err, errsize, "more bytes than the setup may hold");
        r = read(fd, buf + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return bad(err, errsize, strerror(errno));
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n < SETUP_SETTINGS_END || dsg_ipc_get_u32(buf) != SETUP_MAGIC ||
        dsg_ipc_get_u32(buf + 4) != SETUP_VERSION)
        return bad(err, errsize, "not a version 4 portal setup");
    for (unsigned i = 0; i < SETUP_SETTINGS; i++) {
        *setting(s, i) = dsg_ipc_get_u32(buf + 8 + 4 * i);
        if (*setting(s, i) == 0 && i != SETUP_HSTS && i != SETUP_UPLOAD_HI &&
            i != SETUP_UPLOAD_LO)
            return bad(err, errsize, "zero setting");
    }
    if (s->upload_max_hi == 0 && s->upload_max_lo == 0)
        return bad(err, errsize, "zero upload limit");
    if (take_blob(buf, n, &at, &ciphers, &s->tls12_ciphers_len) != 0 ||
        memchr(ciphers, '\0', s->tls12_ciphers_len) != NULL)
        return bad(err, errsize, "bad cipher list");
    s->tls12_ciphers = (const char *)ciphers;
    if (take_blob(buf, n, &at, &s->cert, &s->cert_len) != 0)
        return bad(err, errsize, "bad certificate length");
    if (take_blob(buf, n, &at, &s->key, &s->key_len) != 0 || at != n)
        return bad(err, errsize, "bad key length");
    return 0;
}
