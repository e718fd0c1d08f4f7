/* An item's access history as JSON rows: see history_rows.h. */
#include <string.h>

#include "run/history_rows.h"

void dsgd_hist_add(dsgd_hist_lines *h, const uint8_t *p, size_t n)
{
    if (h->buf == NULL || h->cut) {
        h->cut |= n > 0;
        return;
    }
    if (n > h->cap - h->len) {
        n = h->cap - h->len;
        h->cut = 1;
    }
    memcpy(h->buf + h->len, p, n);
    h->len += n;
}

/* One line "time\tuser\tevent\tlocation\tdata" as a row: a missing
 * column is empty, the last takes the rest. */
static void row(dsg_json_out *w, const char *line, size_t n)
{
    static const char *const cols[] = { "time", "user", "event", "location", "data" };
    const size_t ncols = sizeof cols / sizeof cols[0];
    size_t at = 0;
    (void)dsg_json_out_object_begin(w);
    for (size_t c = 0; c < ncols; c++) {
        const char *tab = c + 1 < ncols ? memchr(line + at, '\t', n - at) : NULL;
        size_t k = tab != NULL ? (size_t)(tab - (line + at)) : n - at;
        (void)dsg_json_out_key(w, (const uint8_t *)cols[c], strlen(cols[c]));
        (void)dsg_json_out_string(w, (const uint8_t *)line + at, k);
        at = tab != NULL ? at + k + 1 : n;
    }
    (void)dsg_json_out_object_end(w);
}

unsigned dsgd_hist_rows(dsgd_hist_lines *h, dsg_json_out *w, unsigned max_rows)
{
    const char *s = (const char *)h->buf;
    size_t at = 0;
    unsigned rows = 0;
    while (s != NULL && at < h->len) {
        const char *nl = memchr(s + at, '\n', h->len - at);
        if (nl == NULL || rows == max_rows) {   /* a line cut short, or too many */
            h->cut = 1;
            break;
        }
        row(w, s + at, (size_t)(nl - (s + at)));
        rows++;
        at = (size_t)(nl - s) + 1;
    }
    return rows;
}
