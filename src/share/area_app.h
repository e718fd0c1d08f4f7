/*
 * Area applications (spec/share.md REQ-SHARE-006): an area (サイトコンテンツ)
 * is created per project (事業) only by approving an application that names
 * the contract, the project, the prime contractor, each vendor and the
 * contract's end date. What one records and the checks every application
 * passes before it is stored. Pure: dsgctl runs the same checks before it
 * contacts dsgd and the share role runs them again on what arrives.
 *
 * As JSON, the form in which dsgctl hands it to the share role:
 *
 *   {"contract":"DSG-2026-0042","project":"...","prime":"...",
 *    "vendors":["...","..."],"contract_end":1806537599,
 *    "applicant":"...","reason":"..."}
 *
 * written with the proved writer (src/core/json_out) and read with the
 * proved tokenizer (src/core/json_tok): only these members, each at most
 * once, strings within their limits, contract_end an integer.
 */
#ifndef DSG_AREA_APP_H
#define DSG_AREA_APP_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"   /* dsg_acct_problem: a refusal's code, field and message */

#define DSG_AREA_TEXT_MAX 128u      /* bytes of a contract, project, organisation, applicant */
#define DSG_AREA_REASON_MAX 256u    /* bytes of a reason */
#define DSG_AREA_VENDORS_MAX 16u    /* vendors of one contract */
#define DSG_AREA_JSON_MAX 4096u     /* bytes of the longest application object */

typedef struct dsg_area_app {
    char contract[DSG_AREA_TEXT_MAX + 1];    /* the contract's number (契約) */
    char project[DSG_AREA_TEXT_MAX + 1];     /* the project (事業): the area's name */
    char prime[DSG_AREA_TEXT_MAX + 1];       /* the prime contractor (契約プライム) */
    char vendors[DSG_AREA_VENDORS_MAX][DSG_AREA_TEXT_MAX + 1];   /* 契約ベンダー */
    size_t vendor_count;
    int64_t contract_end;    /* seconds since 1970-01-01T00:00:00Z; 0: not given */
    char applicant[DSG_AREA_TEXT_MAX + 1];
    char reason[DSG_AREA_REASON_MAX + 1];
} dsg_area_app;

/* Checks everything an area application must hold: contract, project,
 * prime, contract_end, applicant and reason present (`missing_field`,
 * naming it); every text valid UTF-8 without control characters, not
 * empty, within its length (`bad_field`); vendors distinct and none equal
 * to the prime (`bad_field`, "vendors"); the contract's end after now
 * (`bad_field`, "contract_end"). 0, or -1 with the first problem in *p.
 * @relation(REQ-SHARE-006) */
int dsg_area_app_check(const dsg_area_app *a, int64_t now, dsg_acct_problem *p);

/* Writes a as JSON into out[0 .. cap): 0 and the length in *len, or -1
 * when it does not fit. @relation(REQ-SHARE-006) */
int dsg_area_app_to_json(const dsg_area_app *a, uint8_t *out, size_t cap, size_t *len);

/* Reads an application from the JSON object buf[0 .. len): 0, or -1 with
 * the problem (`bad_request` for JSON that is not such an object, naming
 * the member). The result still needs dsg_area_app_check.
 * @relation(REQ-SHARE-006) */
int dsg_area_app_from_json(const uint8_t *buf, size_t len, dsg_area_app *a,
                           dsg_acct_problem *p);

#endif
