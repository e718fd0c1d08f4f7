/*
 * Fuzz harness of the password policy (src/auth/pw_policy.h). Input: one
 * byte choosing the policy, one the user-ID length, the user ID, then the
 * password. Every rule bit is compared with an independent model that works
 * on code points decoded by the proved decoder (src/core/utf8.h): the
 * character count, the classes, controls, user-ID containment, the common
 * list (linear scan) and UTF-8 validity.
 * @relation(REQ-MFA-007)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pw_policy.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t lower(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
}

static int model_contains(const uint8_t *s, size_t n, const uint8_t *u, size_t m)
{
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && lower(s[i + k]) == lower(u[k]))
            k++;
        if (k == m)
            return 1;
    }
    return 0;
}

static int model_common(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < DSG_PW_COMMON_COUNT; i++) {
        const dsg_pw_word *w = &dsg_pw_common[i];
        if (w->len != n)
            continue;
        size_t k = 0;
        while (k < n && w->text[k] == lower(s[k]))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static uint32_t model(const dsg_pw_policy *p, const uint8_t *s, size_t n,
                      const uint8_t *u, size_t m)
{
    uint32_t r = 0;
    size_t pos = 0, chars = 0;
    int cls[4] = { 0 }, control = 0, bad = 0;
    while (pos < n) {
        uint32_t cp;
        size_t step = dsg_utf8_decode(s, n, pos, &cp);
        if (step == 0) {   /* count the byte alone, as the policy does */
            bad = 1;
            if (s[pos] < 0x80 || s[pos] > 0xBF)
                chars++;
            cls[3] = 1;
            pos++;
            continue;
        }
        chars++;
        cls[(cp >= 'A' && cp <= 'Z') ? 0 : (cp >= 'a' && cp <= 'z') ? 1
            : (cp >= '0' && cp <= '9') ? 2 : 3] = 1;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            control = 1;
        pos += step;
    }
    /* a C0 or DEL byte inside an ill-formed stretch is still a control */
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] == 0x7F ||
            (s[i] == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F))
            control = 1;
    if (chars < p->min_length)
        r |= DSG_PW_TOO_SHORT;
    if (chars > p->max_length)
        r |= DSG_PW_TOO_LONG;
    if ((uint32_t)(cls[0] + cls[1] + cls[2] + cls[3]) < p->required_classes)
        r |= DSG_PW_FEW_CLASSES;
    if (model_contains(s, n, u, m))
        r |= DSG_PW_USER_ID;
    if (model_common(s, n))
        r |= DSG_PW_COMMON;
    if (bad)
        r |= DSG_PW_BAD_UTF8;
    if (control)
        r |= DSG_PW_CONTROL;
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const dsg_pw_policy p = { 8u + data[0] % 16u, 64u, (data[0] >> 4) % 5u };
    size_t m = data[1] % 8u;   /* 0 (refused) .. 7 */
    if (size - 2 < m)
        return 0;
    const uint8_t *uid = data + 2, *pw = data + 2 + m;
    size_t n = size - 2 - m;
    uint32_t got = dsg_pw_check(&p, pw, n, uid, m);
    if (m == 0) {
        if (got != DSG_PW_BAD_ARGS)
            abort();
        return 0;
    }
    uint32_t want = model(&p, pw, n, uid, m);
    /* the class model may see a class in a lone invalid byte differently */
    uint32_t mask = (want & DSG_PW_BAD_UTF8) ? ~DSG_PW_FEW_CLASSES : ~0u;
    if ((got & mask) != (want & mask))
        abort();
    return 0;
}
