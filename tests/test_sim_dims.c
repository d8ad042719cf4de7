/* Names and dimensions: resolution order, unknown names with suggestions, and
 * dimension errors that name the equation, the terms and their dimensions. */
#include "sim_test.h"

static snx_net *net_with_constants(void)
{
    snx_net *net = test_net(1);
    snx_namespace *ns = snx_net_namespace(net);
    snx_namespace_set_unit(ns, "tau", 10, "ms");
    snx_namespace_set_unit(ns, "I", 1, "nA");
    snx_namespace_set_unit(ns, "C", 200, "pF");
    snx_namespace_set_unit(ns, "E_L", -70, "mV");
    return net;
}

static void test_units_and_namespace_values(void **state)
{
    (void)state;
    snx_net *net = net_with_constants();
    /* An RC membrane in SI: dv/dt = (E_L - v)/tau + I/C. */
    snx_group *g = must_group(net, "rc", 1, "dv/dt = (E_L - v)/tau + I/C : volt",
                              OPTS(.method = "euler"));
    assert_ok(snx_group_init(g, "v", "-70*mV"));
    assert_close(snx_group_var(g, "v")[0], -0.070, 1e-15);
    assert_ok(snx_net_run(net, DT));
    assert_close(snx_group_var(g, "v")[0], -0.070 + DT * 1e-9 / 200e-12, 1e-12);
    /* The group's namespace comes before the network's; units come after both. */
    snx_namespace *mine = snx_namespace_new();
    snx_namespace_set_unit(mine, "tau", 20, "ms");
    snx_namespace_set(mine, "mV", 2.0, SNX_DIMENSIONLESS); /* shadows the unit */
    snx_group *h = must_group(net, "h", 1, "x = tau/ms + mV : 1\ny : 1",
                              OPTS(.ns = mine));
    snx_namespace_free(mine); /* copied */
    snx_monitor *m = snx_monitor_state(net, "m", h, "x", NULL);
    assert_ok(snx_net_run(net, DT));
    assert_close(snx_monitor_values(m, "x")[0], 22.0, 1e-12);
    /* A namespace entry can be looked up again and parsed from units. */
    double v;
    snx_dim d;
    assert_ok(snx_namespace_get(snx_net_namespace(net), "C", &v, &d));
    assert_close(v, 200e-12, 1e-24);
    assert_int_equal(d.e[SNX_DIM_A], 2);
    assert_int_equal(snx_namespace_get(snx_net_namespace(net), "nope", &v, &d), SNX_ENOTFOUND);
    assert_fails(snx_namespace_set(snx_net_namespace(net), "2x", 1, SNX_DIMENSIONLESS), SNX_ENAME,
                 "not a valid name");
    assert_fails(snx_namespace_set_unit(snx_net_namespace(net), "q", 1, "blorp"), SNX_ENOTFOUND,
                 "unknown unit \"blorp\"");
    snx_net_free(net);
}

static void test_unknown_names_suggest_close_matches(void **state)
{
    (void)state;
    snx_net *net = net_with_constants();
    assert_group_fails(net, "dV/dt = -V/tua : 1", NULL, SNX_ENOTFOUND,
                       "unknown name \"tua\" at line 1, column 12", "did you mean \"tau\"");
    assert_group_fails(net, "dV/dt = (E_l - V)/tau : volt", NULL, SNX_ENOTFOUND,
                       "unknown name \"E_l\"", "did you mean \"E_L\"");
    assert_group_fails(net, "dvolt/dt = -volt/tau : 1\nw = vlot : 1", NULL, SNX_ENOTFOUND,
                       "line 2, column 5", "did you mean \"volt\"");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > V_thresh"), SNX_ENOTFOUND,
                       "unknown name \"V_thresh\"", "of threshold");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1", .reset = "v = 0"), SNX_ENOTFOUND,
                       "unknown name \"v\"", "of reset \"v = 0\"", "did you mean \"V\"");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1", .reset = "V = zzzzqq"),
                       SNX_ENOTFOUND, "(no similar names)");
    snx_net_free(net);
}

static void test_equation_dimension_errors(void **state)
{
    (void)state;
    snx_net *net = net_with_constants();
    assert_group_fails(net, "dV/dt = -V/tau + I : 1", NULL, SNX_EDIM,
                       "equation \"dV/dt = -V/tau + I : 1\"", "\"-V/tau\" has dimension Hz",
                       "\"I\" has dimension A");
    assert_group_fails(net, "dV/dt = -V : 1", NULL, SNX_EDIM,
                       "the right-hand side \"-V\" has dimension 1",
                       "dV/dt must have dimension Hz", "in \"dV/dt = -V : 1\"");
    assert_group_fails(net, "dv/dt = (E_L - v)/tau : 1", NULL, SNX_EDIM,
                       "\"E_L\" has dimension V but \"v\" has dimension 1");
    assert_group_fails(net, "J = V : amp\nV : 1", NULL, SNX_EDIM,
                       "\"V\" has dimension 1, but J is declared with dimension A");
    assert_group_fails(net, "V : volt\nx = exp(V) : 1", NULL, SNX_EDIM,
                       "exp() needs a dimensionless argument", "\"V\" has dimension V");
    /* Half exponents are dimensions inside an expression (white noise has s^-1/2), but
     * never the dimension of a variable. */
    assert_group_fails(net, "V : volt\nx = sqrt(V) : 1", NULL, SNX_EDIM,
                       "\"sqrt(V)\" has dimension m kg^1/2 s^-3/2 A^-1/2, but x is declared "
                       "with dimension 1");
    assert_group_fails(net, "V : volt\nx = sqrt(sqrt(V*V*V)) : 1", NULL, SNX_EDIM,
                       "sqrt needs whole powers of every unit", "has dimension m^3 kg^3/2");
    assert_group_fails(net, "V : volt\ny : 1\nx = V**y : 1", NULL, SNX_EDIM,
                       "a quantity with a dimension needs a constant exponent");
    assert_group_fails(net, "V : volt\nx = V**1.5 : 1", NULL, SNX_EDIM, "has dimension m^3 kg^3/2");
    assert_group_fails(net, "V : volt\nx = V**(1/3) : 1", NULL, SNX_EDIM,
                       "whole or half exponents of every unit");
    assert_group_fails(net, "V : volt\nx = 2**V : 1", NULL, SNX_EDIM, "exponent must be dimensionless");
    assert_group_fails(net, "V : volt\nx = V > 1 : 1", NULL, SNX_EDIM,
                       "\"V\" has dimension V but \"1\" has dimension 1");
    assert_group_fails(net, "V : volt\nx = min(V, tau) : volt", NULL, SNX_EDIM,
                       "\"tau\" has dimension s");
    /* What is right passes: powers, roots and comparisons of quantities. */
    snx_group *g = must_group(net, "ok", 1,
                              "V : volt\nA = sqrt(V*V) + V**2/V + abs(V) + V**1.5/sqrt(V) : volt\n"
                              "B = (V > 1*mV) + sign(V) : 1\nCC = clip(V, -1*mV, 1*mV) : volt",
                              NULL);
    assert_non_null(g);
    snx_net_free(net);
}

static void test_condition_and_statement_dimensions(void **state)
{
    (void)state;
    snx_net *net = net_with_constants();
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1*mV"), SNX_EDIM,
                       "threshold, line 1", "\"V\" has dimension 1 but \"1*mV\" has dimension V");
    assert_group_fails(net, "V : volt", OPTS(.threshold = "V"), SNX_EDIM,
                       "threshold \"V\" must be a condition");
    assert_group_fails(net, "V : volt", OPTS(.threshold = "V > 1*mV and V"), SNX_EDIM,
                       "logical operands must be dimensionless");
    assert_group_fails(net, "V : 1", OPTS(.refractory = "5*mV"), SNX_EDIM,
                       "refractory \"5*mV\" must be a time", "dimension V");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1", .reset = "V = 5*mV"), SNX_EDIM,
                       "reset, line 1", "the target \"V\" has dimension 1 but \"5*mV\" has dimension V");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1", .reset = "V *= 2*mV"), SNX_EDIM,
                       "need a dimensionless factor");
    assert_group_fails(net, "V : 1", OPTS(.threshold = "V > 1", .reset = "t = 0"), SNX_EINVAL,
                       "cannot assign to \"t\"", "not a variable");
    assert_group_fails(net, "V : 1\nw : 1 (constant)", OPTS(.threshold = "V > 1", .reset = "w = 0"),
                       SNX_EINVAL, "cannot assign to \"w\"", "a constant parameter");
    assert_group_fails(net, "V : 1\nI_s = V : 1", OPTS(.threshold = "V > 1", .reset = "I_s = 0"),
                       SNX_EINVAL, "cannot assign to \"I_s\"");
    snx_group *g = must_group(net, "g", 2, "V : 1", NULL);
    assert_fails(snx_group_init(g, "V", "3*mV"), SNX_EDIM, "has dimension V");
    assert_fails(snx_group_init(g, "V", "3 +"), SNX_EPARSE, "initialisation of V: line 1, column 4");
    assert_fails(snx_group_init(g, "U", "3"), SNX_ENOTFOUND, "no variable \"U\" (variables: V)");
    snx_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units_and_namespace_values),
        cmocka_unit_test(test_unknown_names_suggest_close_matches),
        cmocka_unit_test(test_equation_dimension_errors),
        cmocka_unit_test(test_condition_and_statement_dimensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
