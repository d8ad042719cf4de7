/* The network: owns the objects, drives the time step, and provides the services the
 * objects share (random streams, scratch registers, running programs over ranges). */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "snex/error.h"
#include "snex/util.h"

#define DEFAULT_DT 1e-4
#define DEFAULT_PARALLEL_MIN 16384
#define MAX_THREADS 256
/* The step counter times dt is the time; beyond 2^53 steps it no longer counts
 * exactly in a double (and no run gets there: 2^53 steps are centuries of CPU). */
#define MAX_STEPS 9007199254740992.0

/* ---- random streams ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void sim_rng_set_derived(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t s = splitmix64(splitmix64(splitmix64(seed) ^ a) ^ (b + 0x632be59bd9b4e019ULL));
    gsl_rng_set(r, (unsigned long)(s & 0xffffffffUL) | 1UL);
}

gsl_rng *sim_rng_derived(uint64_t seed, uint64_t a, uint64_t b)
{
    /* taus2: small state (one per block of every group) and good quality. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r) {
        snx_error(SNX_ENOMEM, "out of memory allocating a random stream");
        return NULL;
    }
    sim_rng_set_derived(r, seed, a, b);
    return r;
}

/* ---- creation ------------------------------------------------------------------------ */

static void set_serial_seed(snx_net *net, uint64_t seed)
{
    net->seed = seed;
    gsl_rng_set(net->rng, (unsigned long)(splitmix64(seed) & 0xffffffffUL));
}

/* opts.threads, or when that is 0 the environment's SNX_THREADS (as OpenMP programs
 * read OMP_NUM_THREADS: programs run with threads without a change), at most
 * MAX_THREADS; 1 without either. */
static int team_size(size_t threads)
{
    const char *env = getenv("SNX_THREADS");
    if (!threads && env) {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        threads = *env && !*end ? v : 1;
    }
    return threads > 1 ? (int)(threads < MAX_THREADS ? threads : MAX_THREADS) : 1;
}

snx_net *snx_net_new(const snx_net_opts *opts)
{
    snx_net_opts o = opts ? *opts : (snx_net_opts){ 0 };
    if (o.dt < 0 || !isfinite(o.dt)) {
        snx_error(SNX_EINVAL, "snx_net_new: dt must be positive, not %g", o.dt);
        return NULL;
    }
    snx_net *net = snx_calloc(1, sizeof *net);
    if (!net)
        return NULL;
    static _Atomic uint64_t n_nets_made;
    net->id = ++n_nets_made;
    net->dt = o.dt > 0 ? o.dt : DEFAULT_DT;
    net->parallel_min = o.parallel_min ? o.parallel_min : DEFAULT_PARALLEL_MIN;
    net->threads = team_size(o.threads);
    net->finite_check = !o.no_finite_check;
    net->report = o.report;
    net->report_ctx = o.report_ctx;
    net->report_period = o.report_period > 0 ? o.report_period : 10.0;
    net->ns = o.ns ? snx_namespace_copy(o.ns) : snx_namespace_new();
    net->by_name = snx_map_new(NULL);
    net->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!net->ns || !net->by_name || !net->rng) {
        snx_net_free(net);
        snx_error(SNX_ENOMEM, "out of memory creating a network");
        return NULL;
    }
    set_serial_seed(net, o.seed);
    return net;
}

void snx_net_reseed(snx_net *net, uint64_t seed)
{
    set_serial_seed(net, seed);
    for (size_t k = 0; k < net->n_objs; k++)
        if (net->objs[k]->kind->reseed)
            net->objs[k]->kind->reseed(net->objs[k]);
}

size_t snx_net_n_objects(const snx_net *net) { return net ? net->n_objs : 0; }

const char *snx_net_object_name(const snx_net *net, size_t k)
{
    return net && k < net->n_objs ? net->objs[k]->name : NULL;
}

void snx_net_free(snx_net *net)
{
    if (!net)
        return;
    /* Newest first: monitors and synapses go before the groups they refer to. */
    for (size_t k = net->n_objs; k-- > 0;)
        net->objs[k]->kind->destroy(net->objs[k]);
    free(net->objs);
    for (int phase = 0; phase < SIM_N_PHASES; phase++)
        free(net->schedule[phase]);
    snx_map_free(net->by_name);
    snx_namespace_free(net->ns);
    if (net->rng)
        gsl_rng_free(net->rng);
    for (int t = 0; t < net->n_threads; t++)
        free(net->regs[t]);
    free(net->regs);
    free(net->regs_cap);
    free(net);
}

snx_namespace *snx_net_namespace(snx_net *net) { return net ? net->ns : NULL; }
double snx_net_dt(const snx_net *net) { return net->dt; }
double snx_net_t(const snx_net *net) { return (double)net->step * net->dt; }
int64_t snx_net_step(const snx_net *net) { return net->step; }

int sim_net_register(snx_net *net, sim_object *obj, const sim_kind *kind, const char *name)
{
    if (!net)
        return snx_error(SNX_EINVAL, "no network given for \"%s\"", name ? name : "(null)");
    if (!snx_namespace_valid_name(name))
        return snx_error(SNX_ENAME, "\"%s\" is not a valid object name (letters, digits and "
                                    "'_', not starting with a digit)",
                         name ? name : "(null)");
    if (snx_map_has(net->by_name, name))
        return snx_error(SNX_EEXIST, "the network already has an object named \"%s\"", name);
    if (snx_grow(&net->objs, &net->cap_objs, net->n_objs + 1, sizeof *net->objs))
        return SNX_ENOMEM;
    obj->kind = kind;
    obj->net = net;
    obj->active = true;
    obj->serial = ++net->n_objects_made;
    if (!(obj->name = snx_strdup(name)) || snx_map_put(net->by_name, name, obj))
        return SNX_ENOMEM;
    net->objs[net->n_objs++] = obj;
    return 0;
}

/* ---- scratch and program runners ------------------------------------------------------ */

int sim_net_reserve_regs(snx_net *net, int n_regs)
{
    int threads = net->threads; /* a team's members, or OpenMP's threads */
#ifdef _OPENMP
    if (omp_get_max_threads() > threads)
        threads = omp_get_max_threads();
#endif
    if (threads > net->n_threads) {
        double **r = snx_realloc(net->regs, (size_t)threads * sizeof *r);
        if (!r)
            return SNX_ENOMEM;
        net->regs = r;
        int *cap = snx_realloc(net->regs_cap, (size_t)threads * sizeof *cap);
        if (!cap)
            return SNX_ENOMEM;
        net->regs_cap = cap;
        for (int t = net->n_threads; t < threads; t++) {
            net->regs[t] = NULL;
            net->regs_cap[t] = 0;
        }
        net->n_threads = threads;
    }
    for (int t = 0; t < net->n_threads; t++)
        if (net->regs_cap[t] < n_regs) {
            free(net->regs[t]);
            if (!(net->regs[t] = sim_regs_alloc(n_regs))) {
                net->regs_cap[t] = 0;
                return SNX_ENOMEM;
            }
            net->regs_cap[t] = n_regs;
        }
    return 0;
}

double *sim_net_regs(const snx_net *net, int thread) { return net->regs[thread]; }

int sim_error_owner(const char *what)
{
    if (strncmp(snx_errmsg(), what, strlen(what)) != 0)
        return snx_error_context("%s", what);
    return snx_errcode();
}

int sim_exec_direct(snx_net *net, const sim_program *p, double *const *arrays, int64_t begin,
                    int64_t end)
{
    int rc = sim_net_reserve_regs(net, p->n_regs);
    if (rc)
        return rc;
    double rt[SIM_N_RT] = { snx_net_t(net), (double)net->step, net->dt };
    sim_exec_ctx x = { arrays, NULL, 0, 0, rt, net->rng, sim_net_regs(net, 0) };
    for (int64_t b = begin; b < end; b += SIM_BLOCK) {
        x.off = b;
        x.n = (int)(end - b < SIM_BLOCK ? end - b : SIM_BLOCK);
        sim_program_exec(p, &x);
    }
    return 0;
}

int sim_exec_indexed(snx_net *net, const sim_program *p, double *const *arrays,
                     const int64_t *idx0, const int64_t *idx1, const int64_t *idx2, int64_t n)
{
    int rc = sim_net_reserve_regs(net, p->n_regs);
    if (rc)
        return rc;
    double rt[SIM_N_RT] = { snx_net_t(net), (double)net->step, net->dt };
    const int64_t *lists[3];
    sim_exec_ctx x = { arrays, lists, 0, 0, rt, net->rng, sim_net_regs(net, 0) };
    for (int64_t b = 0; b < n; b += SIM_BLOCK) {
        x.off = b; /* direct arrays of an indexed program run along the list */
        lists[0] = idx0 ? idx0 + b : NULL;
        lists[1] = idx1 ? idx1 + b : NULL;
        lists[2] = idx2 ? idx2 + b : NULL;
        x.n = (int)(n - b < SIM_BLOCK ? n - b : SIM_BLOCK);
        sim_program_exec(p, &x);
    }
    return 0;
}

/* ---- objects --------------------------------------------------------------------------- */

static sim_object *find(const snx_net *net, const char *name)
{
    sim_object *o = net && name ? snx_map_get(net->by_name, name) : NULL;
    if (!o)
        snx_error(SNX_ENOTFOUND, "the network has no object named \"%s\"", name ? name : "(null)");
    return o;
}

static void *find_kind(const snx_net *net, const char *name, const sim_kind *kind)
{
    sim_object *o = find(net, name);
    if (o && o->kind != kind) {
        snx_error(SNX_ETYPE, "\"%s\" is not %s", name, kind->what);
        return NULL;
    }
    return o;
}

snx_group *snx_net_group(const snx_net *net, const char *name)
{
    return find_kind(net, name, &sim_group_kind);
}

snx_synapses *snx_net_synapses(const snx_net *net, const char *name)
{
    return find_kind(net, name, &sim_synapses_kind);
}

snx_monitor *snx_net_monitor(const snx_net *net, const char *name)
{
    return find_kind(net, name, &sim_monitor_kind);
}

static int set_active(snx_net *net, const char *name, bool active)
{
    sim_object *o = find(net, name);
    if (!o)
        return SNX_ENOTFOUND;
    o->active = active;
    if (!active && o->kind->deactivate)
        o->kind->deactivate(o);
    return 0;
}

int snx_net_remove(snx_net *net, const char *name) { return set_active(net, name, false); }
int snx_net_add(snx_net *net, const char *name) { return set_active(net, name, true); }

bool snx_net_is_active(const snx_net *net, const char *name)
{
    sim_object *o = find(net, name);
    return o && o->active;
}

/* o cannot work without other (a monitor without its group ...). */
static bool refers_to(const sim_object *o, const sim_object *other)
{
    return o->kind->refers_to && o->kind->refers_to(o, other);
}

int snx_net_delete(snx_net *net, const char *name)
{
    sim_object *o = find(net, name);
    if (!o)
        return SNX_ENOTFOUND;
    for (size_t k = 0; k < net->n_objs; k++)
        if (refers_to(net->objs[k], o))
            return snx_error(SNX_ESTATE, "cannot delete %s \"%s\": \"%s\" refers to it",
                             o->kind->noun, name, net->objs[k]->name);
    size_t k = 0;
    while (net->objs[k] != o)
        k++;
    memmove(net->objs + k, net->objs + k + 1, (net->n_objs - k - 1) * sizeof *net->objs);
    net->n_objs--;
    snx_map_remove(net->by_name, name);
    o->kind->destroy(o);
    return 0;
}

/* ---- running ---------------------------------------------------------------------------- */

/* An active object that refers to a removed one cannot run. */
static int check_references(const snx_net *net)
{
    for (size_t k = 0; k < net->n_objs; k++) {
        const sim_object *o = net->objs[k];
        for (size_t r = 0; o->active && r < net->n_objs; r++) {
            const sim_object *removed = net->objs[r];
            if (!removed->active && refers_to(o, removed))
                return snx_error(SNX_ESTATE, "\"%s\" refers to %s \"%s\", which is removed "
                                             "from the network",
                                 o->name, removed->kind->noun, removed->name);
        }
    }
    return 0;
}

/* Every root group's fast-path synapses, in creation order (after every prepare:
 * it decides which are direct). */
static int list_inputs(snx_net *net)
{
    for (size_t k = 0; k < net->n_objs; k++)
        if (net->objs[k]->kind == &sim_group_kind) {
            snx_group *g = (snx_group *)net->objs[k];
            g->n_inputs = g->n_direct_inputs = 0;
        }
    for (size_t k = 0; k < net->n_objs; k++) {
        sim_object *o = net->objs[k];
        snx_synapses *s = o->kind == &sim_synapses_kind ? (snx_synapses *)o : NULL;
        if (!s || !o->active || !s->fast)
            continue;
        snx_group *g = s->post->root;
        if (g->n_inputs == g->cap_inputs) {
            size_t cap = g->cap_inputs ? 2 * g->cap_inputs : 4;
            snx_synapses **grown = realloc(g->inputs, cap * sizeof *grown);
            if (!grown)
                return snx_error(SNX_ENOMEM, "out of memory listing the inputs of %s", g->what);
            g->inputs = grown;
            g->cap_inputs = cap;
        }
        g->inputs[g->n_inputs++] = s;
        g->n_direct_inputs += s->direct;
    }
    return 0;
}

/* The objects each phase visits during this run (after every prepare). */
static int make_schedule(snx_net *net)
{
    for (int phase = 0; phase < SIM_N_PHASES; phase++) {
        free(net->schedule[phase]);
        net->n_scheduled[phase] = 0;
        if (!(net->schedule[phase] = snx_malloc((net->n_objs + 1) * sizeof(sim_object *))))
            return SNX_ENOMEM;
        for (size_t k = 0; k < net->n_objs; k++) {
            sim_object *o = net->objs[k];
            if (o->active && o->kind->step[phase] &&
                !(o->kind->idle && o->kind->idle(o, phase)))
                net->schedule[phase][net->n_scheduled[phase]++] = o;
        }
    }
    return 0;
}

/* Every phase visits its objects in creation order. */
int sim_net_step(snx_net *net)
{
    int rc = 0;
    for (int phase = 0; phase < SIM_N_PHASES && !rc; phase++)
        for (size_t k = 0; k < net->n_scheduled[phase] && !rc; k++) {
            sim_object *o = net->schedule[phase][k];
            rc = o->kind->step[phase](o);
        }
    if (!rc)
        net->step++;
    return rc;
}

double sim_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void sim_net_report(snx_net *net, int64_t s, int64_t steps, double start)
{
    if (!net->report || (s & 15) != 15)
        return;
    double now = sim_wall_seconds();
    if (now - net->report_last >= net->report_period) {
        net->report_last = now;
        net->report((double)(s + 1) / (double)steps, snx_net_t(net), now - start,
                    net->report_ctx);
    }
}

int snx_net_run(snx_net *net, double duration)
{
    if (!net)
        return snx_error(SNX_EINVAL, "snx_net_run: network is NULL");
    if (!(duration >= 0) || !isfinite(duration))
        return snx_error(SNX_EINVAL, "snx_net_run: duration must be >= 0, not %g", duration);
    double n_steps = round(duration / net->dt);
    if (!(n_steps <= MAX_STEPS) || !(n_steps + (double)net->step <= MAX_STEPS))
        return snx_error(SNX_EINVAL, "snx_net_run: %g s is %g steps of dt = %g s; time "
                                     "would pass %g steps (2^53, where time stops being "
                                     "exact), so nothing was simulated",
                         duration, n_steps, net->dt, MAX_STEPS);
    int64_t steps = (int64_t)n_steps;
    net->run_end = net->step + steps;
    int rc = check_references(net);
    for (size_t k = 0; k < net->n_objs && !rc; k++)
        if (net->objs[k]->active && net->objs[k]->kind->prepare)
            rc = net->objs[k]->kind->prepare(net->objs[k]);
    rc = rc ? rc : list_inputs(net);
    rc = rc ? rc : make_schedule(net);
    double start = sim_wall_seconds();
    net->report_last = start;
    if (!rc && net->threads > 1)
        rc = sim_net_run_team(net, steps, start);
    for (int64_t s = 0; s < steps && !rc && net->threads <= 1; s++) {
        rc = sim_net_step(net);
        sim_net_report(net, s, steps, start);
    }
    if (!rc && net->report)
        net->report(1.0, snx_net_t(net), sim_wall_seconds() - start, net->report_ctx);
    if (rc)
        snx_error_context("run stopped at t = %g s", snx_net_t(net));
    return rc;
}

void snx_progress_text(double fraction, double t, double elapsed, void *ctx)
{
    FILE *f = ctx ? ctx : stderr;
    double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    fprintf(f, "%5.1f%% done, t = %.4g s, %.1f s elapsed, about %.1f s left\n",
            100 * fraction, t, elapsed, eta);
}
