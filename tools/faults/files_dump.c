/* The mutation campaign's loader (tools/faults/files.sh): loads the last trajectory
 * of FILE with everything at level DATA and prints a canonical dump -- every node in
 * tree order with its kind, comment, annotations, values (numbers bit-exact as hex
 * floats), explored ranges and links, then the run information. Two files load the
 * same iff their dumps are equal. On failure: the error on stderr, exit 1.
 *
 *     files_dump FILE */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snex.h"

static void put_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        if (*p < 0x20 || *p == '"' || *p == '\\' || *p >= 0x7f)
            printf("\\x%02x", *p);
        else
            putchar(*p);
    putchar('"');
}

static void put_table(const snx_table *t)
{
    size_t rows = snx_table_rows(t);
    printf("table %zu rows", rows);
    for (size_t c = 0; c < snx_table_cols(t); c++) {
        printf(" | %s:%d", snx_table_col_name(t, c), (int)snx_table_col_type(t, c));
        const void *data = snx_table_col_data(t, c);
        for (size_t r = 0; r < rows; r++)
            switch (snx_table_col_type(t, c)) {
            case SNX_COL_INT: printf(" %" PRId64, ((const int64_t *)data)[r]); break;
            case SNX_COL_DOUBLE: printf(" %a", ((const double *)data)[r]); break;
            case SNX_COL_BOOL: printf(" %d", (int)((const bool *)data)[r]); break;
            default: putchar(' '); put_str(((const char *const *)data)[r]); break;
            }
    }
}

static void put_value(const snx_value *v)
{
    printf("%s", snx_type_name(v->type));
    if (v->unit) {
        printf(" unit=");
        put_str(v->unit);
    }
    putchar(' ');
    switch (v->type) {
    case SNX_T_BOOL: printf("%d", (int)v->u.b); break;
    case SNX_T_INT: printf("%" PRId64, v->u.i); break;
    case SNX_T_DOUBLE:
    case SNX_T_QUANTITY: printf("%a", v->u.d); break;
    case SNX_T_COMPLEX: printf("%a %a", v->u.c.re, v->u.c.im); break;
    case SNX_T_STRING: put_str(v->u.s); break;
    case SNX_T_INT_ARRAY:
    case SNX_T_DOUBLE_ARRAY:
        printf("shape");
        for (int d = 0; d < v->u.a.ndim; d++)
            printf(" %zu", v->u.a.shape[d]);
        printf(" :");
        for (size_t k = 0; k < v->u.a.len; k++)
            if (v->type == SNX_T_INT_ARRAY)
                printf(" %" PRId64, ((const int64_t *)v->u.a.data)[k]);
            else
                printf(" %a", ((const double *)v->u.a.data)[k]);
        break;
    case SNX_T_TABLE: put_table(v->u.t); break;
    default: break;
    }
    putchar('\n');
}

static void put_meta(snx_node *n)
{
    printf("  comment ");
    put_str(snx_node_comment(n));
    putchar('\n');
    for (size_t i = 0; i < snx_node_n_annotations(n); i++) {
        const char *key;
        const snx_value *v = snx_node_annotation_at(n, i, &key);
        printf("  annotation %s = ", key);
        put_value(v);
    }
    for (size_t i = 0; i < snx_node_n_links(n); i++) {
        const char *name;
        snx_node *target = snx_node_link(n, i, &name);
        printf("  link %s -> %s\n", name, snx_node_full_name(target));
    }
}

static int visit(snx_node *n, void *ctx)
{
    (void)ctx;
    static const char *kinds[] = {"group", "parameter", "result"};
    int k = (int)snx_node_kind_of(n);
    printf("%s %s\n", k >= 0 && k < 3 ? kinds[k] : "?", snx_node_full_name(n));
    put_meta(n);
    if (snx_node_kind_of(n) == SNX_NODE_PARAMETER) {
        const snx_value *v = snx_par_peek(n);
        printf("  value ");
        if (v)
            put_value(v);
        else
            printf("(empty)\n");
        for (size_t r = 0; r < snx_par_range_length(n); r++) {
            printf("  range[%zu] ", r);
            put_value(snx_par_range_at(n, r));
        }
    } else if (snx_node_kind_of(n) == SNX_NODE_RESULT) {
        for (size_t i = 0; i < snx_result_n_items(n); i++) {
            const char *item;
            const snx_value *v = snx_result_item_at(n, i, &item);
            printf("  item %s = ", item);
            put_value(v);
        }
    }
    return 0;
}

static void put_runs(snx_traj *t)
{
    printf("runs %zu explored %zu\n", snx_traj_n_runs(t), snx_traj_n_explored(t));
    for (size_t p = 0; p < snx_traj_n_explored(t); p++)
        printf("  explored %s\n", snx_node_full_name(snx_traj_explored(t, p)));
    for (long i = 0; i < (long)snx_traj_n_runs(t); i++) {
        snx_run_info r;
        if (snx_traj_run_info(t, i, &r)) {
            printf("  run %ld: no information\n", i);
            continue;
        }
        printf("  run %ld %s completed=%d t=%a..%a runtime=%a seed=%" PRIu64 " summary=", i,
               r.name, (int)r.completed, r.timestamp, r.finish_timestamp, r.runtime, r.seed);
        put_str(r.parameter_summary);
        printf(" env=");
        put_str(r.env_hexsha);
        printf(" error=");
        put_str(r.error);
        putchar('\n');
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: files_dump FILE\n");
        return 2;
    }
    snx_load_opts o = snx_load_defaults();
    o.parameters = o.derived = o.results = o.other = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(argv[1], &o);
    if (!t) {
        fprintf(stderr, "files_dump: error %d: %s\n", snx_errcode(), snx_errmsg());
        return 1;
    }
    printf("trajectory %s time=%a\n", snx_traj_name(t), snx_traj_timestamp(t));
    put_meta(snx_traj_root(t));
    snx_node_iter(snx_traj_root(t), &(snx_iter_opts){.no_links = true}, visit, NULL);
    put_runs(t);
    snx_traj_free(t);
    return fflush(stdout) == 0 ? 0 : 1;
}
