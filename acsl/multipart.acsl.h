/*
 * ACSL logic for the streaming multipart/form-data parser
 * (src/core/multipart.h). Included by that header after the types it talks
 * about; installed with it. No axioms, no lemmas: every predicate here is a
 * plain definition.
 */
#ifndef DSG_ACSL_MULTIPART_H
#define DSG_ACSL_MULTIPART_H

/*@
  // RFC 2046 bchars: DIGIT ALPHA ' ( ) + _ , - . / : = ? and SP.
  predicate dsg_mp_bchar(integer c) =
    ('0' <= c <= '9') || ('a' <= c <= 'z') || ('A' <= c <= 'Z') ||
    c == '\'' || c == '(' || c == ')' || c == '+' || c == '_' || c == ',' ||
    c == '-' || c == '.' || c == '/' || c == ':' || c == '=' || c == '?' || c == ' ';

  // A boundary: 1 to 70 bchars, the last not SP.
  predicate dsg_mp_boundary_ok{L}(uint8_t *b, integer n) =
    1 <= n <= DSG_MP_BOUNDARY_MAX &&
    (\forall integer k; 0 <= k < n ==> dsg_mp_bchar(b[k])) &&
    b[n - 1] != ' ';

  // The phases that scan for the delimiter.
  predicate dsg_mp_scanning(integer ph) =
    ph == DSG_MP_PH_PREAMBLE || ph == DSG_MP_PH_BODY;

  // The phases inside a part's header block.
  predicate dsg_mp_heading(integer ph) =
    DSG_MP_PH_LINE <= ph <= DSG_MP_PH_HEAD_LF;

  // The delimiter the parser keeps: CR LF "--" and a boundary.
  predicate dsg_mp_delim_ok{L}(dsg_mp *m) =
    5 <= m->delim_len <= DSG_MP_DELIM_MAX && m->hdr_cap <= DSG_MP_HEADER_MAX &&
    m->delim[0] == '\r' && m->delim[1] == '\n' &&
    m->delim[2] == '-' && m->delim[3] == '-' &&
    (\forall integer k; 4 <= k < m->delim_len ==> dsg_mp_bchar(m->delim[k])) &&
    m->delim[m->delim_len - 1] != ' ';

  // The counters: a partial match shorter than the delimiter, of which the
  // supplied CR LF is a prefix; a header block within its bound; a line
  // within the buffer, the name before the value, a name of at least one
  // byte once ":" is read.
  predicate dsg_mp_pos_ok{L}(dsg_mp *m) =
    m->pos.phase <= DSG_MP_PH_FAILED &&
    m->pos.match < m->delim_len &&
    (m->pos.virt == 0 || m->pos.virt == 2) && m->pos.virt <= m->pos.match &&
    (!dsg_mp_scanning(m->pos.phase) ==> m->pos.match == 0 && m->pos.virt == 0) &&
    m->pos.head_bytes <= DSG_MP_HEADER_MAX &&
    m->pos.name_len <= m->pos.value_end <= m->pos.used <= m->hdr_cap &&
    (m->pos.phase == DSG_MP_PH_NAME ==> 1 <= m->pos.used) &&
    (DSG_MP_PH_VALUE_WS <= m->pos.phase <= DSG_MP_PH_LINE_LF ==> 1 <= m->pos.name_len);

  predicate dsg_mp_ok{L}(dsg_mp *m) = dsg_mp_delim_ok(m) && dsg_mp_pos_ok(m);

  // What the steps of a feed need and keep: the counters and the
  // delimiter's length. The delimiter itself is never written after
  // dsg_mp_init, so dsg_mp_feed carries dsg_mp_delim_ok past the steps.
  predicate dsg_mp_run_ok{L}(dsg_mp *m) =
    5 <= m->delim_len <= DSG_MP_DELIM_MAX && m->hdr_cap <= DSG_MP_HEADER_MAX &&
    dsg_mp_pos_ok(m);

  // The statuses dsg_mp_feed reports as events, and its errors.
  predicate dsg_mp_event(integer s) = DSG_MP_NEED_MORE <= s <= DSG_MP_END;
  predicate dsg_mp_parse_error(integer s) =
    DSG_MP_ERR_DELIMITER <= s <= DSG_MP_ERR_EPILOGUE;
*/

#endif
