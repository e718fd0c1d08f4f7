/*
 * The URL of a ポータルサイトアクセスログ record (REQ-SHARE-018): the request
 * target with every query value that could be a secret replaced by "*".
 *
 * Secrets travel in bodies, never in the portal's query strings, but a
 * client can still put one there (a form sent with GET, a pasted link), and
 * the access log must not keep it. The query is split with the proved form
 * parser (src/core/http_form.h); a field whose decoded name contains, in any
 * case, one of "pass", "pw", "code", "otp", "token", "session", "sid",
 * "secret", "key", "auth", "cred", "csrf" or "upload" (the file API's
 * upload key, PUT /api/v1/share/uploads/content?upload=KEY) keeps its name
 * as sent and the value "*" ("name=*"); a name that does not decode counts as such a field.
 * A query the parser refuses, or one of more than DSG_URL_REDACT_FIELDS
 * fields, is replaced whole: "?*". The path is kept as it is: no route of
 * the portal carries a secret in its path.
 */
#ifndef DSG_URL_REDACT_H
#define DSG_URL_REDACT_H

#include <stddef.h>
#include <stdint.h>

#define DSG_URL_REDACT_FIELDS 64u

/* Writes the redacted url[0 .. len) into out[0 .. cap), cut at cap bytes
 * (the cut never shows more of a value than the whole would have: the
 * redaction comes first); returns the bytes written. Never writes past
 * cap; no NUL is added. @relation(REQ-SHARE-018) */
size_t dsg_url_redact(const uint8_t *url, size_t len, uint8_t *out, size_t cap);

#endif
