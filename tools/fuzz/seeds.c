/* Writes the binary seed corpora of the fuzz targets: run messages as workers send
 * them (fuzz_message) and small snex files (fuzz_load). The text seeds of the other
 * targets are written by hand. `make fuzz` builds this program; run it to write the
 * seeds again after the message or file format changed:
 *
 *     build-fuzz/fuzz/seeds tools/fuzz/corpus */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../explore/env_internal.h"
#include "snex.h"

static void fail(const char *what)
{
    fprintf(stderr, "seeds: %s: %s\n", what, snx_errmsg());
    exit(1);
}

#define CHECK(x) do { if (!(x)) fail(#x); } while (0)

static snx_traj *explored_traj(const char *name)
{
    snx_traj *t = snx_traj_new(name, NULL);
    CHECK(t);
    CHECK(snx_traj_add_parameter(t, "x", snx_int(0), "explored"));
    CHECK(snx_traj_add_parameter(t, "model.tau", snx_quantity(0.01, "ms"), "a quantity"));
    snx_ranges *r = snx_ranges_new();
    CHECK(r && snx_ranges_add_ints(r, "x", (int64_t[]){ 1, 2, 3 }, 3) == 0);
    CHECK(snx_traj_explore(t, r) == 0);
    snx_ranges_free(r);
    return t;
}

static void write_bytes(const char *dir, const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
}

/* What run 1 adds: `kind` 0 nothing, 1 every value type, 2 groups, links to a
 * derived parameter and annotations. */
static void add_run_data(snx_traj *t, int kind)
{
    if (kind == 1) {
        snx_node *res = snx_traj_add_result(t, "all", snx_none(), "every value type");
        CHECK(res);
        CHECK(snx_result_set(res, "bool", snx_bool(1)) == 0);
        CHECK(snx_result_set(res, "int", snx_int(-5)) == 0);
        CHECK(snx_result_set(res, "double", snx_double(0.25)) == 0);
        CHECK(snx_result_set(res, "complex", snx_complex(1.5, -2)) == 0);
        CHECK(snx_result_set(res, "string", snx_str("hello")) == 0);
        CHECK(snx_result_set(res, "quantity", snx_quantity(0.015, "ms")) == 0);
        CHECK(snx_result_set(res, "ints", snx_int_array_nd(2, (size_t[]){ 2, 2 },
                                                           (int64_t[]){ 1, 2, 3, 4 })) == 0);
        CHECK(snx_result_set(res, "doubles", snx_double_array(3, (double[]){ 1, -1, 0.5 })) == 0);
        snx_table *tab = snx_table_new(2);
        CHECK(tab && snx_table_add_int(tab, "i", (int64_t[]){ 1, 2 }) == 0);
        CHECK(snx_table_add_string(tab, "s", (const char *[]){ "a", "" }) == 0);
        CHECK(snx_table_add_bool(tab, "b", (bool[]){ true, false }) == 0);
        CHECK(snx_result_set(res, "table", snx_table_value(tab)) == 0);
    } else if (kind == 2) {
        snx_node *d = snx_traj_add_derived(t, "area", snx_double(2.5), "derived");
        CHECK(d && snx_node_annotate(d, "order", snx_int(3)) == 0);
        snx_node *g = snx_traj_add_group(t, "results.grp.inner", "a group");
        CHECK(g && snx_node_annotate(g, "colour", snx_str("blue")) == 0);
        CHECK(snx_node_add_leaf(g, "leaf", snx_str("in a group"), NULL));
        CHECK(snx_traj_add_result(t, "bucket.$set.$.z", snx_int(42), "wildcards"));
    }
}

static void write_messages(const char *dir)
{
    for (int kind = 0; kind < 3; kind++) {
        snx_traj *t = explored_traj("msg");
        CHECK(snx_traj_begin_run(t, 1) == 0);
        add_run_data(t, kind);
        env_report rep = { .idx = 1, .seed = 99, .timestamp = 1.0, .finish_timestamp = 1.5,
                           .ret = kind ? snx_double(0.5) : snx_none() };
        snx_buf b = { 0 };
        CHECK(env_msg_encode(&b, t, &rep) == 0);
        char name[32];
        snprintf(name, sizeof name, "run_kind%d.msg", kind);
        write_bytes(dir, name, b.data, b.len);
        snx_buf_free(&b);
        env_report_clear(&rep);
        snx_traj_end_run(t);
        snx_traj_free(t);
    }
    snx_buf b = { 0 };
    CHECK(env_msg_encode_failure(&b, 2, 7, 1.0, 2.0, SNX_ERUN, "crashed: SIGSEGV") == 0);
    write_bytes(dir, "failure.msg", b.data, b.len);
    snx_buf_free(&b);
}

/* `kind` 0: parameters only; 1: three runs with every value type in run 1 and a
 * scalar per run (a column); 2: a result of every type outside the runs. */
static void write_file(const char *dir, int kind)
{
    char path[512];
    /* No .hdf5 suffix: git ignores those. */
    snprintf(path, sizeof path, "%s/seed_kind%d", dir, kind);
    remove(path);
    snx_traj *t = explored_traj("seed");
    CHECK(snx_hdf5_attach(t, path, &(snx_hdf5_opts){ .no_fletcher32 = kind != 1 }) == 0);
    if (kind == 2)
        add_run_data(t, 1);
    CHECK(snx_traj_store(t, NULL) == 0);
    for (long r = 0; kind == 1 && r < 3; r++) {
        CHECK(snx_traj_begin_run(t, r) == 0);
        CHECK(snx_traj_add_result(t, "z", snx_double((double)r / 4), "per run"));
        if (r == 1)
            add_run_data(t, 2);
        CHECK(snx_traj_store_run(t, r) == 0);
        snx_traj_end_run(t);
    }
    snx_traj_free(t);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seeds CORPUS_DIR (writes CORPUS_DIR/{message,load}/)\n");
        return 2;
    }
    char dir[512];
    snprintf(dir, sizeof dir, "%s/message", argv[1]);
    write_messages(dir);
    snprintf(dir, sizeof dir, "%s/load", argv[1]);
    for (int kind = 0; kind < 3; kind++)
        write_file(dir, kind);
    return 0;
}
