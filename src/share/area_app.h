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

/* One text an area records: 1 to max bytes of valid UTF-8 without a C0
 * control, DEL or C1 control; else `bad_field` naming field. 0, or -1.
 * @relation(REQ-SHARE-006) */
int dsg_area_text_check(const char *s, size_t max, const char *field, dsg_acct_problem *p);

/* The folders an approval creates under an area's root folder
 * (share.area_template, REQ-SHARE-006), in order: each entry a fixed
 * folder name, or one folder per organisation of the contract (the
 * prime's, then each vendor's, in the application's order). */
#define DSG_AREA_TEMPLATE_MAX 16u          /* entries */
#define DSG_AREA_TEMPLATE_ORG "{org}"      /* the entry that stands for the organisations */
#define DSG_AREA_TEMPLATE_DEFAULT "共通, {org}"

typedef struct dsg_area_template {
    size_t n;
    struct {
        int per_org;                             /* 1: one folder per organisation */
        char name[DSG_AREA_TEXT_MAX + 1];        /* the fixed name; "" for per_org */
    } entry[DSG_AREA_TEMPLATE_MAX];
} dsg_area_template;

/* Reads share.area_template: entries separated by commas, blanks around
 * them ignored; each DSG_AREA_TEMPLATE_ORG (at most once) or a folder
 * name (a text of dsg_area_text_check without '/', not "." or "..", each
 * at most once); 1 to DSG_AREA_TEMPLATE_MAX entries. 0, or -1 with the
 * problem in err. @relation(REQ-SHARE-006) */
int dsg_area_template_parse(const char *text, dsg_area_template *t, char *err, size_t n);

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
