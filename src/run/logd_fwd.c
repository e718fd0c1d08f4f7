/* logd's side of forwarding: see logd_fwd.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "log/anchor.h"
#include "run/fwd_cursor.h"
#include "run/fwd_wire.h"
#include "run/log.h"
#include "run/logd_fwd.h"

#define FWD_BATCH_MAX 60000u   /* bytes of one FWD_BATCH, header included */
#define FWD_BUS_SHARE 2u       /* logd's bus messages forwarding may hold at once */
#define FRAME_KEEP (256u << 10) /* a frame buffer larger than this is freed once sent */

enum { ITEM_RECORD = 0, ITEM_CHECKPOINT = 1 };

/* One collector: its cursors and the frame being sent (a frame longer
 * than what is left of a batch goes on in the next one). */
typedef struct coll {
    char name[DSGD_FWD_TEXT_MAX + 1];
    dsgd_fwd_coll c;
    dsgd_fwd_cursor stored;      /* what the database holds */
    uint8_t *frame;
    size_t cap, len, off;        /* frame[off .. len) is still to go; len 0: none */
    int kind;                    /* ITEM_*: what the frame's last byte completes */
    unsigned src;
    uint64_t seq, next_anchor;
    uint64_t stall;              /* the store's mark when there was nothing to send */
} coll;

static struct {
    dsg_audit *store;
    dsgd_chan *chan;
    unsigned n;
    coll co[DSGD_FWD_MAX];
    unsigned nsrc;               /* logd's table of sources: a cursor's index */
    char src[DSG_AUDIT_SOURCES_MAX][DSG_ANCHOR_SOURCE_MAX + 1];
    uint64_t head[DSG_AUDIT_SOURCES_MAX];
    uint32_t epoch, counter;     /* batch ids: epoch (random per run) and a count */
    uint8_t batch[FWD_BATCH_MAX];
} fw;

/* ---- sources and cursors --------------------------------------------------- */

/* The index of a source, added when new; -1 when the table is full. */
static int src_index(const char *name)
{
    for (unsigned i = 0; i < fw.nsrc; i++)
        if (strcmp(fw.src[i], name) == 0)
            return (int)i;
    if (fw.nsrc == DSG_AUDIT_SOURCES_MAX || strlen(name) > DSG_ANCHOR_SOURCE_MAX)
        return -1;
    snprintf(fw.src[fw.nsrc], sizeof fw.src[0], "%s", name);
    fw.head[fw.nsrc] = 0;
    return (int)fw.nsrc++;
}

/* The store's sources and heads, now. */
static void refresh_heads(void)
{
    const char *names[DSG_AUDIT_SOURCES_MAX];
    uint64_t seq[DSG_AUDIT_SOURCES_MAX];
    size_t k = dsg_audit_heads(fw.store, names, seq, DSG_AUDIT_SOURCES_MAX);
    for (size_t i = 0; i < k; i++) {
        int s = src_index(names[i]);
        if (s >= 0)
            fw.head[s] = seq[i];
    }
}

/* Changes whenever a record or checkpoint is added. */
static uint64_t store_mark(void)
{
    uint64_t m = dsg_audit_anchor_size(fw.store);
    for (unsigned i = 0; i < fw.nsrc; i++)
        m += fw.head[i];
    return m;
}

static void load_one(void *arg, const char *source, uint64_t seq)
{
    dsgd_fwd_cursor *cur = arg;
    int s = src_index(source);
    if (s >= 0)
        cur->seq[s] = seq;
}

int dsgd_logd_fwd_start(dsg_audit *store, const char *list, char *err, size_t n)
{
    static dsgd_fwd_targets t;
    static dsgd_fwd_cursor cur;
    char why[160];
    memset(&fw, 0, sizeof fw);
    fw.store = store;
    if (list == NULL || list[0] == '\0')
        return 0;
    if (dsgd_fwd_targets_parse(list, &t, why, sizeof why) != 0)
        return snprintf(err, n, "log.forward from the master: %s", why), -1;
    if (getrandom(&fw.epoch, sizeof fw.epoch, 0) != (ssize_t)sizeof fw.epoch)
        return snprintf(err, n, "getrandom failed"), -1;
    for (unsigned i = 0; i < t.n; i++) {
        coll *c = &fw.co[i];
        memset(&cur, 0, sizeof cur);
        snprintf(c->name, sizeof c->name, "%s", t.t[i].text);
        if (dsg_audit_fwd_load(store, c->name, load_one, &cur, &cur.anchor, err, n) != 0)
            return -1;
        dsgd_fwd_coll_init(&c->c, &cur);
        c->stored = cur;
        c->stall = UINT64_MAX;
    }
    fw.n = t.n;
    refresh_heads();
    dsgd_log("forward: %u collector(s), cursors loaded; waiting for their connections", fw.n);
    return 0;
}

/* Stores what the collector acknowledged: the sources that moved and the
 * anchor.log offset, one transaction. */
static void store_cursor(coll *c)
{
    dsg_audit_fwd_pos pos[DSG_AUDIT_SOURCES_MAX];
    size_t k = 0;
    char err[512];
    for (unsigned i = 0; i < fw.nsrc; i++)
        if (c->c.acked.seq[i] != c->stored.seq[i])
            pos[k++] = (dsg_audit_fwd_pos){ fw.src[i], c->c.acked.seq[i] };
    if (k == 0 && c->c.acked.anchor == c->stored.anchor)
        return;
    if (dsg_audit_fwd_save(fw.store, c->name, pos, k, c->c.acked.anchor, err, sizeof err) != 0) {
        dsgd_log("forward: %s: cannot store the cursor (it is kept in memory): %s", c->name, err);
        return;
    }
    c->stored = c->c.acked;
}

/* ---- messages ------------------------------------------------------------------ */

static void drop_frame(coll *c)
{
    c->len = c->off = 0;
    c->stall = UINT64_MAX;
}

static int on_state(const dsgd_msg *m)
{
    uint8_t k;
    uint32_t gen;
    int up;
    if (dsgd_fwd_state_get(m->body, m->len, &k, &gen, &up) != 0 || k >= fw.n)
        return -1;
    coll *c = &fw.co[k];
    if (up && dsgd_fwd_coll_up(&c->c, gen)) {
        drop_frame(c);
        dsgd_log("forward: %s: connection %u up: sending from the stored cursor", c->name, gen);
    } else if (!up && dsgd_fwd_coll_down(&c->c, gen)) {
        drop_frame(c);
        dsgd_log("forward: %s: connection %u down: what it did not acknowledge goes again on "
                 "the next", c->name, gen);
    }
    return 0;
}

static int on_ack(const dsgd_msg *m)
{
    uint8_t k;
    uint32_t gen;
    uint64_t id;
    if (dsgd_fwd_ack_get(m->body, m->len, &k, &gen, &id) != 0 || k >= fw.n)
        return -1;
    if (dsgd_fwd_coll_acked(&fw.co[k].c, gen, id))
        store_cursor(&fw.co[k]);
    return 0;
}

int dsgd_logd_fwd_message(const dsgd_msg *m, dsgd_chan *chan)
{
    int rc;
    if (m->kind == DSGD_MSG_FWD_STATE)
        rc = on_state(m);
    else if (m->kind == DSGD_MSG_FWD_ACK)
        rc = on_ack(m);
    else
        return -1;
    if (rc != 0)
        return -1;
    fw.chan = chan;
    return dsgd_bus_done(chan, 1);
}

/* ---- batches ------------------------------------------------------------------- */

/* The item's message, framed, as the collector's current frame. */
static int set_frame(coll *c, const uint8_t *msg, size_t len)
{
    uint8_t head[DSGD_FWD_HEAD_MAX];
    size_t h = dsgd_fwd_frame_head(head, len);
    if (h == 0)
        return -1;
    if (c->cap < h + len) {
        uint8_t *p = realloc(c->frame, h + len);
        if (p == NULL)
            return -1;
        c->frame = p;
        c->cap = h + len;
    }
    memcpy(c->frame, head, h);
    memcpy(c->frame + h, msg, len);
    c->len = h + len;
    c->off = 0;
    return 0;
}

/* The next record after *at, source by source: 1 (framed), 0 none, -1. */
static int next_record(coll *c, dsgd_fwd_cursor *at)
{
    char err[512];
    for (unsigned i = 0; i < fw.nsrc; i++) {
        const uint8_t *msg;
        size_t len;
        uint64_t seq;
        if (fw.head[i] <= at->seq[i])
            continue;
        int r = dsg_audit_fwd_record(fw.store, fw.src[i], at->seq[i], &seq, &msg, &len, err,
                                     sizeof err);
        if (r < 0) {
            dsgd_log("forward: %s: cannot read a record of %s: %s", c->name, fw.src[i], err);
            return -1;
        }
        if (r == 0) {   /* nothing after it up to the head (cannot happen): skip */
            at->seq[i] = fw.head[i];
            continue;
        }
        c->kind = ITEM_RECORD;
        c->src = i;
        c->seq = seq;
        return set_frame(c, msg, len) == 0 ? 1 : -1;
    }
    return 0;
}

/* The next checkpoint after *at (records go first, so the records a
 * checkpoint signs are out before it): 1, 0 none, -1. */
static int next_checkpoint(coll *c, dsgd_fwd_cursor *at)
{
    char err[512], source[65];
    while (at->anchor < dsg_audit_anchor_size(fw.store)) {
        const uint8_t *msg;
        size_t len;
        uint64_t next, seq;
        int r = dsg_audit_fwd_checkpoint(fw.store, at->anchor, &next, source, &seq, &msg, &len,
                                         err, sizeof err);
        if (r < 0)
            dsgd_log("forward: %s: cannot read anchor.log: %s", c->name, err);
        if (r <= 0)
            return r;
        if (len == 0) {   /* not a checkpoint (dsgctl log verify names it): skipped */
            at->anchor = next;
            continue;
        }
        c->kind = ITEM_CHECKPOINT;
        c->next_anchor = next;
        return set_frame(c, msg, len) == 0 ? 1 : -1;
    }
    return 0;
}

/* The frame's last byte went out: the cursor moves past its item. */
static void frame_done(coll *c, dsgd_fwd_cursor *at)
{
    if (c->kind == ITEM_RECORD)
        at->seq[c->src] = c->seq;
    else
        at->anchor = c->next_anchor;
    c->len = c->off = 0;
    if (c->cap > FRAME_KEEP) {
        free(c->frame);
        c->frame = NULL;
        c->cap = 0;
    }
}

/* Fills buf[0 .. cap) with the collector's stream from *at on; *at moves
 * past every item whose frame ended in it. The byte count, or -1. */
static long fill(coll *c, uint8_t *buf, size_t cap, dsgd_fwd_cursor *at)
{
    size_t pos = 0;
    while (pos < cap) {
        int r = 1;
        if (c->len == 0 && (r = next_record(c, at)) == 0)
            r = next_checkpoint(c, at);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        size_t k = c->len - c->off < cap - pos ? c->len - c->off : cap - pos;
        memcpy(buf + pos, c->frame + c->off, k);
        pos += k;
        c->off += k;
        if (c->off == c->len)
            frame_done(c, at);
    }
    return (long)pos;
}

static int bus_free(void)
{
    return fw.chan != NULL && dsgd_bus_room(fw.chan) > DSGD_BUS_WINDOW - FWD_BUS_SHARE;
}

/* One batch to collector k: 1 sent, 0 nothing to send, -1. */
static int send_batch(unsigned k)
{
    static dsgd_fwd_cursor at;
    coll *c = &fw.co[k];
    uint64_t id = (uint64_t)fw.epoch << 32 | ++fw.counter;
    at = c->c.sent;
    long got = fill(c, fw.batch + DSGD_FWD_BATCH_HEAD, sizeof fw.batch - DSGD_FWD_BATCH_HEAD, &at);
    if (got < 0) {   /* logged; nothing went out; tried again when the store changes */
        c->stall = store_mark();
        return 0;
    }
    if (got == 0) {
        c->c.sent = at;   /* only skipped lines: nothing to deliver */
        c->stall = store_mark();
        return 0;
    }
    dsgd_fwd_batch_head(fw.batch, (uint8_t)k, c->c.gen, id);
    if (dsgd_bus_send(fw.chan, DSGD_MSG_FWD_BATCH, fw.batch, DSGD_FWD_BATCH_HEAD + (size_t)got)
        != 0)
        return -1;
    return dsgd_fwd_coll_sent(&c->c, id, &at) == 0 ? 1 : -1;
}

static int may_send(const coll *c, int exporting)
{
    return !exporting && bus_free() && dsgd_fwd_coll_room(&c->c) && c->stall != store_mark();
}

int dsgd_logd_fwd_ready(int exporting)
{
    if (fw.n == 0)
        return 0;
    refresh_heads();
    for (unsigned k = 0; k < fw.n; k++)
        if (may_send(&fw.co[k], exporting))
            return 1;
    return 0;
}

int dsgd_logd_fwd_pump(int exporting)
{
    int sent = 1;
    if (fw.n == 0)
        return 0;
    refresh_heads();
    while (sent) {
        sent = 0;
        for (unsigned k = 0; k < fw.n; k++) {
            if (!may_send(&fw.co[k], exporting))
                continue;
            int r = send_batch(k);
            if (r < 0)
                return -1;
            sent |= r;
        }
    }
    return 0;
}
