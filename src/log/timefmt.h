/*
 * Timestamps of dsg's logs and audit records: UTC RFC 3339 with exactly
 * three fractional digits and Z (REQ-LOG-002, REQ-RUN-030), e.g.
 * 2024-04-12T03:04:05.678Z. No gmtime_r, so no time-zone file is ever
 * opened, even in a chroot.
 */
#ifndef DSG_TIMEFMT_H
#define DSG_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define DSG_TIME_RFC3339_LEN 24u   /* without the NUL */

/* Formats sec/nsec since the epoch into out (NUL-terminated); returns the
 * length, or 0 (nothing written) if it does not fit, nsec is outside
 * 0..999999999 or the year is outside 0000..9999. The proved core module
 * src/core/rfc3339.h does the work (REQ-LOG-002 is traced to it).
 * @relation(REQ-RUN-030) */
size_t dsg_time_rfc3339_ms(char *out, size_t size, int64_t sec, int64_t nsec);

/* Formats a second since the epoch as an HTTP date (RFC 9110 §5.6.7
 * IMF-fixdate, "Thu, 26 Nov 2026 02:07:27 GMT") into out (at least 30
 * bytes), with the date of the proved src/core/rfc3339; returns the
 * length, or 0 if it does not fit (nothing written) or the year is
 * outside 0000..9999. @relation(REQ-RUN-047) */
size_t dsg_time_imf_fixdate(char *out, size_t size, int64_t sec);

/* The current CLOCK_REALTIME as above: logd's recorded_at and checkpoint
 * times. @relation(REQ-LOG-041) */
size_t dsg_time_now_rfc3339_ms(char *out, size_t size);

#endif
