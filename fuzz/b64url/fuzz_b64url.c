/*
 * Fuzz harness of base64url (src/core/b64url.h).
 * @relation(REQ-MFA-019)
 *
 * The input is taken twice:
 * 1. as text to decode: the contract at run time (error offsets, nothing
 *    written on refusal, the C twin), the round trip encode(decode(t)) == t
 *    for every accepted text, and a differential against OpenSSL's
 *    EVP_DecodeBlock on the text translated to the standard alphabet
 *    ('-' -> '+', '_' -> '/') and padded with '=' to a multiple of 4. The
 *    rule, for a text of URL-alphabet characters only:
 *      ours accepts  <=>  len % 4 != 1  and  EVP_DecodeBlock accepts  and
 *                         the bytes EVP decodes past dsg_b64url_dec_len(len)
 *                         (the padding's and the stray bits') are all zero,
 *    and then our bytes are EVP's first dec_len(len). EVP_DecodeBlock's
 *    quirks are kept out of the comparison: it counts the padded bytes in
 *    its result, skips leading and trailing white space, and does not look
 *    at the unused bits; texts with any byte outside the URL alphabet are
 *    refused by ours (checked: the offset names the first such byte) and
 *    not given to it.
 * 2. as bytes to encode: compared with EVP_EncodeBlock translated to the
 *    URL alphabet without its padding, and decoded back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/b64url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IN 4096

static int url_alpha(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

static void check_decode(const char *text, size_t len)
{
    static uint8_t out[MAX_IN], evp[MAX_IN + 4];
    static char std[MAX_IN + 4], back[MAX_IN + 4];
    size_t out_len = 99, err_at = 99, cap = len;   /* 3/4 of len is always enough */
    memset(out, 0xA5, cap);
    dsg_b64url_status st = dsg_b64url_decode(text, len, out, cap, &out_len, &err_at);
    if (dsg_b64url_is_valid(text, len) != (st == DSG_B64URL_OK))
        abort();
    size_t first_bad = 0;
    while (first_bad < len && url_alpha((unsigned char)text[first_bad]))
        first_bad++;
    if (st != DSG_B64URL_OK) {
        if (out_len != 0 || err_at > len)
            abort();
        for (size_t i = 0; i < cap; i++)
            if (out[i] != 0xA5)
                abort();   /* nothing written on refusal */
    }
    if (first_bad < len) {   /* a byte outside the alphabet: refused there */
        if (st != DSG_B64URL_ERR_BYTE || err_at != first_bad)
            abort();
        return;
    }
    size_t dec_len = 3 * (len / 4) + (len % 4 == 0 ? 0 : len % 4 - 1);
    if (len % 4 == 1) {
        if (st != DSG_B64URL_ERR_LENGTH || err_at != len)
            abort();
        return;
    }
    /* the differential */
    size_t padded = (len + 3) / 4 * 4;
    for (size_t i = 0; i < padded; i++)
        std[i] = i >= len ? '=' : text[i] == '-' ? '+' : text[i] == '_' ? '/' : text[i];
    int n = EVP_DecodeBlock(evp, (const unsigned char *)std, (int)padded);
    if (n < 0 || (size_t)n != padded / 4 * 3)
        abort();   /* every padded URL-alphabet text is standard base64 */
    int stray = 0;
    for (size_t i = dec_len; i < (size_t)n; i++)
        stray |= evp[i];
    if ((st == DSG_B64URL_OK) != (stray == 0))
        abort();
    if (st != DSG_B64URL_OK) {
        if (st != DSG_B64URL_ERR_TRAILING_BITS || err_at != len - 1)
            abort();
        return;
    }
    if (out_len != dec_len || memcmp(out, evp, dec_len) != 0)
        abort();
    /* the round trip: an accepted text is the encoding of its bytes */
    size_t back_len = 0;
    if (dsg_b64url_encode(out, out_len, back, sizeof back, &back_len) != DSG_B64URL_OK ||
        back_len != len || memcmp(back, text, len) != 0)
        abort();
}

static void check_encode(const uint8_t *in, size_t n)
{
    static char enc[MAX_IN * 2], evp[MAX_IN * 2];
    static uint8_t dec[MAX_IN];
    size_t enc_len = 0, dec_len = 0, err_at = 0;
    size_t want = dsg_b64url_encoded_len(n);
    memset(enc, 'x', want + 1);
    if (want > 0 &&
        dsg_b64url_encode(in, n, enc, want - 1, &enc_len) != DSG_B64URL_ERR_ROOM)
        abort();
    if (dsg_b64url_encode(in, n, enc, want, &enc_len) != DSG_B64URL_OK || enc_len != want ||
        enc[want] != 'x')
        abort();
    int m = EVP_EncodeBlock((unsigned char *)evp, in, (int)n);
    size_t k = (size_t)m;
    while (k > 0 && evp[k - 1] == '=')
        k--;
    if (k != enc_len)
        abort();
    for (size_t i = 0; i < k; i++) {
        char c = evp[i] == '+' ? '-' : evp[i] == '/' ? '_' : evp[i];
        if (enc[i] != c)
            abort();
    }
    if (dsg_b64url_decode(enc, enc_len, dec, sizeof dec, &dec_len, &err_at) != DSG_B64URL_OK ||
        dec_len != n || memcmp(dec, in, n) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_IN)
        size = MAX_IN;
    check_decode((const char *)data, size);
    check_encode(data, size);
    return 0;
}
