/* Presetting: a value chosen before its parameter is added (e.g. from a command
 * line) replaces the value given when the parameter is added. A preset no parameter
 * used is an error before the runs (most likely a typo in the name). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct preset {
    snx_value value;
    int used;
} preset;

static void free_preset(void *p)
{
    preset *ps = p;
    snx_value_clear(&ps->value);
    free(ps);
}

void traj_free_presets(snx_traj *t)
{
    if (!t->presets)
        return;
    size_t it = 0;
    void *v;
    while (snx_map_next(t->presets, &it, NULL, &v))
        free_preset(v);
    snx_map_free(t->presets);
    t->presets = NULL;
}

/* "<branch>.<name>" for a preset name: a full name without the branch (pypet's
 * form), the branch or its short form may be given too, as when adding. Every
 * component must be a valid name: a preset that can never match is a typo. */
static int preset_full_name(snx_traj *t, const char *branch, const char *name, snx_buf *full)
{
    char **comps = traj_split_name(t, name, NULL);
    if (!comps)
        return snx_error_context("preset");
    int rc = 0;
    size_t k = strcmp(comps[0], branch) == 0 && comps[1] ? 1 : 0;
    snx_buf_puts(full, branch);
    for (; !rc && comps[k]; k++)
        if (!(rc = traj_check_name(comps[k], "preset")))
            rc = snx_buf_printf(full, ".%s", comps[k]);
    traj_free_components(comps);
    return rc;
}

static int preset_in(snx_traj *t, const char *branch, const char *name, snx_value value)
{
    int rc = traj_refuse_in_run(t, "presetting");
    snx_buf full = { 0 };
    preset *p = NULL;
    if (!rc && value.type == SNX_T_ERROR)
        rc = snx_error_context("preset \"%s\"", name ? name : "(null)");
    if (!rc && (value.type == SNX_T_NONE || value.type == SNX_T_TABLE))
        rc = snx_error(SNX_ETYPE, "preset \"%s\": a %s value cannot be a parameter",
                       name ? name : "(null)", snx_type_name(value.type));
    if (!rc)
        rc = preset_full_name(t, branch, name, &full);
    if (!rc) {
        /* Exactly this name, no shortcuts, and no auto-loading from storage. */
        char **comps = traj_split_name(t, full.data, NULL);
        snx_find_opts exact = { .no_shortcuts = 1 };
        if (!comps)
            rc = snx_errcode();
        else if (traj_find(t, t->root, comps, &exact))
            rc = snx_error(SNX_EPRESET, "preset \"%s\": the parameter exists already; set "
                           "its value instead", full.data);
        else
            snx_error_clear(); /* not found is what we hoped for */
        traj_free_components(comps);
    }
    if (!rc && !(p = snx_calloc(1, sizeof *p)))
        rc = SNX_ENOMEM;
    if (!rc) {
        p->value = value;
        value = snx_none();
        preset *old = snx_map_get(t->presets, full.data);
        if ((rc = snx_map_put(t->presets, full.data, p)) == 0 && old)
            free_preset(old);
        if (rc)
            free_preset(p);
    }
    snx_value_clear(&value);
    snx_buf_free(&full);
    return rc;
}

int snx_traj_preset_parameter(snx_traj *t, const char *name, snx_value value)
{
    return preset_in(t, "parameters", name, value);
}

int snx_traj_preset_config(snx_traj *t, const char *name, snx_value value)
{
    return preset_in(t, "config", name, value);
}

int traj_apply_preset(snx_traj *t, snx_node *par, snx_value *value)
{
    preset *p = snx_map_get(t->presets, par->full_name);
    if (!p)
        return 0;
    snx_value copy;
    int rc = snx_value_copy(&copy, &p->value);
    if (rc)
        return rc;
    snx_value_clear(value);
    *value = copy;
    p->used = 1;
    return 0;
}

int snx_traj_check_presets(const snx_traj *t)
{
    snx_buf unused = { 0 };
    size_t it = 0;
    const char *name;
    void *v;
    while (snx_map_next(t->presets, &it, &name, &v))
        if (!((preset *)v)->used)
            snx_buf_printf(&unused, "%s\"%s\"", unused.len ? ", " : "", name);
    if (!unused.len)
        return 0;
    int rc = snx_error(SNX_EPRESET,
                       "presets never used by an added parameter (a typo in the name?): %s",
                       unused.data);
    snx_buf_free(&unused);
    return rc;
}
