/* `dsgctl status`: see status.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/json_out.h"
#include "run/status.h"

static void key(dsg_json_out *w, const char *k)
{
    (void)dsg_json_out_key(w, (const uint8_t *)k, strlen(k));
}

static void str(dsg_json_out *w, const char *k, const char *v)
{
    key(w, k);
    (void)dsg_json_out_string(w, (const uint8_t *)v, strlen(v));
}

static void num(dsg_json_out *w, const char *k, int64_t v)
{
    key(w, k);
    (void)dsg_json_out_int(w, v);
}

static void role_json(dsg_json_out *w, const dsgd_role_status *r)
{
    (void)dsg_json_out_object_begin(w);
    str(w, "name", r->name);
    str(w, "state", r->state);
    num(w, "pid", r->pid);
    num(w, "uid", r->uid);
    num(w, "uptime_ms", (int64_t)r->uptime_ms);
    num(w, "restarts", r->restarts);
    num(w, "no_new_privs", r->no_new_privs);
    num(w, "seccomp", r->seccomp);
    str(w, "root", r->root);
    num(w, "landlock_abi", r->landlock_abi);
    (void)dsg_json_out_object_end(w);
}

size_t dsgd_status_json(const dsgd_status *s, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    str(&w, "version", s->version);
    num(&w, "pid", s->pid);
    num(&w, "uptime_ms", (int64_t)s->uptime_ms);
    num(&w, "config_generation", s->config_generation);
    str(&w, "sandbox", s->sanitized ? "off (sanitizer build)" : "on");
    key(&w, "roles");
    (void)dsg_json_out_array_begin(&w);
    for (unsigned i = 0; i < s->nroles && i < DSGD_STATUS_ROLES_MAX; i++)
        role_json(&w, &s->roles[i]);
    (void)dsg_json_out_array_end(&w);
    key(&w, "audit_storage");
    (void)dsg_json_out_object_begin(&w);
    num(&w, "used_percent", s->storage_used_percent);
    num(&w, "capacity_bytes", (int64_t)s->storage_capacity_bytes);
    num(&w, "warn_percent", s->storage_warn_percent);
    (void)dsg_json_out_object_end(&w);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

static void area_json(dsg_json_out *w, const dsgd_area_usage *a)
{
    (void)dsg_json_out_object_begin(w);
    str(w, "area", a->area);
    str(w, "directory", a->dir);
    key(w, "measured");
    (void)dsg_json_out_bool(w, a->measured != 0);
    key(w, "complete");
    (void)dsg_json_out_bool(w, a->complete != 0);
    str(w, "why", a->measured ? "" : a->why);
    str(w, "owner", a->owner);
    num(w, "files", (int64_t)a->files);
    num(w, "used_bytes", (int64_t)a->used_bytes);
    num(w, "free_bytes", (int64_t)a->free_bytes);
    num(w, "filesystem_bytes", (int64_t)a->fs_bytes);
    (void)dsg_json_out_object_end(w);
}

size_t dsgd_usage_json(const dsgd_area_usage *a, size_t n, uint8_t *out, size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    key(&w, "areas");
    (void)dsg_json_out_array_begin(&w);
    for (size_t i = 0; i < n; i++)
        area_json(&w, &a[i]);
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

static void mib(uint64_t bytes, char *out, size_t cap)
{
    snprintf(out, cap, "%llu.%llu", (unsigned long long)(bytes >> 20),
             (unsigned long long)((bytes & 0xFFFFFu) * 10u >> 20));
}

size_t dsgd_usage_text(const dsgd_area_usage *a, size_t n, char *out, size_t cap)
{
    char used[32], avail[32], size[32], files[32];
    int w = snprintf(out, cap, "%-22s %-8s %8s %12s %12s %12s %s\n", "AREA", "OWNER", "FILES",
                     "USED MiB", "FREE MiB", "FS MiB", "DIRECTORY");
    size_t len = w > 0 ? (size_t)w : 0;
    if (w < 0 || len >= cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        mib(a[i].used_bytes, used, sizeof used);
        snprintf(files, sizeof files, "%llu%s", (unsigned long long)a[i].files,
                 a[i].complete ? "" : "+");
        if (!a[i].complete)
            strcat(used, "+");
        mib(a[i].free_bytes, avail, sizeof avail);
        mib(a[i].fs_bytes, size, sizeof size);
        if (a[i].measured)
            w = snprintf(out + len, cap - len, "%-22s %-8s %8s %12s %12s %12s %s\n",
                         a[i].area, a[i].owner, files, used, avail, size, a[i].dir);
        else
            w = snprintf(out + len, cap - len, "%-22s %-8s %8s %12s %12s %12s %s (%s)\n",
                         a[i].area, "-", "-", "-", "-", "-", a[i].dir[0] ? a[i].dir : "-",
                         a[i].why);
        if (w < 0 || (size_t)w >= cap - len)
            return 0;
        len += (size_t)w;
    }
    return len;
}

/* "3d04h", "1h02m", "5m07s", "12s": two units, the largest first. */
static void duration(uint64_t ms, char *out, size_t cap)
{
    uint64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(out, cap, "%llud%02lluh", (unsigned long long)(s / 86400),
                 (unsigned long long)(s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(out, cap, "%lluh%02llum", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60));
    else if (s >= 60)
        snprintf(out, cap, "%llum%02llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
    else
        snprintf(out, cap, "%llus", (unsigned long long)s);
}

static const char *flag(int v, const char *yes, const char *no)
{
    return v < 0 ? "?" : v ? yes : no;
}

size_t dsgd_status_text(const dsgd_status *s, char *out, size_t cap)
{
    char up[32], pid[16], uid[16], ll[16];
    size_t n = 0;
    int w;

    duration(s->uptime_ms, up, sizeof up);
    w = snprintf(out, cap, "dsgd %s, pid %d, up %s, configuration generation %u, sandbox %s\n"
                 "%-8s %-10s %7s %6s %8s %8s %-4s %-8s %-8s %s\n",
                 s->version, s->pid, up, s->config_generation,
                 s->sanitized ? "OFF (sanitizer build)" : "on", "ROLE", "STATE", "PID", "UID",
                 "UPTIME", "RESTARTS", "NNP", "SECCOMP", "LANDLOCK", "ROOT");
    if (w < 0 || (size_t)w >= cap)
        return 0;
    n = (size_t)w;
    for (unsigned i = 0; i < s->nroles && i < DSGD_STATUS_ROLES_MAX; i++) {
        const dsgd_role_status *r = &s->roles[i];
        snprintf(pid, sizeof pid, r->pid > 0 ? "%d" : "-", r->pid);
        snprintf(uid, sizeof uid, r->uid >= 0 ? "%d" : "-", r->uid);
        snprintf(ll, sizeof ll, r->landlock_abi > 0 ? "ABI %d" : "-", r->landlock_abi);
        duration(r->uptime_ms, up, sizeof up);
        w = snprintf(out + n, cap - n, "%-8s %-10s %7s %6s %8s %8u %-4s %-8s %-8s %s\n",
                     r->name, r->state, pid, uid, r->pid > 0 ? up : "-", r->restarts,
                     flag(r->no_new_privs, "yes", "no"), flag(r->seccomp == 2, "filter", "none"),
                     ll, r->root[0] != '\0' ? r->root : "?");
        if (w < 0 || (size_t)w >= cap - n)
            return 0;
        n += (size_t)w;
    }
    if (s->storage_used_percent >= 0)
        w = snprintf(out + n, cap - n, "audit storage: %d%% used of %llu MiB, warning at %u%%\n",
                     s->storage_used_percent,
                     (unsigned long long)(s->storage_capacity_bytes >> 20),
                     s->storage_warn_percent);
    else
        w = snprintf(out + n, cap - n, "audit storage: unknown, warning at %u%%\n",
                     s->storage_warn_percent);
    if (w < 0 || (size_t)w >= cap - n)
        return 0;
    return n + (size_t)w;
}

/* The value after "Name:\t" in /proc/PID/status, or -1. */
static int proc_field(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    int v;
    if (p == NULL || (p != text && p[-1] != '\n') || sscanf(p + strlen(name), "%d", &v) != 1)
        return -1;
    return v;
}

void dsgd_status_read_proc(int pid, dsgd_role_status *r)
{
    char path[64], text[4096];
    FILE *f;
    ssize_t n;

    r->no_new_privs = -1;
    r->seccomp = -1;
    r->root[0] = '\0';
    if (pid <= 0)
        return;
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    if ((f = fopen(path, "re")) != NULL) {
        size_t got = fread(text, 1, sizeof text - 1, f);
        text[got] = '\0';
        fclose(f);
        r->no_new_privs = proc_field(text, "NoNewPrivs:");
        r->seccomp = proc_field(text, "Seccomp:");
    }
    snprintf(path, sizeof path, "/proc/%d/root", pid);
    n = readlink(path, r->root, sizeof r->root - 1);
    r->root[n > 0 ? n : 0] = '\0';
}
