/* logfwd's setup pipe on fd 5: see logfwd_setup.h. */
#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/logfwd_setup.h"

#define SETUP_HEAD 16u            /* magic, version, two settings */

static const dsgd_setup_format format = {
    "logfwd", 0x46475344u /* "DSGF" little-endian */, 1u, SETUP_HEAD
};

int dsgd_logfwd_setup_pipe(const dsgd_logfwd_setup *s)
{
    static uint8_t buf[DSGD_SETUP_MAX];
    size_t need = SETUP_HEAD + 12 + s->tls12_ciphers_len + s->ca_len + s->list_len;
    if (s->tls12_ciphers_len == 0 || s->ca_len == 0 || s->list_len == 0 || need > sizeof buf) {
        dsgd_log("logfwd setup: cipher list, CA certificates and collectors must be 1 to %u "
                 "bytes together", DSGD_SETUP_MAX - SETUP_HEAD - 12);
        return -1;
    }
    dsgd_setup_put_head(buf, &format);
    dsg_ipc_put_u32(buf + 8, s->tls_min_version);
    dsg_ipc_put_u32(buf + 12, s->handshake_timeout_ms);
    size_t at = dsgd_setup_put_blob(buf, SETUP_HEAD, s->tls12_ciphers, s->tls12_ciphers_len);
    at = dsgd_setup_put_blob(buf, at, s->ca, s->ca_len);
    (void)dsgd_setup_put_blob(buf, at, s->list, s->list_len);
    return dsgd_setup_fill(&format, buf, need);
}

int dsgd_logfwd_setup_read(int fd, uint8_t *buf, size_t size, dsgd_logfwd_setup *s, char *err,
                           size_t errsize)
{
    size_t n = 0, at = SETUP_HEAD;
    if (dsgd_setup_read(fd, buf, size, &format, &n, err, errsize) != 0)
        return -1;
    s->tls_min_version = dsg_ipc_get_u32(buf + 8);
    s->handshake_timeout_ms = dsg_ipc_get_u32(buf + 12);
    if (s->tls_min_version == 0 || s->handshake_timeout_ms == 0)
        return dsgd_setup_bad(err, errsize, "zero setting");
    if (dsgd_setup_take_text(buf, n, &at, &s->tls12_ciphers, &s->tls12_ciphers_len) != 0)
        return dsgd_setup_bad(err, errsize, "bad cipher list");
    if (dsgd_setup_take_blob(buf, n, &at, &s->ca, &s->ca_len) != 0)
        return dsgd_setup_bad(err, errsize, "bad CA length");
    if (dsgd_setup_take_text(buf, n, &at, &s->list, &s->list_len) != 0 || at != n)
        return dsgd_setup_bad(err, errsize, "bad collector list");
    return 0;
}
