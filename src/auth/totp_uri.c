/*
 * TOTP provisioning URI (otpauth://), see totp_uri.h.
 */
#include "auth/totp_uri.h"

#include <string.h>

#include "auth/totp_hmac.h"
#include "core/b32.h"

/* An append-only writer that fails once and stays failed. */
typedef struct uri_buf {
    char *out;
    size_t cap;
    size_t len;
    int failed;
} uri_buf;

static void put(uri_buf *b, const char *s, size_t n)
{
    if (b->failed || b->cap - b->len <= n) {   /* keep room for the NUL */
        b->failed = 1;
        return;
    }
    memcpy(b->out + b->len, s, n);
    b->len += n;
}

static void put_str(uri_buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* RFC 3986 §2.3 unreserved characters go as they are, all else as %XX. */
static void put_pct(uri_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        int c = *p;
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            char ch = (char)c;
            put(b, &ch, 1);
        } else {
            char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
            put(b, esc, 3);
        }
    }
}

dsg_totp_status dsg_totp_uri(const char *issuer, const char *account, dsg_totp_alg alg,
                             unsigned digits, const uint8_t *secret, size_t secret_len,
                             char *out, size_t cap, size_t *out_len)
{
    if (cap > 0)
        out[0] = '\0';
    if (issuer == NULL || account == NULL || issuer[0] == '\0' || account[0] == '\0')
        return DSG_TOTP_ERR_LABEL;
    const char *alg_name = alg == DSG_TOTP_SHA1 ? "SHA1" : alg == DSG_TOTP_SHA256 ? "SHA256" : NULL;
    if (alg_name == NULL)
        return DSG_TOTP_ERR_ALG;
    if (digits < DSG_TOTP_DIGITS_MIN || digits > DSG_TOTP_DIGITS_MAX)
        return DSG_TOTP_ERR_DIGITS;
    if (secret_len < DSG_TOTP_SECRET_MIN || secret_len > DSG_TOTP_SECRET_MAX)
        return DSG_TOTP_ERR_SECRET;
    char b32[(DSG_TOTP_SECRET_MAX * 8 + 4) / 5];
    size_t b32_len = 0;
    if (dsg_b32_encode(secret, secret_len, b32, sizeof b32, &b32_len) != 0)
        return DSG_TOTP_ERR_SECRET;   /* cannot happen: b32 fits the largest secret */
    char digit = (char)('0' + digits);
    uri_buf b = { out, cap, 0, cap == 0 };
    put_str(&b, "otpauth://totp/");
    put_pct(&b, issuer);
    put_str(&b, ":");
    put_pct(&b, account);
    put_str(&b, "?secret=");
    put(&b, b32, b32_len);
    put_str(&b, "&issuer=");
    put_pct(&b, issuer);
    put_str(&b, "&algorithm=");
    put_str(&b, alg_name);
    put_str(&b, "&digits=");
    put(&b, &digit, 1);
    put_str(&b, "&period=30");
    memset(b32, 0, sizeof b32);   /* the secret's spelling does not outlive the call */
    if (b.failed) {
        if (cap > 0)
            memset(out, 0, cap);
        return DSG_TOTP_ERR_ROOM;
    }
    out[b.len] = '\0';
    *out_len = b.len;
    return DSG_TOTP_OK;
}
