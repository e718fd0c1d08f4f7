/*
 * ACSL logic for the access decision (src/share/access.h). Included by
 * that header after the types it talks about; installed with it. No
 * axioms, no lemmas: every predicate is a plain definition.
 */
#ifndef DSG_ACSL_ACCESS_H
#define DSG_ACSL_ACCESS_H

/*@
  predicate dsg_access_op_known(integer op) = 0 <= op < DSG_ACCESS_OP_COUNT;

  // op's bit is in the set ops (op known, so the shift is in range).
  predicate dsg_access_has_op(integer ops, integer op) = ((ops >> op) & 1) != 0;

  predicate dsg_access_ask_ok{L}(dsg_access_ask *a) =
    a->account > 0 && dsg_access_op_known(a->op);

  predicate dsg_access_object_ok{L}(dsg_access_object *o) =
    1 <= o->depth <= DSG_ACCESS_MAX_DEPTH;

  predicate dsg_access_req_ok{L}(dsg_access_req *r) =
    dsg_access_ask_ok(&r->ask) && dsg_access_object_ok(&r->object);

  // id is the object or one of its ancestors.
  predicate dsg_access_in_chain{L}(dsg_access_object *o, integer id) =
    \exists integer k; 0 <= k < o->depth && o->chain[k] == id;

  // The grant's subject is the account, or the group the account is in.
  predicate dsg_access_subject_is{L}(dsg_grant *g, dsg_access_ask *a) =
    (g->kind == DSG_ACCESS_ACCOUNT && g->subject == a->account) ||
    (g->kind == DSG_ACCESS_ORG_GROUP && a->group > DSG_ACCESS_NO_GROUP &&
     g->subject == a->group);

  predicate dsg_access_in_force{L}(dsg_grant *g, integer now) =
    g->from <= now < g->until;

  // Grant g covers the ask on object o: the rules of access.h.
  predicate dsg_access_covers_on{L}(dsg_grant *g, dsg_access_ask *a, dsg_access_object *o) =
    dsg_access_ask_ok(a) && dsg_access_object_ok(o) &&
    dsg_access_subject_is(g, a) && g->area == o->area &&
    dsg_access_in_chain(o, g->folder) && dsg_access_has_op(g->ops, a->op) &&
    dsg_access_in_force(g, a->now);

  predicate dsg_access_covers{L}(dsg_grant *g, dsg_access_req *r) =
    dsg_access_covers_on(g, &r->ask, &r->object);

  // Some grant of grants[0 .. n) covers the ask on o.
  predicate dsg_access_allowed_on{L}(dsg_grant *grants, integer n,
                                     dsg_access_ask *a, dsg_access_object *o) =
    \exists integer i; 0 <= i < n && dsg_access_covers_on(grants + i, a, o);

  predicate dsg_access_allowed{L}(dsg_grant *grants, integer n, dsg_access_req *r) =
    dsg_access_allowed_on(grants, n, &r->ask, &r->object);
*/

#endif
