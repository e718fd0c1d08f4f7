/*
 * Fuzz harness of the canonical audit record decoder (src/log/audit_enc.h).
 * Checks at run time what the contract says: a buffer the decoder accepts
 * gives a valid record whose items lie inside the buffer, and encoding that
 * record gives back exactly the buffer (canonical: one record, one byte
 * string); a refused buffer leaves the output untouched.
 * @relation(REQ-LOG-003, REQ-LOG-039)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/audit_enc.h"

static uint8_t out[DSG_AENC_SIZE_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsg_aenc_record r;
    size_t len = 0;
    memset(&r, 0x77, sizeof r);
    if (dsg_aenc_decode(data, size, &r) != 0) {
        for (size_t i = 0; i < sizeof r; i++)
            if (((const uint8_t *)&r)[i] != 0x77)
                abort();
        return 0;
    }
    if (dsg_aenc_record_is_valid(&r) != 1)
        abort();
    for (uint32_t k = 0; k < r.nitems; k++)
        if (r.item[k].p < data || r.item[k].p + r.item[k].len > data + size)
            abort();
    if (dsg_aenc_encode(&r, out, sizeof out, &len) != 0 || len != size ||
        memcmp(out, data, size) != 0)
        abort();
    return 0;
}
