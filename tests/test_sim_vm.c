/* The compiler and the virtual machine, from the inside: constant folding, the exact
 * rewrites that save passes, subexpressions computed once, every operator's vector
 * loops against the scalar semantics, and scatter with repeated indices. */
#include "sim_helpers.h"

#include "../sim/compiler.h"

#define N 7

/* A scope with two directly addressed arrays x (id 0) and y (id 1), an indexed array
 * z (id 2, index list 0), a constant c = 3 and a subexpression s = x + y. */
typedef struct {
    snx_scope sc;
    snx_src *sub_src;
    snx_ast *sub;
} env;

static void env_init(env *e)
{
    assert_ok(snx_scope_init(&e->sc, "test", NULL, NULL));
    assert_ok(snx_scope_add(&e->sc, "x", (snx_sym){ .kind = SNX_SYM_ARRAY, .slot = 0, .access = SNX_DIRECT, .writable = 1 }));
    assert_ok(snx_scope_add(&e->sc, "y", (snx_sym){ .kind = SNX_SYM_ARRAY, .slot = 1, .access = SNX_DIRECT, .writable = 1 }));
    assert_ok(snx_scope_add(&e->sc, "z", (snx_sym){ .kind = SNX_SYM_ARRAY, .slot = 2, .access = 0, .writable = 1 }));
    assert_ok(snx_scope_add(&e->sc, "c", (snx_sym){ .kind = SNX_SYM_CONST, .value = 3 }));
    assert_ok(snx_scope_add(&e->sc, "t", (snx_sym){ .kind = SNX_SYM_SCALAR, .slot = SNX_RT_T }));
    e->sub_src = snx_src_new("x + y", "subexpression");
    e->sub = snx_parse_expr(e->sub_src);
    assert_ok(snx_analyze(e->sub, &e->sc));
    assert_ok(snx_scope_add(&e->sc, "s", (snx_sym){ .kind = SNX_SYM_SUBEXPR, .expr = e->sub }));
}

static void env_free(env *e)
{
    snx_scope_clear(&e->sc);
    snx_src_free(e->sub_src);
}

/* Compiles "x = <expr>" and returns the program. */
static snx_program *compile(env *e, const char *expr)
{
    snx_program *p;
    int rc = snx_compile_assignment(&e->sc, "x", expr, "test", &p);
    if (rc)
        print_error("%s: %s\n", expr, snx_errmsg());
    assert_ok(rc);
    return p;
}

static void assert_listing(env *e, const char *expr, const char *want)
{
    snx_program *p = compile(e, expr);
    char *got = snx_program_dump(p);
    if (strcmp(got, want))
        print_error("x = %s compiles to\n%s\nexpected\n%s", expr, got, want);
    assert_string_equal(got, want);
    free(got);
    snx_program_free(p);
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
    snx_program *p = compile(&e, "exp(s) + s/2 + s*s");
    int adds = 0;
    for (int k = 0; k < p->n_code; k++)
        adds += p->code[k].op == SNX_OP_ADD_VV && p->code[k].a == (SNX_ARRAY_BIT | 0u);
    assert_int_equal(adds, 1);
    assert_false(p->uses_rng);
    snx_program_free(p);
    p = compile(&e, "rand() + randn()");
    assert_true(p->uses_rng);
    snx_program_free(p);
    env_free(&e);
}

/* Runs x = <expr> over N elements. */
static void run(snx_program *p, double *x, double *y, double *z, const int64_t *idx)
{
    double *arrays[3] = { x, y, z };
    const int64_t *lists[1] = { idx };
    double rt[SNX_N_RT] = { 0.5, 5, DT };
    double *regs = snx_regs_alloc(p->n_regs);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
    snx_exec ex = { arrays, lists, 0, N, rt, rng, regs };
    snx_program_run(p, &ex);
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
    const char *bin[] = { "+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=",
                          "and", "or" };
    const int fn[] = { SNX_FN_ADD, SNX_FN_SUB, SNX_FN_MUL, SNX_FN_DIV, SNX_FN_MOD, SNX_FN_POW,
                       SNX_FN_LT, SNX_FN_LE, SNX_FN_GT, SNX_FN_GE, SNX_FN_EQ, SNX_FN_NE,
                       SNX_FN_AND, SNX_FN_OR };
    char expr[64];
    for (size_t k = 0; k < sizeof bin / sizeof bin[0]; k++) {
        for (int form = 0; form < 3; form++) {
            const char *fmt = form == 0 ? "(y %s (y*y))" : form == 1 ? "(y %s 1.5)" : "(1.5 %s y)";
            snprintf(expr, sizeof expr, fmt, bin[k]);
            snx_program *p = compile(&e, expr);
            double x[N], y[N];
            memcpy(y, Y, sizeof y);
            run(p, x, y, NULL, NULL);
            for (int i = 0; i < N; i++) {
                double a = form == 2 ? 1.5 : Y[i], b = form == 0 ? Y[i] * Y[i] : form == 1 ? 1.5 : Y[i];
                double want = snx_fn_eval(fn[k], a, b);
                /* Division by a constant multiplies by its reciprocal: last-bit slack. */
                double tol = fn[k] == SNX_FN_DIV && form == 1 ? 1e-15 * fabs(want) : 0;
                int same = fabs(x[i] - want) <= tol || x[i] == want || (isnan(x[i]) && isnan(want));
                if (!same)
                    print_error("%s at y = %g: %.17g, want %.17g\n", expr, Y[i], x[i], want);
                assert_true(same);
            }
            snx_program_free(p);
        }
    }
    /* Functions and unary operators. */
    const char *un[] = { "-", "not ", "abs", "floor", "ceil", "sign", "sqrt", "exp", "log",
                         "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh" };
    for (size_t k = 0; k < sizeof un / sizeof un[0]; k++) {
        snprintf(expr, sizeof expr, "%s(y)", un[k]);
        snx_program *p = compile(&e, expr);
        double x[N], y[N];
        memcpy(y, Y, sizeof y);
        run(p, x, y, NULL, NULL);
        for (int i = 0; i < N; i++) {
            double want = snx_fn_eval(SNX_FN_NEG + (int)k, Y[i], 0);
            assert_true(x[i] == want || (isnan(x[i]) && isnan(want)));
        }
        snx_program_free(p);
    }
    /* min, max, clip, i-free index and time. */
    snx_program *p = compile(&e, "min(y, 1) + max(y, 0)*10 + clip(y, -1, 1)*100 + t");
    double x[N], y[N];
    memcpy(y, Y, sizeof y);
    run(p, x, y, NULL, NULL);
    for (int i = 0; i < N; i++)
        assert_close(x[i], fmin(Y[i], 1) + fmax(Y[i], 0) * 10 + fmax(fmin(Y[i], 1), -1) * 100 + 0.5,
                     1e-12);
    snx_program_free(p);
    env_free(&e);
}

static void test_scatter_keeps_order(void **state)
{
    (void)state;
    env e;
    env_init(&e);
    snx_program *p;
    /* z is reached through index list 0: repeated indices accumulate. */
    assert_ok(snx_compile_assignment(&e.sc, "z", "z + 1", "test", &p));
    snx_program_free(p);
    snx_src *src = snx_src_new("z += y; z *= 2", "test");
    snx_stmt *st;
    int n;
    assert_ok(snx_parse_stmts(src, &st, &n));
    snx_compiler *c = snx_compiler_new(&e.sc);
    for (int k = 0; k < n; k++) {
        assert_ok(snx_analyze_stmt(&st[k], src, &e.sc));
        assert_ok(snx_compile_stmt(c, &st[k]));
    }
    p = snx_compiler_finish(c);
    double x[N] = { 0 }, y[N] = { 1, 2, 3, 4, 5, 6, 7 }, z[3] = { 0, 0, 0 };
    const int64_t idx[N] = { 0, 0, 1, 2, 2, 2, 0 };
    run(p, x, y, z, idx);
    /* z[0]: (0 + 1 + 2 + 7) * 2 * 2 * 2 (scaled once per occurrence); z[1]: 3*2 */
    assert_close(z[0], (1 + 2 + 7) * 8.0, 0);
    assert_close(z[1], 6, 0);
    assert_close(z[2], (4 + 5 + 6) * 8.0, 0);
    snx_program_free(p);
    snx_compiler_free(c);
    snx_stmts_free(st, n);
    snx_src_free(src);
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
