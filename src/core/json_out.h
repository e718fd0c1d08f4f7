/*
 * JSON writer (REQ-RUN-038, the writing half of REQ-RUN-016): builds a JSON
 * document into a caller's buffer, escaping every string, so that no
 * response the gateway sends can carry a raw control byte or an unescaped
 * quote taken from its data.
 *
 *   uint8_t buf[256];
 *   dsg_json_out w;
 *   dsg_json_out_init(&w, buf, sizeof buf);
 *   dsg_json_out_object_begin(&w);
 *   dsg_json_out_key(&w, (const uint8_t *)"error", 5);
 *   dsg_json_out_string(&w, code, code_len);
 *   dsg_json_out_object_end(&w);
 *   if (dsg_json_out_finish(&w, &n) == 0) ... buf[0..n) is the document
 *
 * Rules:
 * - strings are read, never kept, and must not lie in the output buffer;
 * - strings must be valid UTF-8 (the writer fails otherwise: a response is
 *   never made of bytes the client would have to guess at); " and \ are
 *   written \" and \\, the C0 controls \b \f \n \r \t or \u00XX, DEL
 *   \u007f, and U+2028 and U+2029 (line breaks to JavaScript) \u2028 and
 *   \u2029; every other character is written as itself;
 * - the writer emits no whitespace, so every byte of its output is at least
 *   0x20 and none is 0x7F (proved);
 * - calls must follow the grammar: a key only where an object expects one,
 *   a value only at the top (once), in an array, or after a key, an end
 *   only for the container that is open, at most DSG_JSON_DEPTH_MAX deep;
 * - any error (buffer full, bad UTF-8, a call out of order) fails the
 *   writer for good: every later call returns -1 and appends nothing, and
 *   dsg_json_out_finish refuses it, so a truncated or malformed document is
 *   never handed out.
 *
 * Pure functions over caller-owned memory: no allocation, no I/O.
 */
#ifndef DSG_JSON_OUT_H
#define DSG_JSON_OUT_H

#include <stddef.h>
#include <stdint.h>

#define DSG_JSON_DEPTH_MAX 32u   /* open containers at most */

typedef struct dsg_json_out {
    uint8_t *buf;          /* the output: buf[0 .. len) written so far */
    size_t cap;
    size_t len;
    uint8_t object[DSG_JSON_DEPTH_MAX]; /* [d]: the container at depth d + 1 is an object */
    uint8_t depth;         /* open containers */
    uint8_t need_comma;    /* the open container already holds an element */
    uint8_t after_key;     /* in an object: a key was written, its value must come */
    uint8_t top_done;      /* the top-level value is complete */
    uint8_t failed;        /* an error happened; the writer takes nothing more */
} dsg_json_out;

#include "acsl/json_out.acsl.h"

/* Starts writing into buf[0 .. cap). @relation(REQ-RUN-038) */
/*@ requires \valid(w) && \valid(buf + (0 .. cap - 1));
    requires \separated(w, buf + (0 .. cap - 1));
    assigns *w;
    ensures w->buf == buf && w->cap == cap && w->len == 0;
    ensures w->failed == 0 && w->depth == 0 && w->top_done == 0;
    ensures dsg_json_out_shape(w) && dsg_json_out_mem(w);
*/
void dsg_json_out_init(dsg_json_out *w, uint8_t *buf, size_t cap);

/* The C twin of dsg_json_out_shape. @relation(REQ-RUN-038) */
/*@ requires \valid_read(w);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_json_out_shape(w);
*/
__attribute__((warn_unused_result))
int dsg_json_out_is_valid(const dsg_json_out *w);

/* The calls that write: 0 on success, -1 once the writer has failed.
 * @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_object_begin(dsg_json_out *w);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_object_end(dsg_json_out *w);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_array_begin(dsg_json_out *w);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_array_end(dsg_json_out *w);

/* An object member's name: s[0 .. n) in UTF-8. @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w) && \valid_read(s + (0 .. n - 1));
    requires \separated(s + (0 .. n - 1), w, w->buf + (0 .. w->cap - 1));
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_key(dsg_json_out *w, const uint8_t *s, size_t n);

/* A string value: s[0 .. n) in UTF-8. @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w) && \valid_read(s + (0 .. n - 1));
    requires \separated(s + (0 .. n - 1), w, w->buf + (0 .. w->cap - 1));
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_string(dsg_json_out *w, const uint8_t *s, size_t n);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_uint(dsg_json_out *w, uint64_t v);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_int(dsg_json_out *w, int64_t v);

/* true or false. @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_bool(dsg_json_out *w, int v);

/* @relation(REQ-RUN-038) */
/*@ requires dsg_json_out_mem(w);
    assigns w->buf[0 .. w->cap - 1], w->len, w->object[0 .. DSG_JSON_DEPTH_MAX - 1], w->depth,
            w->need_comma, w->after_key, w->top_done, w->failed;
    ensures dsg_json_out_step{Pre,Post}(w, \result);
*/
int dsg_json_out_null(dsg_json_out *w);

/* Hands out the document: 0 and *len when one complete top-level value was
 * written, nothing is open and nothing failed; -1 otherwise.
 * @relation(REQ-RUN-038) */
/*@ requires \valid_read(w) && \valid(len) && \separated(w, len);
    assigns *len;
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==>
              dsg_json_out_shape(w) && w->failed == 0 && w->depth == 0 &&
              w->top_done == 1 && *len == w->len && *len <= w->cap;
    ensures \result == -1 ==> *len == \old(*len);
*/
__attribute__((warn_unused_result))
int dsg_json_out_finish(const dsg_json_out *w, size_t *len);

#endif
