/*
 * The pure parts of `dsgctl policy access-control` (REQ-ACCT-017): the
 * configuration hash a policy document is produced from, and the HTML
 * escaping of the values it shows.
 */
#ifndef DSG_POLICY_DOC_H
#define DSG_POLICY_DOC_H

#include <stddef.h>

/* One key in force and its value, as `config show --json` gives them. */
typedef struct dsg_policy_kv {
    const char *key;
    const char *value;
} dsg_policy_kv;

/* Sorts kv[0..n) by key (bytewise) and writes into hex the SHA-256, as 64
 * lower-case hex digits and a NUL, of the canonical text: "key=value\n"
 * for each, in that order. 0, or -1 when libcrypto fails.
 * @relation(REQ-ACCT-017) */
__attribute__((warn_unused_result))
int dsg_policy_config_hash(dsg_policy_kv *kv, size_t n, char hex[65]);

/* Writes s into out[0..cap) with & < > " ' as character references,
 * NUL-terminated: the length, or (size_t)-1 (out holds "") when it does
 * not fit. @relation(REQ-ACCT-017) */
size_t dsg_policy_html_escape(const char *s, char *out, size_t cap);

#endif
