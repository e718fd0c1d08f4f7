/*
 * アカウント管理操作ログ of a refused attempt at an administrative function
 * (REQ-ACCT-013): a client of the control socket outside group dsgadm, a
 * command without a valid administrator's login, an administrative path
 * asked for on the TLS port. Each is recorded as a warning (警告) with who
 * or where it came from and what was attempted, beside the record of the
 * channel itself (control, ポータルサイトアクセスログ).
 */
#ifndef DSGD_REFUSAL_H
#define DSGD_REFUSAL_H

#define DSGD_EVENT_CTL_REFUSED 4191u      /* a command refused on the control socket */
#define DSGD_EVENT_TLS_ADMIN_PATH 4192u   /* an administrative path asked for on the TLS port */

/* Queues the warning: source the role ("dsgd/ctl", "dsgd/portal"),
 * computer the machine it came from (the gateway's name, or the client's
 * address), actor who ("uid:U", or "-"), detail what was attempted and
 * why it was refused; uid and pid NULL when there are none. 0, or -1 when
 * the record was dropped. @relation(REQ-ACCT-013) */
int dsgd_refusal_record(const char *source, unsigned event_id, const char *computer,
                        const char *actor, const char *detail, const char *uid,
                        const char *pid);

#endif
