/* pypet example 09, "Storing and Loading Large Results (or just parts of them)", in
 * snex.
 *
 * One result holds two large matrices, 100 x 100 x 100 and 1000 x 1000 doubles
 * (16 MB). It is stored, then emptied to free the memory; an item `monty` is added
 * and stored (the matrices on disk stay). A new trajectory is loaded from the file
 * with the results as a skeleton only, and then just two items of the big result are
 * loaded: monty and mat1 (load_only). mat2 never leaves the disk.
 *
 * The program checks what it reads and exits non-zero when something is wrong. */
#include "basics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME "hdf5/example_09.hdf5"
#define MONTY "Always look on the bright side of life!"

/* Deterministic stand-ins for numpy.random.rand. */
static double cell(size_t i, unsigned salt)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull + salt;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    return (double)(x >> 11) / 9007199254740992.0;
}

static snx_value matrix(int ndim, const size_t *shape, unsigned salt)
{
    size_t n = 1;
    for (int d = 0; d < ndim; d++)
        n *= shape[d];
    double *data = malloc(n * sizeof *data);
    for (size_t i = 0; data && i < n; i++)
        data[i] = cell(i, salt);
    snx_value v = data ? snx_double_array_nd(ndim, shape, data) : snx_none();
    free(data);
    return v;
}

static int store_the_matrices(char *name, size_t size)
{
    /* pypet's add_time: the name gets the creation time, as in Example_09_Huge_Data_... */
    snx_traj *traj = snx_traj_new("Example_09_Huge_Data", &(snx_traj_opts){ .add_time = 1 });
    snx_hdf5_opts file = { 0 };
    file.overwrite_file = 1;
    if (!traj || snx_hdf5_attach(traj, FILE_NAME, &file))
        return fail("creating the trajectory");
    snprintf(name, size, "%s", snx_traj_name(traj));

    snx_node *huge = snx_traj_add_result(traj, "huge_matrices", snx_none(), "Two large matrices");
    if (!huge || snx_result_set(huge, "mat1", matrix(3, (size_t[]){ 100, 100, 100 }, 1)) ||
        snx_result_set(huge, "mat2", matrix(2, (size_t[]){ 1000, 1000 }, 2)))
        return fail("adding the matrices");
    if (snx_traj_store(traj, NULL))
        return fail("storing");

    /* Free the memory: the matrices are on disk now. */
    snx_result_empty(huge);
    if (!snx_result_is_empty(huge))
        return wrong("the result should be empty");

    /* Add another item and store it: the items already on disk stay as they are. */
    if (snx_result_set(huge, "monty", snx_str(MONTY)) || snx_traj_store_node(traj, huge, NULL))
        return fail("storing monty");
    snx_traj_free(traj);
    return 0;
}

int main(int argc, char **argv)
{
    int done = basics_args(argc, argv, "ex09",
                           "pypet example 09, Large Results: a result of two large matrices\n"
                           "stored, emptied, extended, and loaded back in part (only some of\n"
                           "its items).");
    if (done >= 0)
        return done;
    char name[128];
    if (store_the_matrices(name, sizeof name))
        return 1;

    /* Results as a skeleton: names and comments, no data. */
    snx_load_opts load = snx_load_defaults();
    load.name = name;
    load.results = SNX_LOAD_SKELETON;
    snx_traj *traj = snx_hdf5_load(FILE_NAME, &load);
    if (!traj)
        return fail("loading");
    snx_node *huge = snx_traj_get(traj, "huge_matrices");
    if (!huge || !snx_result_is_empty(huge))
        return wrong("huge_matrices should be an empty skeleton");

    /* Only the parts we need. */
    const char *only[] = { "monty", "mat1", NULL };
    if (snx_traj_load_node(traj, huge, &(snx_item_opts){ .level = SNX_LOAD_DATA, .load_only = only }))
        return fail("loading monty and mat1");

    const snx_value *monty = snx_result_get(huge, "monty");
    const snx_value *mat1 = snx_result_get(huge, "mat1");
    printf("%s\n", monty ? snx_value_str(monty) : "(no monty)");
    printf("mat1 in huge_matrices: %s\n", mat1 ? "yes" : "no");
    printf("mat2 in huge_matrices: %s\n", snx_result_get(huge, "mat2") ? "yes" : "no");
    if (!monty || strcmp(snx_value_str(monty), MONTY) != 0)
        return wrong("monty did not come back");
    int ndim = 0;
    size_t len = 0;
    const double *cells = mat1 ? snx_value_doubles(mat1, &len) : NULL;
    if (!cells || !snx_value_shape(mat1, &ndim) || ndim != 3 || len != 1000000 ||
        snx_result_get(huge, "mat2"))
        return wrong("exactly mat1 should be loaded, with its shape");
    for (size_t i = 0; i < len; i += 9973)
        if (cells[i] != cell(i, 1))
            return wrong("mat1 holds other numbers than were stored");
    snx_traj_free(traj);
    return 0;
}
