/*
 * The upload scanning interface: the contract is in scan.h.
 *
 * The built-in check follows EICAR's definition of its anti-malware test
 * file (https://www.eicar.org/download-anti-malware-testfile/, "The first
 * 68 characters is the known string. It may be optionally appended by any
 * combination of whitespace characters with the total file length not
 * exceeding 128 characters. The only whitespace characters allowed are the
 * space character, tab, LF, CR, CTRL-Z."): a file is the test file when it
 * starts with the 68-byte string, every byte after it is one of those five
 * and it is at most 128 bytes long.
 *
 * The string is kept here in two halves, so that this file, its object
 * and the library are not themselves taken for the test file by a scanner
 * reading them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share/scan.h"

#define EICAR_HEAD "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
#define EICAR_TAIL "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#define EICAR_LEN 68u
#define EICAR_FILE_MAX 128u
#define EICAR_NAME "EICAR-Test-File"

struct dsg_scan {
    dsg_scan_engine engine;
    uint64_t size;            /* declared */
    uint64_t seen;            /* given so far */
    int failed;               /* a misuse: the verdict is "internal error" */
    int finished;
    uint8_t head[EICAR_FILE_MAX];   /* the first bytes, as many as fit */
};

int dsg_scan_engine_available(dsg_scan_engine engine)
{
    switch (engine) {
    case DSG_SCAN_ENGINE_BUILTIN:
        return 1;
    case DSG_SCAN_ENGINE_NONE:
    default:
        return 0;
    }
}

dsg_scan *dsg_scan_new(dsg_scan_engine engine, uint64_t size)
{
    dsg_scan *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->engine = engine;
    s->size = size;
    return s;
}

int dsg_scan_push(dsg_scan *s, const uint8_t *p, size_t n)
{
    if (s == NULL)
        return -1;
    if (s->finished || (p == NULL && n > 0) || (uint64_t)n > UINT64_MAX - s->seen) {
        s->failed = 1;
        return -1;
    }
    if (s->failed)
        return -1;
    if (n > 0 && s->seen < EICAR_FILE_MAX) {
        size_t room = EICAR_FILE_MAX - (size_t)s->seen;
        memcpy(s->head + s->seen, p, n < room ? n : room);
    }
    s->seen += n;
    return s->seen > s->size ? -1 : 0;
}

int dsg_scan_declare(dsg_scan *s, uint64_t size)
{
    if (s == NULL || s->finished || s->seen > size) {
        if (s != NULL)
            s->failed = 1;
        return -1;
    }
    s->size = size;
    return 0;
}

static int eicar_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x1a;
}

/* 1 when the whole object, head[0 .. len), is the EICAR test file. */
static int is_eicar(const uint8_t *head, uint64_t len)
{
    static const char first[] = EICAR_HEAD, second[] = EICAR_TAIL;
    const size_t k = sizeof first - 1;
    if (len < EICAR_LEN || len > EICAR_FILE_MAX)
        return 0;
    if (memcmp(head, first, k) != 0 || memcmp(head + k, second, EICAR_LEN - k) != 0)
        return 0;
    for (size_t i = EICAR_LEN; i < len; i++)
        if (!eicar_space(head[i]))
            return 0;
    return 1;
}

static dsg_scan_verdict set(dsg_scan_result *r, dsg_scan_verdict v, const char *text)
{
    r->verdict = v;
    snprintf(r->text, sizeof r->text, "%s", text);
    return v;
}

dsg_scan_verdict dsg_scan_finish(dsg_scan *s, dsg_scan_result *r)
{
    if (r == NULL) {
        if (s != NULL)
            s->finished = 1;
        return DSG_SCAN_NOT_SCANNED;
    }
    memset(r, 0, sizeof *r);
    r->engine = "none";
    if (s == NULL)
        return set(r, DSG_SCAN_NOT_SCANNED, "internal error");
    int again = s->finished;
    s->finished = 1;
    r->seen = s->seen;
    r->size = s->size;
    if (s->failed || again)
        return set(r, DSG_SCAN_NOT_SCANNED, "internal error");
    if (!dsg_scan_engine_available(s->engine))
        return set(r, DSG_SCAN_NOT_SCANNED, "no engine");
    r->engine = "builtin-eicar";
    if (s->seen != s->size) {
        r->verdict = DSG_SCAN_NOT_SCANNED;
        snprintf(r->text, sizeof r->text, "size mismatch: %" PRIu64 " of %" PRIu64 " bytes",
                 s->seen, s->size);
        return r->verdict;
    }
    if (is_eicar(s->head, s->seen))
        return set(r, DSG_SCAN_INFECTED, EICAR_NAME);
    return set(r, DSG_SCAN_CLEAN, "");
}

void dsg_scan_free(dsg_scan *s)
{
    free(s);
}

const char *dsg_scan_verdict_token(dsg_scan_verdict v)
{
    switch (v) {
    case DSG_SCAN_CLEAN:
        return "clean";
    case DSG_SCAN_INFECTED:
        return "infected";
    case DSG_SCAN_NOT_SCANNED:
    default:
        return "not-scanned";
    }
}
