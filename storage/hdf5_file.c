/* Files: opening and creating them (with the journaling driver), the trajectory
 * groups they hold and their format version, commits, and the translation of HDF5's
 * error stack into snx error messages. */
#include "hdf5_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snex/error.h"
#include "snex/util.h"

/* ---- errors ------------------------------------------------------------------------ */

void h5_quiet(void)
{
    static int done;
    if (!done) {
        H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
        done = 1;
    }
}

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *ctx)
{
    (void)n;
    char *out = ctx;
    if (!*out && e->desc && *e->desc)
        snprintf(out, 256, "%s", e->desc);
    return 0;
}

int h5_error(int code, const char *fmt, ...)
{
    char what[512], why[256] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* Upward walks start at the innermost frame: the driver's errno text or the
     * library's most specific complaint. */
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, why);
    H5Eclear2(H5E_DEFAULT);
    if (*why)
        return snx_error(code, "%s: %s", what, why);
    return snx_error(code, "%s", what);
}

int h5_format_error(int rc, const char *fmt, ...)
{
    char what[512], msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s: %s", what, snx_errmsg());
    /* What the file says that the tree cannot take (a wrong kind, a bad name, a unit
     * that does not parse) is a damaged file; running out of memory, I/O errors,
     * locked parameters and format versions stay what they are. */
    int code = rc == SNX_ENOMEM || rc == SNX_EIO || rc == SNX_ELOCKED || rc == SNX_EVERSION
                   ? rc : SNX_EFORMAT;
    return snx_error(code, "%s", msg);
}

double h5_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- paths ------------------------------------------------------------------------- */

char *h5_path(const char *full_name)
{
    char *p = snx_strdup(full_name);
    for (char *c = p; c && *c; c++)
        if (*c == '.')
            *c = '/';
    return p;
}

int h5_exists(hid_t loc, const char *path)
{
    char *p = snx_strdup(path);
    size_t len = p ? strlen(p) : 0;
    int found = p != NULL;
    /* H5Lexists checks the last component only: check every prefix. */
    for (size_t i = 1; found && i <= len; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        found = H5Lexists(loc, p, H5P_DEFAULT) > 0;
        p[i] = saved;
    }
    H5Eclear2(H5E_DEFAULT);
    free(p);
    return found;
}

/* Groups track the creation order of their links and attributes, so that children
 * and annotations load in the order they were added. */
static hid_t node_gcpl(void)
{
    hid_t p = H5Pcreate(H5P_GROUP_CREATE);
    if (p >= 0 && (H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0 ||
                   H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) < 0)) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

hid_t h5_ensure_group(hid_t loc, const char *path)
{
    char *p = snx_strdup(path);
    hid_t gcpl = node_gcpl();
    int rc = !p ? SNX_ENOMEM : gcpl < 0 ? h5_error(SNX_EIO, "cannot set up a group") : 0;
    size_t len = p ? strlen(p) : 0;
    /* Each prefix ending at a '/' (and the whole path) in turn. */
    for (size_t i = 1; rc == 0 && i <= len; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (H5Lexists(loc, p, H5P_DEFAULT) <= 0) {
            hid_t g = H5Gcreate2(loc, p, H5P_DEFAULT, gcpl, H5P_DEFAULT);
            if (g < 0)
                rc = h5_error(SNX_EIO, "cannot create group \"%s\"", p);
            else
                H5Gclose(g);
        }
        p[i] = saved;
    }
    hid_t g = H5I_INVALID_HID;
    if (rc == 0 && (g = H5Gopen2(loc, p, H5P_DEFAULT)) < 0)
        h5_error(SNX_EIO, "cannot open group \"%s\"", p);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    free(p);
    return g;
}

/* ---- opening ----------------------------------------------------------------------- */

static int make_parent_dirs(const char *filename)
{
    char *p = snx_strdup(filename);
    if (!p)
        return SNX_ENOMEM;
    for (char *c = strchr(p + 1, '/'); c; c = strchr(c + 1, '/')) {
        *c = '\0';
        if (mkdir(p, 0777) && errno != EEXIST) {
            int rc = snx_error(SNX_EIO, "cannot create folder \"%s\" for %s: %s", p, filename,
                               strerror(errno));
            free(p);
            return rc;
        }
        *c = '/';
    }
    free(p);
    return 0;
}

static hid_t make_fapl(const h5s *s)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* 1.8 object formats: readable by every HDF5 since 1.8, and the 1.8 superblock
     * carries no "open for writing" flag that would lock a killed writer's file. */
    if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST) < 0 ||
        h5_vfd_set(fapl, s->opts.durable) < 0) {
        if (fapl >= 0)
            H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

/* Creates an empty file under a temporary name and renames it into place: a writer
 * killed meanwhile leaves no file, or the file it was to replace, never half a file. */
static int create_file(h5s *s, hid_t fapl)
{
    int rc = make_parent_dirs(s->filename);
    snx_buf tmp = {0};
    if (!rc)
        rc = snx_buf_printf(&tmp, "%s.creating", s->filename);
    hid_t fcpl = rc ? H5I_INVALID_HID : H5Pcreate(H5P_FILE_CREATE);
    hid_t f = H5I_INVALID_HID;
    /* The root group remembers creation order: trajectory index -1 is the newest. */
    if (fcpl >= 0 &&
        H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)
        f = H5Fcreate(tmp.data, H5F_ACC_TRUNC, fcpl, fapl);
    if (!rc && (f < 0 || H5Fclose(f) < 0))
        rc = h5_error(SNX_EIO, "cannot create %s", s->filename);
    if (!rc && rename(tmp.data, s->filename))
        rc = snx_error(SNX_EIO, "cannot create %s: %s", s->filename, strerror(errno));
    if (rc && tmp.data)
        unlink(tmp.data);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    snx_buf_free(&tmp);
    return rc;
}

static hid_t open_existing(h5s *s, hid_t fapl, int writable)
{
    hid_t f = H5Fopen(s->filename, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
    if (f >= 0)
        return f;
    char why[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, why);
    H5Eclear2(H5E_DEFAULT);
    /* The journaling driver's own failures ("cannot write the journal of ...": opening
     * for writing writes) are I/O errors, not damage. */
    if (strstr(why, "in use by another process") || strstr(why, "cannot "))
        snx_error(SNX_EIO, "cannot open %s: %s", s->filename, why);
    else if (H5Fis_hdf5(s->filename) <= 0)
        snx_error(SNX_EFORMAT, "%s is not an HDF5 file", s->filename);
    else
        snx_error(SNX_EFORMAT, "%s is damaged or truncated: %s", s->filename, why);
    H5Eclear2(H5E_DEFAULT);
    return H5I_INVALID_HID;
}

/* A write beyond RLIMIT_FSIZE raises SIGXFSZ, whose default action kills the process
 * without a word. Ignored, the write fails with EFBIG instead, which the journaling
 * driver reports ("File too large") and the file keeps its last commit. A handler
 * the program installed itself is left alone. */
static void keep_sigxfsz_from_killing(void)
{
    struct sigaction old;
    if (sigaction(SIGXFSZ, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
        old.sa_handler == SIG_DFL) {
        struct sigaction ign = {0};
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGXFSZ, &ign, NULL);
    }
}

int h5_open(h5s *s, int writable)
{
    if (s->file >= 0 && (s->writable || !writable))
        return 0;
    if (h5_close(s)) /* a read-only handle cannot write: reopen */
        return snx_errcode();
    h5_quiet();
    if (writable)
        keep_sigxfsz_from_killing();
    int exists = access(s->filename, F_OK) == 0;
    if (!writable && !exists)
        return snx_error(SNX_EIO, "no file %s", s->filename);
    hid_t fapl = make_fapl(s);
    if (fapl < 0)
        return h5_error(SNX_EIO, "cannot set up access to %s", s->filename);
    int rc = writable && (s->truncate_pending || !exists) ? create_file(s, fapl) : 0;
    if (!rc)
        s->file = open_existing(s, fapl, writable);
    H5Pclose(fapl);
    if (rc || s->file < 0)
        return rc ? rc : snx_errcode();
    s->truncate_pending = 0;
    s->writable = writable;
    s->last_commit = h5_now();
    return 0;
}

static int failed_before(const h5s *s, const char *why)
{
    return snx_error(SNX_EIO,
                     "%s: a write failed (%s); the file keeps its last commit, and nothing "
                     "more is committed until it is closed and reopened",
                     s->filename, why);
}

void h5_add_pending(h5s *s, const h5_pending *p)
{
    if (s->n_pending < H5_MAX_PENDING)
        s->pending[s->n_pending++] = p;
}

int h5_flush_pending(h5s *s)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < s->n_pending; k++)
        rc = s->pending[k]->flush(s);
    return rc;
}

int h5_commit(h5s *s)
{
    if (s->file < 0 || !s->writable)
        return 0;
    const char *why = h5_vfd_failure(s->file);
    if (why)
        return failed_before(s, why);
    int rc = h5_flush_pending(s);
    if (!rc && H5Fflush(s->file, H5F_SCOPE_GLOBAL) < 0)
        rc = h5_error(SNX_EIO, "cannot commit %s", s->filename);
    if (!rc && (why = h5_vfd_failure(s->file))) /* HDF5 pushes on after failed writes */
        rc = failed_before(s, why);
    s->last_commit = h5_now();
    return rc;
}

int h5_close(h5s *s)
{
    if (s->file < 0)
        return 0;
    int rc = h5_commit(s);
    if (s->traj_g >= 0)
        H5Gclose(s->traj_g);
    s->traj_g = H5I_INVALID_HID;
    free(s->traj_name);
    s->traj_name = NULL;
    /* Objects this handle left open (another handle on the same file may have some). */
    ssize_t left = H5Fget_obj_count(s->file, H5F_OBJ_DATASET | H5F_OBJ_GROUP |
                                                 H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL);
    if (left > 0 && !rc)
        rc = snx_error(SNX_EIO, "closing %s: %zd HDF5 objects are still open (a bug)",
                       s->filename, left);
    /* Closed once, never again: libhdf5 1.10 frees a file whose close failed but
     * keeps its id, and a second close (or its exit handler) reads freed memory. The
     * driver therefore lets the close succeed even on a full disk (the file keeps its
     * last commit) and says afterwards what failed. */
    h5_vfd_closing(s->file);
    const char *why;
    if (H5Fclose(s->file) < 0) {
        if (!rc)
            rc = h5_error(SNX_EIO, "cannot close %s", s->filename);
        H5Eclear2(H5E_DEFAULT);
    } else if ((why = h5_vfd_close_failure()) && !rc) {
        rc = failed_before(s, why);
    }
    s->file = H5I_INVALID_HID;
    s->writable = 0;
    for (size_t k = 0; k < s->n_pending; k++)
        if (s->pending[k]->forget)
            s->pending[k]->forget(s);
    return rc;
}

int h5_finish(h5s *s, int rc)
{
    char first[512] = "";
    if (rc) /* the operation's own error is the one to tell */
        snprintf(first, sizeof first, "%s", snx_errmsg());
    int rc2 = s->opts.keep_open ? h5_commit(s) : h5_close(s);
    if (rc)
        snx_error(rc, "%s", first);
    return rc ? rc : rc2;
}

/* ---- trajectories -------------------------------------------------------------------- */

typedef struct name_list {
    char **names;
    size_t n, cap;
} name_list;

static herr_t collect_traj(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
    name_list *l = ctx;
    if (info->type != H5L_TYPE_HARD || H5Aexists_by_name(g, name, H5N_FORMAT, H5P_DEFAULT) <= 0)
        return 0;
    if (snx_grow(&l->names, &l->cap, l->n + 1, sizeof *l->names))
        return -1;
    if (!(l->names[l->n] = snx_strdup(name)))
        return -1;
    l->n++;
    return 0;
}

H5_index_t h5_order(hid_t g, int attributes)
{
    hid_t gcpl = H5Gget_create_plist(g);
    unsigned order = 0;
    if (gcpl >= 0) {
        if (attributes)
            H5Pget_attr_creation_order(gcpl, &order);
        else
            H5Pget_link_creation_order(gcpl, &order);
        H5Pclose(gcpl);
    }
    /* Groups written by others may not record it: then by name. */
    return (order & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
}

typedef struct link_names {
    char **names;
    size_t n, cap;
} link_names;

static herr_t collect_link_name(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
    (void)g, (void)info;
    link_names *l = ctx;
    if (snx_grow(&l->names, &l->cap, l->n + 1, sizeof *l->names) ||
        !(l->names[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A dense group's links by name, without libhdf5's table (see h5_iterate): collected
 * in native order, sorted here, and visited. */
static herr_t iterate_dense_by_name(hid_t g, H5L_iterate_t f, void *ctx)
{
    link_names l = {0};
    herr_t rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, collect_link_name, &l);
    if (rc >= 0)
        qsort(l.names, l.n, sizeof *l.names, by_name);
    for (size_t k = 0; rc == 0 && k < l.n; k++) {
        H5L_info_t info;
        rc = H5Lget_info(g, l.names[k], &info, H5P_DEFAULT) < 0 ? -1 : f(g, l.names[k], &info, ctx);
    }
    for (size_t k = 0; k < l.n; k++)
        free(l.names[k]);
    free(l.names);
    return rc;
}

herr_t h5_iterate(hid_t g, H5L_iterate_t f, void *ctx)
{
    /* To visit a dense group (more than 8 links) in any order but its native one,
     * libhdf5 1.10 first builds a table of its links, and when a damaged heap stops
     * that half-way it frees the table's uninitialised entries: a crash (found by
     * tools/fuzz/fuzz_load). The native order of a group indexed by creation order
     * is increasing creation order; by name, it is the names' hash order, so those
     * are sorted here. */
    H5G_info_t gi;
    if (H5Gget_info(g, &gi) < 0)
        return -1;
    H5_index_t idx = h5_order(g, 0);
    if (gi.storage_type != H5G_STORAGE_TYPE_DENSE)
        return H5Literate(g, idx, H5_ITER_INC, NULL, f, ctx);
    if (idx == H5_INDEX_CRT_ORDER)
        return H5Literate(g, idx, H5_ITER_NATIVE, NULL, f, ctx);
    return iterate_dense_by_name(g, f, ctx);
}

long h5_list(hid_t file, char ***names)
{
    name_list l = {0};
    hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    herr_t rc = root >= 0 ? h5_iterate(root, collect_traj, &l) : -1;
    if (root >= 0)
        H5Gclose(root);
    if (rc < 0) {
        int code = snx_errcode() == SNX_ENOMEM ? SNX_ENOMEM
                                                : h5_error(SNX_EFORMAT, "cannot list the trajectories");
        snx_hdf5_names_free(l.names, (long)l.n);
        return code;
    }
    *names = l.names;
    return (long)l.n;
}

void snx_hdf5_names_free(char **names, long n)
{
    for (long k = 0; k < n; k++)
        free(names[k]);
    free(names);
}

static int check_version(h5s *s, const char *name, int force)
{
    hid_t g = H5Gopen2(s->file, name, H5P_DEFAULT);
    long version = 0;
    int rc = g >= 0 ? h5_read_long_attr(g, H5N_FORMAT, &version) : -1;
    if (g >= 0)
        H5Gclose(g);
    if (rc)
        return h5_error(SNX_EFORMAT, "%s: trajectory \"%s\" has no readable format version",
                        s->filename, name);
    if (version > SNX_HDF5_FORMAT_VERSION && !force)
        return snx_error(SNX_EVERSION,
                         "%s: trajectory \"%s\" has format version %ld; this snex reads "
                         "version %d (load with force to try anyway)",
                         s->filename, name, version, SNX_HDF5_FORMAT_VERSION);
    return 0;
}

static int no_such_traj(h5s *s, const char *name, long index, char **names, long n)
{
    snx_buf b = {0};
    for (long k = 0; k < n; k++)
        snx_buf_printf(&b, "%s\"%s\"", k ? ", " : "", names[k]);
    int rc;
    if (name && H5Lexists(s->file, name, H5P_DEFAULT) > 0)
        rc = snx_error(SNX_EFORMAT, "%s: \"%s\" is not a snex trajectory", s->filename, name);
    else if (name)
        rc = snx_error(SNX_ENODATA, "%s holds no trajectory \"%s\" (it holds %s)", s->filename,
                       name, n ? b.data : "none");
    else
        rc = snx_error(SNX_ENODATA, "%s holds %ld trajector%s; there is no index %ld",
                       s->filename, n, n == 1 ? "y" : "ies", index);
    H5Eclear2(H5E_DEFAULT);
    snx_buf_free(&b);
    return rc;
}

int h5_select_traj(h5s *s, const char *name, long index, int force, char **out_name)
{
    char **names = NULL;
    long n = h5_list(s->file, &names);
    if (n < 0)
        return (int)n;
    long pick = -1;
    for (long k = 0; name && k < n; k++)
        if (strcmp(names[k], name) == 0)
            pick = k;
    if (!name)
        pick = index < 0 ? n + index : index;
    int rc = pick < 0 || pick >= n ? no_such_traj(s, name, index, names, n)
                                   : check_version(s, names[pick], force);
    if (!rc && !(*out_name = snx_strdup(names[pick])))
        rc = SNX_ENOMEM;
    snx_hdf5_names_free(names, n);
    return rc;
}

int h5_open_traj(h5s *s, const char *name)
{
    if (s->traj_g >= 0 && strcmp(s->traj_name, name) == 0)
        return 0;
    if (s->traj_g >= 0)
        H5Gclose(s->traj_g);
    free(s->traj_name);
    s->traj_name = snx_strdup(name);
    s->traj_g = H5Gopen2(s->file, name, H5P_DEFAULT);
    if (s->traj_g < 0)
        return h5_error(SNX_ENODATA, "%s holds no trajectory \"%s\"", s->filename, name);
    return s->traj_name ? 0 : SNX_ENOMEM;
}

static int write_traj_attrs(h5s *s, hid_t g, snx_traj *traj)
{
    int rc = h5_write_long_attr(g, H5N_FORMAT, SNX_HDF5_FORMAT_VERSION);
    if (!rc)
        rc = h5_write_str_attr(g, "snex_version", SNX_VERSION);
    if (!rc)
        rc = h5_write_str_attr(g, "name", snx_traj_name(traj));
    if (!rc)
        rc = h5_write_double_attr(g, "timestamp", snx_traj_timestamp(traj));
    if (!rc)
        rc = h5_write_str_attr(g, "time", snx_traj_time(traj));
    /* The compression settings, so that readers know and a later writer keeps them. */
    if (!rc)
        rc = h5_write_long_attr(g, "hdf5_complevel", s->opts.complevel);
    if (!rc)
        rc = h5_write_long_attr(g, "hdf5_shuffle", !s->opts.no_shuffle);
    if (!rc)
        rc = h5_write_long_attr(g, "hdf5_fletcher32", !s->opts.no_fletcher32);
    return rc;
}

int h5_create_traj(h5s *s, snx_traj *traj)
{
    const char *name = snx_traj_name(traj);
    if (H5Lexists(s->file, name, H5P_DEFAULT) > 0)
        return snx_error(SNX_EEXIST,
                         "%s already holds a trajectory \"%s\" (load it to add to it, or "
                         "choose another name)", s->filename, name);
    H5Eclear2(H5E_DEFAULT);
    hid_t g = h5_ensure_group(s->file, name);
    if (g < 0)
        return snx_errcode();
    int rc = write_traj_attrs(s, g, traj);
    H5Gclose(g);
    return rc ? rc : h5_open_traj(s, name);
}
