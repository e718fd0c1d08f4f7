/* JSON request bodies in the portal: see json_body.h. */
#include <stdlib.h>
#include <string.h>

#include "core/json_tok.h"
#include "run/json_body.h"

#define FIRST_CAP 4096u

int dsgd_json_body_add(dsgd_json_body *b, const uint8_t *p, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return -1;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : FIRST_CAP;
        uint8_t *grown;
        while (cap < b->len + n)
            cap *= 2;
        if ((grown = realloc(b->buf, cap)) == NULL)
            return -1;
        b->buf = grown;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, p, n);
    b->len += n;
    return 0;
}

/* The token array: the portal checks one body at a time, so one array,
 * grown to the largest max_tokens asked for, serves every connection. */
static dsg_json_tok *tokens;
static size_t tokens_cap;

int dsgd_json_body_check(const dsgd_json_body *b, uint32_t max_depth, uint32_t max_tokens,
                         size_t *at)
{
    static const uint8_t empty[1];
    const uint8_t *text = b->buf != NULL ? b->buf : empty;
    size_t n = 0;
    int rc;
    if (max_tokens > tokens_cap) {
        dsg_json_tok *t = realloc(tokens, (size_t)max_tokens * sizeof *t);
        if (t == NULL)
            return -1;
        tokens = t;
        tokens_cap = max_tokens;
    }
    rc = dsg_json_tokenize(text, b->len, max_depth, tokens, max_tokens, &n, at);
    if (rc == DSG_JSON_OK)
        rc = dsg_json_check_keys(text, b->len, tokens, n, at);
    return rc;
}

void dsgd_json_body_free(dsgd_json_body *b)
{
    free(b->buf);
    b->buf = NULL;
    b->len = b->cap = 0;
}
