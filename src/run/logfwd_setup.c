/* logfwd's setup pipe on fd 5: see logfwd_setup.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/logfwd_setup.h"

#define SETUP_MAGIC 0x46475344u   /* "DSGF" little-endian */
#define SETUP_VERSION 1u
#define SETUP_HEAD 16u            /* magic, version, two settings */

static size_t put_blob(uint8_t *buf, size_t at, const void *p, size_t len)
{
    dsg_ipc_put_u32(buf + at, (uint32_t)len);
    memcpy(buf + at + 4, p, len);
    return at + 4 + len;
}

int dsgd_logfwd_setup_pipe(const dsgd_logfwd_setup *s)
{
    static uint8_t buf[DSGD_LOGFWD_SETUP_MAX];
    size_t need = SETUP_HEAD + 12 + s->tls12_ciphers_len + s->ca_len + s->list_len;
    int p[2];
    ssize_t w;
    if (s->tls12_ciphers_len == 0 || s->ca_len == 0 || s->list_len == 0 || need > sizeof buf) {
        dsgd_log("logfwd setup: cipher list, CA certificates and collectors must be 1 to %u "
                 "bytes together", DSGD_LOGFWD_SETUP_MAX - SETUP_HEAD - 12);
        return -1;
    }
    dsg_ipc_put_u32(buf, SETUP_MAGIC);
    dsg_ipc_put_u32(buf + 4, SETUP_VERSION);
    dsg_ipc_put_u32(buf + 8, s->tls_min_version);
    dsg_ipc_put_u32(buf + 12, s->handshake_timeout_ms);
    size_t at = put_blob(buf, SETUP_HEAD, s->tls12_ciphers, s->tls12_ciphers_len);
    at = put_blob(buf, at, s->ca, s->ca_len);
    (void)put_blob(buf, at, s->list, s->list_len);
    if (pipe2(p, O_CLOEXEC) != 0) {
        dsgd_log("logfwd setup: pipe: %s", strerror(errno));
        return -1;
    }
    /* non-blocking: a pipe smaller than the setup fails here, never hangs */
    (void)fcntl(p[1], F_SETPIPE_SZ, 65536);
    (void)fcntl(p[1], F_SETFL, O_NONBLOCK);
    w = write(p[1], buf, need);
    close(p[1]);
    if (w != (ssize_t)need) {
        dsgd_log("logfwd setup: could not fill the pipe (%zd of %zu bytes)", w, need);
        close(p[0]);
        return -1;
    }
    return p[0];
}

static int bad(char *err, size_t n, const char *why)
{
    snprintf(err, n, "setup pipe on fd %d: %s", DSGD_LOGFWD_SETUP_FD, why);
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

static int read_all(int fd, uint8_t *buf, size_t size, size_t *got, char *err, size_t errsize)
{
    size_t n = 0;
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
    *got = n;
    return 0;
}

int dsgd_logfwd_setup_read(int fd, uint8_t *buf, size_t size, dsgd_logfwd_setup *s, char *err,
                           size_t errsize)
{
    size_t n = 0, at = SETUP_HEAD;
    const uint8_t *ciphers, *list;
    if (read_all(fd, buf, size, &n, err, errsize) != 0)
        return -1;
    if (n < SETUP_HEAD || dsg_ipc_get_u32(buf) != SETUP_MAGIC ||
        dsg_ipc_get_u32(buf + 4) != SETUP_VERSION)
        return bad(err, errsize, "not a version 1 logfwd setup");
    s->tls_min_version = dsg_ipc_get_u32(buf + 8);
    s->handshake_timeout_ms = dsg_ipc_get_u32(buf + 12);
    if (s->tls_min_version == 0 || s->handshake_timeout_ms == 0)
        return bad(err, errsize, "zero setting");
    if (take_blob(buf, n, &at, &ciphers, &s->tls12_ciphers_len) != 0 ||
        memchr(ciphers, '\0', s->tls12_ciphers_len) != NULL)
        return bad(err, errsize, "bad cipher list");
    s->tls12_ciphers = (const char *)ciphers;
    if (take_blob(buf, n, &at, &s->ca, &s->ca_len) != 0)
        return bad(err, errsize, "bad CA length");
    if (take_blob(buf, n, &at, &list, &s->list_len) != 0 || at != n ||
        memchr(list, '\0', s->list_len) != NULL)
        return bad(err, errsize, "bad collector list");
    s->list = (const char *)list;
    return 0;
}
