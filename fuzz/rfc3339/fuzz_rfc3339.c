/*
 * Fuzz harness of the RFC 3339 formatter (src/core/rfc3339.h): the first
 * 16 bytes are sec and nsec (little-endian), the next one the buffer size.
 * Checks the contract at run time and compares with glibc's gmtime_r.
 * @relation(REQ-LOG-002)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return (int64_t)v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t in[17] = { 0 };
    memcpy(in, data, size < sizeof in ? size : sizeof in);
    int64_t sec = le64(in), nsec = le64(in + 8);
    /* small inputs land in range often enough: fold the rest into it */
    if (size <= 8 || (in[16] & 0x80)) {
        uint64_t span = (uint64_t)(DSG_RFC3339_SEC_MAX - DSG_RFC3339_SEC_MIN + 1);
        sec = DSG_RFC3339_SEC_MIN + (int64_t)((uint64_t)sec % span);
        nsec = (int64_t)((uint64_t)nsec % 1000000000u);
    }
    size_t cap = 20 + (in[16] & 0x0f);   /* 20..35: either side of 25 */
    char buf[36];
    memset(buf, 'x', sizeof buf);
    size_t n = dsg_rfc3339_ms(buf, cap, sec, nsec);
    int ok = cap >= 25 && nsec >= 0 && nsec <= 999999999 && sec >= DSG_RFC3339_SEC_MIN &&
             sec <= DSG_RFC3339_SEC_MAX;
    if (!ok) {
        if (n != 0)
            abort();
        for (size_t i = 0; i < sizeof buf; i++)
            if (buf[i] != 'x')
                abort();   /* nothing written on refusal */
        return 0;
    }
    if (n != 24 || buf[24] != '\0')
        abort();
    for (size_t i = 25; i < sizeof buf; i++)
        if (buf[i] != 'x')
            abort();   /* nothing written past the NUL */
    time_t t = (time_t)sec;
    struct tm tm;
    char want[64];
    if (!gmtime_r(&t, &tm))
        abort();
    snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(nsec / 1000000));
    if (strcmp(buf, want) != 0)
        abort();
    return 0;
}
