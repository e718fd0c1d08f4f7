/*
 * The access decision (REQ-SHARE-007). See access.h for the model, the
 * rules and the contract, acsl/PROOFS.md for what is proved.
 */
#include "share/access.h"

#define BIT(c) ((int)(c))

/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_ask_ok(a);
*/
static int ask_ok(const dsg_access_ask *a)
{
    return BIT(a->account > 0) & BIT(a->op < DSG_ACCESS_OP_COUNT);
}

/*@ requires \valid_read(o);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_object_ok(o);
*/
static int object_ok(const dsg_access_object *o)
{
    return BIT(o->depth >= 1u) & BIT(o->depth <= DSG_ACCESS_MAX_DEPTH);
}

int dsg_access_req_is_valid(const dsg_access_req *req)
{
    return ask_ok(&req->ask) & object_ok(&req->object);
}

/*@ requires \valid_read(o) && dsg_access_object_ok(o);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_in_chain(o, id);
*/
static int in_chain(const dsg_access_object *o, int64_t id)
{
    /*@ loop invariant 0 <= k <= o->depth;
        loop invariant \forall integer j; 0 <= j < k ==> o->chain[j] != id;
        loop assigns k;
        loop variant o->depth - k;
    */
    for (uint32_t k = 0; k < o->depth; k++)
        if (o->chain[k] == id)
            return 1;
    return 0;
}

/*@ requires \valid_read(g) && \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_subject_is(g, a);
*/
static int subject_is(const dsg_grant *g, const dsg_access_ask *a)
{
    if (g->kind == DSG_ACCESS_ACCOUNT)
        return BIT(g->subject == a->account);
    if (g->kind == DSG_ACCESS_ORG_GROUP)
        return BIT(a->group > DSG_ACCESS_NO_GROUP) & BIT(g->subject == a->group);
    return 0;
}

/* Grant g covers a well-formed ask on a well-formed object. */
/*@ requires \valid_read(g) && \valid_read(a) && \valid_read(o);
    requires dsg_access_ask_ok(a) && dsg_access_object_ok(o);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_covers_on(g, a, o);
*/
static int covers(const dsg_grant *g, const dsg_access_ask *a, const dsg_access_object *o)
{
    if (!subject_is(g, a) || g->area != o->area)
        return 0;
    if (((g->ops >> a->op) & 1u) == 0)
        return 0;
    if (a->now < g->from || a->now >= g->until)
        return 0;
    return in_chain(o, g->folder);
}

int dsg_access_covers(const dsg_grant *g, const dsg_access_req *req)
{
    if (!dsg_access_req_is_valid(req))
        return 0;
    return covers(g, &req->ask, &req->object);
}

/* The first of grants[0 .. n) that covers the ask on o, or n. */
/*@ requires \valid_read(grants + (0 .. n - 1)) && \valid_read(a) && \valid_read(o);
    assigns \nothing;
    ensures 0 <= \result <= n;
    ensures \forall integer i; 0 <= i < \result ==> !dsg_access_covers_on(grants + i, a, o);
    ensures \result < n ==> dsg_access_covers_on(grants + \result, a, o);
*/
static size_t first_cover(const dsg_grant *grants, size_t n,
                          const dsg_access_ask *a, const dsg_access_object *o)
{
    if (!ask_ok(a) || !object_ok(o))
        return n;   /* covers nothing: every grant is passed over */
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> !dsg_access_covers_on(grants + k, a, o);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (covers(grants + i, a, o))
            return i;
    return n;
}

dsg_access_verdict dsg_access_decide(const dsg_grant *grants, size_t n,
                                     const dsg_access_req *req, size_t *which)
{
    size_t i = first_cover(grants, n, &req->ask, &req->object);
    *which = i;
    return i < n ? DSG_ACCESS_ALLOW : DSG_ACCESS_DENY;
}

size_t dsg_access_filter(const dsg_grant *grants, size_t n, const dsg_access_ask *ask,
                         const dsg_access_object *objs, size_t count, size_t *kept)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= i <= count;
        loop invariant \forall integer j; 0 <= j < k ==>
                         0 <= kept[j] < i && dsg_access_allowed_on(grants, n, ask, objs + kept[j]);
        loop invariant \forall integer m; 0 <= m < i &&
                         dsg_access_allowed_on(grants, n, ask, objs + m) ==>
                         \exists integer j; 0 <= j < k && kept[j] == m;
        loop invariant \forall integer j1, j2; 0 <= j1 < j2 < k ==> kept[j1] < kept[j2];
        loop assigns i, k, kept[0 .. count - 1];
        loop variant count - i;
    */
    for (size_t i = 0; i < count; i++)
        if (first_cover(grants, n, ask, objs + i) < n)
            kept[k++] = i;
    return k;
}
