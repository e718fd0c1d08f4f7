/* The portal's configured TLS policy: see tls_policy.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "run/tls_policy.h"

/* Why suite c may not be offered over TLS 1.2, or NULL when it may. TLS
 * 1.3 suites (key exchange "any") come from the TLS 1.3 list, not this one.
 * AES-GCM is the one AEAD of the algorithm register (docs/keys.md). */
static const char *suite_problem(const SSL_CIPHER *c)
{
    int kx = SSL_CIPHER_get_kx_nid(c);
    int cipher = SSL_CIPHER_get_cipher_nid(c);
    if (kx == NID_kx_any)
        return NULL;
    if (!SSL_CIPHER_is_aead(c))
        return "is not an AEAD suite (AES-GCM)";
    if (kx != NID_kx_ecdhe)
        return "has no ECDHE key exchange";
    if (cipher != NID_aes_128_gcm && cipher != NID_aes_256_gcm)
        return "uses a cipher outside the algorithm register (AES-GCM only)";
    return NULL;
}

static int check_ctx(SSL_CTX *ctx, const char *list, char *why, size_t n)
{
    STACK_OF(SSL_CIPHER) *suites;
    if (SSL_CTX_set_cipher_list(ctx, list) != 1) {
        ERR_clear_error();
        snprintf(why, n, "'%s' selects no cipher suite OpenSSL knows", list);
        return -1;
    }
    suites = SSL_CTX_get_ciphers(ctx);
    for (int i = 0; suites != NULL && i < sk_SSL_CIPHER_num(suites); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(suites, i);
        const char *problem = suite_problem(c);
        if (problem != NULL) {
            snprintf(why, n, "suite %s %s", SSL_CIPHER_get_name(c), problem);
            return -1;
        }
    }
    return 0;
}

int dsgd_tls12_ciphers_check(const char *list, char *why, size_t n)
{
    SSL_CTX *ctx;
    int rc;
    /* no configuration file: the check sees what the portal's context sees */
    if (OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1 ||
        (ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
        ERR_clear_error();
        snprintf(why, n, "OpenSSL cannot make a TLS context to check the list");
        return -1;
    }
    rc = check_ctx(ctx, list, why, n);
    SSL_CTX_free(ctx);
    return rc;
}

int dsgd_tls_policy_check(const dsg_config *c, char *err, size_t n)
{
    const char *min = c->v[DSG_CFG_PORTAL_TLS_MIN_VERSION].text;
    char where[DSG_CONFIG_NAME_MAX + 16], why[512];
    if (strcmp(min, "TLSv1.2") != 0 && strcmp(min, "TLSv1.3") != 0) {
        dsg_config_origin(c, DSG_CFG_PORTAL_TLS_MIN_VERSION, where, sizeof where);
        snprintf(err, n, "%s: portal.tls_min_version: '%s': want TLSv1.2 or TLSv1.3", where, min);
        return -1;
    }
    if (dsgd_tls12_ciphers_check(c->v[DSG_CFG_PORTAL_TLS12_CIPHERS].text, why, sizeof why) != 0) {
        dsg_config_origin(c, DSG_CFG_PORTAL_TLS12_CIPHERS, where, sizeof where);
        snprintf(err, n, "%s: portal.tls12_ciphers: %s", where, why);
        return -1;
    }
    return 0;
}
