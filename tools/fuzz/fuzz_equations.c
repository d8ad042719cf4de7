/* Fuzz target: the equation and statement language, with dimension checking, and a
 * few steps of what it builds.
 *
 * Fields (tools/fuzz/fuzz.h): equations, threshold, reset, refractory, method, one
 * initialisation "var = expr", and a quantity ("15 ms") parsed on its own. A group of
 * 4 neurons is built from them with a namespace of a few constants and run for 5
 * steps. Every failure must be an error code with a message; a run that succeeds
 * must have simulated its 5 steps. */
#include "fuzz.h"

#include "snex/sim.h"
#include "snex/units.h"

static snx_namespace *constants(void)
{
    snx_namespace *ns = snx_namespace_new();
    fuzz_check(ns);
    fuzz_check(snx_namespace_set_unit(ns, "tau", 10, "ms") == 0);
    fuzz_check(snx_namespace_set_unit(ns, "E_L", -70, "mV") == 0);
    fuzz_check(snx_namespace_set_unit(ns, "rate", 5, "Hz") == 0);
    fuzz_check(snx_namespace_set(ns, "V_th", 1, SNX_DIMENSIONLESS) == 0);
    fuzz_check(snx_namespace_set(ns, "J", 0.5, SNX_DIMENSIONLESS) == 0);
    return ns;
}

/* "var = expr": snx_group_init(g, var, expr). */
static void init_var(snx_group *g, char *line)
{
    char *eq = line ? strchr(line, '=') : NULL;
    if (!eq)
        return;
    *eq = '\0';
    char *var = line;
    while (*var == ' ')
        var++;
    char *end = var + strlen(var);
    while (end > var && end[-1] == ' ')
        *--end = '\0';
    snx_error_clear();
    fuzz_check_rc(snx_group_init(g, var, eq + 1));
}

static void quantity(const char *text)
{
    if (!text)
        return;
    double si;
    snx_unit unit;
    snx_error_clear();
    fuzz_check_rc(snx_quantity_parse(text, &si, &unit));
    snx_error_clear();
    fuzz_check_rc(snx_unit_parse(text, &unit));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields f;
    fuzz_fields_cut(&f, data, size);
    snx_namespace *ns = constants();
    snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 1, .ns = ns });
    fuzz_check(net);
    snx_group_opts opts = { .threshold = fuzz_given(f.field[1], NULL),
                            .reset = fuzz_given(f.field[2], NULL),
                            .refractory = fuzz_given(f.field[3], NULL),
                            .method = fuzz_given(f.field[4], NULL) };
    snx_error_clear();
    snx_group *g = snx_group_new(net, "g", 4, f.field[0], &opts);
    if (!g) {
        fuzz_check_error(snx_errcode());
    } else {
        init_var(g, f.field[5]);
        snx_error_clear();
        int rc = snx_net_run(net, 5 * snx_net_dt(net));
        if (rc)
            fuzz_check_error(rc);
        else
            fuzz_check(snx_net_step(net) == 5);
    }
    quantity(f.field[6]);
    snx_net_free(net);
    snx_namespace_free(ns);
    fuzz_fields_free(&f);
    return 0;
}
