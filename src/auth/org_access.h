/*
 * Whether an account may be used from a client address (REQ-ACCT-016):
 * the decision over the facts the login service gathers (is the account's
 * organisation registered, with the kind of the account's organisation
 * kind, does its network list hold the address; is the account a
 * Ministry account and the address in auth.ministry_networks). Deny by
 * default: allowed only inside the registered networks of the account's
 * own organisation, registered with the matching kind, or, for a Ministry
 * account, inside auth.ministry_networks. A list that could not be read
 * (in_org -1, dsg_netlist_contains' "malformed") never allows.
 *
 * Pure functions: no allocation, no I/O, no globals other than a constant
 * table; proved (acsl/manifest.tsv, module org_access).
 */
#ifndef DSG_AUTH_ORG_ACCESS_H
#define DSG_AUTH_ORG_ACCESS_H

/* What the decision knows of one request. */
typedef struct dsg_org_facts {
    int registered;         /* the account's organisation is registered */
    int kind_matches;       /* with the class of the account's organisation kind */
    int in_org;             /* dsg_netlist_contains over its networks: 1, 0, or -1 */
    int ministry_account;   /* the account is of type ministry */
    int in_ministry;        /* the address is in auth.ministry_networks: 1 or 0 */
} dsg_org_facts;

typedef enum dsg_org_access {
    DSG_ORG_ALLOWED = 0,            /* inside the organisation's registered networks */
    DSG_ORG_ALLOWED_MINISTRY = 1,   /* a Ministry account inside auth.ministry_networks */
    DSG_ORG_UNREGISTERED = 2,       /* refused: the organisation is not registered */
    DSG_ORG_KIND_MISMATCH = 3,      /* refused: registered as the other kind */
    DSG_ORG_OUTSIDE = 4             /* refused: outside its networks (or not an address) */
} dsg_org_access;

/*@ predicate dsg_org_in_own(dsg_org_facts f) =
      f.registered != 0 && f.kind_matches != 0 && f.in_org == 1;
    predicate dsg_org_in_ministry(dsg_org_facts f) =
      f.ministry_account != 0 && f.in_ministry == 1;
*/

/* The decision, deny by default: ALLOWED only for registered, kind_matches
 * and in_org == 1; else ALLOWED_MINISTRY only for ministry_account and
 * in_ministry == 1; else the first reason to refuse (not registered, the
 * other kind, outside). @relation(REQ-ACCT-016, REQ-ACCT-024) */
/*@ requires \valid_read(f);
    assigns \nothing;
    behavior own_networks:
      assumes dsg_org_in_own(*f);
      ensures \result == DSG_ORG_ALLOWED;
    behavior ministry_networks:
      assumes !dsg_org_in_own(*f) && dsg_org_in_ministry(*f);
      ensures \result == DSG_ORG_ALLOWED_MINISTRY;
    behavior refused:
      assumes !dsg_org_in_own(*f) && !dsg_org_in_ministry(*f);
      ensures \result == DSG_ORG_UNREGISTERED || \result == DSG_ORG_KIND_MISMATCH ||
              \result == DSG_ORG_OUTSIDE;
      ensures f->registered == 0 <==> \result == DSG_ORG_UNREGISTERED;
      ensures \result == DSG_ORG_KIND_MISMATCH <==>
              (f->registered != 0 && f->kind_matches == 0);
    complete behaviors;
    disjoint behaviors;
*/
dsg_org_access dsg_org_access_decide(const dsg_org_facts *f);

/* 1 for the two ALLOWED results, else 0. @relation(REQ-ACCT-016, REQ-ACCT-024) */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (a == DSG_ORG_ALLOWED || a == DSG_ORG_ALLOWED_MINISTRY);
*/
int dsg_org_access_allowed(dsg_org_access a);

/* A phrase for the log: "inside the registered networks of its
 * organisation", "the organisation is not registered", ...; "refused"
 * for a value out of range. @relation(REQ-ACCT-016, REQ-ACCT-024) */
/*@ assigns \result \from a;
    ensures \valid_read(\result);
*/
const char *dsg_org_access_text(dsg_org_access a);

#endif
