/* Memory for key bytes: see key_mem.h. */
#include "stor/key_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

/* Whether the mapping of /proc/self/smaps that holds p is marked "dd"
 * (MADV_DONTDUMP). */
static int excluded_from_dumps(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int inside = 0, dd = 0;
    uintptr_t a = (uintptr_t)p;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            inside = a >= lo && a < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            dd = strstr(line, " dd") != NULL;
            break;
        }
    }
    fclose(f);
    return dd;
}

int dsg_key_mem_init(char *err, size_t n)
{
    int rc = CRYPTO_secure_malloc_init(DSG_KEY_MEM_ARENA, 32);
    if (rc == 0 || !CRYPTO_secure_malloc_initialized()) {
        snprintf(err, n, "the secure heap for key bytes (%u bytes) could not be mapped",
                 DSG_KEY_MEM_ARENA);
        return -1;
    }
    if (rc == 1)
        return 1;
    /* OpenSSL's 2 folds mlock, madvise and the guard pages together: the
     * exclusion from core dumps is the one a key cannot do without */
    void *probe = OPENSSL_secure_malloc(16);
    int dd = probe != NULL && excluded_from_dumps(probe);
    OPENSSL_secure_free(probe);
    if (!dd) {
        snprintf(err, n, "the secure heap for key bytes could not be kept out of core dumps "
                 "(MADV_DONTDUMP refused)");
        return -1;
    }
    return 2;
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
