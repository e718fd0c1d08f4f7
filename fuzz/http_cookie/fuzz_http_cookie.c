/*
 * libFuzzer harness for the Cookie header parser (src/core/http_cookie.h).
 *
 * Input: one setup byte (the capacity of the pair array, 0-16), then the
 * Cookie field value.
 *
 * The parser's status, error offset, pair count and every slice must equal
 * those of a reference parser written out here from RFC 6265 §4.2.1 and the
 * rules in http_cookie.h as a byte-at-a-time state machine (the parser reads
 * runs of bytes with a function per part); abort() on any disagreement.
 * Every result is also checked against the contract: slices inside the
 * input, names non-empty tokens followed by "=", values cookie-octets, the
 * count within the capacity, the offset within the input. The lookup is
 * compared, for every name in the input and one that is in none, with a
 * count of the pairs whose name memcmp() finds equal, and must refuse a
 * pair array with a slice outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/http_cookie.h"

/* @relation(REQ-RUN-051) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define CAP_MAX 16u

/* ---- reference parser ------------------------------------------------------- */

static int is_tchar(int c)
{
    return c > 0x20 && c < 0x7F && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

static int is_octet(int c)
{
    return c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\';
}

/* What a byte that breaks the grammar is: white space, control, or else. */
static int why(int c, int otherwise)
{
    if (c == ' ' || c == '\t')
        return DSG_COOKIE_ERR_SPACE;
    if (c < 0x20 || c == 0x7F)
        return DSG_COOKIE_ERR_CONTROL;
    return otherwise;
}

enum { S_NAME_START, S_NAME, S_VALUE_START, S_VALUE, S_QVALUE, S_AFTER_QUOTE, S_SEMI };

struct ref {
    int status;
    size_t at, count;
    dsg_cookie pairs[CAP_MAX];
};

static void ref_parse(const uint8_t *s, size_t len, size_t cap, struct ref *r)
{
    memset(r, 0, sizeof *r);
    if (len == 0) {
        r->status = DSG_COOKIE_ERR_EMPTY;
        return;
    }
    int state = S_NAME_START;
    size_t n = 0;
    dsg_cookie cur = { 0, 0, 0, 0 };
    for (size_t i = 0; i <= len; i++) {
        int end = i == len;
        int c = end ? -1 : s[i];
        int err = 0;
        switch (state) {
        case S_NAME_START:
            if (n == cap)
                err = DSG_COOKIE_ERR_TOO_MANY;
            else if (end || c == '=' || c == ';')
                err = DSG_COOKIE_ERR_EMPTY_NAME;
            else if (is_tchar(c)) {
                cur.name_off = i;
                state = S_NAME;
            } else
                err = why(c, DSG_COOKIE_ERR_BAD_NAME);
            break;
        case S_NAME:
            if (end || c == ';')
                err = DSG_COOKIE_ERR_NO_EQUALS;
            else if (c == '=') {
                cur.name_len = i - cur.name_off;
                state = S_VALUE_START;
            } else if (!is_tchar(c))
                err = why(c, DSG_COOKIE_ERR_BAD_NAME);
            break;
        case S_VALUE_START:
            cur.value_off = i;
            if (!end && c == '"') {
                cur.value_off = i + 1;
                state = S_QVALUE;
                break;
            }
            state = S_VALUE;
            /* fall through */
        case S_VALUE:
            if (end || c == ';') {
                cur.value_len = i - cur.value_off;
                r->pairs[n++] = cur;
                state = S_SEMI;
            } else if (!is_octet(c))
                err = why(c, DSG_COOKIE_ERR_BAD_VALUE);
            break;
        case S_QVALUE:
            if (end || c == ';')
                err = DSG_COOKIE_ERR_BAD_QUOTE;
            else if (c == '"') {
                cur.value_len = i - cur.value_off;
                r->pairs[n++] = cur;
                state = S_AFTER_QUOTE;
            } else if (!is_octet(c))
                err = why(c, DSG_COOKIE_ERR_BAD_VALUE);
            break;
        case S_AFTER_QUOTE:
            if (!end && c != ';')
                err = why(c, DSG_COOKIE_ERR_BAD_QUOTE);
            else
                state = S_SEMI;
            break;
        default:   /* S_SEMI: just after ";" (or at the end) */
            if (i > 0 && s[i - 1] == ';') {
                if (end || c != ' ')
                    err = DSG_COOKIE_ERR_SEPARATOR;
                else
                    state = S_NAME_START;
            }
            break;
        }
        if (err != 0) {
            r->status = err;
            r->at = i;
            r->count = 0;
            return;
        }
    }
    r->status = DSG_COOKIE_OK;
    r->at = len;
    r->count = n;
}

/* ---- the harness ------------------------------------------------------------ */

/* The number of pairs named name[0 .. n), and the first one's index. */
static size_t ref_matches(const uint8_t *s, const dsg_cookie *p, size_t count,
                          const uint8_t *name, size_t n, size_t *first)
{
    size_t m = 0;
    for (size_t k = count; k-- > 0;) {
        if (p[k].name_len == n && memcmp(s + p[k].name_off, name, n) == 0) {
            m++;
            *first = k;
        }
    }
    return m;
}

static void check_find(const uint8_t *s, size_t len, const dsg_cookie *p, size_t count,
                       const uint8_t *name, size_t n)
{
    size_t first = 0, index = 12345;
    size_t m = ref_matches(s, p, count, name, n, &first);
    dsg_cookie_status st = dsg_cookie_find(s, len, p, count, name, n, &index);
    if (m == 0)
        CHECK(st == DSG_COOKIE_NOT_FOUND && index == 12345);
    else if (m == 1)
        CHECK(st == DSG_COOKIE_OK && index == first);
    else
        CHECK(st == DSG_COOKIE_DUPLICATE && index == 12345);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ref want;
    static dsg_cookie got[CAP_MAX + 1];
    if (size < 1)
        return 0;
    size_t cap = data[0] % (CAP_MAX + 1u);
    const uint8_t *s = data + 1;
    size_t len = size - 1;

    /* a guard pair past the capacity must stay untouched */
    memset(got, 0x5A, sizeof got);
    size_t count = 777, at = 777;
    dsg_cookie_status st = dsg_cookie_parse(s, len, got, cap, &count, &at);
    const uint8_t *guard = (const uint8_t *)&got[cap];
    for (size_t k = 0; k < sizeof got - cap * sizeof got[0]; k++)
        CHECK(guard[k] == 0x5A);

    /* the contract */
    CHECK(st >= DSG_COOKIE_OK && st <= DSG_COOKIE_ERR_TOO_MANY);
    CHECK(at <= len);
    if (st == DSG_COOKIE_OK) {
        CHECK(count >= 1 && count <= cap);
        for (size_t k = 0; k < count; k++) {
            const dsg_cookie *p = &got[k];
            CHECK(p->name_len >= 1 && p->name_off + p->name_len < len);
            CHECK(s[p->name_off + p->name_len] == '=');
            CHECK(p->value_off > p->name_off + p->name_len);
            CHECK(p->value_off + p->value_len <= len);
            for (size_t j = 0; j < p->name_len; j++)
                CHECK(is_tchar(s[p->name_off + j]));
            for (size_t j = 0; j < p->value_len; j++)
                CHECK(is_octet(s[p->value_off + j]));
        }
    } else {
        CHECK(count == 0);
    }

    /* the reference */
    ref_parse(s, len, cap, &want);
    CHECK((int)st == want.status);
    CHECK(at == want.at);
    CHECK(count == want.count);
    for (size_t k = 0; k < count; k++)
        CHECK(memcmp(&got[k], &want.pairs[k], sizeof got[k]) == 0);
    CHECK(strcmp(dsg_cookie_status_token(st), "unknown") != 0);

    /* the lookup */
    if (st == DSG_COOKIE_OK) {
        for (size_t k = 0; k < count; k++)
            check_find(s, len, got, count, s + got[k].name_off, got[k].name_len);
        check_find(s, len, got, count, (const uint8_t *)"\001", 1);
        size_t index = 12345;
        got[count] = got[count - 1];
        got[count].name_off = len - got[count].name_len + 1 + (data[0] >> 5);
        CHECK(dsg_cookie_find(s, len, got, count + 1, s + got[0].name_off, got[0].name_len,
                              &index) == DSG_COOKIE_ERR_BAD_PAIR);
        CHECK(index == 12345);
    }
    return 0;
}
