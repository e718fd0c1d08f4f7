/*
 * Organisations and the networks their accounts reach DSG from
 * (REQ-ACCT-016): the words, the checks of what an administrator enters
 * (`dsgctl org add|networks`), the request's JSON on the control line,
 * and the decision whether a client address may be used by an account.
 *
 * An organisation is registered by its name, the same text as the
 * accounts' `org`, with a kind (company: a prime or a vendor; ministry)
 * and a list of networks in the syntax of src/core/netlist.h. The
 * decision is the proved dsg_org_access_decide (src/auth/org_access.h),
 * deny by default.
 *
 * Pure functions over caller-owned memory (the JSON by the proved
 * src/core/json_out and json_tok); the records live in auth.db
 * (src/auth/org_store.h).
 */
#ifndef DSG_AUTH_ORG_POLICY_H
#define DSG_AUTH_ORG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"
#include "auth/org_access.h"
#include "core/netlist.h"

#define DSG_ORG_NETWORKS_MAX 1024u   /* bytes of a registered network list */
#define DSG_ORG_JSON_MAX 2048u       /* bytes of a request on the control line */

/* The kind of a registered organisation. */
typedef enum dsg_org_class {
    DSG_ORG_CLASS_COMPANY = 0,       /* "company": its accounts' org_kind is prime or vendor */
    DSG_ORG_CLASS_MINISTRY = 1,      /* "ministry": org_kind ministry */
    DSG_ORG_CLASS_COUNT
} dsg_org_class;

/* "company", "ministry"; NULL out of range. @relation(REQ-ACCT-016) */
const char *dsg_org_class_name(dsg_org_class c);

/* The class named, or -1. @relation(REQ-ACCT-016) */
int dsg_org_class_parse(const char *name);

/* The class an account's organisation kind belongs to. @relation(REQ-ACCT-016) */
dsg_org_class dsg_org_class_of(dsg_org_kind k);

/* An organisation's name: 1 to DSG_ACCT_TEXT_MAX bytes of valid UTF-8
 * without control characters, as an account's org (REQ-ACCT-001). 0, or
 * -1 with the problem (field "org"). @relation(REQ-ACCT-016) */
int dsg_org_name_check(const char *org, dsg_acct_problem *p);

/* A network list (src/core/netlist.h) of at most DSG_ORG_NETWORKS_MAX
 * bytes into out[0 .. *count) (cap at least 1). 0, or -1 with the problem
 * (field "networks", naming the first bad entry's offset and error).
 * @relation(REQ-ACCT-016) */
int dsg_org_networks_check(const char *text, dsg_ip_net *out, size_t cap, size_t *count,
                           dsg_acct_problem *p);

/* What `dsgctl org` sends: members left "" (kind -1) are absent. */
typedef struct dsg_org_req {
    char org[DSG_ACCT_TEXT_MAX + 1];
    int kind;                                   /* dsg_org_class, or -1 */
    char networks[DSG_ORG_NETWORKS_MAX + 1];
} dsg_org_req;

/* The request as a JSON object {"org", "kind", "networks"} (the absent
 * ones left out) into out. 0 with *len, or -1 when it does not fit.
 * @relation(REQ-ACCT-016) */
int dsg_org_req_to_json(const dsg_org_req *r, uint8_t *out, size_t cap, size_t *len);

/* The JSON object of a request, only those three members, each a string
 * and at most once. 0, or -1 with the problem (bad_request). Nothing else
 * is checked here. @relation(REQ-ACCT-016) */
int dsg_org_req_from_json(const uint8_t *buf, size_t len, dsg_org_req *r, dsg_acct_problem *p);

#endif
