/*
 * ACSL logic for base32 without padding (src/core/b32.h), RFC 4648 §6.
 * Included by that header; installed with it. Plain definitions only.
 */
#ifndef DSG_ACSL_B32_H
#define DSG_ACSL_B32_H

/*@
  // The RFC 4648 §6 alphabet: A-Z then 2-7.
  predicate dsg_b32_alpha(integer c) = 'A' <= c <= 'Z' || '2' <= c <= '7';

  // The unpadded length of the encoding of n bytes: 8 characters per 5
  // bytes, and 2, 4, 5 or 7 for a final 1, 2, 3 or 4 bytes, i.e.
  // ceil(8n / 5).
  logic integer dsg_b32_enc_len(integer n) = (8 * n + 4) / 5;
*/

#endif
