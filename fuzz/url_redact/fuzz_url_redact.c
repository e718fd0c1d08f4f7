/*
 * libFuzzer harness for the access log's URL redaction
 * (src/log/url_redact.h). @relation(REQ-SHARE-018)
 *
 * The input is a request target, any bytes. Checked, with abort() on any
 * failure: the output is written into a heap buffer of exactly cap bytes
 * (ASan sees any byte past it) for every cap up to the whole output; each
 * cut output is a prefix of the whole; a target without "?" comes out
 * unchanged; the path before the first "?" is always kept; and the whole
 * output never holds a byte that is not in the input or in "?&=*".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/url_redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_URL 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_URL)
        return 0;
    size_t whole_cap = 2 * size + 8;
    uint8_t *whole = malloc(whole_cap);
    if (whole == NULL)
        return 0;
    size_t n = dsg_url_redact(data, size, whole, whole_cap);
    if (n > 2 * size + 2)   /* a field "pw" grows by "=*" at most */
        abort();
    const uint8_t *mark = size > 0 ? memchr(data, '?', size) : NULL;
    size_t path = mark != NULL ? (size_t)(mark - data) : size;
    if (n < path || memcmp(whole, data, path) != 0)
        abort();
    if (mark == NULL && n != size)
        abort();
    for (size_t i = 0; i < n; i++)
        if (memchr(data, whole[i], size) == NULL && memchr("?&=*", whole[i], 4) == NULL)
            abort();
    for (size_t cap = 0; cap <= n; cap += 1 + cap / 8) {
        uint8_t *cut = malloc(cap ? cap : 1);
        if (cut == NULL)
            break;
        size_t k = dsg_url_redact(data, size, cut, cap);
        if (k != cap || memcmp(cut, whole, k) != 0)
            abort();
        free(cut);
    }
    free(whole);
    return 0;
}
