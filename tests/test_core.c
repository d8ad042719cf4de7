/* core/: errors, the hash map, the byte buffer, units and quantities. */
#include "snx_test.h"

static void test_error_message_and_code(void **state)
{
    (void)state;
    snx_error_clear();
    assert_int_equal(snx_errcode(), 0);
    assert_string_equal(snx_errmsg(), "");
    assert_int_equal(snx_error(SNX_ENOTUNIQUE, "name \"%s\" twice", "x"), SNX_ENOTUNIQUE);
    assert_string_equal(snx_errmsg(), "name \"x\" twice");
    assert_int_equal(snx_error_context("lookup of %s", "x"), SNX_ENOTUNIQUE);
    assert_string_equal(snx_errmsg(), "lookup of x: name \"x\" twice");
    assert_string_equal(snx_strerror(SNX_ENOTUNIQUE), "NotUniqueNode");
    assert_string_equal(snx_strerror(SNX_ELOCKED), "ParameterLocked");
    assert_string_equal(snx_strerror(12345), "UnknownError");
}

static int frees;
static void count_free(void *p)
{
    frees++;
    free(p);
}

static void test_map_put_get_remove_order(void **state)
{
    (void)state;
    frees = 0;
    snx_map *m = snx_map_new(count_free);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        int *v = malloc(sizeof *v);
        *v = i;
        assert_int_equal(snx_map_put(m, key, v), 0);
    }
    assert_int_equal(snx_map_count(m), 1000);
    assert_int_equal(*(int *)snx_map_get(m, "k517"), 517);
    assert_null(snx_map_get(m, "k1000"));
    assert_int_equal(snx_map_remove(m, "k3"), 1);
    assert_int_equal(snx_map_remove(m, "k3"), 0);
    assert_false(snx_map_has(m, "k3"));
    assert_int_equal(frees, 1);
    /* Replacing frees the old value. */
    int *v = malloc(sizeof *v);
    *v = -1;
    snx_map_put(m, "k4", v);
    assert_int_equal(frees, 2);
    assert_int_equal(*(int *)snx_map_get(m, "k4"), -1);
    /* Iteration follows insertion order and skips removed keys. */
    size_t it = 0, n = 0;
    const char *k;
    void *val;
    int prev = -1;
    while (snx_map_next(m, &it, &k, &val)) {
        int i = atoi(k + 1);
        assert_true(i > prev);
        assert_int_not_equal(i, 3);
        prev = i;
        n++;
    }
    assert_int_equal(n, 999);
    snx_map_free(m);
    assert_int_equal(frees, 1001);
}

static void test_buf_printf_and_take(void **state)
{
    (void)state;
    snx_buf b = { 0 };
    for (int i = 0; i < 100; i++)
        assert_int_equal(snx_buf_printf(&b, "%d,", i), 0);
    assert_int_equal(b.len, 290);
    assert_memory_equal(b.data, "0,1,2,", 6);
    char *s = snx_buf_take(&b);
    assert_null(b.data);
    assert_int_equal(strlen(s), 290);
    free(s);
    snx_buf_free(&b);
}

static void test_unit_lookup_prefixes(void **state)
{
    (void)state;
    snx_unit u, v;
    assert_int_equal(snx_unit_lookup("ms", &u), 0);
    assert_close(u.scale, 1e-3, 1e-18);
    assert_int_equal(u.dim.e[SNX_DIM_S], 1);
    assert_int_equal(snx_unit_lookup("msecond", &v), 0);
    assert_true(snx_dim_equal(u.dim, v.dim));
    assert_int_equal(snx_unit_lookup("mV", &u), 0);
    assert_int_equal(snx_unit_lookup("volt", &v), 0);
    assert_true(snx_dim_equal(u.dim, v.dim));
    assert_close(u.scale, 1e-3, 1e-18);
    assert_int_equal(snx_unit_lookup("nS", &u), 0);
    assert_close(u.scale, 1e-9, 1e-24);
    assert_int_equal(snx_unit_lookup("Mohm", &u), 0);
    assert_close(u.scale, 1e6, 1e-6);
    assert_int_equal(snx_unit_lookup("pF", &u), 0);
    assert_int_equal(snx_unit_lookup("kg", &u), 0);
    assert_close(u.scale, 1.0, 1e-15);
    assert_int_equal(snx_unit_lookup("mol", &u), 0);
    assert_int_equal(u.dim.e[SNX_DIM_MOL], 1);
    assert_int_equal(snx_unit_lookup("T", &u), 0); /* tesla, not a bare prefix */
    assert_int_equal(u.dim.e[SNX_DIM_KG], 1);
    assert_int_equal(snx_unit_lookup("furlong", &u), SNX_ENOTFOUND);
    assert_int_equal(snx_unit_lookup("m", &u), 0);
    assert_int_equal(u.dim.e[SNX_DIM_M], 1);
}

static void test_unit_expressions(void **state)
{
    (void)state;
    snx_unit u;
    assert_int_equal(snx_unit_parse("mV/ms", &u), 0);
    assert_close(u.scale, 1.0, 1e-12);
    assert_int_equal(u.dim.e[SNX_DIM_S], -4);
    assert_int_equal(snx_unit_parse("1/s", &u), 0);
    snx_unit hz;
    snx_unit_lookup("Hz", &hz);
    assert_true(snx_dim_equal(u.dim, hz.dim));
    assert_int_equal(snx_unit_parse("nS*mV", &u), 0); /* a current */
    assert_int_equal(u.dim.e[SNX_DIM_A], 1);
    assert_int_equal(u.dim.e[SNX_DIM_M], 0);
    assert_close(u.scale, 1e-12, 1e-27);
    assert_int_equal(snx_unit_parse("m**2", &u), 0);
    assert_int_equal(u.dim.e[SNX_DIM_M], 2);
    assert_int_equal(snx_unit_parse("(mV)^-1", &u), 0);
    assert_close(u.scale, 1e3, 1e-9);
    assert_int_equal(snx_unit_parse("1", &u), 0);
    assert_true(snx_dim_is_dimensionless(u.dim));
    assert_int_equal(snx_unit_parse("", &u), 0);
    assert_true(snx_dim_is_dimensionless(u.dim));
}

static void test_unit_errors_say_where(void **state)
{
    (void)state;
    snx_unit u;
    assert_int_equal(snx_unit_parse("mV/blorp", &u), SNX_ENOTFOUND);
    assert_non_null(strstr(snx_errmsg(), "column 4"));
    assert_non_null(strstr(snx_errmsg(), "blorp"));
    assert_int_equal(snx_unit_parse("mV/(ms", &u), SNX_EPARSE);
    assert_non_null(strstr(snx_errmsg(), "expected ')'"));
    assert_int_equal(snx_unit_parse("mV ms", &u), SNX_EPARSE);
    assert_int_equal(snx_unit_parse("m**x", &u), SNX_EPARSE);
    assert_non_null(strstr(snx_errmsg(), "integer power"));
}

static void test_quantities(void **state)
{
    (void)state;
    double v;
    snx_unit u;
    assert_int_equal(snx_quantity_parse("15 ms", &v, &u), 0);
    assert_close(v, 0.015, 1e-15);
    assert_int_equal(u.dim.e[SNX_DIM_S], 1);
    assert_int_equal(snx_quantity_parse("-70*mV", &v, NULL), 0);
    assert_close(v, -0.070, 1e-15);
    assert_int_equal(snx_quantity_parse("2.5e-3 s", &v, NULL), 0);
    assert_close(v, 2.5e-3, 1e-18);
    assert_int_equal(snx_quantity_parse("0.5", &v, &u), 0);
    assert_true(snx_dim_is_dimensionless(u.dim));
    assert_int_equal(snx_quantity_parse("ms", &v, NULL), SNX_EPARSE);
    assert_int_equal(snx_quantity_parse("5 parsec", &v, NULL), SNX_ENOTFOUND);
    assert_non_null(strstr(snx_errmsg(), "quantity \"5 parsec\""));
}

static void test_dim_format(void **state)
{
    (void)state;
    char buf[64];
    snx_unit u;
    snx_unit_parse("mV", &u);
    assert_string_equal(snx_dim_format(u.dim, buf, sizeof buf), "V");
    assert_string_equal(snx_dim_format(SNX_DIMENSIONLESS, buf, sizeof buf), "1");
    snx_unit_parse("mV/ms", &u);
    assert_string_equal(snx_dim_format(u.dim, buf, sizeof buf), "m^2 kg s^-4 A^-1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_message_and_code),
        cmocka_unit_test(test_map_put_get_remove_order),
        cmocka_unit_test(test_buf_printf_and_take),
        cmocka_unit_test(test_unit_lookup_prefixes),
        cmocka_unit_test(test_unit_expressions),
        cmocka_unit_test(test_unit_errors_say_where),
        cmocka_unit_test(test_quantities),
        cmocka_unit_test(test_dim_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
