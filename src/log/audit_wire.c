/* Audit records on their way to logd: see audit_wire.h. */
#include <string.h>

#include "log/audit_wire.h"

int dsg_audit_wire_put(uint8_t *buf, size_t cap, size_t *used, uint32_t type,
                       const dsg_audit_field *f, size_t n)
{
    static uint8_t enc[DSG_AENC_SIZE_MAX];
    static dsg_aenc_record r;
    size_t len = 0;

    if (n > DSG_AENC_FIELDS_MAX || *used > cap)
        return -1;
    memset(&r, 0, sizeof r);
    r.type = type;
    r.nitems = 2;   /* source and time: empty, logd's to fill */
    for (size_t i = 0; i < n; i++) {
        if (strlen(f[i].name) > DSG_AENC_ITEM_MAX || f[i].len > DSG_AENC_ITEM_MAX)
            return -1;
        r.item[r.nitems].p = (const uint8_t *)f[i].name;
        r.item[r.nitems++].len = (uint32_t)strlen(f[i].name);
        r.item[r.nitems].p = f[i].value;
        r.item[r.nitems++].len = (uint32_t)f[i].len;
    }
    if (dsg_aenc_encode(&r, enc, sizeof enc, &len) != 0 || len > UINT32_MAX ||
        cap - *used < 4 || cap - *used - 4 < len)
        return -1;
    for (int k = 0; k < 4; k++)
        buf[*used + (size_t)k] = (uint8_t)(len >> (8 * k));
    memcpy(buf + *used + 4, enc, len);
    *used += 4 + len;
    return 0;
}

int dsg_audit_wire_next(const uint8_t *buf, size_t len, size_t *off, dsg_aenc_record *r)
{
    size_t at = *off;
    uint32_t n;
    if (at == len)
        return 0;
    if (at > len || len - at < 4)
        return -1;
    n = (uint32_t)buf[at] | (uint32_t)buf[at + 1] << 8 | (uint32_t)buf[at + 2] << 16 |
        (uint32_t)buf[at + 3] << 24;
    if (n > len - at - 4 || dsg_aenc_decode(buf + at + 4, n, r) != 0)
        return -1;
    /* as dsg_audit_wire_put writes them: logd's items left empty */
    if (r->seq != 0 || r->item[0].len != 0 || r->item[1].len != 0)
        return -1;
    *off = at + 4 + n;
    return 1;
}
