/*
 * A software WebAuthn client and authenticator for the conformance cases
 * (build/tools/webauthn-client): reads the options the login API answers
 * (/api/v1/auth/webauthn/options) and writes the body of the next step,
 * as a browser would after navigator.credentials.create or .get with a
 * packed self-attesting ES256 authenticator (tests/authenticator.h).
 *
 *   webauthn-client create KEY OPTIONS ORIGIN LOGIN AAGUID [FLAGS]
 *   webauthn-client get KEY OPTIONS ORIGIN LOGIN COUNT [FLAGS]
 *
 * KEY is the credential's P-256 key as a PEM file (create makes it, get
 * reads it); OPTIONS the answer of the options step (JSON); AAGUID 32 hex
 * digits; COUNT the signature counter to report; FLAGS the authenticator
 * data flags in hex (default 45: UP, UV, AT for create; 05: UP, UV for
 * get). The credential ID is the first 16 bytes of SHA-256 of the key's x.
 * Exits 1 with a message on a problem.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "authenticator.h"
#include "cbor_writer.h"
#include "core/b64url.h"

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "webauthn-client: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void digest(const void *p, size_t n, uint8_t out[32])
{
    if (EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) != 1)
        die("%s", "SHA-256 failed");
}

/* The base64url text of p[0 .. n) (a static buffer). */
static const char *b64(const uint8_t *p, size_t n)
{
    static char out[4][8192];
    static unsigned k;
    char *o = out[k++ % 4];
    size_t len = 0;
    if (dsg_b64url_encode(p, n, o, sizeof out[0] - 1, &len) != DSG_B64URL_OK)
        die("%s", "too long to encode");
    o[len] = '\0';
    return o;
}

/* The string member publicKey.path[0].path[1] of the options. */
static const char *option(json_t *opts, const char *a, const char *b)
{
    json_t *pk = json_object_get(opts, "publicKey");
    json_t *v = json_object_get(pk, a);
    if (b != NULL)
        v = json_object_get(v, b);
    if (!json_is_string(v))
        die("the options have no publicKey.%s", a);
    return json_string_value(v);
}

static void challenge_of(json_t *opts, uint8_t ch[32])
{
    const char *text = option(opts, "challenge", NULL);
    size_t len = 0, at = 0;
    if (dsg_b64url_decode(text, strlen(text), ch, 32, &len, &at) != DSG_B64URL_OK || len != 32)
        die("the challenge %s is not 32 bytes of base64url", text);
}

static size_t client_data(char *out, size_t cap, const char *type, const uint8_t ch[32],
                          const char *origin)
{
    int n = snprintf(out, cap, "{\"type\":\"%s\",\"challenge\":\"%s\",\"origin\":\"%s\","
                     "\"crossOrigin\":false}", type, b64(ch, 32), origin);
    if (n < 0 || (size_t)n >= cap)
        die("%s", "the origin is too long");
    return (size_t)n;
}

/* rpIdHash, flags, counter. */
static void ad_head(cw *w, const char *rp_id, unsigned flags, uint32_t count)
{
    uint8_t h[32];
    digest(rp_id, strlen(rp_id), h);
    put(w, h, sizeof h);
    put_byte(w, flags);
    for (int s = 24; s >= 0; s -= 8)
        put_byte(w, (count >> s) & 0xff);
}

static void cred_id(const struct authn *a, uint8_t id[16])
{
    uint8_t h[32];
    digest(a->x, 32, h);
    memcpy(id, h, 16);
}

static void aaguid_of(const char *hex, uint8_t out[16])
{
    if (strlen(hex) != 32)
        die("the AAGUID %s is not 32 hex digits", hex);
    for (int i = 0; i < 16; i++) {
        char two[3] = { hex[2 * i], hex[2 * i + 1], '\0' }, *end;
        out[i] = (uint8_t)strtoul(two, &end, 16);
        if (*end != '\0')
            die("the AAGUID %s is not 32 hex digits", hex);
    }
}

static void create(const struct authn *a, json_t *opts, const char *origin, const char *login,
                   const char *aaguid_hex, unsigned flags)
{
    static cw ad, att;
    uint8_t ch[32], aaguid[16], id[16], hash[32], sig[DSG_ES256_SIG_MAX];
    char cdj[512];
    challenge_of(opts, ch);
    aaguid_of(aaguid_hex, aaguid);
    cred_id(a, id);
    ad_head(&ad, option(opts, "rp", "id"), flags, 0);
    put(&ad, aaguid, 16);
    put_byte(&ad, 0);
    put_byte(&ad, sizeof id);
    put(&ad, id, sizeof id);
    head(&ad, 5, 5);   /* the COSE key, CTAP2 order */
    cint(&ad, 1);
    cint(&ad, 2);
    cint(&ad, 3);
    cint(&ad, -7);
    cint(&ad, -1);
    cint(&ad, 1);
    cint(&ad, -2);
    cbytes(&ad, a->x, 32);
    cint(&ad, -3);
    cbytes(&ad, a->y, 32);
    size_t cdj_len = client_data(cdj, sizeof cdj, "webauthn.create", ch, origin);
    digest(cdj, cdj_len, hash);
    size_t sig_len = sign(a, ad.b, ad.n, hash, sig);
    head(&att, 5, 3);
    ctext(&att, "fmt");
    ctext(&att, "packed");
    ctext(&att, "attStmt");
    head(&att, 5, 2);
    ctext(&att, "alg");
    cint(&att, -7);
    ctext(&att, "sig");
    cbytes(&att, sig, sig_len);
    ctext(&att, "authData");
    cbytes(&att, ad.b, ad.n);
    printf("{\"login\":\"%s\",\"attestationObject\":\"%s\",\"clientDataJSON\":\"%s\"}\n", login,
           b64(att.b, att.n), b64((const uint8_t *)cdj, cdj_len));
}

static void get(const struct authn *a, json_t *opts, const char *origin, const char *login,
                uint32_t count, unsigned flags)
{
    static cw ad;
    uint8_t ch[32], id[16], hash[32], sig[DSG_ES256_SIG_MAX];
    char cdj[512];
    challenge_of(opts, ch);
    cred_id(a, id);
    ad_head(&ad, option(opts, "rpId", NULL), flags, count);
    size_t cdj_len = client_data(cdj, sizeof cdj, "webauthn.get", ch, origin);
    digest(cdj, cdj_len, hash);
    size_t sig_len = sign(a, ad.b, ad.n, hash, sig);
    printf("{\"login\":\"%s\",\"credentialId\":\"%s\",\"authenticatorData\":\"%s\","
           "\"clientDataJSON\":\"%s\",\"signature\":\"%s\"}\n", login, b64(id, sizeof id),
           b64(ad.b, ad.n), b64((const uint8_t *)cdj, cdj_len), b64(sig, sig_len));
}

/* The key of path: made and written (create), or read (get). */
static void key_of(struct authn *a, const char *path, int make)
{
    FILE *f = fopen(path, make ? "wx" : "r");
    if (f == NULL)
        die("cannot open the key file: %s", strerror(errno));
    if (make) {
        make_authn(a);
        if (PEM_write_PrivateKey(f, a->key, NULL, NULL, 0, NULL, NULL) != 1)
            die("%s", "cannot write the key");
    } else {
        EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
        if (k == NULL)
            die("%s: not a PEM private key", path);
        authn_of_key(a, k);
    }
    fclose(f);
}

static char **args;
static int n_args;

/* The work, as a Check test: tests/authenticator.h reports through Check. */
START_TEST(client)
{
    struct authn a;
    json_error_t je;
    int make = strcmp(args[1], "create") == 0;
    unsigned flags = n_args == 8 ? (unsigned)strtoul(args[7], NULL, 16) : make ? 0x45u : 0x05u;
    json_t *opts = json_load_file(args[3], 0, &je);
    if (opts == NULL)
        die("the options are not JSON: %s", je.text);
    key_of(&a, args[2], make);
    if (make)
        create(&a, opts, args[4], args[5], args[6], flags);
    else
        get(&a, opts, args[4], args[5], (uint32_t)strtoul(args[6], NULL, 10), flags);
    json_decref(opts);
    EVP_PKEY_free(a.key);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc < 7 || argc > 8 || (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "get") != 0))
        die("%s", "usage: webauthn-client create KEY OPTIONS ORIGIN LOGIN AAGUID [FLAGS] | "
                  "get KEY OPTIONS ORIGIN LOGIN COUNT [FLAGS]");
    args = argv;
    n_args = argc;
    Suite *suite = suite_create("webauthn-client");
    TCase *tc = tcase_create("client");
    tcase_add_test(tc, client);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    if (failed != 0) {
        TestResult **r = srunner_failures(sr);
        fprintf(stderr, "webauthn-client: %s\n", tr_msg(r[0]));
        free(r);
    }
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
