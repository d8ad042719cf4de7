/* Fuzz target: the HDF5 loader on damaged snex files.
 *
 * The input is a whole file: it is written to a temporary file and loaded with
 * every branch at level DATA (as tools/faults/files_dump does), after listing its
 * trajectories. Seeds are small snex files (tools/fuzz/corpus/load/). A load either
 * succeeds or fails with a code and a message; afterwards no HDF5 object may be left
 * open (a leaked handle keeps the file open). */
#include "fuzz.h"

#include <hdf5.h>
#include <unistd.h>

#include "snex/storage.h"

static char path[64];

static void remove_file(void) { unlink(path); }

static void write_file(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(path, sizeof path, "%s/snex-fuzz-load-%ld.hdf5", dir, (long)getpid());
        atexit(remove_file);
    }
    FILE *f = fopen(path, "wb");
    fuzz_check(f);
    fuzz_check(fwrite(data, 1, size, f) == size || size == 0);
    fuzz_check(fclose(f) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_file(data, size);
    char **names = NULL;
    snx_error_clear();
    long n = snx_hdf5_list(path, &names);
    if (n < 0)
        fuzz_check_error((int)n);
    else
        snx_hdf5_names_free(names, n);
    snx_load_opts lo = snx_load_defaults();
    lo.parameters = lo.derived = lo.results = lo.other = SNX_LOAD_DATA;
    snx_error_clear();
    snx_traj *traj = snx_hdf5_load(path, &lo);
    if (!traj)
        fuzz_check_error(snx_errcode());
    snx_traj_free(traj);
    fuzz_check(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    return 0;
}
