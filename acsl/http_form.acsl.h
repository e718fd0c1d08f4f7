/*
 * ACSL logic for the application/x-www-form-urlencoded parser
 * (src/core/http_form.h). Included by that header after the types it talks
 * about; installed with it. No axioms, no lemmas: every predicate here is a
 * plain definition.
 */
#ifndef DSG_ACSL_HTTP_FORM_H
#define DSG_ACSL_HTTP_FORM_H

/*@
  // No byte of s[i .. j) is c.
  predicate dsg_form_none{L}(uint8_t *s, integer i, integer j, integer c) =
    \forall integer k; i <= k < j ==> s[k] != c;

  // One field of s[0 .. len): the name before the value, both inside the
  // input, neither holding "&", the name holding no "=".
  predicate dsg_form_field_ok{L}(uint8_t *s, integer len, dsg_form_field f) =
    0 <= f.name_off && f.name_off + f.name_len <= f.value_off &&
    f.value_off + f.value_len <= len &&
    dsg_form_none(s, f.name_off, f.name_off + f.name_len, '&') &&
    dsg_form_none(s, f.name_off, f.name_off + f.name_len, '=') &&
    dsg_form_none(s, f.value_off, f.value_off + f.value_len, '&');

  predicate dsg_form_fields_ok{L}(uint8_t *s, integer len, dsg_form_field *f, integer n) =
    \forall integer k; 0 <= k < n ==> dsg_form_field_ok(s, len, f[k]);

  // Every field's name slice lies inside s[0 .. len).
  predicate dsg_form_names_in{L}(dsg_form_field *f, integer n, integer len) =
    \forall integer k; 0 <= k < n ==> f[k].name_off + f[k].name_len <= len;
*/

#endif
