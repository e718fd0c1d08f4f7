/*
 * Applications (申請書) for account changes (spec/acct.md REQ-ACCT-001):
 * what one records, and the checks every application passes before it is
 * stored. Pure: dsgctl runs the same checks before it contacts dsgd
 * (REQ-ACCT-020) and the auth role runs them again on what arrives.
 */
#ifndef DSG_ACCT_APP_H
#define DSG_ACCT_APP_H

#include <stddef.h>
#include <stdint.h>

#define DSG_ACCT_USER_ID_MAX 64u    /* bytes of a user ID */
#define DSG_ACCT_TEXT_MAX 128u      /* bytes of a name, organisation, contract, applicant */
#define DSG_ACCT_REASON_MAX 256u    /* bytes of a reason */

typedef enum dsg_app_kind {
    DSG_APP_REGISTER = 0,
    DSG_APP_SUSPEND,
    DSG_APP_RESUME,
    DSG_APP_DELETE,
    DSG_APP_CHANGE_EXPIRY,
    DSG_APP_RESET_FACTOR,   /* replace a lost or compromised second factor (REQ-MFA-006) */
    DSG_APP_KIND_COUNT
} dsg_app_kind;

typedef enum dsg_org_kind {
    DSG_ORG_PRIME = 0,      /* the company holding the contract (元請) */
    DSG_ORG_VENDOR,         /* a company working under it (下請) */
    DSG_ORG_MINISTRY,       /* the Ministry of Defense */
    DSG_ORG_KIND_COUNT
} dsg_org_kind;

typedef enum dsg_acct_type {
    DSG_ACCT_COMPANY = 0,   /* 企業側の利用者 */
    DSG_ACCT_MINISTRY,      /* 官側の利用者 */
    DSG_ACCT_ADMIN,         /* a DSG administrator */
    DSG_ACCT_TYPE_COUNT
} dsg_acct_type;

/* One application as entered. The register-only fields are empty for the
 * other kinds. Times are seconds since 1970-01-01T00:00:00Z: expiry is
 * the requested expiry (register, change-expiry), contract_end the end of
 * the contract the account serves, which the expiry never passes
 * (REQ-ACCT-004). */
typedef struct dsg_acct_app {
    dsg_app_kind kind;
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    char applicant[DSG_ACCT_TEXT_MAX + 1];
    char reason[DSG_ACCT_REASON_MAX + 1];
    char name[DSG_ACCT_TEXT_MAX + 1];
    char org[DSG_ACCT_TEXT_MAX + 1];
    char contract[DSG_ACCT_TEXT_MAX + 1];
    dsg_org_kind org_kind;
    dsg_acct_type type;
    int64_t expiry;
    int64_t contract_end;
} dsg_acct_app;

/* Why an application or a decision was refused: a stable code
 * (`missing_field`, `bad_field`, `user_id_taken`, ...), the field or
 * argument concerned ("" when none) and a sentence for people. */
typedef struct dsg_acct_problem {
    const char *code;
    const char *field;
    char message[192];
} dsg_acct_problem;

/* Sets *p to the code, the field and the formatted message, and returns
 * -1: the one way the checks and stores say why they refused.
 * @relation(REQ-ACCT-020) */
int dsg_problem(dsg_acct_problem *p, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The words used on the command line, in JSON and in the database:
 * "register", "suspend", "resume", "delete", "change-expiry",
 * "reset-factor"; NULL for a value out of range.
 * @relation(REQ-ACCT-001, REQ-MFA-006) */
const char *dsg_app_kind_name(dsg_app_kind k);
/* "prime", "vendor", "ministry". @relation(REQ-ACCT-001) */
const char *dsg_org_kind_name(dsg_org_kind k);
/* "company", "ministry", "admin". @relation(REQ-ACCT-001) */
const char *dsg_acct_type_name(dsg_acct_type t);

/* The value named by name (one of the words above), or -1.
 * @relation(REQ-ACCT-001) */
int dsg_app_kind_parse(const char *name);
/* @relation(REQ-ACCT-001) */
int dsg_org_kind_parse(const char *name);
/* @relation(REQ-ACCT-001) */
int dsg_acct_type_parse(const char *name);

/* Checks a user ID (REQ-ACCT-006: 1 to 64 ASCII letters, digits, '.', '_'
 * and '-', beginning with a letter or digit) and writes it folded to lower
 * case into out[0 .. DSG_ACCT_USER_ID_MAX]. 0, or -1 for an ID that breaks
 * the rule (out is then left alone). @relation(REQ-ACCT-006) */
int dsg_acct_user_id_fold(const char *id, char out[DSG_ACCT_USER_ID_MAX + 1]);

/* Checks everything an application must hold (REQ-ACCT-001): the items
 * its kind requires are present, every text is valid UTF-8 without
 * control characters and within its length, the user ID follows
 * REQ-ACCT-006, and a requested expiry lies after now and no later than
 * the contract's end. 0, or -1 with the first problem in *p.
 * @relation(REQ-ACCT-001, REQ-ACCT-023, REQ-ACCT-006) */
int dsg_acct_app_check(const dsg_acct_app *a, int64_t now, dsg_acct_problem *p);

#endif
