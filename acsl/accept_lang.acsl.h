/*
 * ACSL logic for the Accept-Language parser and chooser
 * (src/core/accept_lang.h). Included by that header after its types;
 * installed with it. Plain definitions; nothing assumed.
 */
#ifndef DSG_ACSL_ACCEPT_LANG_H
#define DSG_ACSL_ACCEPT_LANG_H

/*@
  predicate dsg_al_alpha(integer c) = ('A' <= c <= 'Z') || ('a' <= c <= 'z');
  predicate dsg_al_alnum(integer c) = dsg_al_alpha(c) || ('0' <= c <= '9');

  // ASCII lower case, the folding of RFC 4647 §2 (ranges and tags compare
  // case-insensitively).
  logic integer dsg_al_lower(integer c) = ('A' <= c && c <= 'Z') ? c + 32 : c;

  // h[off .. off + len) is the range "*".
  predicate dsg_al_is_star{L}(char *h, dsg_al_range r) =
    r.len == 1 && h[r.off] == '*';

  // A parsed range: inside the input h[0 .. len), non-empty, "*" or a
  // letter followed by letters, digits and '-', q in thousandths 0..1000.
  predicate dsg_al_range_ok{L}(char *h, integer len, dsg_al_range r) =
    r.len >= 1 && r.off + r.len <= len && r.q <= DSG_AL_Q_ONE &&
    (dsg_al_is_star(h, r) ||
     (dsg_al_alpha(h[r.off]) &&
      \forall integer k; r.off <= k < r.off + r.len ==>
        dsg_al_alnum(h[k]) || h[k] == '-'));

  predicate dsg_al_ranges_ok{L}(char *h, integer len, dsg_al_range *r, integer n) =
    \forall integer i; 0 <= i < n ==> dsg_al_range_ok(h, len, r[i]);

  // A supported language tag: 1 .. DSG_AL_TAG_MAX bytes.
  predicate dsg_al_lang_ok{L}(dsg_al_lang *l) = 1 <= l->len <= DSG_AL_TAG_MAX;

  predicate dsg_al_langs_ok{L}(dsg_al_lang *l, integer n) =
    1 <= n <= DSG_AL_LANGS_MAX && \forall integer k; 0 <= k < n ==> dsg_al_lang_ok(l + k);

  // The first n bytes of h[off ..] and of the tag are equal, case folded.
  predicate dsg_al_eq_ci{L}(char *h, integer off, dsg_al_lang *l, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_al_lower(h[off + k]) == dsg_al_lower(l->tag[k]);

  // Range r (not "*") matches tag l: one is the other, or a prefix of it
  // followed by '-' (a subtag boundary), case folded. Range prefix of the
  // tag is RFC 4647 §3.3.1 basic filtering ("ja" matches "ja-JP"); tag
  // prefix of the range is §3.4 lookup's truncation ("ja-JP" finds "ja").
  predicate dsg_al_matches_at{L}(char *h, integer off, integer len, dsg_al_lang *l) =
    len <= l->len ?
      dsg_al_eq_ci(h, off, l, len) && (len == l->len || l->tag[len] == '-') :
      dsg_al_eq_ci(h, off, l, l->len) && h[off + l->len] == '-';

  predicate dsg_al_matches{L}(char *h, dsg_al_range r, dsg_al_lang *l) =
    dsg_al_matches_at(h, r.off, r.len, l);

  // Range r covers tag l: r matches l and is not longer (basic filtering
  // alone: "en-US" does not cover "en").
  predicate dsg_al_covers{L}(char *h, dsg_al_range r, dsg_al_lang *l) =
    r.len <= l->len && dsg_al_matches(h, r, l);

  // Tag l is refused: a range of q=0 other than "*" covers it.
  predicate dsg_al_refused{L}(char *h, dsg_al_range *r, integer n, dsg_al_lang *l) =
    \exists integer j; 0 <= j < n && r[j].q == 0 && !dsg_al_is_star(h, r[j]) &&
      dsg_al_covers(h, r[j], l);

  // Range i, with q > 0, offers supported tag k: "*" offers the default,
  // any other range the tags it matches; never a refused tag.
  predicate dsg_al_offers{L}(char *h, dsg_al_range *r, integer n, integer i,
                             dsg_al_lang *l, integer k, integer dflt) =
    r[i].q > 0 && !dsg_al_refused(h, r, n, l + k) &&
    (dsg_al_is_star(h, r[i]) ? k == dflt : dsg_al_matches(h, r[i], l + k));

  // Range i offers some tag of l[0 .. nl).
  predicate dsg_al_offers_any{L}(char *h, dsg_al_range *r, integer n, integer i,
                                 dsg_al_lang *l, integer nl, integer dflt) =
    \exists integer k; 0 <= k < nl && dsg_al_offers(h, r, n, i, l, k, dflt);
*/

#endif
