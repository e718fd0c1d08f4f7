/*
 * The access history of an item as the file API answers it (REQ-SHARE-017,
 * docs/sharing.md "Access history"): logd's history lines (time, user,
 * event, location, data, tab-separated, one per record, in the order
 * recorded) gathered in pieces into a buffer of the caller's under a
 * bound of bytes, then written as JSON rows under a bound of rows. What
 * does not fit is left out from the end, whole lines only, and the
 * history is marked cut, so the answer can say so.
 */
#ifndef DSGD_HISTORY_ROWS_H
#define DSGD_HISTORY_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "core/json_out.h"

typedef struct dsgd_hist_lines {
    uint8_t *buf;          /* the caller's, cap bytes (NULL: nothing is kept, all is cut) */
    size_t cap, len;
    int cut;               /* something was left out */
} dsgd_hist_lines;

/* Appends the piece p[0 .. n) while it fits; what does not is left out
 * and the history is cut. @relation(REQ-SHARE-017) */
void dsgd_hist_add(dsgd_hist_lines *h, const uint8_t *p, size_t n);

/* Writes the whole lines kept, at most max_rows of them, as objects
 * {"time", "user", "event", "location", "data"} into the array w has
 * open; a line cut short or a row over max_rows cuts the history. The
 * rows written. @relation(REQ-SHARE-017) */
unsigned dsgd_hist_rows(dsgd_hist_lines *h, dsg_json_out *w, unsigned max_rows);

#endif
