/*
 * The clientDataJSON check of WebAuthn ceremonies (WebAuthn §5.8.1; the
 * clientDataJSON steps of §7.1 for enrolment, REQ-MFA-003, and of §7.2 for
 * login, REQ-MFA-004), read through the proved JSON tokenizer
 * (REQ-MFA-019).
 *
 *   dsg_client_data_view v;   (caller-owned working memory, ~4 KiB)
 *   int rc = dsg_client_data_check(json, json_len, DSG_CD_GET,
 *                                  challenge, 32, origin, origin_len, &v);
 *   if (rc != DSG_CD_OK) ... refuse: dsg_client_data_error_token(rc)
 *
 * The rules, checked in this order (the first broken one is answered):
 *  1. the bytes are one JSON text (src/core/json_tok.h: strict UTF-8,
 *     at most DSG_CD_MAX_TOKENS values, DSG_CD_MAX_DEPTH deep): ERR_JSON,
 *     the tokenizer's code in v.json_error and its offset in v.err_at;
 *  2. no object holds two members whose names decode to the same string:
 *     ERR_DUPLICATE_KEY (a name holding U+0000: ERR_JSON);
 *  3. the top value is an object: ERR_NOT_OBJECT;
 *  4. "type" is present (ERR_TYPE_MISSING), a string, and decodes to
 *     "webauthn.create" or "webauthn.get" as expected (ERR_TYPE);
 *  5. "challenge" is present (ERR_CHALLENGE_MISSING), a string whose
 *     decoded value is canonical unpadded base64url (src/core/b64url.h:
 *     no '=' padding, no '+' '/', zero trailing bits; ERR_CHALLENGE_ENCODING),
 *     denoting exactly the expected bytes (ERR_CHALLENGE; also for a text
 *     longer than DSG_CD_CHALLENGE_TEXT_MAX, which no expected challenge
 *     has). The bytes are compared in constant time: every byte, no exit
 *     on the first difference;
 *  6. "origin" is present (ERR_ORIGIN_MISSING), a string, and its decoded
 *     value is byte for byte the expected origin (ERR_ORIGIN): no
 *     normalisation, so a trailing slash, another scheme or another port
 *     is refused, while a JSON escape ("https:\/\/...") is decoded first;
 *  7. "crossOrigin" is absent or false (ERR_CROSS_ORIGIN): the portal is
 *     never embedded in another site's frame;
 *  8. "topOrigin" is absent (ERR_TOP_ORIGIN; WebAuthn Level 3: present
 *     only for a cross-origin iframe).
 * Every other member is ignored, as §5.8.1 asks of relying parties (the
 * dictionary may grow). That includes "tokenBinding", even with status
 * "present": the portal does not use Token Binding (no current browser
 * implements it, and Level 3 dropped the check), so there is no binding
 * whose ID could be compared.
 *
 * The expectations are checked first: ERR_ARGS for a type other than
 * DSG_CD_CREATE/DSG_CD_GET, a challenge of 0 or more than
 * DSG_CD_CHALLENGE_MAX bytes, an origin of 0 or more than
 * DSG_CD_ORIGIN_MAX bytes.
 *
 * What is proved (acsl/PROOFS.md, client_data): no runtime error for any
 * input; on OK the decoded "type" in v is the expected type's string, the
 * decoded "challenge" text in v is canonical base64url denoting exactly
 * the expected bytes, and the decoded "origin" in v equals the expected
 * origin. That the decoded values are the JSON strings of those members
 * rests on the tokenizer's decoding, which its tests and fuzzer check
 * (its contract bounds lengths, not contents).
 *
 * Pure function over caller-owned memory: no allocation, no I/O.
 */
#ifndef DSG_AUTH_CLIENT_DATA_H
#define DSG_AUTH_CLIENT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/b64url.h"
#include "core/json_tok.h"

#define DSG_CD_MAX_TOKENS 64u          /* JSON values in one clientDataJSON */
#define DSG_CD_MAX_DEPTH 8u            /* nesting (tokenBinding is at depth 2) */
#define DSG_CD_CHALLENGE_MAX 64u       /* bytes of an expected challenge (dsg issues 32) */
#define DSG_CD_CHALLENGE_TEXT_MAX 88u  /* base64url characters: 86 encode 64 bytes */
#define DSG_CD_ORIGIN_MAX 256u         /* bytes of an origin */
#define DSG_CD_TYPE_MAX 16u            /* "webauthn.create" is 15 */
#define DSG_CD_NAME_MAX 16u            /* the longest name looked at, "crossOrigin", is 11 */

/* The ceremony the clientDataJSON must be for. */
typedef enum dsg_client_data_type {
    DSG_CD_CREATE = 1,   /* "webauthn.create": enrolment */
    DSG_CD_GET = 2       /* "webauthn.get": login */
} dsg_client_data_type;

/* Results: DSG_CD_OK or one refusal; dsg_client_data_error_token names each. */
#define DSG_CD_OK                       0   /* "ok" */
#define DSG_CD_ERR_ARGS                 1   /* "bad-args": unusable expectations */
#define DSG_CD_ERR_JSON                 2   /* "bad-json": see json_error */
#define DSG_CD_ERR_DUPLICATE_KEY        3   /* "duplicate-key" */
#define DSG_CD_ERR_NOT_OBJECT           4   /* "not-object" */
#define DSG_CD_ERR_TYPE_MISSING         5   /* "type-missing" */
#define DSG_CD_ERR_TYPE                 6   /* "wrong-type" */
#define DSG_CD_ERR_CHALLENGE_MISSING    7   /* "challenge-missing" */
#define DSG_CD_ERR_CHALLENGE_ENCODING   8   /* "challenge-encoding" */
#define DSG_CD_ERR_CHALLENGE            9   /* "wrong-challenge" */
#define DSG_CD_ERR_ORIGIN_MISSING       10  /* "origin-missing" */
#define DSG_CD_ERR_ORIGIN               11  /* "wrong-origin" */
#define DSG_CD_ERR_CROSS_ORIGIN         12  /* "cross-origin" */
#define DSG_CD_ERR_TOP_ORIGIN           13  /* "top-origin" */

/* The working memory of one check, and what it found. */
typedef struct dsg_client_data_view {
    dsg_json_tok toks[DSG_CD_MAX_TOKENS];
    size_t ntoks;
    int json_error;                 /* ERR_JSON, ERR_DUPLICATE_KEY: the json_tok code */
    size_t err_at;                  /* ... and its offset in the text */
    uint8_t name[DSG_CD_NAME_MAX];  /* a member name being looked at */
    size_t name_len;
    uint8_t type[DSG_CD_TYPE_MAX];  /* the decoded "type" */
    size_t type_len;
    uint8_t challenge_raw[DSG_CD_CHALLENGE_TEXT_MAX];  /* the decoded "challenge" string */
    size_t challenge_raw_len;
    char challenge_text[DSG_CD_CHALLENGE_TEXT_MAX];    /* the same, as base64url text */
    size_t challenge_text_len;
    uint8_t challenge[DSG_CD_CHALLENGE_MAX];           /* the bytes it denotes */
    size_t challenge_len;
    size_t b64_err_at;
    uint8_t origin[DSG_CD_ORIGIN_MAX];                 /* the decoded "origin" */
    size_t origin_len;
} dsg_client_data_view;

#include "acsl/client_data.acsl.h"

/* Checks the clientDataJSON json[0 .. len) against the expected ceremony
 * type, challenge[0 .. challenge_len) and origin[0 .. origin_len), with
 * *view as working memory: DSG_CD_OK or the first refusal (rules above).
 * @relation(REQ-MFA-019, REQ-MFA-004, REQ-MFA-003) */
/*@ requires \valid_read(json + (0 .. len - 1));
    requires \valid_read(challenge + (0 .. challenge_len - 1));
    requires \valid_read(origin + (0 .. origin_len - 1));
    requires \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    requires \separated(view, challenge + (0 .. challenge_len - 1));
    requires \separated(view, origin + (0 .. origin_len - 1));
    assigns *view;
    behavior bad_args:
      assumes !dsg_cd_args_ok(type, challenge_len, origin_len);
      ensures \result == DSG_CD_ERR_ARGS;
    behavior checked:
      assumes dsg_cd_args_ok(type, challenge_len, origin_len);
      ensures dsg_cd_status_ok(\result) && \result != DSG_CD_ERR_ARGS;
      ensures \result == DSG_CD_OK ==>
                dsg_cd_type_text(&view->type[0], view->type_len, type);
      ensures \result == DSG_CD_OK ==>
                view->challenge_len == challenge_len &&
                dsg_cd_same(&view->challenge[0], challenge, challenge_len);
      ensures \result == DSG_CD_OK ==>
                dsg_b64url_ok(&view->challenge_text[0], view->challenge_text_len) &&
                dsg_b64url_decodes(&view->challenge_text[0], challenge, challenge_len);
      ensures \result == DSG_CD_OK ==>
                view->origin_len == origin_len &&
                dsg_cd_same(&view->origin[0], origin, origin_len);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_client_data_check(const uint8_t *json, size_t len, dsg_client_data_type type,
                          const uint8_t *challenge, size_t challenge_len,
                          const uint8_t *origin, size_t origin_len,
                          dsg_client_data_view *view);

/* A stable, lowercase token for a result, e.g. "wrong-origin"; "ok" for
 * DSG_CD_OK, "unknown" outside the list. @relation(REQ-MFA-019) */
/*@ assigns \result \from code;
    ensures \valid_read(\result);
*/
const char *dsg_client_data_error_token(int code);

#endif
