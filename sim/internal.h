/* sim/internal.h: the engine's objects, as the files of sim/ share them. Internal.
 *
 * A network owns objects (groups, synapses, monitors) in creation order, which is also
 * the order in which each phase of a time step visits them. Every object starts with
 * an sim_object header (kind, name, network, whether it takes part in runs).
 *
 * Who does what in a step (network.c drives):
 *   synapses_step.c  summed variables -> their target variables
 *   group_step.c     state update + threshold -> the group's spike list
 *   synapses_step.c  clock-driven synaptic equations (in the same phase, after the
 *                    groups, which were made first)
 *   synapses_step.c  presynaptic spikes -> ring buffers / event queues; on_pre code;
 *                    then, for every synapses object, postsynaptic spikes -> on_post
 *   group_step.c     ring buffers -> target variables; reset + refractoriness
 *   monitor_*.c      recording */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "connectivity.h"
#include "delivery.h"
#include "equations.h"
#include "kernels.h"
#include "program.h"
#include "snex/map.h"
#include "snex/sim.h"

typedef struct sim_kind sim_kind;

typedef struct sim_object {
    const sim_kind *kind;
    char *name;
    snx_net *net;
    bool active;
    uint64_t serial;  /* unique within the network, never reused (snapshots check it) */
} sim_object;

/* The phases of a time step, in the order of sim.h's schedule. */
enum sim_phase {
    SIM_PHASE_SUM,       /* summed variables into their targets */
    SIM_PHASE_UPDATE,    /* state update and threshold */
    SIM_PHASE_PROPAGATE, /* synaptic propagation: on_pre */
    SIM_PHASE_PROPAGATE_POST, /* on_post */
    SIM_PHASE_DELIVER,   /* ring buffers into target variables */
    SIM_PHASE_RESET,     /* reset and refractoriness */
    SIM_PHASE_RECORD,    /* monitors */
    SIM_N_PHASES
};

/* One object's part of a snapshot (snapshot.c copies and frees it). */
typedef struct sim_saved {
    uint64_t serial;
    const sim_kind *kind;
    double **arrays;       /* group: its arrays; synapses: variables */
    int n_arrays;
    int64_t length;        /* elements per array */
    gsl_rng **rngs;        /* group: per-block streams */
    int n_rngs;
    sim_ring **rings;      /* group: per variable */
    sim_event_queue *queue;   /* synapses: on_pre's */
    sim_event_queue *post_queue; /* synapses: on_post's */
    size_t n_spikes, n_samples;
    int64_t *counts;
} sim_saved;

/* What the network does with an object of one kind. Entries may be NULL: nothing to
 * do (save, restore and destroy are always set). */
struct sim_kind {
    const char *noun;      /* "group", for messages: cannot delete group "e" */
    const char *what;      /* "a neuron group", for messages: "x" is not a neuron group */
    int (*step[SIM_N_PHASES])(sim_object *o);   /* its part in each phase of a step */
    int (*prepare)(sim_object *o);              /* before every run */
    /* After prepare: o has nothing to do in `phase` during this run (the network then
     * leaves it out of that phase's schedule). NULL: it always has. */
    bool (*idle)(const sim_object *o, int phase);
    /* o cannot work without `other` (a synapses object without its groups ...) */
    bool (*refers_to)(const sim_object *o, const sim_object *other);
    void (*deactivate)(sim_object *o);          /* snx_net_remove took it out */
    void (*reseed)(sim_object *o);              /* snx_net_reseed */
    /* A restore needs the object to have existed at the snapshot; others (monitors)
     * made since are restored with saved == NULL. */
    bool structural;
    int (*save)(const sim_object *o, sim_saved *saved);
    int (*check_saved)(const sim_object *o, const sim_saved *saved); /* fits a restore */
    int (*restore)(sim_object *o, const sim_saved *saved);
    void (*destroy)(sim_object *o);
};

extern const sim_kind sim_group_kind;     /* group.c */
extern const sim_kind sim_synapses_kind;  /* synapses.c */
extern const sim_kind sim_monitor_kind;   /* monitor.c */

struct snx_net {
    uint64_t id;           /* unique in the process: snapshots restore only into their own */
    double dt;
    uint64_t seed;
    int64_t step;
    snx_namespace *ns;
    sim_object **objs;     /* creation order */
    size_t n_objs, cap_objs;
    snx_map *by_name;      /* name -> sim_object* */
    gsl_rng *rng;          /* the serial stream: initialisation, connection, resets,
                              on_pre; the per-block streams of groups derive from seed */
    uint64_t n_groups_made;
    uint64_t n_objects_made;
    int32_t parallel_min;
    int threads;           /* of each run: 1 serial, more a team (network_team.c) */
    int64_t team_solo_left; /* serial steps the team's policy still owes from the last
                               run (its helpers stalled there; network_team.c) */
    double report_last;    /* wall time of the last progress report */
    bool finite_check;     /* check groups' state for NaN and infinity (group_step.c) */
    int64_t run_end;       /* the step at which the current snx_net_run ends */
    snx_progress_fn report;
    void *report_ctx;
    double report_period;
    /* Per phase, the active objects with something to do in it, in creation order:
     * made before every run, so that a step costs nothing for idle objects (clustered
     * networks have hundreds of projections). */
    sim_object **schedule[SIM_N_PHASES];
    size_t n_scheduled[SIM_N_PHASES];
    double **regs;         /* scratch registers per OpenMP thread */
    int *regs_cap;
    int n_threads;
};

/* Groups check their state for NaN and infinity every this many steps. */
#define SIM_CHECK_EVERY 16

/* ---- network services (network.c) ------------------------------------------------- */

/* Puts "what: " before the current error message unless it already starts with it
 * (code of an object names it itself); returns the error code. */
int sim_error_owner(const char *what);
/* One step, serially, from the schedules (network.c). */
int sim_net_step(snx_net *net);
/* A run's steps with a team of net->threads threads (network_team.c); start: the
 * run's wall-clock start, for progress reports. */
int sim_net_run_team(snx_net *net, int64_t steps, double start);
/* Calls the progress reporter if report_period has passed since the last call (after
 * step s of `steps`, run begun at wall time `start`). */
void sim_net_report(snx_net *net, int64_t s, int64_t steps, double start);
/* Monotonic wall-clock seconds (network.c). */
double sim_wall_seconds(void);
/* Checks the name and enters obj (whose header is filled here) into the network. */
int sim_net_register(snx_net *net, sim_object *obj, const sim_kind *kind, const char *name);
/* Scratch registers for `thread`, after sim_net_reserve_regs(net, n) (not inside a
 * parallel region). */
int sim_net_reserve_regs(snx_net *net, int n_regs);
double *sim_net_regs(const snx_net *net, int thread);
/* An independent stream seeded from the network seed and two numbers. */
gsl_rng *sim_rng_derived(uint64_t seed, uint64_t a, uint64_t b);
/* Puts r at the start of the stream sim_rng_derived(seed, a, b) would make. */
void sim_rng_set_derived(gsl_rng *r, uint64_t seed, uint64_t a, uint64_t b);
/* Runs a program over [begin, end) of its arrays in blocks, serially, with the
 * network's stream: for initialisation code. */
int sim_exec_direct(snx_net *net, const sim_program *p, double *const *arrays, int64_t begin,
                    int64_t end);
/* Runs a program over the positions idx[0..n) (index list 0; list 1 and 2 optional),
 * serially, with the network's stream: for resets, monitors and synaptic code. Arrays
 * the program reads directly run along the list (element k of the list is element k of
 * the array): that is how results come out. */
int sim_exec_indexed(snx_net *net, const sim_program *p, double *const *arrays,
                     const int64_t *idx0, const int64_t *idx1, const int64_t *idx2, int64_t n);

/* ---- groups (group.c, group_code.c, group_step.c) --------------------------------- */

/* A block's spike count, alone on its cache line: a group's blocks run on different
 * threads, which would otherwise write one line back and forth every step. */
typedef struct {
    int32_t n;
    char pad[60];
} sim_block_count;

struct snx_group {
    sim_object obj;        /* a view is not registered: obj.net is set, obj.name is "g[a:b]" */
    snx_group *root;       /* the group itself, or the group a view looks into */
    int32_t start, n;      /* a view's slice of root; a group: 0, n */
    /* Only in a root group: */
    uint64_t id;           /* creation number (seeds its per-block streams) */
    char *what;            /* "group \"name\"", for messages */
    sim_model model;
    snx_namespace *ns;
    int method;
    double **arrays;       /* model.n_vars variables, then `until` if refractory, then
                              `lastspike` if there is a threshold */
    int n_arrays;
    double *until;         /* refractory: first step in which the neuron integrates again */
    double *lastspike;     /* threshold: time of the neuron's last spike (s) */
    int until_id, lastspike_id; /* their places in arrays, or -1 */
    sim_src *thr_src, *reset_src, *ref_src, *notref_src;
    sim_ast *thr, *ref;
    sim_ast *notref;        /* refractory: "_step >= _refractory_until", for not_refractory */
    sim_stmt *reset;
    int n_reset;
    sim_program *step_prog; /* update (and threshold, unless a C update sits between) */
    sim_program *thr_prog;  /* threshold alone, only with a C update */
    int mask_reg;           /* register holding the spike mask after the threshold, or -1 */
    int thr_var;            /* a threshold "variable OP constant" is checked while */
    enum sim_cmp thr_cmp;   /* collecting spikes, without code: thr_var >= 0 */
    double thr_value;
    sim_program *reset_prog;
    snx_update_fn cfn;
    void *cctx;
    int32_t *spikes;        /* spikes of the current step, ascending */
    size_t n_spikes;        /* set with sim_group_set_n_spikes */
    uint64_t spike_gen;     /* root: counts the changes of its spike list */
    uint64_t view_gen;      /* a view: its spikes [view_first, + view_n) of the */
    size_t view_first, view_n; /* root's list, found when spike_gen was view_gen */
    int64_t *spike_idx;     /* the same as an index list, for the reset program */
    sim_block_count *block_count; /* per block, during the update */
    int *dynamic;           /* variables the non-finite check looks at (group_step.c) */
    int n_dynamic;
    int n_blocks;
    gsl_rng **block_rng;    /* per block, when the per-block code uses rand() */
    sim_ring **rings;       /* per variable: input from fast-path synapses, or NULL */
    /* The fast-path synapses onto g (root groups), in creation order, made before
     * every run (network.c): those without delay add into the variable itself when g
     * delivers, the others go through the rings. */
    snx_synapses **inputs;
    size_t n_inputs, n_direct_inputs, cap_inputs;
    snx_group **views;
    size_t n_views, cap_views;
};

/* lastspike before a neuron's first spike: Brian's value, far enough in the past for
 * any refractory period or decay, and finite, so that t - lastspike and 0*lastspike
 * stay numbers. */
#define SIM_NEVER_SPIKED (-1e4)

/* A scope for code about g (a group or a view): its variables at `access`, i and N
 * relative to g, t, dt, lastspike and not_refractory; constants from the group's and
 * the network's namespaces (group_code.c). */
int sim_group_scope(const snx_group *g, sim_scope *sc, int access, int respect_constant);
/* Elements of array k of root group g: 1 for a shared variable, else g->n (group.c). */
int64_t sim_group_array_length(const snx_group *g, int k);
/* Whether `name` is a value the engine keeps for g's neurons besides its variables
 * (lastspike, not_refractory), which monitors may record; sets its dimension. */
bool sim_group_engine_var(const snx_group *g, const char *name, snx_dim *dim);
/* Compiles the threshold, reset and per-step programs (group_code.c). */
int sim_group_compile(snx_group *g, const snx_group_opts *opts);
/* Creates the per-block random streams if the per-block code uses rand() (group_step.c). */
int sim_group_streams(snx_group *g);
/* Restarts the per-block streams from the network's current seed (snx_net_reseed). */
void sim_group_reseed(snx_group *g);
/* The ring for variable `var` of root group g, created on first use (group_step.c). */
sim_ring *sim_group_ring(snx_group *g, int var, int32_t max_delay);
/* Phases of a step (group_step.c). */
int sim_group_update(snx_group *g);
int sim_group_deliver(snx_group *g);
int sim_group_reset(snx_group *g);
/* With helper threads (network_team.c): whether g's update is handed out in blocks
 * (not with a C update); one block of it (false when the non-finite check found
 * something there); after all blocks, the spike list and the verdict; the ring
 * delivery into neurons [lo, hi); the rings' rotation afterwards. */
bool sim_group_in_team(const snx_group *g);
bool sim_group_update_block(snx_group *g, int b, int thread);
int sim_group_update_finish(snx_group *g, bool finite);
void sim_group_deliver_slice(snx_group *g, int32_t lo, int32_t hi);
void sim_group_rotate_rings(snx_group *g);
/* The spikes of the current step that fall in view g, relative to g: [*first, *first
 * + count) of root->spikes, minus g->start. */
size_t sim_group_view_spikes(snx_group *g, const int32_t **first);
/* A root group's spike list changed (a view's cached share is then looked up again). */
static inline void sim_group_set_n_spikes(snx_group *g, size_t n)
{
    g->n_spikes = n;
    g->spike_gen++;
}
void sim_group_destroy(snx_group *g);
/* Snapshots of a group's state (snapshot.c). */
int sim_group_save(const sim_object *o, sim_saved *saved);
int sim_group_restore(sim_object *o, const sim_saved *saved);

/* ---- synapses (synapses.c, synapses_code.c, synapses_model.c, synapses_step.c) ---- */

/* A pathway: statements run on the synapses that the spikes of one side reach (on_pre:
 * spikes of the presynaptic group, after the synapses' delays; on_post: spikes of the
 * postsynaptic group), through an event queue. */
typedef struct sim_pathway {
    sim_src *src;
    sim_stmt *stmts;
    int n_stmts;
    sim_program *prog;        /* NULL: nothing runs (no statements, or on_pre's fast path) */
    sim_event_queue *queue;
} sim_pathway;

/* A summed variable: in every step, before the groups update, a variable of the post
 * (or pre) group is set to the sum over each neuron's synapses of an expression. */
typedef struct sim_summed {
    const sim_eq *eq;         /* "I_syn_post = g*(E - v_post) : amp (summed)" */
    snx_group *target;        /* s->post or s->pre */
    int var;                  /* the variable of target's root */
    sim_program *prog;        /* "_out = expr" over all synapses */
} sim_summed;

struct snx_synapses {
    sim_object obj;
    char *what;
    snx_group *pre, *post;
    sim_model model;          /* per-synapse parameters and equations */
    snx_namespace *ns;
    sim_src *delay_src, *post_delay_src;
    int connected;
    sim_csr csr;
    int32_t *pre_of;          /* presynaptic row of every synapse (CSR order) */
    int64_t *user_order;      /* connect_pairs: CSR position -> position given, or NULL */
    double **vars;            /* per-synapse variables, CSR order */
    int32_t *delay;           /* per-synapse delays in steps, or NULL: const_delay */
    int32_t const_delay;
    int32_t post_delay;       /* on_post's delay in steps */
    /* fast path "X += w" */
    int fast;
    bool direct;              /* without delay: added into the variable itself when the
                                 post group delivers (no ring), made by prepare */
    int fast_var;             /* the postsynaptic variable */
    int fast_w_var;           /* the synaptic variable holding w, or -1: constant */
    double fast_w;
    sim_pathway on_pre, on_post;
    double **arrays;          /* synaptic, then post root, then pre root variables */
    int n_arrays;
    int32_t *rows;            /* scratch: this step's spikes as rows (view-relative) */
    int64_t *ev_post, *ev_pre;/* scratch: root positions of the events being run */
    size_t ev_cap;
    int64_t *by_post_row;     /* on_post: synapses of post neuron c are */
    int64_t *by_post;         /* by_post[by_post_row[c] .. by_post_row[c + 1]) */
    /* The model's dynamics (synapses_model.c). */
    int lastupdate;           /* variable index of lastupdate; -1: nothing is event-driven */
    sim_src *ed_src;          /* the generated event-driven updates ... */
    sim_stmt *ed;             /* ... n_ed - 1 of them, then "lastupdate = t" */
    int n_ed;
    int method;               /* of the clock-driven equations */
    sim_program *clock_prog;  /* clock-driven equations over all synapses, or NULL */
    sim_summed *summed;
    int n_summed;
    double *summed_out;       /* scratch: one value per synapse */
    int64_t *all_post, *all_pre; /* root positions of every synapse's ends (clock-driven
                                    and summed code run over all synapses) */
};

/* Before a run: array table, ring buffer / event queues sized for the delays, the
 * lists of synapse ends (synapses_step.c). */
int sim_synapses_prepare(snx_synapses *s);
/* Phases of a step (synapses_step.c): summed variables into their targets; the
 * clock-driven equations; this step's presynaptic spikes in and due on_pre code run;
 * the same for postsynaptic spikes and on_post. */
int sim_synapses_sum(snx_synapses *s);
int sim_synapses_integrate(snx_synapses *s);
int sim_synapses_propagate(snx_synapses *s);
int sim_synapses_propagate_post(snx_synapses *s);
/* Whether s takes the fast path (X += w, no code); this step's spikes of its
 * presynaptic view (sp[0..n), as sim_group_view_spikes gives them) into the ring (or,
 * direct, the variable) for the targets [lo, hi) of its post group's root only (with
 * helper threads); all of them into the variable (direct, at delivery). */
bool sim_synapses_fast(const snx_synapses *s);
void sim_synapses_push_slice(snx_synapses *s, const int32_t *sp, size_t n, int32_t lo,
                             int32_t hi);
int sim_synapses_push_direct(snx_synapses *s);
void sim_synapses_destroy(snx_synapses *s);
/* Snapshots of a synapses object's state (snapshot.c); check: not connected since. */
int sim_synapses_save(const sim_object *o, sim_saved *saved);
int sim_synapses_check_saved(const sim_object *o, const sim_saved *saved);
int sim_synapses_restore(sim_object *o, const sim_saved *saved);
/* How synaptic code reaches the synaptic variables: not at all (connecting), through
 * index list 0 (pathways, initialisation), or directly, the block running over all
 * synapses (clock-driven equations, summed variables). */
enum { SIM_SYN_NONE, SIM_SYN_LISTED, SIM_SYN_DIRECT };
/* A scope for synaptic code: synaptic variables (as `access` says), postsynaptic (list 1,
 * as X_post and plain X) and presynaptic (list 2, X_pre) variables, i, j, t, dt, N_pre,
 * N_post (synapses_code.c). */
int sim_synapses_scope(const snx_synapses *s, sim_scope *sc, int access);
/* Parses and checks on_pre, on_post and the constant delays; chooses the fast path or
 * compiles the pathways' programs (with the event-driven updates first). */
int sim_synapses_compile(snx_synapses *s, const snx_synapses_opts *o);
/* Parses the synapse model (synapses_model.c), adding "lastupdate : second" when an
 * equation is event-driven. */
int sim_synapses_model_parse(snx_synapses *s, const char *text);
/* The model's dynamics (synapses_model.c): checks the synapse model, finds its
 * lastupdate, generates the event-driven updates (s->ed) and compiles the clock-driven
 * and summed programs. Before sim_synapses_compile, which uses s->ed. */
int sim_synapses_model_compile(snx_synapses *s, const snx_synapses_opts *o);
void sim_synapses_model_free(snx_synapses *s);
/* Compiles "_out = expr" in the synaptic scope (synaptic variables reached as `access`
 * says), _out being a direct array of dimension `dim` at id sim_synapses_out_id(s). */
int sim_synapses_out_program(snx_synapses *s, const char *expr, const char *label, snx_dim dim,
                             int access, sim_program **out);
int sim_synapses_out_id(const snx_synapses *s);
/* Fills s->arrays from the current state (synaptic, post root, pre root arrays). */
void sim_synapses_fill_table(snx_synapses *s);

/* ---- monitors (monitor.c, monitor_spike.c, monitor_state.c, monitor_rate.c) -------- */

struct snx_monitor {
    sim_object obj;
    snx_monitor_kind type;    /* what it records */
    int (*record)(snx_monitor *m); /* its part of the record phase, by type */
    snx_group *src;
    int32_t *neurons;         /* recorded neurons, relative to src */
    size_t n_neurons;
    int all;                  /* records every neuron of src */
    int32_t *slot;            /* spike/count monitors of chosen neurons: neuron -> position or -1 */
    int64_t *counts;
    int32_t *sp_i;
    double *sp_t;
    size_t n_sp, cap_sp;
    double *times;            /* state and rate samples */
    size_t n_samples, cap_samples;
    int64_t every;            /* state: record in steps where step % every == 0 */
    int n_vars;
    char **var_names;
    snx_dim *var_dims;
    int *var_array;           /* variable index, or -1 for a subexpression */
    sim_program **var_prog;   /* subexpressions: "_out = name" over the recorded neurons */
    double **table;           /* the array table of those programs: root's, then _out */
    double **values;          /* per variable, n_samples * n_neurons */
    double *rates;
    int64_t *idx;             /* recorded neurons as root positions */
    /* streaming (monitor_stream.c): blocks of `block` spikes or samples go to sink */
    snx_monitor_sink sink;
    void *sink_ctx;
    void (*sink_free)(void *ctx);
    size_t block;             /* spikes or samples per block handed out */
    size_t n_streamed;        /* spikes or samples handed out so far */
};

/* Checks g and enters m, recording with `record`, into the network. */
int sim_monitor_register(snx_net *net, snx_monitor *m, const char *name, snx_monitor_kind type,
                         int (*record)(snx_monitor *m), snx_group *g);
/* The recorded neurons: NULL for all of the monitor's group (checks the indices). */
int sim_monitor_set_neurons(snx_monitor *m, const int32_t *neurons, size_t n);
/* Grows sample storage by one sample (at the current time); returns its index. */
int sim_monitor_new_sample(snx_monitor *m, size_t *index);
/* Cuts recordings back to n spikes and n samples (snapshot restore). */
void sim_monitor_truncate(snx_monitor *m, size_t n_spikes, size_t n_samples,
                          const int64_t *counts);
void sim_monitor_destroy(snx_monitor *m);
/* Hands full blocks to the monitor's sink, keeping the rest (monitor_stream.c); 0
 * without a sink. Called after every recording step. */
int sim_monitor_flush(snx_monitor *m);
/* Releases the sink's context (monitor destroyed, or another sink set). */
void sim_monitor_drop_sink(snx_monitor *m);
/* Snapshots of how much a monitor had recorded (snapshot.c). */
int sim_monitor_save(const sim_object *o, sim_saved *saved);
int sim_monitor_restore(sim_object *o, const sim_saved *saved);

#endif
