/* Names: validation, run and set names, and the translation of abbreviations and
 * wildcards (par dpar res conf, crun/$, crunset/$set, r_N/run_N). */
#include "traj_internal.h"
#include "snex/error.h"
#include "snex/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *snx_run_name(char *buf, long idx)
{
    if (idx < 0)
        snprintf(buf, SNX_RUN_NAME_BUF, "%s", SNX_RUN_ALL);
    else
        snprintf(buf, SNX_RUN_NAME_BUF, SNX_RUN_NAME_FMT, idx);
    return buf;
}

char *snx_set_name(char *buf, long idx)
{
    if (idx < 0)
        snprintf(buf, SNX_RUN_NAME_BUF, "%s", SNX_SET_ALL);
    else
        snprintf(buf, SNX_RUN_NAME_BUF, SNX_SET_NAME_FMT, idx / SNX_RUNS_PER_SET);
    return buf;
}

/* Parses the digits of "run_<digits>" or "r_<digits>"; -1 for run_ALL. */
static int parse_run_digits(const char *digits, long *idx)
{
    if (!*digits || strlen(digits) > 12)
        return SNX_ENAME;
    for (const char *p = digits; *p; p++)
        if (!isdigit((unsigned char)*p))
            return SNX_ENAME;
    *idx = strtol(digits, NULL, 10);
    return 0;
}

int snx_run_idx(const char *name, long *idx)
{
    if (strcmp(name, SNX_RUN_ALL) == 0) {
        *idx = -1;
        return 0;
    }
    if (strncmp(name, "run_", 4) == 0 && parse_run_digits(name + 4, idx) == 0)
        return 0;
    if (strncmp(name, "r_", 2) == 0 && parse_run_digits(name + 2, idx) == 0)
        return 0;
    return snx_error(SNX_ENAME, "\"%s\" is not a run name (run_%%08d, run_N, r_N or run_ALL)",
                     name);
}

long traj_run_group_index(const char *name)
{
    if (strcmp(name, SNX_RUN_ALL) == 0)
        return RUN_ALL_GROUP;
    if (strncmp(name, "run_", 4) != 0 || strlen(name) != 12)
        return NOT_A_RUN_GROUP;
    long idx;
    return parse_run_digits(name + 4, &idx) == 0 ? idx : NOT_A_RUN_GROUP;
}

static int is_set_name(const char *name)
{
    if (strcmp(name, SNX_SET_ALL) == 0)
        return 1;
    if (strncmp(name, "run_set_", 8) != 0 || strlen(name) != 13)
        return 0;
    for (const char *p = name + 8; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    return 1;
}

int traj_check_key(const char *name, const char *what)
{
    if (!name)
        return snx_error(SNX_EINVAL, "%s: NULL name", what);
    size_t len = strlen(name);
    if (len == 0)
        return snx_error(SNX_ENAME, "%s: empty name (two dots in a row, or a trailing dot?)",
                         what);
    if (len > SNX_NAME_MAX)
        return snx_error(SNX_ENAME, "%s: name \"%.20s...\" is longer than %d characters",
                         what, name, SNX_NAME_MAX);
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return snx_error(SNX_ENAME,
                             "%s: invalid character '%c' in name \"%s\" (only letters, "
                             "digits and '_' are allowed)",
                             what, *p, name);
    return 0;
}

int traj_check_name(const char *name, const char *what)
{
    int rc = traj_check_key(name, what);
    if (rc)
        return rc;
    if (strncmp(name, "run_", 4) == 0 && traj_run_group_index(name) == NOT_A_RUN_GROUP &&
        !is_set_name(name))
        return snx_error(SNX_ENAME,
                         "%s: names starting with \"run_\" are reserved for runs "
                         "(run_%%08d, run_ALL, run_set_%%05d, run_set_ALL), got \"%s\"",
                         what, name);
    return 0;
}

snx_branch traj_branch_of(const char *first)
{
    if (strcmp(first, "config") == 0)
        return SNX_BRANCH_CONFIG;
    if (strcmp(first, "parameters") == 0)
        return SNX_BRANCH_PARAMETERS;
    if (strcmp(first, "derived_parameters") == 0)
        return SNX_BRANCH_DERIVED;
    if (strcmp(first, "results") == 0)
        return SNX_BRANCH_RESULTS;
    return SNX_BRANCH_NONE;
}

/* The long form of one component, or NULL if it is not an abbreviation. */
static const char *translate(snx_traj *traj, const char *c, char *buf, int *wildcard)
{
    static const char *const ABBREV[][2] = {
        { "par", "parameters" }, { "dpar", "derived_parameters" },
        { "res", "results" },    { "conf", "config" },
    };
    for (size_t k = 0; k < sizeof ABBREV / sizeof ABBREV[0]; k++)
        if (strcmp(c, ABBREV[k][0]) == 0)
            return ABBREV[k][1];
    if (strcmp(c, "$") == 0 || strcmp(c, "crun") == 0) {
        *wildcard = 1;
        return snx_run_name(buf, traj->run_idx);
    }
    if (strcmp(c, "$set") == 0 || strcmp(c, "crunset") == 0) {
        *wildcard = 1;
        return snx_set_name(buf, traj->run_idx);
    }
    long idx;
    if ((strncmp(c, "r_", 2) == 0 || (strncmp(c, "run_", 4) == 0 && strlen(c) != 12)) &&
        strcmp(c, SNX_RUN_ALL) != 0 && !is_set_name(c) && snx_run_idx(c, &idx) == 0)
        return snx_run_name(buf, idx);
    snx_error_clear();
    return NULL;
}

void traj_free_components(char **comps)
{
    if (!comps)
        return;
    for (char **c = comps; *c; c++)
        free(*c);
    free(comps);
}

size_t traj_count_components(char *const *comps)
{
    size_t n = 0;
    while (comps[n])
        n++;
    return n;
}

char **traj_split_name(snx_traj *traj, const char *name, int *had_wildcard)
{
    if (!name) {
        snx_error(SNX_EINVAL, "NULL name");
        return NULL;
    }
    size_t n = 1;
    for (const char *p = name; *p; p++)
        n += *p == '.';
    char **comps = snx_calloc(n + 1, sizeof *comps);
    if (!comps)
        return NULL;
    int wildcard = 0;
    const char *start = name;
    for (size_t k = 0; k < n; k++) {
        const char *end = strchr(start, '.');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        char raw[SNX_NAME_MAX + 2], buf[SNX_RUN_NAME_BUF];
        if (len > SNX_NAME_MAX) {
            snx_error(SNX_ENAME, "component %zu of \"%s\" is longer than %d characters",
                      k + 1, name, SNX_NAME_MAX);
            traj_free_components(comps);
            return NULL;
        }
        memcpy(raw, start, len);
        raw[len] = '\0';
        const char *t = translate(traj, raw, buf, &wildcard);
        if (!(comps[k] = snx_strdup(t ? t : raw))) {
            traj_free_components(comps);
            return NULL;
        }
        start = end ? end + 1 : start + len;
    }
    if (had_wildcard)
        *had_wildcard = wildcard;
    return comps;
}
