/*
 * UTC RFC 3339 timestamps with exactly three fractional digits and Z
 * (2024-04-12T03:04:05.678Z), the one time format of dsg's records and
 * logs (REQ-LOG-002). Pure: no allocation, no I/O, no libc, so no
 * time-zone file is ever opened, even in a chroot.
 */
#ifndef DSG_CORE_RFC3339_H
#define DSG_CORE_RFC3339_H

#include <stddef.h>
#include <stdint.h>

#define DSG_RFC3339_LEN 24u                        /* without the NUL */
#define DSG_RFC3339_SEC_MIN (-62167219200LL)       /* 0000-01-01T00:00:00Z */
#define DSG_RFC3339_SEC_MAX 253402300799LL         /* 9999-12-31T23:59:59Z */

#include "acsl/rfc3339.acsl.h"

/* Writes YYYY-MM-DDTHH:MM:SS.mmmZ and a NUL for sec seconds and nsec
 * nanoseconds since 1970-01-01T00:00:00Z into out[0..24]; returns 24.
 * Returns 0 and writes nothing when size < 25, nsec is outside
 * 0..999999999 or the year outside 0000..9999. The milliseconds are
 * truncated, never rounded up into the next second.
 * @relation(REQ-LOG-002) */
/*@ requires \valid(out + (0 .. size - 1));
    assigns out[0 .. 24];
    behavior refused:
      assumes size < 25 || nsec < 0 || nsec > 999999999 ||
              sec < DSG_RFC3339_SEC_MIN || sec > DSG_RFC3339_SEC_MAX;
      assigns \nothing;
      ensures \result == 0;
    behavior written:
      assumes size >= 25 && 0 <= nsec <= 999999999 &&
              DSG_RFC3339_SEC_MIN <= sec <= DSG_RFC3339_SEC_MAX;
      assigns out[0 .. 24];
      ensures \result == 24;
      ensures dsg_rfc_shape(out);
      ensures dsg_rfc_fields_ok(out);
      ensures dsg_rfc_names(out, sec, nsec);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
size_t dsg_rfc3339_ms(char *out, size_t size, int64_t sec, int64_t nsec);

#endif
