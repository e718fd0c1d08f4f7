/*
 * ACSL logic for the JSON writer (src/core/json_out.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms, no lemmas: every predicate here is a plain definition.
 */
#ifndef DSG_ACSL_JSON_OUT_H
#define DSG_ACSL_JSON_OUT_H

/*@
  // A byte the writer may put in its output: no control byte (C0 or DEL).
  // Strings carry those as escapes, and the writer emits no whitespace.
  predicate dsg_json_clean_byte(integer c) = 0x20 <= c && c != 0x7F;

  predicate dsg_json_clean{L}(uint8_t *buf, integer n) =
    \forall integer i; 0 <= i < n ==> dsg_json_clean_byte(buf[i]);

  // The writer's bookkeeping is consistent. Checked at run time by
  // dsg_json_out_is_valid: a writer that is not consistent writes nothing.
  predicate dsg_json_out_shape{L}(dsg_json_out *w) =
    w->len <= w->cap && w->depth <= DSG_JSON_DEPTH_MAX &&
    w->failed <= 1 && w->need_comma <= 1 && w->after_key <= 1 && w->top_done <= 1;

  // The memory a writer needs: its output buffer, not overlapping the struct.
  predicate dsg_json_out_mem{L}(dsg_json_out *w) =
    \valid(w) && \valid(w->buf + (0 .. w->cap - 1)) &&
    \separated(w, w->buf + (0 .. w->cap - 1));

  // What every call does, from L1 to L2, with result r: the output goes to
  // the same buffer; an inconsistent writer is refused and left alone;
  // otherwise output is only appended, every byte appended is clean, the
  // writer stays consistent, -1 means it has failed (for good: a failed
  // writer appends nothing more).
  predicate dsg_json_out_step{L1,L2}(dsg_json_out *w, integer r) =
    (r == 0 || r == -1) &&
    \at(w->buf, L1) == \at(w->buf, L2) && \at(w->cap, L1) == \at(w->cap, L2) &&
    (!dsg_json_out_shape{L1}(w) ==>
       r == -1 && \at(w->len, L1) == \at(w->len, L2) &&
       \forall integer i; 0 <= i < \at(w->cap, L1) ==>
         \at(w->buf[i], L1) == \at(w->buf[i], L2)) &&
    (dsg_json_out_shape{L1}(w) ==>
       dsg_json_out_shape{L2}(w) &&
       \at(w->len, L1) <= \at(w->len, L2) &&
       (\forall integer i; 0 <= i < \at(w->len, L1) ==>
          \at(w->buf[i], L1) == \at(w->buf[i], L2)) &&
       (\forall integer i; \at(w->len, L1) <= i < \at(w->len, L2) ==>
          dsg_json_clean_byte(\at(w->buf[i], L2))) &&
       (r == -1 <==> \at(w->failed, L2) == 1) &&
       (\at(w->failed, L1) == 1 ==> \at(w->len, L2) == \at(w->len, L1)));
*/

#endif
