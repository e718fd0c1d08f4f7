/*
 * base32 without padding (RFC 4648 §6), the form in which authenticator
 * apps take a TOTP secret from an otpauth:// URI (REQ-MFA-005). Encoder
 * only: dsg never reads a secret back from base32. Pure: no allocation,
 * no I/O, no table.
 */
#ifndef DSG_CORE_B32_H
#define DSG_CORE_B32_H

#include <stddef.h>
#include <stdint.h>

#include "acsl/b32.acsl.h"

/* Encodes in[0 .. n) into out[0 .. *out_len), upper case, without padding
 * and without a NUL. Returns 0; -1 (nothing written, *out_len untouched)
 * when cap is below ceil(8n / 5). @relation(REQ-MFA-005) */
/*@ requires \valid_read(in + (0 .. n - 1));
    requires \valid(out + (0 .. cap - 1)) && \valid(out_len);
    requires \separated(out + (0 .. cap - 1), out_len, in + (0 .. n - 1));
    requires \separated(out_len, in + (0 .. n - 1));
    assigns out[0 .. cap - 1], *out_len;
    behavior no_room:
      assumes cap < dsg_b32_enc_len(n);
      assigns \nothing;
      ensures \result == -1;
    behavior encoded:
      assumes cap >= dsg_b32_enc_len(n);
      assigns out[0 .. dsg_b32_enc_len(n) - 1], *out_len;
      ensures \result == 0;
      ensures *out_len == dsg_b32_enc_len(n);
      ensures \forall integer k; 0 <= k < *out_len ==> dsg_b32_alpha(out[k]);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_b32_encode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *out_len);

#endif
