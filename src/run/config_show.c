/* `dsgctl config show`: see config_show.h. */
#include <stdio.h>
#include <string.h>

#include "core/json_out.h"
#include "run/config_show.h"

const char *dsgd_config_option(dsg_config_id id)
{
    switch (id) {
    case DSG_CFG_DSGD_STATE_DIR: return "-s";
    case DSG_CFG_DSGD_PIDFILE: return "-p";
    case DSG_CFG_DSGD_USER: return "-u";
    case DSG_CFG_PORTAL_LISTEN: return "-l";
    default: return NULL;
    }
}

/* Sets key id's text; -1 when it is out of range or too long. */
static int set_text(dsgd_config_in_force *in, dsg_config_id id, const char *text)
{
    size_t len = strlen(text);
    dsg_config_value *v;
    if ((unsigned)id >= DSG_CFG_COUNT || len > DSG_CONFIG_TEXT_MAX)
        return -1;
    v = &in->cfg.v[id];
    memcpy(v->text, text, len + 1);
    v->text_len = len;
    return 0;
}

int dsgd_config_override(dsgd_config_in_force *in, dsg_config_id id, const char *text)
{
    if (set_text(in, id, text) != 0)
        return -1;
    in->cfg.v[id].line = 0;
    in->from_cmdline[id] = 1;
    return 0;
}

int dsgd_config_resolved(dsgd_config_in_force *in, dsg_config_id id, const char *text)
{
    return set_text(in, id, text);
}

static int from_cmdline(const dsgd_config_in_force *in, dsg_config_id id)
{
    return in->from_cmdline[id] != 0;
}

void dsgd_config_where(const dsgd_config_in_force *in, dsg_config_id id, char *buf, size_t cap)
{
    const char *opt = dsgd_config_option(id);
    if (from_cmdline(in, id) && opt != NULL)
        snprintf(buf, cap, "command line %s", opt);
    else
        dsg_config_origin(&in->cfg, id, buf, cap);
}

/* A text value as the file writes it: quoted, with " and \ escaped. */
static size_t quoted(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (cap < 3)
        return 0;
    out[n++] = '"';
    for (; *s != '\0'; s++) {
        if (n + 3 >= cap)
            return 0;
        if (*s == '"' || *s == '\\')
            out[n++] = '\\';
        out[n++] = *s;
    }
    out[n++] = '"';
    out[n] = '\0';
    return n;
}

static int is_text(dsg_config_id id)
{
    dsg_config_type t = dsg_config_keys[id].type;
    return t == DSG_CONFIG_TEXT || t == DSG_CONFIG_EXTLIST;
}

/* Appends one key's line; 0, or -1 when it does not fit. */
static int text_line(const dsgd_config_in_force *in, dsg_config_id id, char *out, size_t cap,
                     size_t *len)
{
    static char value[2 * DSG_CONFIG_TEXT_MAX + 3];
    char where[DSG_CONFIG_NAME_MAX + 32];
    const dsg_config_key *k = &dsg_config_keys[id];
    const dsg_config_value *v = &in->cfg.v[id];
    int n;
    if (is_text(id)) {
        if (quoted(v->text, value, sizeof value) == 0)
            return -1;
    } else {
        snprintf(value, sizeof value, "%s", v->text);
    }
    dsgd_config_where(in, id, where, sizeof where);
    if (v->line == 0 && !from_cmdline(in, id))
        n = snprintf(out + *len, cap - *len, "%s = %s  # default (source: %s)\n", k->name,
                     value, k->source);
    else
        n = snprintf(out + *len, cap - *len, "%s = %s  # %s\n", k->name, value, where);
    if (n < 0 || (size_t)n >= cap - *len)
        return -1;
    *len += (size_t)n;
    return 0;
}

size_t dsgd_config_show_text(const dsgd_config_in_force *in, unsigned generation, char *out,
                             size_t cap)
{
    size_t len = 0;
    int n = snprintf(out, cap, "# dsgd configuration in force, generation %u\n", generation);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    len = (size_t)n;
    for (unsigned i = 0; i < DSG_CFG_COUNT; i++)
        if (text_line(in, (dsg_config_id)i, out, cap, &len) != 0)
            return 0;
    return len;
}

static void jstr(dsg_json_out *w, const char *k, const char *v)
{
    (void)dsg_json_out_key(w, (const uint8_t *)k, strlen(k));
    (void)dsg_json_out_string(w, (const uint8_t *)v, strlen(v));
}

static void key_json(dsg_json_out *w, const dsgd_config_in_force *in, dsg_config_id id)
{
    const dsg_config_key *k = &dsg_config_keys[id];
    const dsg_config_value *v = &in->cfg.v[id];
    (void)dsg_json_out_object_begin(w);
    jstr(w, "key", k->name);
    jstr(w, "value", v->text);
    if (from_cmdline(in, id)) {
        jstr(w, "origin", "command-line");
        jstr(w, "option", dsgd_config_option(id));
    } else if (v->line != 0) {
        jstr(w, "origin", "file");
        jstr(w, "file", in->cfg.file);
        (void)dsg_json_out_key(w, (const uint8_t *)"line", 4);
        (void)dsg_json_out_uint(w, v->line);
    } else {
        jstr(w, "origin", "default");
    }
    jstr(w, "default", k->def);
    jstr(w, "source", k->source);
    (void)dsg_json_out_object_end(w);
}

size_t dsgd_config_show_json(const dsgd_config_in_force *in, unsigned generation, uint8_t *out,
                             size_t cap)
{
    dsg_json_out w;
    size_t len = 0;
    dsg_json_out_init(&w, out, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"config_generation", 17);
    (void)dsg_json_out_uint(&w, generation);
    (void)dsg_json_out_key(&w, (const uint8_t *)"keys", 4);
    (void)dsg_json_out_array_begin(&w);
    for (unsigned i = 0; i < DSG_CFG_COUNT; i++)
        key_json(&w, in, (dsg_config_id)i);
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}
