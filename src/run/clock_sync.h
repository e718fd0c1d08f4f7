/*
 * Whether the host clock is synchronised (REQ-NTP-003, its kernel part):
 * ntp_adjtime(2) read without changing anything (modes 0). The clock is
 * unsynchronised when the call returns TIME_ERROR, when STA_UNSYNC is set,
 * or when the kernel's maximum error exceeds ntp.max_offset. The backup
 * retention job asks before it deletes anything (REQ-BKUP-008); the ntp
 * role will ask the same.
 */
#ifndef DSGD_CLOCK_SYNC_H
#define DSGD_CLOCK_SYNC_H

#include <stddef.h>
#include <stdint.h>

typedef enum dsgd_clock_verdict {
    DSGD_CLOCK_SYNCED = 0,
    DSGD_CLOCK_TIME_ERROR = 1,   /* ntp_adjtime returned TIME_ERROR */
    DSGD_CLOCK_STA_UNSYNC = 2,   /* STA_UNSYNC set */
    DSGD_CLOCK_MAXERROR = 3,     /* maximum error above ntp.max_offset */
    DSGD_CLOCK_NO_ANSWER = 4     /* ntp_adjtime failed */
} dsgd_clock_verdict;

typedef struct dsgd_clock_state {
    int rc;              /* ntp_adjtime's return: TIME_OK .. TIME_ERROR, -1 failed */
    int status;          /* the kernel's STA_* bits */
    long maxerror_us;    /* the kernel's maximum error, microseconds */
    long esterror_us;    /* its estimated error */
} dsgd_clock_state;

/* The verdict on a kernel answer, pure. max_offset_ms: ntp.max_offset.
 * @relation(REQ-NTP-003) */
dsgd_clock_verdict dsgd_clock_judge(const dsgd_clock_state *s, uint32_t max_offset_ms);

/* The kernel's answer now (modes 0: the clock is not touched).
 * @relation(REQ-NTP-003) */
void dsgd_clock_read(dsgd_clock_state *s);

/* A phrase for a verdict with the kernel's numbers into out, e.g. "the
 * kernel reports the clock unsynchronised (TIME_ERROR, STA_UNSYNC set,
 * maximum error 16 s)". @relation(REQ-NTP-003) */
void dsgd_clock_describe(const dsgd_clock_state *s, dsgd_clock_verdict v, char *out, size_t n);

#endif
