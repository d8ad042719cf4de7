/* The compiler and the virtual machine, from the inside: constant folding, the exact
 * rewrites that save passes, subexpressions computed once, every operator's vector
 * loops against the scalar semantics, and scatter with repeated indices. */
#include "sim_test.h"

#include "../sim/compiler.h"

#define N 7

/* A scope with two directly addressed arrays x (id 0) and y (id 1), an indexed array
 * z (id 2, index list 0), a constant c = 3 and a subexpression s = x + y. */
typedef struct {
    sim_scope sc;
    sim_src *sub_src;
    sim_ast *sub;
} env;

static void env_init(env *e)
{
    assert_ok(sim_scope_init(&e->sc, "test", NULL, NULL));
    assert_ok(sim_scope_add(&e->sc, "x", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = 0, .access = SIM_DIRECT, .writable = 1 }));
    assert_ok(sim_scope_add(&e->sc, "y", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = 1, .access = SIM_DIRECT, .writable = 1 }));
    assert_ok(sim_scope_add(&e->sc, "z", (sim_sym){ .kind = SIM_SYM_ARRAY, .slot = 2, .access = 0, .writable = 1 }));
    assert_ok(sim_scope_add(&e->sc, "c", (sim_sym){ .kind = SIM_SYM_CONST, .value = 3 }));
    assert_ok(sim_scope_add(&e->sc, "t", (sim_sym){ .kind = SIM_SYM_SCALAR, .slot = SIM_RT_T }));
    e->sub_src = sim_src_new("x + y", "subexpression");
    e->sub = sim_parse_expr(e->sub_src);
    assert_ok(sim_analyze(e->sub, &e->sc));
    assert_ok(sim_scope_add(&e->sc, "s", (sim_sym){ .kind = SIM_SYM_SUBEXPR, .expr = e->sub }));
}

static void env_free(env *e)
{
    sim_scope_clear(&e->sc);
    sim_src_free(e->sub_src);
}

/* Compiles "x = <expr>" and returns the program. */
static sim_program *compile(env *e, const char *expr)
{
    sim_program *p;
    int rc = sim_compile_assignment(&e->sc, "x", expr, "test", &p);
    if (rc)
        print_error("%s: %s\n", expr, snx_errmsg());
    assert_ok(rc);
    return p;
}

static void assert_listing(env *e, const char *expr, const char *want)
{
    sim_program *p = compile(e, expr);
    char *got = sim_program_dump(p);
    if (strcmp(got, want))
        print_error("x = %s compiles to\n%s\nexpected\n%s", expr, got, want);
    assert_string_equal(got, want);
    free(got);
    sim_program_free(p);
}

static void test_folding_and_rewrites(void **state)
{
    (void)state;
    env e;
    env_init(&e);
    assert_listing(&e, "2*c + 4", "MOV_S a0 #10\n");
    assert_listing(&e, "y + 2*3", "ADD_VS a0 a1 #6\n");
    assert_listing(&e, "y/4", "MUL_VS a0 a1 #0.25\n");
    assert_listing(&e, "-y*3", "MUL_VS a0 a1 #-3\n");
    assert_listing(&e, "-(y*3)", "MUL_VS a0 a1 #-3\n");
    assert_listing(&e, "x + y*c", "MULADD_VSV a0 a1 #3 a0\n");
    assert_listing(&e, "x - y/2", "MULADD_VSV a0 a1 #-0.5 a0\n");
    assert_listing(&e, "x + -y", "SUB_VV a0 a0 a1\n");
    assert_listing(&e, "-y + x", "SUB_VV a0 a0 a1\n");
    assert_listing(&e, "x - -y", "ADD_VV a0 a0 a1\n");
    assert_listing(&e, "y**2", "MUL_VV a0 a1 a1\n");
    assert_listing(&e, "y**0.5", "SQRT_V a0 a1\n");
    assert_listing(&e, "y**3", "POW_VS a0 a1 #3\n");
    assert_listing(&e, "2**y", "POW_SV a0 #2 a1\n");
    assert_listing(&e, "clip(y, 0, 1)", "MAX_VS r0 a1 #0\nMIN_VS a0 r0 #1\n");
    assert_listing(&e, "t*0 + y", "MOV_S r0 t\nMULADD_VSV a0 r0 #0 a1\n"); /* t is not folded */
    /* s = x + y is computed once and reused. */
    assert_listing(&e, "s*s + s", "ADD_VV r0 a0 a1\nMULADD_VVV a0 r0 r0 r0\n");
    env_free(&e);
}

static void test_subexpression_computed_once(void **state)
{
    (void)state;
    env e;
    env_init(&e);
    sim_program *p = compile(&e, "exp(s) + s/2 + s*s");
    int adds = 0;
    for (int k = 0; k < p->n_code; k++)
        adds += p->code[k].op == SIM_OP_ADD_VV && p->code[k].a == (SIM_ARRAY_BIT | 0u);
    assert_int_equal(adds, 1);
    assert_false(p->uses_rng);
    sim_program_free(p);
    p = compile(&e, "rand() + randn()");
    assert_true(p->uses_rng);
    sim_program_free(p);
    env_free(&e);
}

/* Runs x = <expr> over N elements. */
static void run(sim_program *p, double *x, double *y, double *z, const int64_t *idx)
{
    double *arrays[3] = { x, y, z };
    const int64_t *lists[1] = { idx };
    double rt[SIM_N_RT] = { 0.5, 5, DT };
    double *regs = sim_regs_alloc(p->n_regs);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    sim_exec_ctx ex = { arrays, lists, 0, N, rt, rng, regs };
    sim_program_exec(p, &ex);
    gsl_rng_free(rng);
    free(regs);
}

static void test_every_operator_matches_scalar_semantics(void **state)
{
    (void)state;
    env e;
    env_init(&e);
    const double Y[N] = { -2.5, -1, 0, 0.25, 1, 2, 7.5 };
    /* Binary operators in all three forms: vector-vector, vector-scalar, scalar-vector. */
    const char *bin[] = { "+", "-", "*", "/", "%", "//", "**", "<", "<=", ">", ">=", "==",
                          "!=", "and", "or" };
    const int fn[] = { SIM_FN_ADD, SIM_FN_SUB, SIM_FN_MUL, SIM_FN_DIV, SIM_FN_MOD,
                       SIM_FN_FLOORDIV, SIM_FN_POW,
                       SIM_FN_LT, SIM_FN_LE, SIM_FN_GT, SIM_FN_GE, SIM_FN_EQ, SIM_FN_NE,
                       SIM_FN_AND, SIM_FN_OR };
    char expr[64];
    for (size_t k = 0; k < sizeof bin / sizeof bin[0]; k++) {
        for (int form = 0; form < 3; form++) {
            const char *fmt = form == 0 ? "(y %s (y*y))" : form == 1 ? "(y %s 1.5)" : "(1.5 %s y)";
            snprintf(expr, sizeof expr, fmt, bin[k]);
            sim_program *p = compile(&e, expr);
            double x[N], y[N];
            memcpy(y, Y, sizeof y);
            run(p, x, y, NULL, NULL);
            for (int i = 0; i < N; i++) {
                double a = form == 2 ? 1.5 : Y[i], b = form == 0 ? Y[i] * Y[i] : form == 1 ? 1.5 : Y[i];
                double want = sim_fn_eval(fn[k], a, b);
                /* Division by a constant multiplies by its reciprocal: last-bit slack. */
                double tol = fn[k] == SIM_FN_DIV && form == 1 ? 1e-15 * fabs(want) : 0;
                int same = fabs(x[i] - want) <= tol || x[i] == want || (isnan(x[i]) && isnan(want));
                if (!same)
                    print_error("%s at y = %g: %.17g, want %.17g\n", expr, Y[i], x[i], want);
                assert_true(same);
            }
            sim_program_free(p);
        }
    }
    /* Functions and unary operators. */
    const char *un[] = { "-", "not ", "abs", "floor", "ceil", "sign", "sqrt", "exp", "log",
                         "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin",
                         "arccos", "arctan", "expm1", "log1p", "exprel", "int" };
    for (size_t k = 0; k < sizeof un / sizeof un[0]; k++) {
        snprintf(expr, sizeof expr, "%s(y)", un[k]);
        sim_program *p = compile(&e, expr);
        double x[N], y[N];
        memcpy(y, Y, sizeof y);
        run(p, x, y, NULL, NULL);
        for (int i = 0; i < N; i++) {
            double want = sim_fn_eval(SIM_FN_NEG + (int)k, Y[i], 0);
            assert_true(x[i] == want || (isnan(x[i]) && isnan(want)));
        }
        sim_program_free(p);
    }
    /* min, max, clip, i-free index and time. */
    sim_program *p = compile(&e, "min(y, 1) + max(y, 0)*10 + clip(y, -1, 1)*100 + t");
    double x[N], y[N];
    memcpy(y, Y, sizeof y);
    run(p, x, y, NULL, NULL);
    for (int i = 0; i < N; i++)
        assert_close(x[i], fmin(Y[i], 1) + fmax(Y[i], 0) * 10 + fmax(fmin(Y[i], 1), -1) * 100 + 0.5,
                     1e-12);
    sim_program_free(p);
    env_free(&e);
}

static void test_scatter_keeps_order(void **state)
{
    (void)state;
    env e;
    env_init(&e);
    sim_program *p;
    /* z is reached through index list 0: repeated indices accumulate. */
    assert_ok(sim_compile_assignment(&e.sc, "z", "z + 1", "test", &p));
    sim_program_free(p);
    sim_src *src = sim_src_new("z += y; z *= 2", "test");
    sim_stmt *st;
    int n;
    assert_ok(sim_parse_stmts(src, &st, &n));
    sim_compiler *c = sim_compiler_new(&e.sc);
    for (int k = 0; k < n; k++) {
        assert_ok(sim_analyze_stmt(&st[k], src, &e.sc));
        assert_ok(sim_compile_stmt(c, &st[k]));
    }
    p = sim_compiler_finish(c);
    double x[N] = { 0 }, y[N] = { 1, 2, 3, 4, 5, 6, 7 }, z[3] = { 0, 0, 0 };
    const int64_t idx[N] = { 0, 0, 1, 2, 2, 2, 0 };
    run(p, x, y, z, idx);
    /* z[0]: (0 + 1 + 2 + 7) * 2 * 2 * 2 (scaled once per occurrence); z[1]: 3*2 */
    assert_close(z[0], (1 + 2 + 7) * 8.0, 0);
    assert_close(z[1], 6, 0);
    assert_close(z[2], (4 + 5 + 6) * 8.0, 0);
    sim_program_free(p);
    sim_compiler_free(c);
    sim_stmts_free(st, n);
    sim_src_free(src);
    env_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folding_and_rewrites),
        cmocka_unit_test(test_subexpression_computed_once),
        cmocka_unit_test(test_every_operator_matches_scalar_semantics),
        cmocka_unit_test(test_scatter_keeps_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
