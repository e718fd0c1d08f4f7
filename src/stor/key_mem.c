/* Memory for key bytes: see key_mem.h. */
#include "stor/key_mem.h"

#include <stdio.h>

#include <openssl/crypto.h>

int dsg_key_mem_init(char *err, size_t n)
{
    int rc = CRYPTO_secure_malloc_init(DSG_KEY_MEM_ARENA, 32);
    if (rc == 0 || !CRYPTO_secure_malloc_initialized()) {
        snprintf(err, n, "the secure heap for key bytes (%u bytes) could not be mapped",
                 DSG_KEY_MEM_ARENA);
        return -1;
    }
    return rc == 1 ? 1 : 2;
}

uint8_t *dsg_key_mem_new(size_t len)
{
    return OPENSSL_secure_zalloc(len);
}

void dsg_key_mem_free(uint8_t *p, size_t len)
{
    if (p != NULL)
        OPENSSL_secure_clear_free(p, len);
}

int dsg_key_mem_is_secure(const void *p)
{
    return CRYPTO_secure_allocated(p);
}
