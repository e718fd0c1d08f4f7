/*
 * An application as one JSON object, the form in which dsgctl hands it to
 * the auth role through the control socket:
 *
 *   {"kind":"register","user_id":"tanaka","applicant":"...","reason":"...",
 *    "name":"...","org":"...","contract":"...","org_kind":"prime",
 *    "type":"company","expiry":1806537599,"contract_end":1806537599}
 *
 * Written with the proved writer (src/core/json_out) and read with the
 * proved tokenizer (src/core/json_tok): only these members, each at most
 * once, strings within their limits, times as integers (seconds since the
 * epoch). Not pure only in that it uses those modules' buffers.
 */
#ifndef DSG_ACCT_JSON_H
#define DSG_ACCT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"

#define DSG_ACCT_JSON_MAX 3072u   /* bytes of the longest application object */

/* Writes a as JSON into out[0 .. cap): 0 and the length in *len, or -1
 * when it does not fit or a enum value is out of range.
 * @relation(REQ-ACCT-001, REQ-ACCT-020) */
int dsg_acct_app_to_json(const dsg_acct_app *a, uint8_t *out, size_t cap, size_t *len);

/* Reads an application from the JSON object buf[0 .. len): 0, or -1 with
 * the problem (`bad_request` for JSON that is not such an object, naming
 * the member). The result still needs dsg_acct_app_check.
 * @relation(REQ-ACCT-001) */
int dsg_acct_app_from_json(const uint8_t *buf, size_t len, dsg_acct_app *a,
                           dsg_acct_problem *p);

/* A decision's reason as {"reason":"..."}: 0 and the length in *len, or
 * -1 when it does not fit. @relation(REQ-ACCT-002, REQ-ACCT-020) */
int dsg_acct_reason_to_json(const char *reason, uint8_t *out, size_t cap, size_t *len);

/* Reads {"reason":"..."} into reason[0 .. DSG_ACCT_REASON_MAX]: 0, or -1
 * with the problem. @relation(REQ-ACCT-002) */
int dsg_acct_reason_from_json(const uint8_t *buf, size_t len,
                              char reason[DSG_ACCT_REASON_MAX + 1], dsg_acct_problem *p);

#endif
