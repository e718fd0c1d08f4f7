/*
 * The roles' entry points for the worker (role_ops.h). Each role keeps
 * its own API; the adapters below only fit it to the common shape.
 */
#include <string.h>

#include "run/auth.h"
#include "run/auth_http.h"
#include "run/ctl.h"
#include "run/key_setup.h"
#include "run/logd.h"
#include "run/logfwd.h"
#include "run/share.h"
#include "run/portal.h"
#include "run/role_ops.h"
#include "run/sink.h"

/* ---- portal: TLS and HTTP/1.1 (portal.h) ---------------------------------- */

static int portal_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)args;
    if (dsgd_portal_prepare(err, n) != 0)
        return -1;
    *nofile = dsgd_portal_nofile();
    return 0;
}

static int portal_bus_open(dsgd_chan *chan)
{
    dsgd_portal_bus(chan);
    return 0;
}

static int portal_message(const dsgd_msg *m, dsgd_chan *chan)
{
    (void)chan;
    return dsgd_portal_message(m);
}

static void portal_events(const struct pollfd *pf, size_t n, dsgd_chan *chan)
{
    (void)chan;
    dsgd_portal_events(pf, n);
}

static const dsgd_role_ops portal_ops = {
    .setup_step = "tls-setup",
    .prepare = portal_prepare,
    .bus_open = portal_bus_open,
    .message = portal_message,
    .pollfds = dsgd_portal_pollfds,
    .events = portal_events,
    .stop_accepting = dsgd_portal_stop_accepting,
};

/* ---- logd: the audit store (logd.h) ------------------------------------------- */

/* the chain key's memory, before the sandbox (REQ-STOR-010) */
static int logd_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)args;
    (void)nofile;
    return dsgd_key_mem_open("logd", err, n);
}

static int logd_start(const char *dir, const dsgd_role_args *args, char *err, size_t n)
{
    return dsgd_logd_start(dir, args->settings, args->forward, err, n);
}

static const dsgd_role_ops logd_ops = {
    .setup_step = "key-memory",
    .prepare = logd_prepare,
    .start = logd_start,
    .message = dsgd_logd_message,
    .timeout = dsgd_logd_poll_timeout,
    .tick = dsgd_logd_tick,
    .settle = dsgd_logd_settle,
    .backup = dsgd_logd_backup,
    .stop = dsgd_logd_stop,
};

/* ---- ctl: the control socket (ctl.h) ------------------------------------------ */

static int ctl_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)args;
    if (dsgd_ctl_prepare(err, n) != 0)
        return -1;
    *nofile = dsgd_ctl_nofile();
    return 0;
}

static const dsgd_role_ops ctl_ops = {
    .setup_step = "ctl-setup",
    .prepare = ctl_prepare,
    .message = dsgd_ctl_message,
    .pollfds = dsgd_ctl_pollfds,
    .events = dsgd_ctl_events,
    .audited = dsgd_ctl_audited,
};

/* ---- logfwd: the audit trail to collectors (logfwd.h) ------------------------- */

static int logfwd_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)args;
    if (dsgd_logfwd_prepare(err, n) != 0)
        return -1;
    *nofile = dsgd_logfwd_nofile();
    return 0;
}

static int logfwd_bus_open(dsgd_chan *chan)
{
    dsgd_logfwd_bus(chan);
    return 0;
}

static int logfwd_message(const dsgd_msg *m, dsgd_chan *chan)
{
    (void)chan;
    return dsgd_logfwd_message(m);
}

static void logfwd_events(const struct pollfd *pf, size_t n, dsgd_chan *chan)
{
    (void)chan;
    dsgd_logfwd_events(pf, n);
}

static const dsgd_role_ops logfwd_ops = {
    .setup_step = "tls-setup",
    .prepare = logfwd_prepare,
    .bus_open = logfwd_bus_open,
    .message = logfwd_message,
    .pollfds = dsgd_logfwd_pollfds,
    .events = logfwd_events,
    .stop = dsgd_logfwd_stop,
};

/* ---- auth: accounts and applications (auth.h) ------------------------------- */

static int auth_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)nofile;
    return dsgd_auth_prepare(args->settings, err, n);
}

static int auth_start(const char *dir, const dsgd_role_args *args, char *err, size_t n)
{
    (void)args;   /* read before the sandbox (dsgd_auth_prepare) */
    return dsgd_auth_start(dir, err, n);
}

static const dsgd_role_ops auth_ops = {
    .setup_step = "auth-setup",
    .prepare = auth_prepare,
    .start = auth_start,
    .bus_open = dsgd_auth_http_start,
    .message = dsgd_auth_message,
    .timeout = dsgd_auth_poll_timeout,
    .tick = dsgd_auth_tick,
    .audited = dsgd_auth_audited,
    .backup = dsgd_auth_backup,
    .stop = dsgd_auth_stop,
};

/* ---- share: areas of protected-information sharing (share.h) ------------------- */

static int share_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)nofile;
    return dsgd_share_prepare(args->settings, err, n);
}

static int share_start(const char *dir, const dsgd_role_args *args, char *err, size_t n)
{
    (void)args;   /* read before the sandbox (dsgd_share_prepare) */
    return dsgd_share_start(dir, err, n);
}

static const dsgd_role_ops share_ops = {
    .setup_step = "share-setup",
    .prepare = share_prepare,
    .start = share_start,
    .bus_open = dsgd_share_bus_open,
    .message = dsgd_share_message,
    .timeout = dsgd_share_poll_timeout,
    .tick = dsgd_share_tick,
    .audited = dsgd_share_audited,
    .backup = dsgd_share_backup,
    .stop = dsgd_share_stop,
};

/* ---- sink: test builds only (sink.h) ------------------------------------------ */

#ifdef DSG_TEST_HOOKS
static int sink_prepare(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n)
{
    (void)args;
    (void)nofile;
    if (dsgd_sink_prepare() == 0)
        return 0;
    strncpy(err, "cannot prepare the digest", n - 1);
    err[n - 1] = '\0';
    return -1;
}

static int sink_message(const dsgd_msg *m, dsgd_chan *chan)
{
    (void)chan;
    return dsgd_sink_message(m);
}

static const dsgd_role_ops sink_ops = {
    .setup_step = "sink-setup",
    .prepare = sink_prepare,
    .bus_open = dsgd_sink_start,
    .message = sink_message,
};
#endif

const dsgd_role_ops *dsgd_role_ops_find(const char *name)
{
    static const struct { const char *name; const dsgd_role_ops *ops; } table[] = {
        { "portal", &portal_ops },
        { "logd", &logd_ops },
        { "ctl", &ctl_ops },
        { "logfwd", &logfwd_ops },
        { "auth", &auth_ops },
        { "share", &share_ops },
#ifdef DSG_TEST_HOOKS
        { "sink", &sink_ops },
#endif
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].ops;
    return NULL;
}
