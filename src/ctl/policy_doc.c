/* The configuration hash and HTML escaping of the policy document: see
 * policy_doc.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ctl/policy_doc.h"

static int by_key(const void *a, const void *b)
{
    return strcmp(((const dsg_policy_kv *)a)->key, ((const dsg_policy_kv *)b)->key);
}

static int update(EVP_MD_CTX *ctx, const char *s)
{
    return EVP_DigestUpdate(ctx, s, strlen(s)) == 1;
}

int dsg_policy_config_hash(dsg_policy_kv *kv, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    if (n > 0)
        qsort(kv, n, sizeof kv[0], by_key);
    for (size_t i = 0; ok && i < n; i++)
        ok = update(ctx, kv[i].key) && update(ctx, "=") && update(ctx, kv[i].value) &&
             update(ctx, "\n");
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    hex[0] = '\0';
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return ok ? 0 : -1;
}

static const char *reference(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

size_t dsg_policy_html_escape(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return (size_t)-1;
    for (; *s != '\0'; s++) {
        const char *r = reference(*s);
        size_t len = r != NULL ? strlen(r) : 1;
        if (len >= cap - n) {
            out[0] = '\0';
            return (size_t)-1;
        }
        memcpy(out + n, r != NULL ? r : s, len);
        n += len;
    }
    out[n] = '\0';
    return n;
}
