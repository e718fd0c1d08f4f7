/*
 * Fuzz harness of the password-hash string parser (src/auth/pw_hash.h):
 * any input is parsed; a refusal must leave the record untouched, and an
 * accepted string must have parameters in range and be exactly what the
 * formatter writes for the parsed record (one encoding per record: no
 * leading zeros, no padding, no stray bits are let through).
 * @relation(REQ-MFA-008)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pw_hash.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsg_pw_hash_rec rec, fill;
    memset(&fill, 0x5A, sizeof fill);
    rec = fill;
    int r = dsg_pw_hash_parse((const char *)data, size, &rec);
    if (r != 0) {
        if (r != -1 || memcmp(&rec, &fill, sizeof rec) != 0)
            abort();
        return 0;
    }
    if (!dsg_scrypt_params_is_valid(&rec.params) || size > DSG_PW_HASH_STR_MAX)
        abort();
    char out[DSG_PW_HASH_STR_MAX + 1];
    int n = dsg_pw_hash_format(&rec, out, sizeof out);
    if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
        abort();
    return 0;
}
