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
#define SETUP_VERSION 3u
#define SETUP_SETTINGS 14u
#define SETUP_HSTS 7u             /* settings that may be 0: HSTS, and the halves of */
#define SETUP_UPLOAD_HI 10u       /* the 64-bit upload limit (which may not) */
#define SETUP_UPLOAD_LO 11u
#define SETUP_HEAD (4u * (2u + SETUP_SETTINGS + 1u))  /* magic, version, settings, cert_len */

/* The settings in pipe order. */
static uint32_t *setting(dsgd_portal_setup *s, unsigned i)
{
    uint32_t *all[SETUP_SETTINGS] = { &s->max_conns, &s->handshake_timeout_ms,
                                      &s->head_timeout_ms, &s->keepalive_timeout_ms,
                                      &s->max_request_line, &s->max_header_bytes,
                                      &s->max_header_count, &s->hsts_max_age,
                                      &s->body_timeout_ms, &s->api_max_body_bytes,
                                      &s->upload_max_hi, &s->upload_max_lo,
                                      &s->json_max_depth, &s->json_max_tokens };
    return all[i];
}

int dsgd_portal_setup_pipe(const dsgd_portal_setup *s)
{
    static uint8_t buf[DSGD_PORTAL_SETUP_MAX];
    size_t need = SETUP_HEAD + s->cert_len + 4 + s->key_len;
    int p[2];
    ssize_t w;

    if (s->cert_len == 0 || s->key_len == 0 || need > sizeof buf) {
        dsgd_log("portal setup: certificate and key must be 1 to %u bytes together",
                 DSGD_PORTAL_SETUP_MAX - SETUP_HEAD - 4);
        return -1;
    }
    dsg_ipc_put_u32(buf, SETUP_MAGIC);
    dsg_ipc_put_u32(buf + 4, SETUP_VERSION);
    dsgd_portal_setup copy = *s;
    for (unsigned i = 0; i < SETUP_SETTINGS; i++)
        dsg_ipc_put_u32(buf + 8 + 4 * i, *setting(&copy, i));
    dsg_ipc_put_u32(buf + SETUP_HEAD - 4, (uint32_t)s->cert_len);
    memcpy(buf + SETUP_HEAD, s->cert, s->cert_len);
    dsg_ipc_put_u32(buf + SETUP_HEAD + s->cert_len, (uint32_t)s->key_len);
    memcpy(buf + SETUP_HEAD + s->cert_len + 4, s->key, s->key_len);
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

int dsgd_portal_setup_read(int fd, uint8_t *buf, size_t size, dsgd_portal_setup *s,
                           char *err, size_t errsize)
{
    size_t n = 0;
    uint32_t cl, kl;

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
    if (n < SETUP_HEAD || dsg_ipc_get_u32(buf) != SETUP_MAGIC ||
        dsg_ipc_get_u32(buf + 4) != SETUP_VERSION)
        return bad(err, errsize, "not a version 3 portal setup");
    for (unsigned i = 0; i < SETUP_SETTINGS; i++) {
        *setting(s, i) = dsg_ipc_get_u32(buf + 8 + 4 * i);
        if (*setting(s, i) == 0 && i != SETUP_HSTS && i != SETUP_UPLOAD_HI &&
            i != SETUP_UPLOAD_LO)
            return bad(err, errsize, "zero setting");
    }
    if (s->upload_max_hi == 0 && s->upload_max_lo == 0)
        return bad(err, errsize, "zero upload limit");
    cl = dsg_ipc_get_u32(buf + SETUP_HEAD - 4);
    if (cl == 0 || cl > n - SETUP_HEAD || n - SETUP_HEAD - cl < 4)
        return bad(err, errsize, "bad certificate length");
    kl = dsg_ipc_get_u32(buf + SETUP_HEAD + cl);
    if (kl == 0 || kl != n - SETUP_HEAD - cl - 4)
        return bad(err, errsize, "bad key length");
    s->cert = buf + SETUP_HEAD;
    s->cert_len = cl;
    s->key = buf + SETUP_HEAD + cl + 4;
    s->key_len = kl;
    return 0;
}
