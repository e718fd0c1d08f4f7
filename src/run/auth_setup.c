/* The auth role's setup pipe on fd 5: see auth_setup.h. */
#include <string.h>

#include <openssl/crypto.h>

#include "run/auth_setup.h"

#define SETUP_HEAD 8u   /* magic, version; no settings */

static const dsgd_setup_format format = {
    "auth", 0x41475344u /* "DSGA" little-endian */, 1u, SETUP_HEAD
};

int dsgd_auth_setup_pipe(const uint8_t key[DSGD_AUTH_DATA_KEY_LEN])
{
    uint8_t buf[SETUP_HEAD + 4 + DSGD_AUTH_DATA_KEY_LEN];
    dsgd_setup_put_head(buf, &format);
    (void)dsgd_setup_put_blob(buf, SETUP_HEAD, key, DSGD_AUTH_DATA_KEY_LEN);
    return dsgd_setup_fill(&format, buf, sizeof buf);   /* wipes buf */
}

int dsgd_auth_setup_read(int fd, uint8_t key[DSGD_AUTH_DATA_KEY_LEN], char *err, size_t errsize)
{
    uint8_t buf[SETUP_HEAD + 4 + DSGD_AUTH_DATA_KEY_LEN + 1];
    const uint8_t *p;
    size_t n = 0, at = SETUP_HEAD, len = 0;
    int rc = -1;
    if (dsgd_setup_read(fd, buf, sizeof buf, &format, &n, err, errsize) != 0)
        goto out;
    if (dsgd_setup_take_blob(buf, n, &at, &p, &len) != 0 || at != n ||
        len != DSGD_AUTH_DATA_KEY_LEN) {
        dsgd_setup_bad(err, errsize, "not one data key of 32 bytes");
        goto out;
    }
    memcpy(key, p, DSGD_AUTH_DATA_KEY_LEN);
    rc = 0;
out:
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}
