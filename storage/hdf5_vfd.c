/* The journaling HDF5 file driver: how a snex file survives its writer being killed.
 *
 * HDF5 1.10 has no journal: H5Fflush writes dirty metadata one entry at a time, and
 * between flushes the metadata cache and the chunk cache may write dirty entries
 * whenever they like. A writer killed in the middle of that leaves a file whose
 * object headers point at B-tree nodes that were never written. This driver turns
 * every H5Fflush into an atomic commit, in the way SQLite's rollback journal does:
 *
 *   - The file is split at `committed`, its size after the last commit. Bytes at or
 *     beyond it belong to no committed object, so writes there go straight to the
 *     file (that is where HDF5 appends new chunks and datasets: the bulk of the data).
 *   - Writes below `committed` would change what the last commit's objects point
 *     at. They are kept in memory in 4 KiB pages and never reach the file before
 *     the commit.
 *   - Commit (the driver's flush callback, i.e. H5Fflush, and close): write every
 *     dirty page plus the new file length to `<file>.journal` with a checksum, then
 *     copy the pages into the file, set its length, and empty the journal.
 *   - Open: a complete journal (valid checksum) means a commit was being copied
 *     when the writer died; it is copied again (or, read-only, overlaid in memory).
 *     An incomplete journal means the writer died before the copy began: the file
 *     still holds the previous commit untouched, and the journal is discarded.
 *
 * A process killed at any instant therefore leaves the file at its last commit.
 * (Power loss needs the data on the platter too: `durable` adds an fsync of the
 * journal before the copy and of the file after it.)
 *
 * The on-disk format of the .hdf5 file is exactly what the sec2 driver writes; any
 * HDF5 reader opens it. The journal is only ever non-empty during a commit.
 *
 * A full disk: the first write, commit or truncation that fails "poisons" the handle.
 * From then on nothing reaches the file (it keeps its last commit) and every callback
 * succeeds in memory, so that libhdf5 can still flush its caches and close. Closing
 * must not fail: libhdf5 1.10 frees a file whose close failed but keeps its id, and
 * closing that id again (a retry, or libhdf5's exit handler) reads freed memory. So
 * failures while closing are kept, not returned (h5_vfd_close_failure). */
#include "hdf5_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snex/util.h"

#define PAGE_SIZE 4096u
#define JOURNAL_MAGIC "SNXJRNL1"
#define JOURNAL_END "SNXJEND1"
#define MAXADDR (((haddr_t)1 << (8 * sizeof(off_t) - 1)) - 1)

typedef struct jpage {
    uint64_t no;    /* page number: bytes [no*PAGE_SIZE, no*PAGE_SIZE + len) */
    uint32_t len;   /* valid bytes (the page may end at `committed`) */
    unsigned char data[PAGE_SIZE];
} jpage;

/* Dirty pages: an array in first-touch order plus an open-addressing index. */
typedef struct jpages {
    jpage **items;
    size_t n, cap;
    size_t *slots; /* index+1 into items, 0 = empty; capacity is a power of two */
    size_t n_slots;
} jpages;

typedef struct jfile {
    H5FD_t pub; /* must be first */
    int fd;
    int jfd;    /* journal, opened at the first commit that needs it */
    int writable, durable;
    int recovered; /* the journal was looked at (or is to be ignored) */
    /* A write failed (disk full): HDF5's picture of the file is no longer whole, so
     * this handle commits nothing any more. Later writes are kept in memory only,
     * so that HDF5 can still read back what it wrote and close cleanly. */
    int poisoned;
    int keep_journal;  /* a commit failed while copying: its journal redoes it */
    int closing;       /* inside H5Fclose (h5_vfd_closing): failures are kept only */
    char failure[256]; /* why it was poisoned */
    haddr_t eoa, eof;
    haddr_t committed;   /* file length at the last commit */
    haddr_t pending_len; /* length to set at the next commit (HADDR_UNDEF: none) */
    jpages pages;
    dev_t dev;
    ino_t ino;
    char *name, *jname;
} jfile;

typedef struct jfapl {
    int durable;
} jfapl;

static hid_t jdriver_id = H5I_INVALID_HID;

/* ---- errors: pushed on the HDF5 stack so snx_h5_error() can show them ---------- */

static herr_t jfail(jfile *f, const char *what, int err)
{
    if (f && !f->failure[0])
        snprintf(f->failure, sizeof f->failure, "%s %s: %s", what, f->name, strerror(err));
    H5Epush2(H5E_DEFAULT, __FILE__, "snex journal driver", __LINE__, H5E_ERR_CLS, H5E_VFL,
             H5E_WRITEERROR, "%s %s: %s", what, f ? f->name : "file", strerror(err));
    return -1;
}

/* A write that failed: the handle is poisoned (see the top of the file). The failure
 * is returned, except while closing. */
static herr_t jpoison(jfile *f, const char *what, int err)
{
    f->poisoned = 1;
    herr_t rc = jfail(f, what, err);
    return f->closing ? 0 : rc;
}

/* Why the last file closed with a failure failed ("" if it did not): a close may not
 * fail in libhdf5's eyes. The writer is one thread. */
static char close_failure[256];

/* ---- the page set ------------------------------------------------------------ */

static size_t page_hash(uint64_t no, size_t n_slots)
{
    return (size_t)((no * 0x9E3779B97F4A7C15ull) >> 17) & (n_slots - 1);
}

static jpage *pages_find(const jpages *p, uint64_t no)
{
    if (!p->n_slots)
        return NULL;
    for (size_t h = page_hash(no, p->n_slots);; h = (h + 1) & (p->n_slots - 1)) {
        size_t s = p->slots[h];
        if (!s)
            return NULL;
        if (p->items[s - 1]->no == no)
            return p->items[s - 1];
    }
}

static int pages_reindex(jpages *p, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return -1;
    free(p->slots);
    p->slots = slots;
    p->n_slots = n_slots;
    for (size_t i = 0; i < p->n; i++) {
        size_t h = page_hash(p->items[i]->no, n_slots);
        while (slots[h])
            h = (h + 1) & (n_slots - 1);
        slots[h] = i + 1;
    }
    return 0;
}

static jpage *pages_add(jpages *p, uint64_t no)
{
    if (snx_grow(&p->items, &p->cap, p->n + 1, sizeof *p->items))
        return NULL;
    if (2 * (p->n + 1) > p->n_slots && pages_reindex(p, p->n_slots ? 2 * p->n_slots : 64))
        return NULL;
    jpage *pg = calloc(1, sizeof *pg);
    if (!pg)
        return NULL;
    pg->no = no;
    p->items[p->n++] = pg;
    size_t h = page_hash(no, p->n_slots);
    while (p->slots[h])
        h = (h + 1) & (p->n_slots - 1);
    p->slots[h] = p->n;
    return pg;
}

static void pages_clear(jpages *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i]);
    p->n = 0;
    if (p->slots)
        memset(p->slots, 0, p->n_slots * sizeof *p->slots);
}

static void pages_free(jpages *p)
{
    pages_clear(p);
    free(p->items);
    free(p->slots);
    memset(p, 0, sizeof *p);
}

/* ---- plain POSIX I/O loops ----------------------------------------------------- */

static int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
    const char *b = buf;
    while (n) {
        ssize_t w = pwrite(fd, b, n, off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? errno : ENOSPC;
        b += w, n -= (size_t)w, off += w;
    }
    return 0;
}

/* Reads n bytes at off; bytes beyond the end of the file read as zero. */
static int pread_all(int fd, void *buf, size_t n, off_t off)
{
    char *b = buf;
    while (n) {
        ssize_t r = pread(fd, b, n, off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0) {
            memset(b, 0, n);
            return 0;
        }
        b += r, n -= (size_t)r, off += r;
    }
    return 0;
}

/* ---- the journal --------------------------------------------------------------- */

/* FNV-1a: a torn journal fails it with overwhelming probability. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001B3ull;
    return h;
}

typedef struct jheader {
    char magic[8];
    uint64_t dev, ino; /* the file it belongs to: a journal left by a file since
                          replaced (overwrite_file) must not touch the new one */
    uint64_t n_pages;
    uint64_t new_len; /* file length after the commit (UINT64_MAX: keep) */
} jheader;

typedef struct jrecord {
    uint64_t no;
    uint64_t len;
} jrecord;

typedef struct jtrailer {
    uint64_t checksum;
    char magic[8];
} jtrailer;

static int journal_open(jfile *f)
{
    if (f->jfd >= 0)
        return 0;
    f->jfd = open(f->jname, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    return f->jfd < 0 ? errno : 0;
}

/* Serialises the pending commit: header, (record, bytes)*, trailer. */
static int journal_build(const jfile *f, snx_buf *b)
{
    jheader h = {.dev = (uint64_t)f->dev,
                 .ino = (uint64_t)f->ino,
                 .n_pages = f->pages.n,
                 .new_len = f->pending_len == HADDR_UNDEF ? UINT64_MAX : f->pending_len};
    memcpy(h.magic, JOURNAL_MAGIC, 8);
    if (snx_buf_reserve(b, sizeof h + f->pages.n * (sizeof(jrecord) + PAGE_SIZE) +
                               sizeof(jtrailer)))
        return ENOMEM;
    snx_buf_append(b, &h, sizeof h);
    for (size_t i = 0; i < f->pages.n; i++) {
        const jpage *pg = f->pages.items[i];
        jrecord r = {pg->no, pg->len};
        snx_buf_append(b, &r, sizeof r);
        snx_buf_append(b, pg->data, pg->len);
    }
    jtrailer t = {fnv1a(0xCBF29CE484222325ull, b->data, b->len), JOURNAL_END};
    memcpy(t.magic, JOURNAL_END, 8);
    snx_buf_append(b, &t, sizeof t);
    return 0;
}

/* Parses a journal image into f->pages and f->pending_len; 0 if it is complete and
 * belongs to this file. */
static int journal_parse(jfile *f, const unsigned char *data, size_t n)
{
    jheader h;
    jtrailer t;
    if (n < sizeof h + sizeof t)
        return -1;
    memcpy(&h, data, sizeof h);
    memcpy(&t, data + n - sizeof t, sizeof t);
    if (memcmp(h.magic, JOURNAL_MAGIC, 8) || memcmp(t.magic, JOURNAL_END, 8) ||
        h.dev != (uint64_t)f->dev || h.ino != (uint64_t)f->ino ||
        t.checksum != fnv1a(0xCBF29CE484222325ull, data, n - sizeof t))
        return -1;
    size_t off = sizeof h;
    for (uint64_t i = 0; i < h.n_pages; i++) {
        jrecord r;
        if (off + sizeof r > n - sizeof t)
            return -1;
        memcpy(&r, data + off, sizeof r);
        off += sizeof r;
        if (r.len > PAGE_SIZE || off + r.len > n - sizeof t)
            return -1;
        jpage *pg = pages_find(&f->pages, r.no);
        if (!pg && !(pg = pages_add(&f->pages, r.no)))
            return -1;
        pg->len = (uint32_t)r.len;
        memcpy(pg->data, data + off, r.len);
        off += r.len;
    }
    f->pending_len = h.new_len == UINT64_MAX ? HADDR_UNDEF : (haddr_t)h.new_len;
    return 0;
}

/* Copies the pages into the file and sets its length. */
static int journal_apply(jfile *f)
{
    for (size_t i = 0; i < f->pages.n; i++) {
        const jpage *pg = f->pages.items[i];
        int err = pwrite_all(f->fd, pg->data, pg->len, (off_t)(pg->no * PAGE_SIZE));
        if (err)
            return err;
    }
    if (f->pending_len != HADDR_UNDEF && ftruncate(f->fd, (off_t)f->pending_len))
        return errno;
    if (f->durable && fsync(f->fd))
        return errno;
    return 0;
}

static void commit_done(jfile *f)
{
    struct stat st;
    pages_clear(&f->pages);
    f->pending_len = HADDR_UNDEF;
    if (fstat(f->fd, &st) == 0)
        f->committed = f->eof = (haddr_t)st.st_size;
}

/* The commit: journal, copy, empty the journal. Nothing changes below `committed`
 * before the journal is complete, so a failure (disk full) leaves the last commit
 * intact and the pages in memory for a retry. */
static int commit(jfile *f)
{
    /* After a failed write HDF5 still flushes what it can and calls us: committing
     * that would make a half-written state durable. The file keeps its last commit
     * (h5_vfd_failed tells the service). */
    if (f->poisoned)
        return 0;
    if (!f->pages.n && f->pending_len == HADDR_UNDEF) {
        commit_done(f);
        return 0;
    }
    snx_buf b = {0};
    int err = journal_open(f);
    if (!err)
        err = journal_build(f, &b);
    if (!err)
        err = pwrite_all(f->jfd, b.data, b.len, 0);
    snx_buf_free(&b);
    if (!err && f->durable && fsync(f->jfd))
        err = errno;
    if (err) {
        if (f->jfd >= 0 && ftruncate(f->jfd, 0)) {
            /* the journal is torn anyway: its checksum rejects it on open */
        }
        return jpoison(f, "cannot write the journal of", err);
    }
    err = journal_apply(f);
    if (err) { /* the journal redoes it on next open */
        f->keep_journal = 1;
        return jpoison(f, "cannot write", err);
    }
    if (ftruncate(f->jfd, 0))
        return jpoison(f, "cannot empty the journal of", errno);
    commit_done(f);
    return 0;
}

/* Replays (read-write) or overlays (read-only) a complete journal left by a killed
 * writer, and drops an incomplete one. Run lazily at the first I/O, after HDF5 has
 * taken the file lock, so that a second handle on a file already open in this
 * process never touches the journal. */
static herr_t recover(jfile *f)
{
    if (f->recovered)
        return 0;
    f->recovered = 1;
    int fd = open(f->jname, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : jfail(f, "cannot read the journal of", errno);
    struct stat st;
    unsigned char *data = NULL;
    int err = fstat(fd, &st) ? errno : 0;
    size_t n = err ? 0 : (size_t)st.st_size;
    if (!err && n && !(data = malloc(n)))
        err = ENOMEM;
    if (!err && n)
        err = pread_all(fd, data, n, 0);
    close(fd);
    if (!err && n && journal_parse(f, data, n) == 0) {
        if (f->writable) {
            err = journal_apply(f);
            if (!err)
                commit_done(f);
        } else if (f->pending_len != HADDR_UNDEF && f->pending_len < f->eof) {
            f->eof = f->pending_len;
        }
    } else {
        pages_clear(&f->pages); /* torn: the file holds the previous commit */
        f->pending_len = HADDR_UNDEF;
    }
    free(data);
    if (err)
        return jfail(f, "cannot recover the journal of", err);
    if (f->writable && unlink(f->jname) && errno != ENOENT)
        return jfail(f, "cannot remove the journal of", errno);
    return 0;
}

/* ---- driver callbacks ------------------------------------------------------------ */

static void *jfapl_copy(const void *fa)
{
    jfapl *c = malloc(sizeof *c);
    if (c)
        *c = *(const jfapl *)fa;
    return c;
}

static herr_t jfapl_free(void *fa)
{
    free(fa);
    return 0;
}

static void *jfapl_get(H5FD_t *file)
{
    jfapl fa = {((jfile *)file)->durable};
    return jfapl_copy(&fa);
}

static char *path_with_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), m = strlen(suffix);
    char *s = malloc(n + m + 1);
    if (s) {
        memcpy(s, name, n);
        memcpy(s + n, suffix, m + 1);
    }
    return s;
}

static H5FD_t *jopen(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    (void)maxaddr;
    int oflags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY, unlink_stale = 0;
    if (flags & H5F_ACC_TRUNC)
        oflags |= O_TRUNC;
    if (flags & H5F_ACC_CREAT)
        oflags |= O_CREAT;
    if (flags & H5F_ACC_EXCL)
        oflags |= O_EXCL;
    int fd = open(name, oflags | O_CLOEXEC, 0666);
    if (fd < 0) {
        H5Epush2(H5E_DEFAULT, __FILE__, "snex journal driver", __LINE__, H5E_ERR_CLS,
                 H5E_VFL, H5E_CANTOPENFILE, "cannot open %s: %s", name, strerror(errno));
        return NULL;
    }
    struct stat st;
    jfile *f = calloc(1, sizeof *f);
    if (!f || fstat(fd, &st)) {
        jfail(NULL, "cannot open", f ? errno : ENOMEM);
        free(f);
        close(fd);
        return NULL;
    }
    const jfapl *fa = H5Pget_driver_info(fapl);
    f->fd = fd;
    f->jfd = -1;
    f->writable = (flags & H5F_ACC_RDWR) != 0;
    f->durable = fa ? fa->durable : 0;
    f->eof = f->committed = (haddr_t)st.st_size;
    f->pending_len = HADDR_UNDEF;
    /* A new or truncated file starts empty: a journal left by an older file of the
     * same name must not be replayed onto it. */
    if (flags & (H5F_ACC_TRUNC | H5F_ACC_EXCL))
        unlink_stale = 1;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->name = strdup(name);
    f->jname = path_with_suffix(name, ".journal");
    if (!f->name || !f->jname) {
        free(f->name);
        free(f->jname);
        free(f);
        close(fd);
        return NULL;
    }
    if (unlink_stale) {
        unlink(f->jname);
        f->recovered = 1;
    }
    return &f->pub;
}

/* Never fails (see the top of the file): a failure is kept in close_failure. */
static herr_t jclose(H5FD_t *file)
{
    jfile *f = (jfile *)file;
    f->closing = 1;
    if (f->writable && f->recovered) {
        commit(f);
        /* Unless a commit is still to be redone from it, the journal goes. */
        if (!f->keep_journal && unlink(f->jname) && errno != ENOENT)
            jfail(f, "cannot remove the journal of", errno);
    }
    snprintf(close_failure, sizeof close_failure, "%s", f->failure);
    if (f->jfd >= 0)
        close(f->jfd);
    close(f->fd);
    pages_free(&f->pages);
    free(f->name);
    free(f->jname);
    free(f);
    return 0;
}

static int jcmp(const H5FD_t *a, const H5FD_t *b)
{
    const jfile *f = (const jfile *)a, *g = (const jfile *)b;
    if (f->dev != g->dev)
        return f->dev < g->dev ? -1 : 1;
    if (f->ino != g->ino)
        return f->ino < g->ino ? -1 : 1;
    return 0;
}

static herr_t jquery(const H5FD_t *file, unsigned long *flags)
{
    (void)file;
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
             H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA |
             H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
    return 0;
}

static haddr_t jget_eoa(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    return ((const jfile *)file)->eoa;
}

static herr_t jset_eoa(H5FD_t *file, H5FD_mem_t type, haddr_t addr)
{
    (void)type;
    ((jfile *)file)->eoa = addr;
    return 0;
}

static haddr_t jget_eof(const H5FD_t *file, H5FD_mem_t type)
{
    (void)type;
    jfile *f = (jfile *)file;
    if (recover(f) < 0)
        return HADDR_UNDEF;
    return f->eof;
}

/* The "handle" is the driver's own state: h5_vfd_failed reads it. */
static herr_t jget_handle(H5FD_t *file, hid_t fapl, void **handle)
{
    (void)fapl;
    *handle = file;
    return 0;
}

static herr_t jread_raw(H5FD_t *file, haddr_t addr, size_t size, void *buf);

static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    while (n-- > 0)
        v = v << 8 | p[n];
    return v;
}

/* Whether a global heap collection (what variable-length strings point into) read
 * whole is well-formed: its objects, each a 16-byte header (index, references,
 * reserved, size) and the size rounded up to 8 bytes, tile it exactly. libhdf5 1.10
 * walks them without checking, and an object of size 0 at index 0 (64 zeroed bytes
 * suffice) makes it loop for ever: the driver refuses such a read instead. A read
 * shorter than the collection (the first 4 KiB, to learn its size) is let through;
 * libhdf5 reads the whole collection before walking it. */
static bool global_heap_ok(const unsigned char *buf, size_t size)
{
    if (size < 16 || memcmp(buf, "GCOL", 4) != 0)
        return true; /* not a collection: libhdf5 refuses it itself */
    uint64_t total = le(buf + 8, 8);
    if (total < 16)
        return false;
    if (total > size)
        return true;
    for (uint64_t p = 16; p < total;) {
        if (total - p < 16)
            break; /* a tail too short for an object is free space */
        unsigned idx = (unsigned)le(buf + p, 2);
        uint64_t len = le(buf + p + 8, 8);
        uint64_t need = idx ? 16 + ((len + 7) & ~(uint64_t)7) : len;
        if (need < 16 || len > total || need > total - p)
            return false;
        p += need;
    }
    return true;
}

static herr_t jread(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                    void *buf)
{
    herr_t rc = jread_raw(file, addr, size, buf);
    (void)dxpl;
    /* libhdf5 hands global heap reads to the driver as raw data (H5F_block_read maps
     * H5FD_MEM_GHEAP to H5FD_MEM_DRAW), so every raw read that starts with a heap's
     * signature is looked at. */
    if (rc >= 0 && (type == H5FD_MEM_GHEAP || type == H5FD_MEM_DRAW) &&
        !global_heap_ok(buf, size)) {
        H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_VFL, H5E_READERROR,
                 "the global heap at byte %llu is damaged", (unsigned long long)addr);
        return -1;
    }
    return rc;
}

static herr_t jread_raw(H5FD_t *file, haddr_t addr, size_t size, void *buf)
{
    jfile *f = (jfile *)file;
    if (recover(f) < 0)
        return -1;
    int err = pread_all(f->fd, buf, size, (off_t)addr);
    if (err)
        return jfail(f, "cannot read", err);
    if (!f->pages.n)
        return 0;
    /* Overlay the pages this commit changed (or a journal being recovered read-only). */
    for (uint64_t no = addr / PAGE_SIZE; no * PAGE_SIZE < addr + size; no++) {
        const jpage *pg = pages_find(&f->pages, no);
        if (!pg)
            continue;
        haddr_t lo = no * PAGE_SIZE > addr ? no * PAGE_SIZE : addr;
        haddr_t hi = no * PAGE_SIZE + pg->len < addr + size ? no * PAGE_SIZE + pg->len
                                                            : addr + size;
        if (lo < hi)
            memcpy((char *)buf + (lo - addr), pg->data + (lo - no * PAGE_SIZE), hi - lo);
    }
    return 0;
}

/* A write below `limit` lands in pages, which cover the file up to limit (loaded
 * from the file on first touch). */
static herr_t write_pages(jfile *f, haddr_t addr, size_t size, const unsigned char *buf,
                          haddr_t limit)
{
    while (size) {
        uint64_t no = addr / PAGE_SIZE;
        haddr_t start = no * PAGE_SIZE;
        haddr_t end = start + PAGE_SIZE < limit ? start + PAGE_SIZE : limit;
        jpage *pg = pages_find(&f->pages, no);
        if (!pg && !(pg = pages_add(&f->pages, no)))
            return f->poisoned = 1, jfail(f, "cannot buffer a write to", ENOMEM);
        if (pg->len < end - start) {
            int err = pread_all(f->fd, pg->data + pg->len, end - start - pg->len,
                                (off_t)(start + pg->len));
            if (err)
                return f->poisoned = 1, jfail(f, "cannot read", err);
            pg->len = (uint32_t)(end - start);
        }
        size_t off = (size_t)(addr - start);
        size_t n = pg->len - off < size ? pg->len - off : size;
        memcpy(pg->data + off, buf, n);
        addr += n, buf += n, size -= n;
    }
    return 0;
}

static herr_t jwrite(H5FD_t *file, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                     const void *buf)
{
    (void)type, (void)dxpl;
    jfile *f = (jfile *)file;
    if (recover(f) < 0)
        return -1;
    const unsigned char *b = buf;
    if (addr + size > f->eof)
        f->eof = addr + size;
    if (f->poisoned) /* nothing reaches the file any more */
        return write_pages(f, addr, size, b, HADDR_MAX) < 0 && !f->closing ? -1 : 0;
    if (addr < f->committed) {
        size_t below = addr + size <= f->committed ? size : (size_t)(f->committed - addr);
        if (write_pages(f, addr, below, b, f->committed) < 0)
            return f->closing ? 0 : -1;
        addr += below, b += below, size -= below;
    }
    if (size) {
        int err = pwrite_all(f->fd, b, size, (off_t)addr);
        if (err) {
            herr_t rc = jpoison(f, "cannot write", err);
            /* Kept in memory, so that libhdf5 reads back what it wrote. */
            write_pages(f, addr, size, b, HADDR_MAX);
            return rc;
        }
    }
    return 0;
}

static herr_t jflush(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl, (void)closing;
    jfile *f = (jfile *)file;
    if (!f->writable)
        return 0;
    if (recover(f) < 0)
        return -1;
    return commit(f);
}

/* HDF5 wants the file to end at the end of its allocated space. Growing is harmless
 * now; shrinking below `committed` would cut off objects of the last commit, so it
 * waits for the next commit. */
static herr_t jtruncate(H5FD_t *file, hid_t dxpl, hbool_t closing)
{
    (void)dxpl, (void)closing;
    jfile *f = (jfile *)file;
    if (recover(f) < 0)
        return -1;
    if (f->eoa == f->eof)
        return 0;
    if (f->poisoned) {
        f->eof = f->eoa;
        return 0;
    }
    if (f->eoa >= f->committed) {
        if (ftruncate(f->fd, (off_t)f->eoa)) {
            herr_t rc = jpoison(f, "cannot set the length of", errno);
            f->eof = f->eoa;
            return rc;
        }
        f->pending_len = HADDR_UNDEF;
    } else {
        f->pending_len = f->eoa;
    }
    f->eof = f->eoa;
    return 0;
}

static herr_t jlock(H5FD_t *file, hbool_t rw)
{
    jfile *f = (jfile *)file;
    if (flock(f->fd, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB) && errno != ENOSYS) {
        H5Epush2(H5E_DEFAULT, __FILE__, "snex journal driver", __LINE__, H5E_ERR_CLS,
                 H5E_VFL, H5E_CANTLOCKFILE, "%s is in use by another process",
                 f->name);
        return -1;
    }
    return 0;
}

static herr_t junlock(H5FD_t *file)
{
    flock(((jfile *)file)->fd, LOCK_UN);
    return 0;
}

static herr_t jterm(void)
{
    jdriver_id = H5I_INVALID_HID;
    return 0;
}

static const H5FD_class_t jdriver = {
    .name = "snex_journal",
    .maxaddr = MAXADDR,
    .fc_degree = H5F_CLOSE_WEAK,
    .terminate = jterm,
    .fapl_size = sizeof(jfapl),
    .fapl_get = jfapl_get,
    .fapl_copy = jfapl_copy,
    .fapl_free = jfapl_free,
    .open = jopen,
    .close = jclose,
    .cmp = jcmp,
    .query = jquery,
    .get_eoa = jget_eoa,
    .set_eoa = jset_eoa,
    .get_eof = jget_eof,
    .get_handle = jget_handle,
    .read = jread,
    .write = jwrite,
    .flush = jflush,
    .truncate = jtruncate,
    .lock = jlock,
    .unlock = junlock,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

/* The journaling driver's state of an open file, or NULL for another driver. */
static jfile *jfile_of(hid_t file)
{
    void *handle = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) {
        H5Eclear2(H5E_DEFAULT);
        return NULL;
    }
    jfile *f = handle;
    return f->pub.driver_id == jdriver_id ? f : NULL;
}

const char *h5_vfd_failure(hid_t file)
{
    const jfile *f = jfile_of(file);
    return f && f->poisoned ? f->failure : NULL;
}

void h5_vfd_closing(hid_t file)
{
    jfile *f = jfile_of(file);
    if (f)
        f->closing = 1;
    close_failure[0] = '\0';
}

const char *h5_vfd_close_failure(void)
{
    return close_failure[0] ? close_failure : NULL;
}

int h5_vfd_set(hid_t fapl, int durable)
{
    if (H5Iget_type(jdriver_id) != H5I_VFL)
        jdriver_id = H5FDregister(&jdriver);
    if (jdriver_id < 0)
        return -1;
    jfapl fa = {durable};
    return H5Pset_driver(fapl, jdriver_id, &fa) < 0 ? -1 : 0;
}
