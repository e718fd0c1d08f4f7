/*
 * libFuzzer harness for the clientDataJSON check (src/auth/client_data.h),
 * differential against a judge built on jansson (a test dependency only).
 * @relation(REQ-MFA-019)
 *
 * Input: the first byte picks the expected type (even: webauthn.get, odd:
 * webauthn.create); the rest is the clientDataJSON. The expected
 * challenge is the 4 bytes 00 01 02 03 ("AAECAw"), the expected origin
 * "https://dsg.example.jp".
 *
 * Checked, with abort() on any difference:
 *  - the result is one of the documented codes;
 *  - on OK, the contract at run time: the decoded type, challenge bytes
 *    and origin in the view are the expected ones;
 *  - the verdict equals the judge's: json_loadb with JSON_DECODE_ANY |
 *    JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, then the rules of
 *    client_data.h applied to jansson's value in the same order. The
 *    check refuses more than jansson only at its own limits (tokens,
 *    depth: "bad-json" with json_error too-many-tokens or depth), and at
 *    a NUL byte right after a number or a word, which jansson 2.14 skips
 *    (see fuzz/json_tok); those inputs are not compared.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/client_data.h"
#include "core/b64url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t CHAL[4] = { 0, 1, 2, 3 };
static const char ORIGIN[] = "https://dsg.example.jp";

static int string_is(json_t *v, const char *s, size_t n)
{
    return json_string_length(v) == n && memcmp(json_string_value(v), s, n) == 0;
}

/* Rule 5 on the challenge string. */
static int judge_challenge(json_t *v)
{
    if (!json_is_string(v))
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > DSG_CD_CHALLENGE_TEXT_MAX)
        return DSG_CD_ERR_CHALLENGE;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return DSG_CD_ERR_CHALLENGE_ENCODING;
    if (!dsg_b64url_is_valid(s, n))
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    uint8_t out[DSG_CD_CHALLENGE_TEXT_MAX];
    size_t out_len = 0, at = 0;
    if (dsg_b64url_decode(s, n, out, sizeof out, &out_len, &at) != DSG_B64URL_OK)
        abort();   /* valid and room enough */
    if (out_len > DSG_CD_CHALLENGE_MAX || out_len != sizeof CHAL ||
        memcmp(out, CHAL, sizeof CHAL) != 0)
        return DSG_CD_ERR_CHALLENGE;
    return DSG_CD_OK;
}

/* The verdict the rules give for jansson's value. */
static int judge(json_t *root, dsg_client_data_type type)
{
    if (!json_is_object(root))
        return DSG_CD_ERR_NOT_OBJECT;
    json_t *v = json_object_get(root, "type");
    if (v == NULL)
        return DSG_CD_ERR_TYPE_MISSING;
    const char *want = type == DSG_CD_GET ? "webauthn.get" : "webauthn.create";
    if (!json_is_string(v) || !string_is(v, want, strlen(want)))
        return DSG_CD_ERR_TYPE;
    v = json_object_get(root, "challenge");
    if (v == NULL)
        return DSG_CD_ERR_CHALLENGE_MISSING;
    int rc = judge_challenge(v);
    if (rc != DSG_CD_OK)
        return rc;
    v = json_object_get(root, "origin");
    if (v == NULL)
        return DSG_CD_ERR_ORIGIN_MISSING;
    if (!json_is_string(v) || !string_is(v, ORIGIN, strlen(ORIGIN)))
        return DSG_CD_ERR_ORIGIN;
    v = json_object_get(root, "crossOrigin");
    if (v != NULL && !json_is_false(v))
        return DSG_CD_ERR_CROSS_ORIGIN;
    if (json_object_get(root, "topOrigin") != NULL)
        return DSG_CD_ERR_TOP_ORIGIN;
    return DSG_CD_OK;
}

static void check_ok_view(const dsg_client_data_view *v, dsg_client_data_type type)
{
    const char *want = type == DSG_CD_GET ? "webauthn.get" : "webauthn.create";
    if (v->type_len != strlen(want) || memcmp(v->type, want, v->type_len) != 0)
        abort();
    if (v->challenge_len != sizeof CHAL || memcmp(v->challenge, CHAL, sizeof CHAL) != 0)
        abort();
    if (!dsg_b64url_is_valid(v->challenge_text, v->challenge_text_len))
        abort();
    if (v->origin_len != strlen(ORIGIN) || memcmp(v->origin, ORIGIN, v->origin_len) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    dsg_client_data_type type = data[0] % 2 ? DSG_CD_CREATE : DSG_CD_GET;
    const uint8_t *json = data + 1;
    size_t len = size - 1;
    static dsg_client_data_view view;
    int rc = dsg_client_data_check(json, len, type, CHAL, sizeof CHAL, (const uint8_t *)ORIGIN,
                                   strlen(ORIGIN), &view);
    if (rc < DSG_CD_OK || rc > DSG_CD_ERR_TOP_ORIGIN || rc == DSG_CD_ERR_ARGS)
        abort();
    if (strcmp(dsg_client_data_error_token(rc), "unknown") == 0)
        abort();
    if (rc == DSG_CD_OK)
        check_ok_view(&view, type);
    if ((rc == DSG_CD_ERR_JSON || rc == DSG_CD_ERR_DUPLICATE_KEY) && view.err_at > len)
        abort();
    if (rc == DSG_CD_ERR_JSON &&
        (view.json_error == DSG_JSON_E_TOO_MANY_TOKENS || view.json_error == DSG_JSON_E_DEPTH))
        return 0;   /* our limits, below jansson's */
    if (rc == DSG_CD_ERR_JSON && view.err_at < len && json[view.err_at] == 0)
        return 0;   /* jansson skips a NUL after a number or a word */
    json_error_t err;
    json_t *root = json_loadb((const char *)json, len,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        if (rc != DSG_CD_ERR_JSON && rc != DSG_CD_ERR_DUPLICATE_KEY)
            abort();
        return 0;
    }
    if (rc == DSG_CD_ERR_JSON || rc == DSG_CD_ERR_DUPLICATE_KEY)
        abort();
    if (judge(root, type) != rc)
        abort();
    json_decref(root);
    return 0;
}
