/*
 * JSON request bodies in the portal (REQ-RUN-016): a body for a JSON route
 * is gathered whole (it is bounded by the route's limit, 1 MiB by default)
 * and checked by the proved tokenizer (src/core/json_tok) with the portal's
 * depth and token limits before any of it goes to the role, so roles only
 * ever receive well-formed JSON without duplicate member names.
 */
#ifndef DSGD_JSON_BODY_H
#define DSGD_JSON_BODY_H

#include <stddef.h>
#include <stdint.h>

typedef struct dsgd_json_body {
    uint8_t *buf;        /* NULL until the first byte */
    size_t len, cap;
} dsgd_json_body;

/* Appends p[0 .. n); the buffer grows as needed. 0, or -1 when memory is
 * short (nothing appended). @relation(REQ-RUN-016) */
__attribute__((warn_unused_result))
int dsgd_json_body_add(dsgd_json_body *b, const uint8_t *p, size_t n);

/* Checks the body: DSG_JSON_OK, or the tokenizer's error with its offset
 * in *at (DSG_JSON_E_TOO_MANY_TOKENS past max_tokens, DSG_JSON_E_DEPTH past
 * max_depth, DSG_JSON_E_DUPLICATE_KEY, ...). -1 when the token array
 * cannot be had. @relation(REQ-RUN-016) */
__attribute__((warn_unused_result))
int dsgd_json_body_check(const dsgd_json_body *b, uint32_t max_depth, uint32_t max_tokens,
                         size_t *at);

/* Frees the buffer; the body is empty again. @relation(REQ-RUN-016) */
void dsgd_json_body_free(dsgd_json_body *b);

#endif
