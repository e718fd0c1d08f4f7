/* The access log's URL with secrets redacted: see url_redact.h. */
#include "log/url_redact.h"

#include <string.h>

#include "core/http_form.h"

/* Output written so far, cut at its capacity. */
typedef struct sink {
    uint8_t *out;
    size_t cap, len;
} sink;

static void put(sink *s, const uint8_t *p, size_t n)
{
    size_t room = s->cap - s->len;
    if (n > room)
        n = room;
    memcpy(s->out + s->len, p, n);
    s->len += n;
}

static void put_str(sink *s, const char *p)
{
    put(s, (const uint8_t *)p, strlen(p));
}

static int contains_fold(const uint8_t *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++) {
        size_t k = 0;
        while (k < w && (s[i + k] | 0x20) == word[k])
            k++;
        if (k == w)
            return 1;
    }
    return 0;
}

/* Whether the encoded name s[0 .. n) may name a secret. */
static int secret_name(const uint8_t *s, size_t n)
{
    static const char *const words[] = { "pass", "pw",     "code", "otp",  "token",
                                         "session", "sid", "secret", "key", "auth",
                                         "cred", "csrf",   "upload" };
    uint8_t name[256];
    size_t name_len;
    if (dsg_form_decode(s, n, name, sizeof name, &name_len) != DSG_FORM_OK)
        return 1;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_fold(name, name_len, words[i]))
            return 1;
    return 0;
}

static void put_query(sink *s, const uint8_t *q, size_t n)
{
    dsg_form_field f[DSG_URL_REDACT_FIELDS];
    size_t count, err_at;
    if (dsg_form_parse(q, n, f, DSG_URL_REDACT_FIELDS, &count, &err_at) != DSG_FORM_OK) {
        put_str(s, "*");
        return;
    }
    for (size_t i = 0; i < count; i++) {
        const uint8_t *name = q + f[i].name_off;
        int secret = secret_name(name, f[i].name_len);
        if (i > 0)
            put_str(s, "&");
        put(s, name, f[i].name_len);
        if (secret)
            put_str(s, "=*");
        else if (f[i].value_off > f[i].name_off + f[i].name_len) {   /* it had an "=" */
            put_str(s, "=");
            put(s, q + f[i].value_off, f[i].value_len);
        }
    }
}

size_t dsg_url_redact(const uint8_t *url, size_t len, uint8_t *out, size_t cap)
{
    sink s = { out, cap, 0 };
    const uint8_t *mark = len > 0 ? memchr(url, '?', len) : NULL;
    size_t path_len = mark != NULL ? (size_t)(mark - url) : len;
    put(&s, url, path_len);
    if (mark != NULL) {
        put_str(&s, "?");
        put_query(&s, mark + 1, len - path_len - 1);
    }
    return s.len;
}
