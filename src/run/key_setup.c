/* A role's data key on its setup pipe (fd 5): see key_setup.h. */
#include <string.h>

#include <openssl/crypto.h>

#include "run/key_setup.h"
#include "run/log.h"
#include "stor/key_mem.h"

#define SETUP_HEAD 8u   /* magic, version; no settings */

static const dsgd_setup_format formats[] = {
    { "auth", 0x41475344u /* "DSGA" little-endian */, 1u, SETUP_HEAD },
    { "share", 0x53475344u /* "DSGS" little-endian */, 1u, SETUP_HEAD },
};

static const dsgd_setup_format *format_of(const char *role)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, role) == 0)
            return &formats[i];
    return NULL;
}

int dsgd_key_setup_pipe(const char *role, const uint8_t key[DSGD_ROLE_KEY_LEN])
{
    const dsgd_setup_format *format = format_of(role);
    uint8_t buf[SETUP_HEAD + 4 + DSGD_ROLE_KEY_LEN];
    if (format == NULL)
        return -1;
    dsgd_setup_put_head(buf, format);
    (void)dsgd_setup_put_blob(buf, SETUP_HEAD, key, DSGD_ROLE_KEY_LEN);
    return dsgd_setup_fill(format, buf, sizeof buf);   /* wipes buf */
}

int dsgd_key_setup_read(const char *role, int fd, uint8_t key[DSGD_ROLE_KEY_LEN], char *err,
                        size_t errsize)
{
    const dsgd_setup_format *format = format_of(role);
    uint8_t buf[SETUP_HEAD + 4 + DSGD_ROLE_KEY_LEN + 1];
    const uint8_t *p;
    size_t n = 0, at = SETUP_HEAD, len = 0;
    int rc = -1;
    if (format == NULL || dsgd_setup_read(fd, buf, sizeof buf, format, &n, err, errsize) != 0)
        goto out;
    if (dsgd_setup_take_blob(buf, n, &at, &p, &len) != 0 || at != n ||
        len != DSGD_ROLE_KEY_LEN) {
        dsgd_setup_bad(err, errsize, "not one data key of 32 bytes");
        goto out;
    }
    memcpy(key, p, DSGD_ROLE_KEY_LEN);
    rc = 0;
out:
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

int dsgd_key_mem_open(const char *who, char *err, size_t errsize)
{
    int locked = dsg_key_mem_init(err, errsize);
    if (locked < 0)
        return -1;
    if (locked == 2)
        dsgd_log("%s: key memory not locked against swapping, or without guard pages "
                 "(RLIMIT_MEMLOCK is the usual cause)", who);
    return 0;
}

uint8_t *dsgd_key_setup_take(const char *role, int fd, char *err, size_t errsize)
{
    if (dsgd_key_mem_open(role, err, errsize) != 0)
        return NULL;
    uint8_t *key = dsg_key_mem_new(DSGD_ROLE_KEY_LEN);
    if (key == NULL) {
        snprintf(err, errsize, "no key memory for the data key");
        return NULL;
    }
    if (dsgd_key_setup_read(role, fd, key, err, errsize) != 0) {
        dsg_key_mem_free(key, DSGD_ROLE_KEY_LEN);
        return NULL;
    }
    return key;
}
