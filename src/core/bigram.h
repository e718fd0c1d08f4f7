/*
 * The terms of a text for the search index (REQ-SHARE-015): character
 * bigrams, so that one- and two-character Japanese queries find what they
 * should without a dictionary.
 *
 * The text is strict UTF-8 (Unicode 15.0 table 3-7). Each code point is
 * folded: full-width ASCII U+FF01..U+FF5E to ASCII, then A-Z to a-z, so
 * that "ＤＳＧ", "DSG" and "dsg" give the same terms. A folded code point is
 * a separator when it is a control (C0, DEL, C1), space or ASCII
 * punctuation, Unicode White_Space, the BOM, or the CJK brackets and
 * punctuation 、。〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟｡｢｣､
 * (acsl/bigram.acsl.h, dsg_bg_sep); every other code point is a word
 * character. A run is a maximal sequence of word characters.
 *
 * The terms of a run of n characters w0..w(n-1):
 * - n == 1: the unigram (w0, 0);
 * - n >= 2: the bigrams (wi, wi+1), i = 0 .. n-2, in order;
 * - in DOCUMENT mode also every unigram (wi, 0): after the bigram that
 *   starts at wi, and for the last character alone. A one-character query
 *   is then one unigram that every document containing it holds.
 * Each term carries its byte offset and length in the text.
 *
 * Invalid UTF-8 is an error, not a separator: the scan stops with
 * DSG_BG_INVALID and the offset of the ill-formed sequence, and says so
 * again at every later call. A text that is not UTF-8 (Shift_JIS, binary)
 * is then not indexed by accident as garbage terms; the caller decides.
 *
 * Resumable: the caller keeps a dsg_bg_cursor between calls and passes the
 * same text each time. Pure: no allocation, no I/O, no globals.
 */
#ifndef DSG_CORE_BIGRAM_H
#define DSG_CORE_BIGRAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct dsg_bg_term {
    uint32_t cp1;   /* folded code point of the first character */
    uint32_t cp2;   /* of the second, 0 for a unigram */
    size_t off;     /* byte offset of the term in the text */
    size_t len;     /* its length in bytes */
} dsg_bg_term;

/* The scan state; set by dsg_bg_init, then only by dsg_bg_next. */
typedef struct dsg_bg_cursor {
    size_t pos;          /* the next character to look at */
    unsigned prev_word;  /* the character before pos is a word character */
    unsigned uni_due;    /* the bigram at pos is out, its unigram is due */
    unsigned unigrams;   /* DOCUMENT mode */
} dsg_bg_cursor;

enum {
    DSG_BG_QUERY = 0,      /* bigrams, unigrams of one-character runs only */
    DSG_BG_DOCUMENT = 1    /* bigrams and every character's unigram */
};

enum {
    DSG_BG_TERM = 1,        /* *t is the next term */
    DSG_BG_END = 0,         /* no term left */
    DSG_BG_INVALID = -1,    /* ill-formed UTF-8 at cursor->pos */
    DSG_BG_BAD_CURSOR = -2  /* a cursor or mode not made by this module */
};

#include "acsl/bigram.acsl.h"

/* Starts a scan at offset 0 in mode DSG_BG_QUERY or DSG_BG_DOCUMENT;
 * DSG_BG_BAD_CURSOR for another mode, leaving *c untouched.
 * @relation(REQ-SHARE-015) */
/*@ requires \valid(c);
    assigns *c;
    behavior known:
      assumes mode == DSG_BG_QUERY || mode == DSG_BG_DOCUMENT;
      ensures \result == DSG_BG_END;
      ensures c->pos == 0 && c->prev_word == 0 && c->uni_due == 0;
      ensures c->unigrams == mode;
      ensures dsg_bg_cursor_ok(*c, 0);
    behavior unknown:
      assumes mode != DSG_BG_QUERY && mode != DSG_BG_DOCUMENT;
      assigns \nothing;
      ensures \result == DSG_BG_BAD_CURSOR;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_bg_init(dsg_bg_cursor *c, int mode);

/* The next term of s[0 .. len) after the cursor.
 * @relation(REQ-SHARE-015) */
/*@ requires \valid(c) && \valid(t);
    requires \valid_read(s + (0 .. len - 1));
    requires \separated(c, t, s + (0 .. len - 1));
    assigns *c, *t;
    behavior bad_cursor:
      assumes !dsg_bg_cursor_ok(*c, len);
      assigns \nothing;
      ensures \result == DSG_BG_BAD_CURSOR;
    behavior scan:
      assumes dsg_bg_cursor_ok(*c, len);
      ensures \result == DSG_BG_TERM || \result == DSG_BG_END ||
              \result == DSG_BG_INVALID;
      ensures dsg_bg_cursor_ok(*c, len);
      ensures c->unigrams == \old(c->unigrams);
      ensures \result == DSG_BG_TERM ==>
                dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
      // the scan terminates: each term moves the cursor on, or (DOCUMENT
      // mode) keeps it on the character whose unigram it now owes
      ensures \result == DSG_BG_TERM ==>
                c->pos > \old(c->pos) ||
                (c->pos == \old(c->pos) && \old(c->uni_due) == 0 && c->uni_due == 1);
      ensures \result == DSG_BG_END ==> c->pos == len;
      ensures \result == DSG_BG_INVALID ==>
                \old(c->pos) <= c->pos < len && !dsg_bg_wf(s, len, c->pos);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_bg_next(dsg_bg_cursor *c, const uint8_t *s, size_t len, dsg_bg_term *t);

#endif
