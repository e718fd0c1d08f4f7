/*
 * libFuzzer harness for the download's Content-Disposition value
 * (src/core/dispo.h). @relation(REQ-SHARE-013)
 *
 * The input is a file name, any bytes. The value is compared byte for
 * byte with one built here independently: the fallback from a UTF-8
 * decoder written after Unicode's table 3-7 of well-formed byte sequences
 * (not the library's), filename* from RFC 8187's attr-char list with
 * sprintf's %02X. The contract is checked at run time too (printable
 * ASCII, NUL at *outlen, nothing written at or past out[cap]), and the
 * value is given buffers of every size around the one it needs: -1,
 * *outlen untouched and an empty string exactly when it does not fit.
 * Any disagreement calls abort().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dispo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NAME 1024
#define MAX_OUT (42 + 4 * MAX_NAME + 1)
#define GUARD 16

/* Length of the well-formed UTF-8 sequence at s[0 .. n) (Unicode 15, table
 * 3-7), 0 when there is none. */
static size_t wf_len(const uint8_t *s, size_t n)
{
    uint8_t b = s[0];
    size_t k;
    uint8_t lo = 0x80, hi = 0xBF;   /* the range of the second byte */
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        k = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        k = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4)
        k = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return k;
}

static size_t expected(const uint8_t *name, size_t len, char *out)
{
    size_t n = (size_t)sprintf(out, "attachment; filename=\"");
    for (size_t i = 0; i < len;) {
        uint8_t b = name[i];
        if (b < 0x80) {
            out[n++] = (b >= 0x20 && b < 0x7f && !strchr("\"\\%", b)) ? (char)b : '_';
            i++;
        } else {
            size_t k = wf_len(name + i, len - i);
            out[n++] = '_';
            i += k >= 2 ? k : 1;
        }
    }
    n += (size_t)sprintf(out + n, "\"; filename*=UTF-8''");
    for (size_t i = 0; i < len; i++) {
        uint8_t b = name[i];
        if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
            (b != 0 && strchr("!#$&+-.^_`|~", b)))
            out[n++] = (char)b;
        else
            n += (size_t)sprintf(out + n, "%%%02X", b);
    }
    out[n] = '\0';
    return n;
}

/* Runs the function with a buffer of cap bytes; aborts on any breach of
 * the contract; the result. */
static int run(const uint8_t *name, size_t len, size_t cap, char *buf, size_t *outlen)
{
    memset(buf, 0x5A, cap + GUARD);
    size_t got = 0xDEAD;
    int rc = dsg_dispo_attachment(name, len, buf, cap, &got);
    for (size_t i = cap; i < cap + GUARD; i++)
        if (buf[i] != 0x5A)
            abort();
    if (rc == -1) {
        if (got != 0xDEAD || (cap > 0 && buf[0] != '\0'))
            abort();
        return rc;
    }
    if (rc != 0 || got >= cap || buf[got] != '\0')
        abort();
    for (size_t i = 0; i < got; i++)
        if (buf[i] < 0x20 || buf[i] > 0x7e)
            abort();
    *outlen = got;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char want[MAX_OUT], buf[MAX_OUT + GUARD];
    if (size > MAX_NAME)
        size = MAX_NAME;
    size_t need = expected(data, size, want), got = 0;
    if (run(data, size, MAX_OUT, buf, &got) != 0 || got != need || memcmp(buf, want, need + 1) != 0)
        abort();
    /* the buffers around the size it needs, and a few far below */
    size_t caps[] = { need + 1, need, need - 1, 0, 1, 22, 42, need / 2 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        size_t cap = caps[k];
        int rc = run(data, size, cap, buf, &got);
        if ((rc == 0) != (cap > need) || (rc == 0 && memcmp(buf, want, need + 1) != 0))
            abort();
    }
    return 0;
}
