/*
 * Fuzz harness of the audit record batch reader logd runs on what the
 * other roles send (src/log/audit_wire.h). Checks at run time: records are
 * read in order without overlap and inside the buffer, each accepted one
 * has no sequence, source or time of its own, and re-packing the accepted
 * records with dsg_audit_wire_put gives back exactly the bytes read.
 * @relation(REQ-LOG-043)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/audit_wire.h"

static uint8_t again[1u << 17];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dsg_aenc_record r;
    static char names[DSG_AENC_FIELDS_MAX][DSG_AENC_ITEM_MAX + 1];
    dsg_audit_field f[DSG_AENC_FIELDS_MAX];
    size_t off = 0, used = 0, prev = 0;
    int got;

    while ((got = dsg_audit_wire_next(data, size, &off, &r)) == 1) {
        size_t n = 0;
        if (off <= prev || off > size || r.seq != 0 || r.item[0].len != 0 || r.item[1].len != 0)
            abort();
        for (uint32_t k = 0; k < r.nitems; k++)
            if (r.item[k].p < data + prev || r.item[k].p + r.item[k].len > data + off)
                abort();
        for (uint32_t k = 2; k + 1 < r.nitems; k += 2, n++) {
            if (memchr(r.item[k].p, '\0', r.item[k].len) != NULL)
                break;   /* a name with NUL cannot be a C string: no re-packing */
            memcpy(names[n], r.item[k].p, r.item[k].len);
            names[n][r.item[k].len] = '\0';
            f[n].name = names[n];
            f[n].value = r.item[k + 1].p;
            f[n].len = r.item[k + 1].len;
        }
        if (n == (r.nitems - 2) / 2 && off - prev <= sizeof again - used) {
            if (dsg_audit_wire_put(again, sizeof again, &used, r.type, f, n) != 0 ||
                memcmp(again + used - (off - prev), data + prev, off - prev) != 0)
                abort();
        }
        prev = off;
    }
    if (got == 0 && off != size)
        abort();
    return 0;
}
