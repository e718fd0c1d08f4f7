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
#define SETUP_VERSION 1u
#define SETUP_HEAD 24u            /* magic, version, 3 settings, cert_len */

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
    dsg_ipc_put_u32(buf + 8, s->max_conns);
    dsg_ipc_put_u32(buf + 12, s->handshake_timeout_ms);
    dsg_ipc_put_u32(buf + 16, s->head_timeout_ms);
    dsg_ipc_put_u32(buf + 20, (uint32_t)s->cert_len);
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
        return bad(err, errsize, "not a version 1 portal setup");
    s->max_conns = dsg_ipc_get_u32(buf + 8);
    s->handshake_timeout_ms = dsg_ipc_get_u32(buf + 12);
    s->head_timeout_ms = dsg_ipc_get_u32(buf + 16);
    cl = dsg_ipc_get_u32(buf + 20);
    if (cl == 0 || cl > n - SETUP_HEAD || n - SETUP_HEAD - cl < 4)
        return bad(err, errsize, "bad certificate length");
    kl = dsg_ipc_get_u32(buf + SETUP_HEAD + cl);
    if (kl == 0 || kl != n - SETUP_HEAD - cl - 4)
        return bad(err, errsize, "bad key length");
    if (s->max_conns == 0 || s->handshake_timeout_ms == 0 || s->head_timeout_ms == 0)
        return bad(err, errsize, "zero setting");
    s->cert = buf + SETUP_HEAD;
    s->cert_len = cl;
    s->key = buf + SETUP_HEAD + cl + 4;
    s->key_len = kl;
    return 0;
}
