/* storage/: damaged and inconsistent files (issue 12, defects 1-4). A file changed
 * behind snex's back either loads as it says or fails with a format error naming
 * what is wrong; it never loses data silently, never hangs, never leaks a handle;
 * and a full disk ends in a message, not a signal. The wider campaign is
 * tools/faults/files.sh; test_storage_faults.py runs a quick subset of it. */
#include "snex.h"

#include "storage_test.h"

#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "damaged.hdf5"

static void add_runs(snx_traj *t, long idx)
{
    assert_non_null(snx_traj_add_result(t, "z", snx_int(idx * 10), NULL));
}

/* A small sweep: x, y explored over 2 x 2, results.runs.run_X.z in a column, a
 * complex and a quantity parameter. */
static void write_file(void)
{
    snx_traj *t = st_new("damaged", FILE_NAME);
    st_explore_xy(t, 2, 2);
    assert_non_null(snx_traj_add_parameter(t, "c", snx_complex(1.5, -2), NULL));
    assert_non_null(snx_traj_add_parameter(t, "tau", snx_quantity(15, "ms"), NULL));
    assert_non_null(snx_traj_add_result(t, "note", snx_str("a string"), NULL));
    assert_ok(snx_traj_store(t, NULL));
    st_run_all(t, add_runs);
    snx_traj_free(t);
}

static hid_t open_rw(void)
{
    hid_t f = H5Fopen(FILE_NAME, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static void set_str_attr(hid_t f, const char *obj, const char *name, const char *value)
{
    hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
    assert_true(o >= 0);
    if (H5Aexists(o, name) > 0)
        assert_true(H5Adelete(o, name) >= 0);
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0 && H5Awrite(a, t, &value) >= 0);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Oclose(o);
}

/* Loads everything with data and expects a format error whose message names `what`. */
static void assert_damaged(const char *what)
{
    snx_load_opts o = snx_load_defaults();
    o.parameters = o.derived = o.results = o.other = SNX_LOAD_DATA;
    snx_traj *t = snx_hdf5_load(FILE_NAME, &o);
    if (t)
        snx_traj_free(t);
    assert_null(t);
    assert_int_equal(snx_errcode(), SNX_EFORMAT);
    assert_errmsg_contains(what);
}

/* Defect 1: a damaged _present no longer drops the column's leaves silently, nor
 * makes a bogus "_columns" node, nor leaves an HDF5 handle open. */
static void test_columns_without_flags(void **state)
{
    (void)state;
    write_file();
    hid_t f = open_rw();
    assert_true(H5Ldelete(f, "damaged/results/runs/_present/z", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_damaged("\"z\" has no _present flags");

    write_file();
    f = open_rw();
    assert_true(H5Ldelete(f, "damaged/results/runs/_present", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_damaged("_present");
    assert_false(strstr(snx_errmsg(), "still open"));

    /* All flags false is a consistent file (every row deleted): no leaves, and no
     * node named _columns. */
    write_file();
    f = open_rw();
    hid_t ds = H5Dopen2(f, "damaged/results/runs/_present/z", H5P_DEFAULT);
    int8_t none[4] = {0};
    hid_t bt = H5Dget_type(ds);
    assert_true(H5Dwrite(ds, bt, H5S_ALL, H5S_ALL, H5P_DEFAULT, none) >= 0);
    H5Tclose(bt);
    H5Dclose(ds);
    H5Fclose(f);
    snx_traj *t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_null(snx_traj_get(t, "results.runs._columns"));
    assert_null(snx_traj_get(t, "results.runs.run_00000001.z"));
    snx_traj_free(t);
}

/* Defect 2: what the loader used to take on trust. */
static void test_inconsistencies_are_format_errors(void **state)
{
    (void)state;
    /* A complex stored as a compound with other member names. */
    write_file();
    hid_t f = open_rw();
    assert_true(H5Ldelete(f, "damaged/parameters/c/data", H5P_DEFAULT) >= 0);
    hid_t ct = H5Tcreate(H5T_COMPOUND, 16), sp = H5Screate(H5S_SCALAR);
    H5Tinsert(ct, "a", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "b", 8, H5T_NATIVE_DOUBLE);
    double ab[2] = {1.5, -2};
    hid_t ds = H5Dcreate2(f, "damaged/parameters/c/data", ct, sp, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
    assert_true(ds >= 0 && H5Dwrite(ds, ct, H5S_ALL, H5S_ALL, H5P_DEFAULT, ab) >= 0);
    H5Dclose(ds);
    H5Sclose(sp);
    H5Tclose(ct);
    H5Fclose(f);
    assert_damaged("parameters.c");

    /* A display unit of another dimension than the SI unit. */
    write_file();
    f = open_rw();
    set_str_attr(f, "damaged/parameters/tau/data", "display_unit", "mV");
    H5Fclose(f);
    assert_damaged("display_unit \"mV\"");

    /* The type attribute disagreeing with the data. */
    write_file();
    f = open_rw();
    set_str_attr(f, "damaged/parameters/x/data", "type", "double");
    H5Fclose(f);
    assert_damaged("type attribute says double");

    /* A deleted explored range: the runs table and the explorations table say
     * otherwise. */
    write_file();
    f = open_rw();
    assert_true(H5Ldelete(f, "damaged/parameters/y/explored_data", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_damaged("parameters.y");

    /* An HDF5 name with a dot would read as a path. */
    write_file();
    f = open_rw();
    hid_t g = H5Gcreate2(f, "damaged/results/a.b", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(g >= 0);
    H5Gclose(g);
    H5Fclose(f);
    assert_damaged("a.b");
}

/* Defect 3: zeroed bytes in a global heap made libhdf5 loop for ever; now the
 * driver refuses the heap. Run in a child with an alarm, so that a hang fails. */
static void test_zeroed_global_heap(void **state)
{
    (void)state;
    write_file();
    FILE *fp = fopen(FILE_NAME, "r+b");
    assert_non_null(fp);
    static unsigned char data[1 << 20];
    size_t n = fread(data, 1, sizeof data, fp);
    unsigned char *heap = NULL;
    for (size_t i = 0; !heap && i + 4 < n; i++)
        if (memcmp(data + i, "GCOL", 4) == 0)
            heap = data + i;
    assert_non_null(heap);
    memset(heap + 16, 0, 64); /* the first object's header and more */
    fseek(fp, 0, SEEK_SET);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(20);
        snx_traj *t = snx_hdf5_load(FILE_NAME, NULL);
        _exit(t ? 1 : snx_errcode() == 0 ? 2 : 0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Found by tools/fuzz/fuzz_load: a damaged block of the heap that holds the links of
 * a group of more than 8 (a result of 12 items) made libhdf5 free uninitialised
 * memory when snex listed the group in creation order (under ASan, a crash). Now a
 * format error naming the result. */
static void test_damaged_link_heap(void **state)
{
    (void)state;
    snx_traj *t = st_new("damaged", FILE_NAME);
    snx_node *many = snx_traj_add_result(t, "many", snx_none(), NULL);
    for (int k = 0; k < 12; k++) {
        char item[16];
        snprintf(item, sizeof item, "item%02d", k);
        assert_ok(snx_result_set(many, item, snx_int(k)));
    }
    assert_ok(snx_traj_store(t, NULL));
    snx_traj_free(t);
    FILE *fp = fopen(FILE_NAME, "r+b");
    assert_non_null(fp);
    static unsigned char data[1 << 20];
    size_t n = fread(data, 1, sizeof data, fp);
    unsigned char *block = NULL; /* the last direct block of a fractal heap */
    for (size_t i = 0; i + 64 < n; i++)
        if (memcmp(data + i, "FHDB", 4) == 0)
            block = data + i;
    assert_non_null(block);
    block[48] ^= 0x40; /* inside the first link message: the checksum no longer holds */
    fseek(fp, 0, SEEK_SET);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
    assert_damaged("results.many");
    assert_errmsg_contains("cannot list the items");
    assert_int_equal(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

/* Defect 4: a writer over RLIMIT_FSIZE used to die of SIGXFSZ without a word; now
 * the store fails with a message, the program goes on and exits normally with its
 * output flushed. */
static void test_file_size_limit(void **state)
{
    (void)state;
    write_file();
    int out[2];
    assert_int_equal(pipe(out), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(out[0]);
        dup2(out[1], STDOUT_FILENO);
        signal(SIGXFSZ, SIG_DFL);
        snx_traj *t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
        struct rlimit lim = {200000, RLIM_INFINITY};
        setrlimit(RLIMIT_FSIZE, &lim);
        size_t len = 400000;
        double *m = malloc(len * sizeof *m);
        for (size_t i = 0; i < len; i++)
            m[i] = (double)(i * 2654435761u % 1000003);
        snx_node *big = snx_traj_add_result(t, "big", snx_none(), NULL);
        snx_result_set(big, "m", snx_double_array(len, m));
        int rc = snx_traj_store_node(t, big, NULL);
        printf("store %d: %s\n", rc, snx_errmsg());
        snx_traj_free(t);
        free(m);
        exit(0); /* HDF5's exit handler runs */
    }
    close(out[1]);
    char buf[1024] = "";
    size_t got = 0;
    ssize_t k;
    while ((k = read(out[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)k;
    close(out[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status))
        print_error("the writer died of signal %d; it printed: %s\n", WTERMSIG(status), buf);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_non_null(strstr(buf, "store -11"));
    assert_non_null(strstr(buf, "File too large"));
    snx_traj *t = st_load(FILE_NAME, NULL, SNX_LOAD_DATA, SNX_LOAD_DATA, SNX_LOAD_DATA);
    assert_int_equal(st_val(t, "results.runs.run_00000003.z", NULL)->u.i, 30);
    snx_traj_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_without_flags),
        cmocka_unit_test(test_inconsistencies_are_format_errors),
        cmocka_unit_test(test_zeroed_global_heap),
        cmocka_unit_test(test_damaged_link_heap),
        cmocka_unit_test(test_file_size_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
