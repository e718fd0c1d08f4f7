/* dsgd settings: the embedded defaults (spec/run.md config lines). */
#include <string.h>

#include "run/settings.h"

void dsgd_settings_defaults(dsgd_settings *s)
{
    memset(s, 0, sizeof *s);
    strcpy(s->statedir, "var");
    s->pidfile[0] = '\0';          /* derived from statedir once it is known */
    strcpy(s->user, "dsg");
    s->foreground = 0;
    s->restart_delay_ms = 100u;
    s->restart_delay_max_ms = 60000u;
    s->restart_reset_ms = 60000u;
    s->shutdown_timeout_ms = 90000u;
    s->ping_interval_ms = 10000u;
    s->ping_timeout_ms = 10000u;
    strcpy(s->portal_addr, "127.0.0.1");
    s->portal_port = 8443u;
    s->portal_max_conns = 64u;
    s->portal_handshake_ms = 10000u;
    s->portal_head_ms = 10000u;
}
