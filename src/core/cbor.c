/*
 * CTAP2 canonical CBOR decoder (REQ-MFA-019). See cbor.h for the profile
 * and the contract, acsl/PROOFS.md for what is proved.
 *
 * One loop reads the item from left to right and keeps no stack: the open
 * containers are chained through the tokens' parent indices, the
 * innermost being `cur`, as in json_tok. An open container is a token of
 * length 0 (every finished token is at least one byte long); it is
 * closed, and its length set, as soon as its last child is finished.
 * Each step either adds a token or closes a container, so the loop ends
 * after at most 2 * cap steps.
 *
 * The readers and the steps take and return small structs by value rather
 * than writing through pointers: the proof then never has to show that a
 * write to a position leaves the tokens alone. No field of a token has the
 * input's type (uint8_t), so that no write to a token changes, for the
 * prover, the bytes the key order compares.
 */
#include "core/cbor.h"

#include "core/utf8.h"

/* ---- heads ------------------------------------------------------------------ */

/* What a reader found: the argument and the offset past the head or the
 * item, or an error at `at`. */
struct head {
    uint64_t arg;
    size_t at;
    int err;
};

/*@ assigns \nothing;
    ensures \result.arg == arg && \result.at == at && \result.err == err;
*/
static struct head make_head(uint64_t arg, size_t at, int err)
{
    struct head r = {arg, at, err};
    return r;
}

/*@ requires \valid_read(p + (0 .. 1));
    assigns \nothing;
    ensures \result <= 0xFFFF;
*/
static uint64_t be16(const uint8_t *p)
{
    return (uint64_t)p[0] * 256u + p[1];
}

/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures \result <= 0xFFFFFFFF;
*/
static uint64_t be32(const uint8_t *p)
{
    return be16(p) * 65536u + be16(p + 2);
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing;
*/
static uint64_t be64(const uint8_t *p)
{
    return be32(p) * 4294967296u + be32(p + 4);
}

/* Why the initial byte ib cannot start an item of the profile, or
 * DSG_CBOR_OK (RFC 8949 §3: additional information 28..30 is reserved, 31
 * marks an indefinite length or the break; CTAP2 forbids tags). */
/*@ assigns \nothing;
    ensures \result == DSG_CBOR_OK || dsg_cbor_decode_error(\result);
    ensures \result == DSG_CBOR_OK ==>
              dsg_cbor_type_ok(ib / 32) &&
              (ib / 32 == DSG_CBOR_SIMPLE ==> 20 <= ib % 32 <= 22) && ib % 32 < 28;
*/
static int initial_error(uint8_t ib)
{
    unsigned major = ib / 32u, ai = ib % 32u;
    if (ai == 31u)
        return DSG_CBOR_E_INDEFINITE;
    if (ai >= 28u)
        return DSG_CBOR_E_RESERVED;
    if (major == 6u)
        return DSG_CBOR_E_TAG;
    if (major == 7u && (ai < 20u || ai > 22u))
        return DSG_CBOR_E_SIMPLE;
    return DSG_CBOR_OK;
}

/* The head at pos: its argument and the offset past it. The argument must
 * take the fewest bytes (CTAP2 canonical form: 0..23 in the initial byte,
 * then 1, 2, 4, 8 bytes). */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < len;
    assigns \nothing;
    ensures \result.err == DSG_CBOR_OK || dsg_cbor_decode_error(\result.err);
    ensures \result.err != DSG_CBOR_OK ==> \result.at <= len;
    ensures \result.err == DSG_CBOR_OK ==>
              pos < \result.at <= len && \result.at - pos <= 9 &&
              dsg_cbor_type_ok(s[pos] / 32) &&
              (s[pos] / 32 == DSG_CBOR_SIMPLE ==> \result.at == pos + 1);
*/
static struct head read_head(const uint8_t *s, size_t len, size_t pos)
{
    uint8_t ib = s[pos];
    unsigned ai = ib % 32u;
    int err = initial_error(ib);
    if (err != DSG_CBOR_OK)
        return make_head(0, pos, err);
    if (ai < 24u)
        return make_head(ai, pos + 1, DSG_CBOR_OK);
    size_t extra = ai == 24u ? 1u : ai == 25u ? 2u : ai == 26u ? 4u : 8u;
    if (len - pos - 1u < extra)
        return make_head(0, len, DSG_CBOR_E_TRUNCATED);
    const uint8_t *p = s + pos + 1;
    uint64_t v = extra == 1u ? p[0] : extra == 2u ? be16(p) : extra == 4u ? be32(p) : be64(p);
    uint64_t least = extra == 1u ? 24u : extra == 2u ? 256u : extra == 4u ? 65536u : 4294967296u;
    if (v < least)
        return make_head(0, pos, DSG_CBOR_E_NOT_SHORTEST);
    return make_head(v, pos + 1 + extra, DSG_CBOR_OK);
}

/* The text s[a .. b) is strict UTF-8. */
/*@ requires \valid_read(s + (0 .. b - 1)) && a <= b;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int utf8_ok(const uint8_t *s, size_t a, size_t b)
{
    size_t i = a;
    uint32_t cp = 0;
    /*@ loop invariant a <= i <= b;
        loop assigns i, cp;
        loop variant b - i;
    */
    while (i < b) {
        size_t k = dsg_utf8_decode(s, b, i, &cp);
        if (k == 0u)
            return 0;
        i += k;
    }
    return 1;
}

/* The item whose head is s[pos .. h.at): the offset past the item for a
 * scalar or an empty container, past the head for a container with
 * children. A count or a length larger than the bytes left is refused at
 * once: every child takes at least one byte, every pair two. */
/*@ requires \valid_read(s + (0 .. len - 1)) && pos < h.at <= len;
    requires dsg_cbor_type_ok(s[pos] / 32);
    assigns \nothing;
    ensures \result.err == DSG_CBOR_OK || \result.err == DSG_CBOR_E_TRUNCATED ||
            \result.err == DSG_CBOR_E_BAD_UTF8;
    ensures \result.err != DSG_CBOR_OK ==> \result.at <= len;
    ensures \result.err == DSG_CBOR_OK ==> h.at <= \result.at <= len;
    ensures \result.err == DSG_CBOR_OK && dsg_cbor_container(s[pos] / 32) && h.arg > 0 ==>
              \result.at == h.at;
    ensures \result.err == DSG_CBOR_OK && !dsg_cbor_container(s[pos] / 32) ==>
              \result.arg == h.arg;
*/
static struct head item_end(const uint8_t *s, size_t len, size_t pos, struct head h)
{
    unsigned major = s[pos] / 32u;
    size_t left = len - h.at;
    if (major == DSG_CBOR_BYTES || major == DSG_CBOR_TEXT) {
        if (h.arg > left)
            return make_head(0, len, DSG_CBOR_E_TRUNCATED);
        size_t end = h.at + (size_t)h.arg;
        if (major == DSG_CBOR_TEXT && !utf8_ok(s, h.at, end))
            return make_head(0, pos, DSG_CBOR_E_BAD_UTF8);
        return make_head(h.arg, end, DSG_CBOR_OK);
    }
    if ((major == DSG_CBOR_ARRAY && h.arg > left) || (major == DSG_CBOR_MAP && h.arg > left / 2u))
        return make_head(0, len, DSG_CBOR_E_TRUNCATED);
    return make_head(h.arg, h.at, DSG_CBOR_OK);
}

/* ---- keys ------------------------------------------------------------------- */

/* s[x .. x + l) sorts strictly before s[y .. y + l), byte by byte. */
/*@ requires \valid_read(s + (x .. x + l - 1)) && \valid_read(s + (y .. y + l - 1));
    requires x + l <= SIZE_MAX && y + l <= SIZE_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_cbor_bytes_less(s, x, y, l);
*/
static int bytes_less(const uint8_t *s, size_t x, size_t y, size_t l)
{
    /*@ loop invariant 0 <= j <= l;
        loop invariant \forall integer q; x <= q < x + j ==> s[q] == s[q - x + y];
        loop assigns j;
        loop variant l - j;
    */
    for (size_t j = 0; j < l; j++) {
        if (s[x + j] != s[y + j])
            return s[x + j] < s[y + j];
    }
    return 0;
}

/* The key encoded at s[x .. x + lx) sorts strictly before the one at
 * s[y .. y + ly) in the CTAP2 order; 0 as well when either is empty or
 * does not lie in s[0 .. len). */
/*@ requires \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_cbor_key_less(s, x, lx, y, ly);
*/
static int key_less(const uint8_t *s, size_t len, size_t x, size_t lx, size_t y, size_t ly)
{
    if (lx == 0u || ly == 0u || x > len || lx > len - x || y > len || ly > len - y)
        return 0;
    if (s[x] / 32u != s[y] / 32u)
        return s[x] / 32u < s[y] / 32u;
    if (lx != ly)
        return lx < ly;
    return bytes_less(s, x, y, lx);
}

/* ---- the decoder ------------------------------------------------------------ */

/* The decoder's state. */
struct dk {
    size_t pos;       /* the next byte to read; on error, the error's offset */
    size_t n;         /* tokens so far */
    size_t cur;       /* the innermost open container, or DSG_CBOR_NONE */
    uint32_t depth;   /* open containers: cur's depth, 0 when none */
    int err;
};

/* What holds of the tokens while the item is read, m being the position.
 * In parts, as in json_tok, so that each step proves small goals:
 * - every token began before m, at a depth within the limit;
 * - a finished token (length > 0) ended by m and its next index is set;
 * - a token of length 0 is an open container, at most the innermost open
 *   one (cur);
 * - token 0 is the top; any other follows its parent, a container one
 *   level up that began before it;
 * - the children of a finished container are finished and end within it;
 * - an open container's parent is open, and no token between the two is
 *   still open (so the open ones form the chain from cur to the top);
 * - a map's last key is a key-typed child of it and a finished span of
 *   the input (len bytes); so are a key that has a previous key and that
 *   previous key (neither is the container a close finishes); keys are
 *   ordered (dsg_cbor_keys_ok). */
/*@ predicate b_basic{L}(dsg_cbor_tok *t, integer n, integer m, integer max) =
      \forall integer i; 0 <= i < n ==>
        t[i].start < m && 1 <= t[i].depth <= max && dsg_cbor_type_ok(t[i].type);

    predicate b_closed{L}(dsg_cbor_tok *t, integer n, integer m) =
      \forall integer i; 0 <= i < n ==> t[i].len > 0 ==>
        t[i].start + t[i].len <= m && i < t[i].next <= n;

    predicate b_open{L}(dsg_cbor_tok *t, integer n, integer cur) =
      \forall integer i; 0 <= i < n ==> t[i].len == 0 ==>
        dsg_cbor_container(t[i].type) && cur != DSG_CBOR_NONE && i <= cur;

    predicate b_tree{L}(dsg_cbor_tok *t, integer n) =
      (n > 0 ==> t[0].parent == DSG_CBOR_NONE && t[0].depth == 1) &&
      \forall integer i; 0 < i < n ==>
        t[i].parent < i && dsg_cbor_container(t[t[i].parent].type) &&
        t[t[i].parent].start < t[i].start && t[i].depth == t[t[i].parent].depth + 1;

    predicate b_nest{L}(dsg_cbor_tok *t, integer n) =
      \forall integer i; 0 < i < n ==> t[t[i].parent].len > 0 ==>
        t[i].len > 0 && t[i].start + t[i].len <= t[t[i].parent].start + t[t[i].parent].len;

    predicate b_chain{L}(dsg_cbor_tok *t, integer n) =
      \forall integer i; 0 < i < n ==> t[i].len == 0 ==>
        t[t[i].parent].len == 0 && \forall integer j; t[i].parent < j < i ==> t[j].len > 0;

    predicate key_span{L}(dsg_cbor_tok *t, integer i, integer len) =
      dsg_cbor_key_type(t[i].type) && 0 < t[i].len && t[i].start + t[i].len <= len;

    predicate b_last{L}(dsg_cbor_tok *t, integer n, integer len) =
      \forall integer i; 0 <= i < n ==> t[i].last_key != DSG_CBOR_NONE ==>
        i < t[i].last_key < n && t[t[i].last_key].parent == i &&
        key_span(t, t[i].last_key, len);

    predicate b_keys{L}(dsg_cbor_tok *t, integer n, integer len) =
      \forall integer i; 0 <= i < n ==> t[i].prev_key != DSG_CBOR_NONE ==>
        key_span(t, i, len) && key_span(t, t[i].prev_key, len);

    predicate building{L}(dsg_cbor_tok *t, integer n, integer cur, integer m, integer max) =
      b_basic(t, n, m, max) && b_closed(t, n, m) && b_open(t, n, cur) && b_tree(t, n) &&
      b_nest(t, n) && b_chain(t, n);

    predicate dk_scalars(integer cap, integer max, integer len, struct dk k) =
      k.pos <= len && k.n <= cap && k.depth <= max &&
      (k.cur == DSG_CBOR_NONE ==> k.depth == 0) &&
      (k.cur != DSG_CBOR_NONE ==> k.cur < k.n);

    // The innermost open container, at the depth the state says.
    predicate dk_cur{L}(dsg_cbor_tok *t, struct dk k) =
      k.cur != DSG_CBOR_NONE ==>
        t[k.cur].len == 0 && k.depth == t[k.cur].depth && dsg_cbor_container(t[k.cur].type);

    predicate dk_ok{L}(uint8_t *b, dsg_cbor_tok *t, integer cap, integer max, integer len,
                       struct dk k) =
      dk_scalars(cap, max, len, k) && dk_cur(t, k) && building(t, k.n, k.cur, k.pos, max) &&
      b_last(t, k.n, len) && b_keys(t, k.n, len) && dsg_cbor_keys_ok(b, t, k.n);
*/

/* Writes token n. A call, rather than many stores in add_tree: the proof
 * of add_tree then sees one write to toks[n]. */
/*@ requires \valid(toks + n) && n < SIZE_MAX;
    assigns toks[n];
    ensures toks[n].arg == arg && toks[n].start == start && toks[n].len == l &&
            toks[n].parent == parent && toks[n].next == n + 1 && toks[n].kids == 0 &&
            toks[n].prev_key == prev && toks[n].last_key == DSG_CBOR_NONE &&
            toks[n].depth == depth && toks[n].head == head && toks[n].type == type;
*/
static void put_token(dsg_cbor_tok *toks, size_t n, uint64_t arg, size_t start, size_t l,
                      size_t parent, size_t prev, uint32_t depth, uint16_t head, uint16_t type)
{
    dsg_cbor_tok *t = &toks[n];
    t->arg = arg;
    t->start = start;
    t->len = l;
    t->parent = parent;
    t->next = n + 1;
    t->kids = 0;
    t->prev_key = prev;
    t->last_key = DSG_CBOR_NONE;
    t->depth = depth;
    t->head = head;
    t->type = type;
}

/* One more child in the container at cur; key: the child's index when it
 * is a map key, else DSG_CBOR_NONE. */
/*@ requires \valid(toks + cur);
    assigns toks[cur].kids, toks[cur].last_key;
    ensures key != DSG_CBOR_NONE ==> toks[cur].last_key == key;
    ensures key == DSG_CBOR_NONE ==> toks[cur].last_key == \old(toks[cur].last_key);
*/
static void count_child(dsg_cbor_tok *toks, size_t cur, size_t key)
{
    if (toks[cur].kids < SIZE_MAX)
        toks[cur].kids++;
    if (key != DSG_CBOR_NONE)
        toks[cur].last_key = key;
}

/* The state with an error found at `at`. */
/*@ assigns \nothing;
    ensures \result.pos == at && \result.err == err && \result.n == k.n &&
            \result.cur == k.cur && \result.depth == k.depth;
*/
static struct dk fail_at(struct dk k, size_t at, int err)
{
    k.pos = at;
    k.err = err;
    return k;
}

/* The container at cur has all its children. */
/*@ requires \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int full(const dsg_cbor_tok *t)
{
    return t->type == DSG_CBOR_MAP ? t->kids / 2u >= t->arg : t->kids >= t->arg;
}

/* The innermost container is finished at pos; its parent becomes the
 * innermost. */
/*@ requires \valid(toks + (0 .. cap - 1)) && dk_ok(buf, toks, cap, max, len, k);
    requires k.cur != DSG_CBOR_NONE;
    assigns toks[k.cur].len, toks[k.cur].next;
    ensures dk_scalars(cap, max, len, \result) && \result.pos == k.pos &&
            \result.n == k.n && \result.depth == k.depth - 1 && \result.err == DSG_CBOR_OK;
    ensures 1 <= \result.n && 0 < \result.pos;
    ensures dk_cur(toks, \result);
    ensures b_basic(toks, \result.n, \result.pos, max);
    ensures b_closed(toks, \result.n, \result.pos);
    ensures b_open(toks, \result.n, \result.cur);
    ensures b_tree(toks, \result.n);
    ensures b_nest(toks, \result.n);
    ensures b_chain(toks, \result.n);
    ensures b_last(toks, \result.n, len);
    ensures b_keys(toks, \result.n, len);
    ensures dsg_cbor_keys_ok(buf, toks, \result.n);
*/
static struct dk close_container(const uint8_t *buf, dsg_cbor_tok *toks, size_t cap,
                                 uint32_t max, size_t len, struct dk k)
{
    (void)buf, (void)cap, (void)max, (void)len;    /* for the contract */
    toks[k.cur].len = k.pos - toks[k.cur].start;
    toks[k.cur].next = k.n;
    /* The keys are not the container: their start and length stay. */
    /*@ assert \forall integer i; 0 <= i < k.n ==> dsg_cbor_key_type(toks[i].type) ==>
          toks[i].start == \at(toks[i].start, Pre) && toks[i].len == \at(toks[i].len, Pre); */
    k.depth--;
    k.err = DSG_CBOR_OK;
    k.cur = toks[k.cur].parent;
    return k;
}

/* The count after token n, whose place in the chain of open containers
 * is given. A function of its own so that this step of the proof (the
 * chain of open containers takes in token n) is made without add_tree's
 * other facts in view. */
/*@ requires n < SIZE_MAX && b_chain(toks, n);
    requires n > 0 && toks[n].len == 0 ==>
               toks[toks[n].parent].len == 0 &&
               \forall integer j; toks[n].parent < j < n ==> toks[j].len > 0;
    assigns \nothing;
    ensures \result == n + 1 && b_chain(toks, \result);
*/
static size_t chained(const dsg_cbor_tok *toks, size_t n)
{
    (void)toks;    /* for the contract */
    return n + 1;
}

/* The tree part of add_token (json_tok's add_token): the token, the
 * parent's count and last key; what it keeps of the old tokens' key
 * fields is in its contract, for add_token. */
/*@ requires \valid(toks + (0 .. cap - 1));
    requires dk_scalars(cap, max, len, k) && dk_cur(toks, k) &&
             building(toks, k.n, k.cur, k.pos, max);
    requires k.n < cap && k.depth < max && dsg_cbor_type_ok(type);
    requires k.cur == DSG_CBOR_NONE ==> k.n == 0;
    requires k.pos < hend <= end <= len && hend - k.pos <= 9;
    requires key == 0 || (key == 1 && k.cur != DSG_CBOR_NONE);
    requires open == 1 ==> dsg_cbor_container(type) && end == hend;
    requires open == 0 || open == 1;
    assigns toks[0 .. cap - 1];
    ensures dk_scalars(cap, max, len, \result) && \result.pos == end &&
            \result.n == k.n + 1 && \result.err == DSG_CBOR_OK;
    ensures \result.depth == k.depth + open;
    ensures dk_cur(toks, \result);
    ensures b_basic(toks, \result.n, \result.pos, max);
    ensures b_closed(toks, \result.n, \result.pos);
    ensures b_open(toks, \result.n, \result.cur);
    ensures b_tree(toks, \result.n);
    ensures b_nest(toks, \result.n);
    ensures b_chain(toks, \result.n);
    ensures \forall integer i; 0 <= i < k.n ==>
              toks[i].start == \old(toks[i].start) && toks[i].len == \old(toks[i].len) &&
              toks[i].parent == \old(toks[i].parent) && toks[i].type == \old(toks[i].type) &&
              toks[i].prev_key == \old(toks[i].prev_key);
    ensures \forall integer i; 0 <= i < k.n && i != k.cur ==>
              toks[i].last_key == \old(toks[i].last_key);
    ensures k.cur != DSG_CBOR_NONE && key == 1 ==> toks[k.cur].last_key == k.n;
    ensures k.cur != DSG_CBOR_NONE && key == 0 ==>
              toks[k.cur].last_key == \old(toks[k.cur].last_key);
    ensures toks[k.n].start == k.pos && toks[k.n].parent == k.cur && toks[k.n].type == type &&
            toks[k.n].prev_key == prev && toks[k.n].last_key == DSG_CBOR_NONE;
    ensures open == 0 ==> toks[k.n].len == end - k.pos;
*/
static struct dk add_tree(dsg_cbor_tok *toks, size_t cap, uint32_t max, size_t len, struct dk k,
                          int type, uint64_t arg, size_t hend, size_t end, int key, size_t prev,
                          int open)
{
    (void)cap, (void)max, (void)len;    /* for the contract */
    if (k.cur != DSG_CBOR_NONE)
        count_child(toks, k.cur, key ? k.n : DSG_CBOR_NONE);
    put_token(toks, k.n, arg, k.pos, open ? 0 : end - k.pos, k.cur, prev, k.depth + 1,
              (uint16_t)(hend - k.pos), (uint16_t)type);
    if (open) {
        k.cur = k.n;
        k.depth++;
    }
    /* For the proof, in this order (each assertion is cheapest with few
     * before it): the old tokens keep their invariant, then the new
     * token's place in the tree and in the chain of open containers. */
    /*@ assert \forall integer i; 0 <= i < \at(k.n, Pre) ==>
          toks[i].len == \at(toks[i].len, Pre) && toks[i].parent == \at(toks[i].parent, Pre); */
    //@ assert b_chain(toks, \at(k.n, Pre));
    //@ assert b_tree(toks, \at(k.n, Pre));
    /*@ assert open && \at(k.cur, Pre) != DSG_CBOR_NONE ==>
          \forall integer j; \at(k.cur, Pre) < j < \at(k.n, Pre) ==> toks[j].len > 0; */
    /*@ assert \at(k.n, Pre) == 0 ==>
          toks[0].parent == DSG_CBOR_NONE && toks[0].depth == 1; */
    /*@ assert \at(k.n, Pre) > 0 ==>
          toks[\at(k.n, Pre)].parent < \at(k.n, Pre) &&
          dsg_cbor_container(toks[toks[\at(k.n, Pre)].parent].type) &&
          toks[toks[\at(k.n, Pre)].parent].start < toks[\at(k.n, Pre)].start &&
          toks[\at(k.n, Pre)].depth == toks[toks[\at(k.n, Pre)].parent].depth + 1; */
    /*@ assert \at(k.n, Pre) > 0 && toks[\at(k.n, Pre)].len == 0 ==>
          toks[toks[\at(k.n, Pre)].parent].len == 0 &&
          \forall integer j; toks[\at(k.n, Pre)].parent < j < \at(k.n, Pre) ==> toks[j].len > 0; */
    /*@ assert \forall integer i; 0 <= i < \at(k.n, Pre) ==>
          toks[i].start == \at(toks[i].start, Pre) && toks[i].prev_key == \at(toks[i].prev_key, Pre) &&
          toks[i].type == \at(toks[i].type, Pre) && toks[i].depth == \at(toks[i].depth, Pre) &&
          toks[i].next == \at(toks[i].next, Pre); */
    k.n = chained(toks, k.n);
    k.pos = end;
    k.err = DSG_CBOR_OK;
    return k;
}

/* Appends the item of the given type whose head is buf[pos .. hend) and
 * which ends at end (hend when a container with children, which is
 * opened and becomes the innermost); prev is the previous key of the map
 * when the item is a map key following another. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(toks + (0 .. cap - 1));
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1));
    requires dk_ok(buf, toks, cap, max, len, k);
    requires k.n < cap && k.depth < max && dsg_cbor_type_ok(type);
    requires k.cur == DSG_CBOR_NONE ==> k.n == 0;
    requires k.pos < hend <= end <= len && hend - k.pos <= 9;
    requires key == 0 || (key == 1 && k.cur != DSG_CBOR_NONE && dsg_cbor_key_type(type) &&
                          toks[k.cur].type == DSG_CBOR_MAP);
    requires key == 1 ==> prev == toks[k.cur].last_key;
    requires key == 0 ==> prev == DSG_CBOR_NONE;
    requires prev != DSG_CBOR_NONE ==>
               dsg_cbor_key_less(buf, toks[prev].start, toks[prev].len, k.pos, end - k.pos);
    requires open == 1 ==> dsg_cbor_container(type) && end == hend;
    requires open == 0 || open == 1;
    assigns toks[0 .. cap - 1];
    ensures dk_scalars(cap, max, len, \result) && \result.pos == end &&
            \result.n == k.n + 1 && \result.err == DSG_CBOR_OK;
    ensures \result.depth == k.depth + open;
    ensures dk_cur(toks, \result);
    ensures building(toks, \result.n, \result.cur, \result.pos, max);
    ensures b_last(toks, \result.n, len);
    ensures b_keys(toks, \result.n, len);
    ensures dsg_cbor_keys_ok(buf, toks, \result.n);
*/
static struct dk add_token(const uint8_t *buf, dsg_cbor_tok *toks, size_t cap, uint32_t max,
                           size_t len, struct dk k, int type, uint64_t arg, size_t hend,
                           size_t end, int key, size_t prev, int open)
{
    (void)buf;    /* for the contract */
    /*@ assert prev != DSG_CBOR_NONE ==>
          k.cur < prev < k.n && toks[prev].parent == k.cur && key_span(toks, prev, len); */
    struct dk r = add_tree(toks, cap, max, len, k, type, arg, hend, end, key, prev, open);
    /* The new token is a key span when it has a previous key; add_tree
     * left the key fields of the old tokens alone, and the input: no
     * field of a token has its type (uint8_t). */
    //@ assert prev != DSG_CBOR_NONE ==> open == 0 && key_span(toks, k.n, len);
    //@ assert b_keys(toks, k.n, len);
    //@ assert dsg_cbor_keys_ok(buf, toks, k.n);
    return r;
}

/* Why an item cannot start at k.pos: the limits. */
/*@ assigns \nothing;
    ensures \result == DSG_CBOR_OK || \result == DSG_CBOR_E_DEPTH ||
            \result == DSG_CBOR_E_TOO_MANY_TOKENS;
    ensures \result == DSG_CBOR_OK ==> k.depth < max && k.n < cap;
*/
static int limit_error(struct dk k, uint32_t max, size_t cap)
{
    if (k.depth >= max)
        return DSG_CBOR_E_DEPTH;
    return k.n >= cap ? DSG_CBOR_E_TOO_MANY_TOKENS : DSG_CBOR_OK;
}

/* The item at pos is a key of the innermost open container. */
/*@ requires \valid_read(toks + (0 .. cap - 1));
    requires k.cur != DSG_CBOR_NONE ==> k.cur < cap;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> k.cur != DSG_CBOR_NONE && toks[k.cur].type == DSG_CBOR_MAP;
*/
static int at_key(const dsg_cbor_tok *toks, size_t cap, struct dk k)
{
    (void)cap;
    return k.cur != DSG_CBOR_NONE && toks[k.cur].type == DSG_CBOR_MAP &&
           toks[k.cur].kids % 2u == 0u;
}

/* One item at pos: its head, its payload, the key rules; then its token. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid(toks + (0 .. cap - 1));
    requires \separated(toks + (0 .. cap - 1), buf + (0 .. len - 1));
    requires dk_ok(buf, toks, cap, max, len, k);
    requires k.cur == DSG_CBOR_NONE ==> k.n == 0;
    assigns toks[0 .. cap - 1];
    ensures \result.err == DSG_CBOR_OK || dsg_cbor_decode_error(\result.err);
    ensures \result.err != DSG_CBOR_OK ==> \result.pos <= len;
    ensures \result.err == DSG_CBOR_OK ==>
              dk_ok(buf, toks, cap, max, len, \result) && \result.n == k.n + 1 &&
              \result.depth <= k.depth + 1 && \result.pos > k.pos;
*/
static struct dk step(const uint8_t *buf, size_t len, dsg_cbor_tok *toks, size_t cap,
                      uint32_t max, struct dk k)
{
    int err = limit_error(k, max, cap);
    if (err != DSG_CBOR_OK)
        return fail_at(k, k.pos, err);
    if (k.pos >= len)
        return fail_at(k, len, DSG_CBOR_E_TRUNCATED);
    struct head h = read_head(buf, len, k.pos);
    if (h.err != DSG_CBOR_OK)
        return fail_at(k, h.at, h.err);
    int type = buf[k.pos] / 32;
    int key = at_key(toks, cap, k);
    if (key && type > DSG_CBOR_TEXT)
        return fail_at(k, k.pos, DSG_CBOR_E_KEY_TYPE);
    struct head e = item_end(buf, len, k.pos, h);
    if (e.err != DSG_CBOR_OK)
        return fail_at(k, e.at, e.err);
    size_t prev = key ? toks[k.cur].last_key : DSG_CBOR_NONE;
    if (prev != DSG_CBOR_NONE &&
        !key_less(buf, len, toks[prev].start, toks[prev].len, k.pos, e.at - k.pos))
        return fail_at(k, k.pos, DSG_CBOR_E_KEY_ORDER);
    int open = (type == DSG_CBOR_ARRAY || type == DSG_CBOR_MAP) && h.arg > 0u;
    return add_token(buf, toks, cap, max, len, k, type, h.arg, h.at, e.at, key, prev, open);
}

/* A decode that has read its item: the item's tokens and length. */
/*@ requires \valid(ntoks) && \valid(eaten) && \separated(ntoks, eaten);
    requires \separated(toks + (0 .. n - 1), buf + (0 .. len - 1), ntoks, eaten);
    requires 1 <= n && building(toks, n, DSG_CBOR_NONE, m, max);
    requires dsg_cbor_keys_ok(buf, toks, n);
    assigns *ntoks, *eaten;
    ensures *ntoks == n && *eaten == m;
    ensures dsg_cbor_toks_ok(toks, n, m, max);
    ensures dsg_cbor_keys_ok(buf, toks, n);
*/
static void finish(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n, size_t m,
                   uint32_t max, size_t *ntoks, size_t *eaten)
{
    (void)buf, (void)len, (void)toks, (void)max;    /* for the contract */
    //@ assert dsg_cbor_toks_ok(toks, n, m, max);
    *ntoks = n;
    *eaten = m;
}

int dsg_cbor_decode(const uint8_t *buf, size_t len, uint32_t max_depth, dsg_cbor_tok *toks,
                    size_t cap, size_t *ntoks, size_t *eaten, size_t *err_at)
{
    struct dk k = {0, 0, DSG_CBOR_NONE, 0, DSG_CBOR_OK};
    /*@ loop invariant dk_ok(buf, toks, cap, max_depth, len, k) && k.err == DSG_CBOR_OK;
        loop invariant k.cur == DSG_CBOR_NONE ==> k.n == 0;
        loop assigns k, toks[0 .. cap - 1];
        loop variant 2 * (cap - k.n) + k.depth;
    */
    for (;;) {
        if (k.cur != DSG_CBOR_NONE && full(&toks[k.cur]))
            k = close_container(buf, toks, cap, max_depth, len, k);
        else
            k = step(buf, len, toks, cap, max_depth, k);
        if (k.err != DSG_CBOR_OK || k.cur == DSG_CBOR_NONE)
            break;
    }
    if (k.err != DSG_CBOR_OK) {
        *err_at = k.pos;
        return k.err;
    }
    //@ assert 1 <= k.n && 0 < k.pos;
    finish(buf, len, toks, k.n, k.pos, max_depth, ntoks, eaten);
    return DSG_CBOR_OK;
}

/* ---- lookups ---------------------------------------------------------------- */

/* The integer value of *t, when it is an integer within int64_t. */
int dsg_cbor_int(const dsg_cbor_tok *t, int64_t *out)
{
    if (t->type != DSG_CBOR_UINT && t->type != DSG_CBOR_NEGINT)
        return DSG_CBOR_E_BAD_TOKEN;
    if (t->arg > (uint64_t)INT64_MAX)
        return DSG_CBOR_E_RANGE;
    *out = t->type == DSG_CBOR_UINT ? (int64_t)t->arg : -1 - (int64_t)t->arg;
    return DSG_CBOR_OK;
}

/* The key token at kidx equals the integer key. */
/*@ requires \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_cbor_int_key(*t, key);
*/
static int int_key_is(const dsg_cbor_tok *t, int64_t key)
{
    if (key >= 0)
        return t->type == DSG_CBOR_UINT && t->arg == (uint64_t)key;
    return t->type == DSG_CBOR_NEGINT && t->arg == (uint64_t)(-(key + 1));
}

/* The key token *t holds the text k[0 .. kl) and lies in buf[0 .. len). */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(k + (0 .. kl - 1));
    requires \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> dsg_cbor_text_key(buf, len, *t, k, kl);
*/
static int text_key_is(const uint8_t *buf, size_t len, const dsg_cbor_tok *t, const uint8_t *k,
                       size_t kl)
{
    if (t->type != DSG_CBOR_TEXT || t->arg != kl || t->start > len || t->head > len - t->start ||
        kl > len - t->start - t->head)
        return 0;
    if (kl == 0u)
        return 1;    /* and buf may then be empty: no pointer into it */
    const uint8_t *p = buf + t->start + t->head;
    /*@ loop invariant 0 <= i <= kl;
        loop invariant \forall integer j; 0 <= j < i ==> p[j] == k[j];
        loop assigns i;
        loop variant kl - i;
    */
    for (size_t i = 0; i < kl; i++)
        if (p[i] != k[i])
            return 0;
    return 1;
}

/* The index of the entry (key, value) of the map at m after the one whose
 * key is at kidx: past the value's subtree; n when the tokens do not say. */
/*@ requires \valid_read(toks + (0 .. n - 1)) && kidx < n;
    assigns \nothing;
    ensures kidx < \result <= n;
*/
static size_t next_entry(const dsg_cbor_tok *toks, size_t n, size_t kidx)
{
    if (n - kidx < 2u)
        return n;
    size_t after = toks[kidx + 1].next;
    return after > kidx + 1u && after <= n ? after : n;
}

/* The first key of the map at map whose token satisfies the test: kind 0
 * an integer key ikey, kind 1 the text tkey[0 .. tlen) of buf. */
/*@ requires \valid_read(buf + (0 .. len - 1)) && \valid_read(tkey + (0 .. tlen - 1));
    requires \valid_read(toks + (0 .. n - 1)) && map < n;
    assigns \nothing;
    ensures \result == DSG_CBOR_NONE ||
            (map < \result < n - 1 && toks[\result + 1].parent == map &&
             (kind == 0 ==> dsg_cbor_int_key(toks[\result], ikey)) &&
             (kind != 0 ==> dsg_cbor_text_key(buf, len, toks[\result], tkey, tlen)));
*/
static size_t find_key(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                       size_t map, int kind, int64_t ikey, const uint8_t *tkey, size_t tlen)
{
    size_t end = toks[map].next <= n ? toks[map].next : n;
    /*@ loop invariant map + 1 <= a <= n;
        loop assigns a;
        loop variant n - a;
    */
    for (size_t a = map + 1; a < end; a = next_entry(toks, n, a)) {
        if (n - a < 2u || toks[a].parent != map || toks[a + 1].parent != map)
            continue;
        int hit = kind == 0 ? int_key_is(&toks[a], ikey)
                            : text_key_is(buf, len, &toks[a], tkey, tlen);
        if (hit)
            return a;
    }
    return DSG_CBOR_NONE;
}

int dsg_cbor_map_find_int(const dsg_cbor_tok *toks, size_t n, size_t map, int64_t key,
                          size_t *value)
{
    static const uint8_t none[1] = {0};
    if (map >= n || toks[map].type != DSG_CBOR_MAP)
        return DSG_CBOR_E_BAD_TOKEN;
    size_t k = find_key(none, 1, toks, n, map, 0, key, none, 0);
    if (k == DSG_CBOR_NONE)
        return DSG_CBOR_E_NOT_FOUND;
    *value = k + 1;
    return DSG_CBOR_OK;
}

int dsg_cbor_map_find_text(const uint8_t *buf, size_t len, const dsg_cbor_tok *toks, size_t n,
                           size_t map, const uint8_t *key, size_t klen, size_t *value)
{
    if (map >= n || toks[map].type != DSG_CBOR_MAP)
        return DSG_CBOR_E_BAD_TOKEN;
    size_t k = find_key(buf, len, toks, n, map, 1, 0, key, klen);
    if (k == DSG_CBOR_NONE)
        return DSG_CBOR_E_NOT_FOUND;
    *value = k + 1;
    return DSG_CBOR_OK;
}

/* Index = result; the last row answers any other value. */
static const char error_tokens[DSG_CBOR_E_RANGE + 2][16] = {
    "ok", "depth", "too-many-tokens", "truncated", "not-shortest", "indefinite", "reserved",
    "tag", "simple", "bad-utf8", "key-type", "key-order", "not-found", "bad-token", "range",
    "unknown",
};

const char *dsg_cbor_error_token(int code)
{
    if (code < 0 || code > DSG_CBOR_E_RANGE)
        code = DSG_CBOR_E_RANGE + 1;
    return error_tokens[code];
}
