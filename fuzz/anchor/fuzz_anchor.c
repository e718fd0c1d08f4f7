/*
 * Fuzz harness of the anchor-file line parser (src/log/anchor.h): a line
 * the parser accepts has valid fields, and formatting them gives back
 * exactly the line (one checkpoint, one spelling); the signed part is the
 * line up to the signature.
 * @relation(REQ-LOG-004, REQ-LOG-005)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/anchor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dsg_anchor a;
    char line[DSG_ANCHOR_LINE_MAX + 2];
    if (dsg_anchor_parse((const char *)data, size, &a) != DSG_ANCHOR_OK)
        return 0;
    if (!dsg_anchor_source_ok(a.source, strlen(a.source)) || a.seq == 0 ||
        !dsg_anchor_time_ok(a.time, strlen(a.time)))
        abort();
    size_t n = dsg_anchor_format(&a, line, sizeof line);
    if (n != size + 1 || memcmp(line, data, size) != 0 || line[size] != '\n')
        abort();
    if (dsg_anchor_signed_part(&a, line, sizeof line) != a.signed_len ||
        memcmp(line, data, a.signed_len) != 0)
        abort();
    return 0;
}
