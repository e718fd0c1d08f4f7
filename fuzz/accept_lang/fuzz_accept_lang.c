/*
 * libFuzzer harness for the Accept-Language parser and chooser
 * (src/core/accept_lang.h). @relation(REQ-SHARE-023)
 *
 * The first input byte picks the supported list and its default, the rest
 * is the header value. A reference written here, independently of the
 * library (one pass per element with a state machine over the grammar of
 * RFC 9110 §12.5.4 and RFC 4647 §2.1, and a choice by brute force over
 * every range and tag), must agree with dsg_al_parse on the verdict, the
 * ranges and the number skipped, and with dsg_al_choose and dsg_al_select
 * on the verdict and the choice. The contract is checked at run time too:
 * every range inside the value, q <= 1000, the choice an index of the list,
 * DEFAULT only with the default. Any disagreement calls abort().
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/accept_lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const dsg_al_lang lists[][3] = {
    { { "ja", 2 }, { "en", 2 }, { "", 0 } },
    { { "en-GB", 5 }, { "en", 2 }, { "ja-JP", 5 } },
    { { "zh-Hant-TW", 10 }, { "x", 1 }, { "*", 1 } },
};
static const size_t list_n[] = { 2, 3, 3 };

/* The reference element reader: 1 and the range and q when s[0 .. n) is a
 * well-formed element, 0 when malformed, -1 when empty. */
static int ref_elem(const uint8_t *s, size_t n, size_t *off, size_t *len, unsigned *q)
{
    size_t a = 0, b = n;
    while (a < b && (s[a] == ' ' || s[a] == '\t'))
        a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
        b--;
    if (a == b)
        return -1;
    size_t i = a;
    if (s[i] == '*') {
        i++;
    } else {
        size_t run = 0;
        int first = 1;
        for (; i < b; i++) {
            if (s[i] == '-') {
                if (run == 0)
                    return 0;
                run = 0, first = 0;
            } else if (isalpha(s[i]) || (!first && isdigit(s[i]))) {
                if (++run > 8)
                    return 0;
            } else {
                break;
            }
        }
        if (run == 0)
            return 0;
    }
    *off = a, *len = i - a, *q = 1000;
    while (i < b && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == b)
        return *len + a == b ? 1 : 0;
    if (s[i++] != ';')
        return 0;
    while (i < b && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (b - i < 3 || tolower(s[i]) != 'q' || s[i + 1] != '=')
        return 0;
    i += 2;
    char digits[8] = "";
    size_t nd = b - i;
    if (nd > 5 || (s[i] != '0' && s[i] != '1') || (nd > 1 && s[i + 1] != '.'))
        return 0;
    memcpy(digits, s + i, nd);
    unsigned v = 0;
    for (size_t k = 2; k < 5; k++) {
        unsigned d = 0;
        if (k < nd) {
            if (!isdigit((unsigned char)digits[k]))
                return 0;
            d = (unsigned)(digits[k] - '0');
        }
        v = v * 10 + d;
    }
    if (digits[0] == '1' && v != 0)
        return 0;
    *q = digits[0] == '1' ? 1000 : v;
    return 1;
}

static int ci_eq(const char *a, const char *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (tolower((unsigned char)a[k]) != tolower((unsigned char)b[k]))
            return 0;
    return 1;
}

/* Range h[off .. off + len) against tag t: 2 when it covers t (basic
 * filtering), 1 when t is a prefix of it at a '-', 0 otherwise. */
static int ref_match(const char *h, size_t off, size_t len, const dsg_al_lang *t)
{
    if (len <= t->len)
        return ci_eq(h + off, t->tag, len) && (len == t->len || t->tag[len] == '-') ? 2 : 0;
    return ci_eq(h + off, t->tag, t->len) && h[off + t->len] == '-';
}

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t pick = data[0] % 3, n = list_n[pick], dflt = (data[0] / 3) % n;
    const dsg_al_lang *langs = lists[pick];
    const char *h = (const char *)(data + 1);
    size_t len = size - 1;

    /* the reference parse */
    dsg_al_range want[DSG_AL_ELEMS_MAX];
    size_t wn = 0, wbad = 0, elems = 0;
    dsg_al_status wst = DSG_AL_OK;
    if (len > DSG_AL_LEN_MAX)
        wst = DSG_AL_ERR_TOO_LONG;
    for (size_t i = 0; wst == DSG_AL_OK && i <= len;) {
        const char *comma = len > i ? memchr(h + i, ',', len - i) : NULL;
        size_t e = comma ? (size_t)(comma - h) : len, off = 0, rl = 0;
        unsigned q = 0;
        int kind = ref_elem(data + 1 + i, e - i, &off, &rl, &q);
        if (kind >= 0 && ++elems > DSG_AL_ELEMS_MAX)
            wst = DSG_AL_ERR_TOO_MANY;
        else if (kind == 1)
            want[wn++] = (dsg_al_range){ (uint32_t)(i + off), (uint32_t)rl, (uint16_t)q };
        else if (kind == 0)
            wbad++;
        i = e + 1;
    }

    dsg_al_range got[DSG_AL_ELEMS_MAX];
    size_t gn = 99, gbad = 99;
    dsg_al_status st = dsg_al_parse(h, len, got, DSG_AL_ELEMS_MAX, &gn, &gbad);
    check(st == wst);
    size_t choice = 77;
    dsg_al_status sel = dsg_al_select(h, len, langs, n, dflt, &choice);
    check(choice < n);
    if (st != DSG_AL_OK) {
        check(gn == 0 && gbad == 0 && sel == st && choice == dflt);
        return 0;
    }
    check(gn == wn && gbad == wbad);
    for (size_t k = 0; k < gn; k++)
        check(got[k].off == want[k].off && got[k].len == want[k].len &&
              got[k].q == want[k].q && got[k].off + got[k].len <= len && got[k].q <= 1000);

    /* the reference choice: refused tags, then the best offer */
    int refused[3] = { 0, 0, 0 };
    for (size_t j = 0; j < gn; j++)
        for (size_t t = 0; t < n; t++)
            if (want[j].q == 0 && !(want[j].len == 1 && h[want[j].off] == '*') &&
                ref_match(h, want[j].off, want[j].len, &langs[t]) == 2)
                refused[t] = 1;
    size_t best_k = dflt, best_j = 0;
    int found = 0;
    for (size_t j = 0; j < gn; j++) {
        if (want[j].q == 0 || (found && want[j].q <= want[best_j].q))
            continue;
        for (size_t t = 0; t < n; t++) {
            int star = want[j].len == 1 && h[want[j].off] == '*';
            if (refused[t] || (star ? t != dflt : !ref_match(h, want[j].off, want[j].len, &langs[t])))
                continue;
            found = 1, best_j = j, best_k = t;
            break;
        }
    }
    size_t c2 = 88, which = 88;
    dsg_al_status ch = dsg_al_choose(h, len, got, gn, langs, n, dflt, &c2, &which);
    check(ch == (found ? DSG_AL_MATCHED : DSG_AL_DEFAULT) && c2 == best_k);
    check(!found || which == best_j);
    check(sel == ch && choice == c2);
    return 0;
}
