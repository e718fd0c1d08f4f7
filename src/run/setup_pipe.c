/* The setup pipe on fd 5, both ends: see setup_pipe.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/setup_pipe.h"

void dsgd_setup_put_head(uint8_t *buf, const dsgd_setup_format *f)
{
    dsg_ipc_put_u32(buf, f->magic);
    dsg_ipc_put_u32(buf + 4, f->version);
}

size_t dsgd_setup_put_blob(uint8_t *buf, size_t at, const void *p, size_t len)
{
    dsg_ipc_put_u32(buf + at, (uint32_t)len);
    memcpy(buf + at + 4, p, len);
    return at + 4 + len;
}

int dsgd_setup_fill(const dsgd_setup_format *f, uint8_t *buf, size_t len)
{
    int p[2];
    ssize_t w;

    if (pipe2(p, O_CLOEXEC) != 0) {
        dsgd_log("%s setup: pipe: %s", f->name, strerror(errno));
        OPENSSL_cleanse(buf, len);
        return -1;
    }
    /* non-blocking: a pipe smaller than the setup fails here, never hangs */
    (void)fcntl(p[1], F_SETPIPE_SZ, 65536);
    (void)fcntl(p[1], F_SETFL, O_NONBLOCK);
    w = write(p[1], buf, len);
    OPENSSL_cleanse(buf, len);
    close(p[1]);
    if (w != (ssize_t)len) {
        dsgd_log("%s setup: could not fill the pipe (%zd of %zu bytes)", f->name, w, len);
        close(p[0]);
        return -1;
    }
    return p[0];
}

int dsgd_setup_bad(char *err, size_t errsize, const char *why)
{
    snprintf(err, errsize, "setup pipe on fd %d: %s", DSGD_SETUP_FD, why);
    return -1;
}

static int read_all(int fd, uint8_t *buf, size_t size, size_t *got, char *err, size_t errsize)
{
    size_t n = 0;
    for (;;) {
        ssize_t r;
        if (n == size)
            return dsgd_setup_bad(err, errsize, "more bytes than the setup may hold");
        r = read(fd, buf + n, size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return dsgd_setup_bad(err, errsize, strerror(errno));
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *got = n;
    return 0;
}

int dsgd_setup_read(int fd, uint8_t *buf, size_t size, const dsgd_setup_format *f, size_t *n,
                    char *err, size_t errsize)
{
    char why[64];
    if (read_all(fd, buf, size, n, err, errsize) != 0)
        return -1;
    if (*n < f->head || dsg_ipc_get_u32(buf) != f->magic ||
        dsg_ipc_get_u32(buf + 4) != f->version) {
        snprintf(why, sizeof why, "not a version %u %s setup", (unsigned)f->version, f->name);
        return dsgd_setup_bad(err, errsize, why);
    }
    return 0;
}

int dsgd_setup_take_blob(const uint8_t *buf, size_t n, size_t *at, const uint8_t **p,
                         size_t *len)
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

int dsgd_setup_take_text(const uint8_t *buf, size_t n, size_t *at, const char **p, size_t *len)
{
    const uint8_t *text;
    if (dsgd_setup_take_blob(buf, n, at, &text, len) != 0 || memchr(text, '\0', *len) != NULL)
        return -1;
    *p = (const char *)text;
    return 0;
}
