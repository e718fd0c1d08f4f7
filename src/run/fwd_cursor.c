/* logd's forwarding cursors (fwd_cursor.h). */
#include <string.h>

#include "run/fwd_cursor.h"

static void forget_flight(dsgd_fwd_coll *c)
{
    c->first = 0;
    c->n = 0;
    c->sent = c->acked;
}

void dsgd_fwd_coll_init(dsgd_fwd_coll *c, const dsgd_fwd_cursor *acked)
{
    memset(c, 0, sizeof *c);
    c->acked = *acked;
    c->sent = *acked;
}

int dsgd_fwd_coll_up(dsgd_fwd_coll *c, uint32_t gen)
{
    if (c->up && c->gen == gen)
        return 0;   /* told twice (the master repeats it to a new logd) */
    c->up = 1;
    c->gen = gen;
    forget_flight(c);
    return 1;
}

int dsgd_fwd_coll_down(dsgd_fwd_coll *c, uint32_t gen)
{
    if (!c->up || c->gen != gen)
        return 0;
    c->up = 0;
    forget_flight(c);
    return 1;
}

int dsgd_fwd_coll_room(const dsgd_fwd_coll *c)
{
    return c->up && c->n < DSGD_FWD_INFLIGHT;
}

int dsgd_fwd_coll_sent(dsgd_fwd_coll *c, uint64_t id, const dsgd_fwd_cursor *after)
{
    unsigned k;
    if (!dsgd_fwd_coll_room(c))
        return -1;
    k = (c->first + c->n) % DSGD_FWD_INFLIGHT;
    c->id[k] = id;
    c->at[k] = *after;
    c->n++;
    c->sent = *after;
    return 0;
}

int dsgd_fwd_coll_acked(dsgd_fwd_coll *c, uint32_t gen, uint64_t id)
{
    unsigned i;
    if (!c->up || c->gen != gen)
        return 0;
    for (i = 0; i < c->n && c->id[(c->first + i) % DSGD_FWD_INFLIGHT] != id; i++)
        ;
    if (i == c->n)
        return 0;
    c->acked = c->at[(c->first + i) % DSGD_FWD_INFLIGHT];
    c->first = (c->first + i + 1) % DSGD_FWD_INFLIGHT;
    c->n -= i + 1;
    return 1;
}
