/* The portal's setup pipe on fd 5: see portal_setup.h. */
#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/portal_setup.h"

#define SETUP_SETTINGS 15u
#define SETUP_HSTS 7u             /* settings that may be 0: HSTS, and the halves of */
#define SETUP_UPLOAD_HI 10u       /* the 64-bit upload limit (which may not) */
#define SETUP_UPLOAD_LO 11u
#define SETUP_SETTINGS_END (4u * (2u + SETUP_SETTINGS))   /* magic, version, settings */

static const dsgd_setup_format format = {
    "portal", 0x50475344u /* "DSGP" little-endian */, 5u, SETUP_SETTINGS_END
};

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

int dsgd_portal_setup_pipe(const dsgd_portal_setup *s)
{
    static uint8_t buf[DSGD_SETUP_MAX];
    size_t need = SETUP_SETTINGS_END + 4 + s->tls12_ciphers_len + 4 + s->cert_len + 4 +
                  s->key_len + (s->client_ca_len > 0 ? 4 + s->client_ca_len : 0);
    size_t at;

    if (s->cert_len == 0 || s->key_len == 0 || s->tls12_ciphers_len == 0 ||
        need > sizeof buf) {
        dsgd_log("portal setup: cipher list, certificate and key must be 1 to %u bytes together",
                 DSGD_SETUP_MAX - SETUP_SETTINGS_END - 12);
        return -1;
    }
    dsgd_setup_put_head(buf, &format);
    dsgd_portal_setup copy = *s;
    for (unsigned i = 0; i < SETUP_SETTINGS; i++)
        dsg_ipc_put_u32(buf + 8 + 4 * i, *setting(&copy, i));
    /* after the settings, three blobs: the TLS 1.2 cipher list, the
     * certificate, the key; then portal.client_ca's certificates, if any */
    at = dsgd_setup_put_blob(buf, SETUP_SETTINGS_END, s->tls12_ciphers, s->tls12_ciphers_len);
    at = dsgd_setup_put_blob(buf, at, s->cert, s->cert_len);
    at = dsgd_setup_put_blob(buf, at, s->key, s->key_len);
    if (s->client_ca_len > 0)
        (void)dsgd_setup_put_blob(buf, at, s->client_ca, s->client_ca_len);
    return dsgd_setup_fill(&format, buf, need);
}

int dsgd_portal_setup_read(int fd, uint8_t *buf, size_t size, dsgd_portal_setup *s,
                           char *err, size_t errsize)
{
    size_t n = 0, at = SETUP_SETTINGS_END;

    if (dsgd_setup_read(fd, buf, size, &format, &n, err, errsize) != 0)
        return -1;
    for (unsigned i = 0; i < SETUP_SETTINGS; i++) {
        *setting(s, i) = dsg_ipc_get_u32(buf + 8 + 4 * i);
        if (*setting(s, i) == 0 && i != SETUP_HSTS && i != SETUP_UPLOAD_HI &&
            i != SETUP_UPLOAD_LO)
            return dsgd_setup_bad(err, errsize, "zero setting");
    }
    if (s->upload_max_hi == 0 && s->upload_max_lo == 0)
        return dsgd_setup_bad(err, errsize, "zero upload limit");
    if (dsgd_setup_take_text(buf, n, &at, &s->tls12_ciphers, &s->tls12_ciphers_len) != 0)
        return dsgd_setup_bad(err, errsize, "bad cipher list");
    if (dsgd_setup_take_blob(buf, n, &at, &s->cert, &s->cert_len) != 0)
        return dsgd_setup_bad(err, errsize, "bad certificate length");
    if (dsgd_setup_take_blob(buf, n, &at, &s->key, &s->key_len) != 0)
        return dsgd_setup_bad(err, errsize, "bad key length");
    s->client_ca = NULL;
    s->client_ca_len = 0;
    if (at != n && (dsgd_setup_take_blob(buf, n, &at, &s->client_ca, &s->client_ca_len) != 0 ||
                    at != n))
        return dsgd_setup_bad(err, errsize, "bad client CA length");
    return 0;
}
