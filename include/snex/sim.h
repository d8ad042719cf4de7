/* snex simulation engine: spiking networks written as BRIAN-style equation strings,
 * compiled at run time to block programs (no C compiler, no Python).
 *
 *   snx_net *net = snx_net_new(&(snx_net_opts){ .seed = 42 });
 *   snx_namespace_set_unit(snx_net_namespace(net), "tau", 10, "ms");
 *   snx_group *g = snx_group_new(net, "neurons", 100,
 *       "dV/dt = (mu - V)/tau : 1 (unless refractory)\n mu : 1 (constant)",
 *       &(snx_group_opts){ .threshold = "V > 1", .reset = "V = 0",
 *                          .refractory = "5*ms" });
 *   snx_group_init(g, "mu", "1.1 + 0.1*rand()");
 *   snx_monitor *sp = snx_monitor_spikes(net, "spikes", g, NULL, 0);
 *   snx_monitor *v = snx_monitor_state(net, "trace", g, "V",
 *       &(snx_state_monitor_opts){ .neurons = (int32_t[]){ 0, 1 }, .n_neurons = 2 });
 *   snx_net_run(net, 1.0);                 // seconds; call again to continue
 *   snx_net_free(net);                     // frees groups, synapses, monitors
 *
 * Units: every value crossing this API is in SI (seconds, volts, amperes, hertz ...).
 *
 * Time step, as in BRIAN (Brian 1's schedule, spec §3.10): in step n (t = n*dt)
 *   1. every group integrates its equations from t to t+dt, then evaluates its
 *      threshold on the new state (a neuron in its refractory period never spikes);
 *   2. synapses propagate the spikes of this step (delay 0 arrives in this step);
 *   3. neurons that spiked run their reset statements;
 *   4. monitors record; a spike of step n has time t = n*dt, and a state sample taken
 *      in step n (the state at the end of the step) is labelled t = n*dt as well.
 * Refractoriness counts whole steps: with period T (rounded to k = round(T/dt) steps),
 * a neuron that spikes in step n is refractory in steps n+1 .. n+k-1: variables
 * flagged (unless refractory) are held and the threshold is not evaluated; in step
 * n+k it integrates again. So a held variable shows its reset value for exactly k
 * samples (steps n .. n+k-1).
 *
 * Errors: NULL or a negative SNX_E code, with snx_errmsg() saying what and where
 * (for equations: line, column and the offending text; for dimensions: the equation,
 * the terms and their dimensions; for unknown names: close matches).
 *
 * Ownership: the caller owns what a *_new, *_copy or snx_net_snapshot returns and frees
 * it with the matching *_free; a network owns its groups (and their views), synapses
 * and monitors. Options structs and arrays passed in are copied or only read during
 * the call; strings and arrays returned stay the object's, valid until it changes or
 * is freed. Types: counts and lengths are size_t, neuron indices int32_t. */
#ifndef SNEX_SIM_H
#define SNEX_SIM_H

#include "snex/api.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snex/units.h"

typedef struct snx_net snx_net;
typedef struct snx_group snx_group;
typedef struct snx_synapses snx_synapses;
typedef struct snx_monitor snx_monitor;
typedef struct snx_snapshot snx_snapshot;

/* ---- namespaces of constants -------------------------------------------------------
 * Names that equations may use besides their group's variables, resolved when an
 * object is created (later changes do not affect existing objects). Name resolution
 * order in an expression: t, dt, i, N (and j, N_pre, N_post, _pre/_post names in
 * synaptic code) > the group's variables and subexpressions > the object's namespace >
 * the network's namespace > unit names (ms, mV, nA, ...) > pi, e, inf, True, False. */
typedef struct snx_namespace snx_namespace;

/* An empty namespace (NULL when out of memory); freed with snx_namespace_free. */
SNX_API snx_namespace *snx_namespace_new(void);
SNX_API void snx_namespace_free(snx_namespace *ns); /* NULL is fine */
/* An independent copy of ns (NULL when out of memory), the caller's to free. */
SNX_API snx_namespace *snx_namespace_copy(const snx_namespace *ns);
/* name = value_si (in SI) with dimension dim; replaces an existing entry.
 * SNX_ENAME for a name that is not an identifier or is one of the engine's own (t, dt,
 * i, j, N, N_pre, N_post: they come first in resolution and would hide it), SNX_ENOMEM. */
SNX_API int snx_namespace_set(snx_namespace *ns, const char *name, double value_si, snx_dim dim);
/* name = value * unit, e.g. ("tau_e", 15, "ms") stores 0.015 s. unit NULL or "1": plain.
 * As snx_namespace_set, plus SNX_EPARSE or SNX_ENOTFOUND for a unit that does not parse. */
SNX_API int snx_namespace_set_unit(snx_namespace *ns, const char *name, double value,
                           const char *unit);
/* Looks name up: 0, or SNX_ENOTFOUND (no message). Either output may be NULL. */
SNX_API int snx_namespace_get(const snx_namespace *ns, const char *name, double *value_si,
                      snx_dim *dim);
SNX_API size_t snx_namespace_count(const snx_namespace *ns); /* entries; 0 for NULL */
/* Iterates names in insertion order: for (size_t it = 0; snx_namespace_next(ns, &it, &n);)
 * false after the last; *name stays the namespace's. */
SNX_API bool snx_namespace_next(const snx_namespace *ns, size_t *iter, const char **name);
/* Whether name is a valid identifier ([A-Za-z_][A-Za-z0-9_]*); false for NULL. */
SNX_API bool snx_namespace_valid_name(const char *name);

/* ---- networks ------------------------------------------------------------------------ */

/* Called during snx_net_run at most every report_period wall-clock seconds and once at
 * the end: fraction of this run done, simulated time, wall time since the run began. */
typedef void (*snx_progress_fn)(double fraction, double t, double elapsed, void *ctx);
/* The instruction set the engine's equations run with: "avx512", "avx2" or "baseline"
 * (the library's build flags). The library carries a copy of its inner loops for each
 * on x86-64 and takes the widest this CPU runs; all give the same bits. The
 * environment variable SNX_ISA, read at start-up, asks for a narrower one (a wider one
 * than the CPU runs is ignored). */
SNX_API const char *snx_engine_isa(void);

/* A ready-made reporter: one line per call on the FILE* in ctx (stderr when NULL). */
SNX_API void snx_progress_text(double fraction, double t, double elapsed, void *ctx);

typedef struct snx_net_opts {
    double dt;                /* time step in seconds; 0 means 0.1 ms */
    uint64_t seed;            /* all randomness derives from it: same seed, same bits */
    const snx_namespace *ns;  /* constants for every object (copied); may be NULL */
    int32_t parallel_min;     /* groups with at least this many neurons update with
                                 OpenMP over blocks; 0: 16384; negative: never (only
                                 when threads is 0 or 1) */
    size_t threads;           /* threads that share each run: 1, one; 0 (the default):
                                 the environment variable SNX_THREADS, or one without it;
                                 n > 1 (at most 256), n - 1 helper threads for the
                                 whole run: groups' blocks and the fast-path delivery
                                 are shared out, the rest runs on the calling thread;
                                 same bits as one thread; helpers spin at most 0.1 ms
                                 before they sleep, and the run goes serial while they
                                 stall (other processes holding the cores). On the
                                 development machine it gains nothing so far
                                 (docs/PERFORMANCE.md, "Threads"): for a sweep, more
                                 worker processes are better than threads */
    snx_progress_fn report;   /* optional progress reporter */
    void *report_ctx;
    double report_period;     /* wall seconds between reports; 0: 10 s */
    /* Every 16 steps and at the end of every run, each group's state variables
     * (those of differential equations, and with a C update every non-constant one)
     * are checked for NaN and infinity while still in cache; the first one found stops
     * snx_net_run with SNX_ENUMERIC naming group, variable, neuron and time (a NaN
     * neuron would otherwise never spike again, silently). Its cost is measured in
     * docs/PERFORMANCE.md; true turns the check off. */
    bool no_finite_check;
} snx_net_opts;

/* A network (opts NULL: all defaults); NULL with SNX_EINVAL for a negative dt, or
 * SNX_ENOMEM. The caller frees it with snx_net_free. */
SNX_API snx_net *snx_net_new(const snx_net_opts *opts);
/* Frees the network with its groups, views, synapses and monitors. NULL is fine. */
SNX_API void snx_net_free(snx_net *net);
/* The network's own namespace (the network's): constants added here are seen by
 * objects created later. */
SNX_API snx_namespace *snx_net_namespace(snx_net *net);
SNX_API double snx_net_dt(const snx_net *net);       /* the time step, s */
SNX_API double snx_net_t(const snx_net *net);        /* current time = step * dt */
SNX_API int64_t snx_net_step(const snx_net *net);    /* steps simulated so far */

/* Restarts every random stream of the network (initialisation, connection, the
 * groups' per-step streams) from a new seed, as if the network had been made with
 * it; state and time are kept. A pre-built network gets each run's own seed so. */
SNX_API void snx_net_reseed(snx_net *net, uint64_t seed);

/* Simulates `duration` seconds (rounded to whole steps); time continues across calls.
 * SNX_EINVAL (negative or non-finite duration, or one that would take the step count
 * past 2^53, e.g. 1e30 s or any duration with dt = 1e-300: nothing is simulated),
 * SNX_ESTATE (an active object refers to a removed group), SNX_ENUMERIC when a state
 * variable becomes NaN or infinite (unless opts.no_finite_check; the message names the
 * group, variable, neuron and time), or the error of a C update, with the time it
 * stopped at. */
SNX_API int snx_net_run(snx_net *net, double duration);

/* Objects (groups, synapses, monitors) have network-unique names. remove takes an
 * object out of the simulation, keeping it and its state; add puts it back. A run
 * fails (SNX_ESTATE) if an active synapses object or monitor refers to a removed
 * group. delete frees the object (SNX_ESTATE if another object still refers to it).
 * All three: SNX_ENOTFOUND for an unknown name. */
SNX_API int snx_net_remove(snx_net *net, const char *name);
SNX_API int snx_net_add(snx_net *net, const char *name);
SNX_API int snx_net_delete(snx_net *net, const char *name);
/* Whether the object takes part in runs; false (with SNX_ENOTFOUND) for an unknown name. */
SNX_API bool snx_net_is_active(const snx_net *net, const char *name);
/* The objects (groups, synapses, monitors; not views) in creation order. */
SNX_API size_t snx_net_n_objects(const snx_net *net);
SNX_API const char *snx_net_object_name(const snx_net *net, size_t k); /* NULL out of range */
/* The object of that name, the network's; NULL with SNX_ENOTFOUND (no such object) or
 * SNX_ETYPE (an object of another kind). */
SNX_API snx_group *snx_net_group(const snx_net *net, const char *name);
SNX_API snx_synapses *snx_net_synapses(const snx_net *net, const char *name);
SNX_API snx_monitor *snx_net_monitor(const snx_net *net, const char *name);

/* Snapshot of the whole dynamic state: time, random streams, every group's variables
 * and refractory state, every synapses object's variables and in-flight spikes, and
 * how much each monitor had recorded. Restoring requires the same groups and synapses
 * (none created or deleted since); monitors are cut back to their snapshot length
 * (monitors created since are emptied). Running after a restore reproduces the
 * original continuation bit for bit. The snapshot is the caller's (snx_snapshot_free);
 * NULL with SNX_ENOMEM. restore: SNX_ESTATE when the network's structure changed or
 * the snapshot is of another network (nothing is restored then). */
SNX_API snx_snapshot *snx_net_snapshot(snx_net *net);
SNX_API int snx_net_restore(snx_net *net, const snx_snapshot *snap);
SNX_API void snx_snapshot_free(snx_snapshot *snap); /* NULL is fine */

/* ---- neuron groups --------------------------------------------------------------------
 * Equations, one per line:
 *   dX/dt = expr : unit [(unless refractory)]   differential equation
 *   X = expr : unit [(shared)]                  subexpression (computed once per step)
 *   X : unit [(constant)] [(shared)]            per-neuron parameter
 * Flags combine as "(constant, shared)". (shared), as in Brian: one value for the
 * whole group (stored once). A shared subexpression may use only shared variables, t
 * and constants (no rand()). Code that runs per neuron or per synapse (reset, on_pre)
 * reads shared variables but cannot assign them; snx_group_set and snx_group_init set
 * the one value (init from shared values, t and constants only, rand() drawn once).
 * State monitors record a shared variable's value for every recorded neuron.
 * Units name only the dimension ("1", "volt", "mV", "Hz", "amp", ...); values are SI.
 * Expressions: + - * / // % ** (// and % as in Python and Brian: -7 // 2 == -4,
 * -1 % 3 == 2; // on dimensionless values), unary -, parentheses, < <= > >= == !=,
 * and or not,
 * exp log log10 expm1 log1p sqrt abs sin cos tan arcsin arccos arctan tanh sinh cosh
 * floor ceil sign min max clip, int(x) (truncates toward zero, dimensionless),
 * exprel(x) ((exp(x) - 1)/x, 1 at 0, exact near 0), timestep(t, dt) (Brian's
 * int((t + dt/1000)/dt)), numbers with units (5*ms), t, dt, i (index in the group),
 * N (group size), rand(), randn(). Statements (reset, on_pre): X = e, X += e,
 * X -= e, X *= e, X /= e, separated by newlines or ';'.
 * Values the engine keeps, readable in a group's equations, threshold, reset,
 * initialisation and state monitors (not assignable):
 *   lastspike        groups with a threshold: the time (s) of the neuron's last spike,
 *                    set when the threshold fires (so the reset and the synapses of
 *                    that step see the new value); -1e4 s before the first spike,
 *                    Brian's value (finite, so t - lastspike stays a number)
 *   not_refractory   1 when the neuron is not refractory, else 0 (0 from its spike on:
 *                    in the reset and the step's samples); always 1 in a group without
 *                    refractoriness. Brian's idiom dv/dt = ... * int(not_refractory)
 *                    works.
 * White noise, as in Brian: in differential equations, xi and xi_<suffix> are
 * independent Gaussian white-noise processes per neuron, of dimension s^-1/2
 * ("dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : 1" has stationary variance
 * sigma^2); one name used in two equations of a group is one process. Exponents in
 * expressions may therefore be halves (sqrt(1/tau) is s^-1/2), but no variable's
 * dimension may. Noise must enter linearly (g*xi) and additively (g free of the
 * state variables); the group's per-block random streams draw it, so a seed gives the
 * same bits whatever the number of threads. Only euler integrates it (Euler-Maruyama:
 * x += f dt + g sqrt(dt) N(0, 1)); the other methods, multiplicative noise (which
 * needs Milstein's method), nonlinear noise, and xi outside differential equations
 * (of a group, or clock-driven ones of synapses) are SNX_EINVAL errors naming the
 * equation. xi and xi_* are reserved.
 * Exact integration (method "exact" or "linear"): the differential equations must form
 * dX/dt = A X + b with every coefficient of A a constant (numbers, units, namespace
 * values; not a per-neuron parameter) and b free of t, rand(), randn() and noise (b may
 * use per-neuron parameters, input variables, i and subexpressions of those: they hold
 * still during a step). Each step is then x = e^(A dt) x + int_0^dt e^(A s) ds b, the
 * matrices computed once per group; anything else is an SNX_EINVAL error naming the
 * equation and why. While a neuron is refractory its (unless refractory) variables keep
 * their value and the others follow the system with the held variables' derivatives
 * zero (as Brian's not_refractory factor), exactly. With no method given, a group
 * uses "exact" when its equations qualify and have no noise, and "euler" otherwise
 * (Brian's choice); snx_group_method() says which. */

/* A C state update for what the language cannot express: called in the state-update
 * phase after the equations (if any), with the time at the start of the step. Use
 * snx_group_var() for the arrays and snx_group_is_refractory(). Return 0 or an
 * SNX_E code (after snx_error()) to stop the run. */
typedef int (*snx_update_fn)(snx_group *g, double t, double dt, void *ctx);

typedef struct snx_group_opts {
    const char *threshold;   /* condition, e.g. "V > V_th"; NULL: never spikes */
    const char *reset;       /* statements run for neurons that spiked, e.g. "V = 0" */
    const char *refractory;  /* time expression, e.g. "5*ms" or "tau_ref" (per neuron),
                                evaluated when the neuron spikes; a constant below 0 is
                                an SNX_EINVAL error, a per-neuron value below 0 acts as 0.
                                Or a condition (a comparison or and/or/not), e.g.
                                "v > v_th", as in Brian: a neuron is refractory from its
                                spike until the first step that starts from a state in
                                which the condition is false; it is tested at the start
                                of each step, before the state update (so a condition
                                false right after the reset means no refractoriness).
                                Anything else: SNX_EDIM, or SNX_EINVAL (dimensionless
                                but not a condition) */
    const char *method;      /* "euler", "rk2", "rk4", "exponential_euler", "exact" (alias
                                "linear"); NULL: "exact" when the equations qualify and
                                have no noise; "exponential_euler" when each is linear
                                in its own variable alone, with per-neuron coefficients
                                (its formula is then the exact solution); else "euler"
                                (snx_group_method tells) */
    const snx_namespace *ns; /* constants searched before the network's (copied) */
    snx_update_fn update;    /* optional C state update */
    void *update_ctx;
} snx_group_opts;

/* A group of n neurons with the equations eqs (opts NULL: no threshold, reset or
 * refractoriness), owned by net. NULL with SNX_EPARSE, SNX_EDIM or SNX_ENOTFOUND
 * (the message quotes the code), SNX_ENAME/SNX_EEXIST (name), SNX_EINVAL (n <= 0). */
SNX_API snx_group *snx_group_new(snx_net *net, const char *name, int32_t n, const char *eqs,
                         const snx_group_opts *opts);
/* The view of neurons [start, stop) of g (a group or a view): shares g's state and is
 * freed with the underlying group. Indices and `i` in a view are relative to the
 * view's start. Views work wherever a group does (init, set, var, synapses, monitors).
 * NULL with SNX_EINVAL when [start, stop) is empty or not inside g. */
SNX_API snx_group *snx_group_slice(snx_group *g, int32_t start, int32_t stop);
SNX_API int32_t snx_group_size(const snx_group *g); /* neurons; 0 for NULL */
/* The start of a view in its underlying group (0 for a group). */
SNX_API int32_t snx_group_offset(const snx_group *g);
SNX_API const char *snx_group_name(const snx_group *g); /* a view's: "g[a:b]" */

/* var = expr for every neuron of g: "V", "mu_min + rand()*(mu_max - mu_min)". The
 * expression may use the group's variables, i, N and constants; it is evaluated once.
 * init and set may change (constant) parameters; reset and on_pre code may not.
 * For a (shared) variable (of g's group, also through a view) both set its one value;
 * init then refuses (SNX_EINVAL) an expression that differs between neurons.
 * Errors: SNX_ENOTFOUND (no such variable; the message lists them), and for init the
 * expression's SNX_EPARSE, SNX_EDIM, SNX_ENOTFOUND. */
SNX_API int snx_group_init(snx_group *g, const char *var, const char *expr);
SNX_API int snx_group_set(snx_group *g, const char *var, double value_si);
/* Copies n values (n must be the size of g: SNX_EINVAL otherwise; SNX_EINVAL for a
 * shared variable, which has one value: use snx_group_set). */
SNX_API int snx_group_set_array(snx_group *g, const char *var, const double *values, size_t n);
/* The variable's array, the group's (its first element is neuron 0 of g; writable);
 * for a shared variable, its one value. NULL with SNX_ENOTFOUND if there is none. */
SNX_API double *snx_group_var(snx_group *g, const char *var);
/* The names of the group's state variables and parameters, in equation order;
 * var_name is NULL with SNX_EINVAL for k out of range (or g NULL). */
SNX_API size_t snx_group_n_vars(const snx_group *g);
SNX_API const char *snx_group_var_name(const snx_group *g, size_t k);
/* Whether neuron i of g is in its refractory period now (false out of range). */
SNX_API bool snx_group_is_refractory(const snx_group *g, int32_t i);
/* The integration method g's equations use ("euler", "rk2", "rk4",
 * "exponential_euler", "exact"), the one chosen when none was given: a view's is its
 * group's. A static string; NULL with SNX_EINVAL for g NULL. */
SNX_API const char *snx_group_method(const snx_group *g);

/* A Poisson spike source: n neurons spiking independently with the rate expression
 * (e.g. "10*Hz", "rate_e", "i*Hz"), evaluated once; per-neuron rates can be changed
 * later through the variable "rates" (a rate set there below 0 acts as 0). Owned by
 * net; NULL with the errors of snx_group_new and snx_group_init, and SNX_EINVAL when
 * a neuron's rate is negative or not finite. */
SNX_API snx_group *snx_poisson_new(snx_net *net, const char *name, int32_t n, const char *rates);

/* ---- synapses -------------------------------------------------------------------------
 * A synapses object connects pre to post and runs code when spikes reach synapses:
 * on_pre when a presynaptic spike arrives (after the synapse's delay), on_post when
 * the postsynaptic neuron spikes (after post_delay). Names in that code: the synapses'
 * own variables (model), then postsynaptic variables (plain or with _post), presynaptic
 * variables with _pre, i (pre index), j (post index), t, dt, constants.
 *
 * The model declares, one per line (see docs/MODELS.md):
 *   w : 1                                      a per-synapse parameter
 *   dApre/dt = -Apre/taupre : 1 (event-driven) advanced only when on_pre or on_post
 *       runs for the synapse, exactly, from its last update; must be dX/dt = A + B*X
 *       with A, B constants. Adds the variable lastupdate (s), the time of that update.
 *       Read between events, such a variable holds its value at the last update.
 *   dg/dt = -g/tau : siemens (clock-driven)    integrated every step with `method`
 *       (no flag means clock-driven, as in Brian2); white noise xi may appear, drawn
 *       from the network's serial stream (Euler-Maruyama, as in groups)
 *   I_syn_post = g*(E - v_post) : amp (summed) in every step, before the groups
 *       update, the post group's parameter I_syn is set to the sum over each neuron's
 *       synapses (0 without synapses); X_pre sums into the pre group
 * Order within a step (Brian2's): summed variables; groups update, then clock-driven
 * synaptic equations; on_pre of every synapses object, then on_post of every one.
 * The common static form "X += w" (X postsynaptic, w a constant or a per-synapse
 * parameter, no on_post, no synaptic equations) takes a fast path through per-target
 * ring buffers. */
typedef struct snx_synapses_opts {
    const char *model;       /* per-synapse variables and equations; NULL: none */
    const char *on_pre;      /* statements, e.g. "y_e += J"; NULL: no pre pathway */
    const char *on_post;     /* statements run on postsynaptic spikes; NULL: none */
    const char *delay;       /* constant delay expression ("2*ms"); NULL: 0 */
    const char *post_delay;  /* constant delay of on_post; NULL: 0 */
    const char *method;      /* of the clock-driven equations; NULL: as for groups,
                                "exact" when they qualify, else "euler" */
    const snx_namespace *ns; /* constants searched before the network's (copied) */
} snx_synapses_opts;

/* Synapses from pre to post (groups or views of net), owned by net, not yet connected.
 * NULL with the code's SNX_EPARSE, SNX_EDIM, SNX_ENOTFOUND, SNX_EINVAL (groups of
 * another network, an event-driven equation without an exact solution, a summed
 * variable whose target is not a parameter), SNX_ENAME/SNX_EEXIST (name). */
SNX_API snx_synapses *snx_synapses_new(snx_net *net, const char *name, snx_group *pre,
                               snx_group *post, const snx_synapses_opts *opts);

/* How connect_p and connect_all connect; NULL or { 0 }: the defaults. */
typedef struct snx_connect_opts {
    /* Leave out autapses (a neuron onto itself, which can only happen when pre and post
     * look into the same group). By default they are made, as Brian's Connection and
     * Synapses.connect(p=...) do. */
    bool exclude_autapses;
} snx_connect_opts;

/* Connecting: once per synapses object (SNX_ESTATE the second time); the random
 * choices come from the network's stream. connect_p: each pair with probability p
 * (SNX_EINVAL outside [0, 1]), drawn row by row without an n_pre * n_post loop. */
SNX_API int snx_synapses_connect_p(snx_synapses *s, double p, const snx_connect_opts *opts);
SNX_API int snx_synapses_connect_all(snx_synapses *s, const snx_connect_opts *opts);
/* Neuron k onto neuron k (SNX_EINVAL for views of different sizes). */
SNX_API int snx_synapses_connect_one_to_one(snx_synapses *s);
/* The n pairs (i[k], j[k]) as given, in that order; a pair may repeat (SNX_EINVAL for
 * an index out of range). */
SNX_API int snx_synapses_connect_pairs(snx_synapses *s, const int32_t *i, const int32_t *j,
                               size_t n);
/* Pairs where the condition holds ("abs(i - j) < 5 and i != j"), each kept with
 * probability p (1: all). Costs n_pre * n_post evaluations. */
SNX_API int snx_synapses_connect_cond(snx_synapses *s, const char *cond, double p);
/* The number of synapses (0 before connecting). */
SNX_API size_t snx_synapses_count(const snx_synapses *s);
SNX_API const char *snx_synapses_name(const snx_synapses *s);

/* var = expr per synapse ("w", "J*rand()"); var may be "delay" (a time). The synapse
 * order of arrays below is the order of the pairs for connect_pairs, otherwise by
 * presynaptic neuron, then ascending postsynaptic neuron. Errors: SNX_ESTATE before
 * connecting, SNX_ENOTFOUND (no such variable), the expression's errors, SNX_EINVAL
 * (n is not snx_synapses_count, a negative delay). */
SNX_API int snx_synapses_init(snx_synapses *s, const char *var, const char *expr);
SNX_API int snx_synapses_set_array(snx_synapses *s, const char *var, const double *values,
                           size_t n);
/* Copies a per-synapse variable (or "delay", in seconds) out, in synapse order, into
 * out[0..n), n being snx_synapses_count (SNX_EINVAL otherwise). */
SNX_API int snx_synapses_get_array(const snx_synapses *s, const char *var, double *out, size_t n);
/* Pre and post indices (relative to the views) in synapse order, as get_array. */
SNX_API int snx_synapses_get_pairs(const snx_synapses *s, int32_t *i, int32_t *j, size_t n);

/* ---- monitors ------------------------------------------------------------------------
 * Memory grows with what is recorded. Neuron indices (given and recorded) are relative
 * to g (a group or view). Monitors are owned by net; creation fails (NULL) with
 * SNX_EINVAL (no group, a group of another network, a neuron out of range or listed
 * twice), SNX_ENAME/SNX_EEXIST (name), SNX_ENOMEM. */

/* Spikes (neuron, time) and per-neuron counts of the n neurons listed (the list is
 * copied); neurons NULL: all neurons of g. */
SNX_API snx_monitor *snx_monitor_spikes(snx_net *net, const char *name, snx_group *g,
                                const int32_t *neurons, size_t n);
/* Per-neuron spike counts only (no spike list), of all neurons of g. */
SNX_API snx_monitor *snx_monitor_counts(snx_net *net, const char *name, snx_group *g);

/* Which neurons a state monitor records and how often; NULL or { 0 }: all neurons,
 * every step. */
typedef struct snx_state_monitor_opts {
    const int32_t *neurons;  /* n_neurons indices relative to g (copied); NULL: all */
    size_t n_neurons;
    double record_dt;        /* 0: every step; else a positive multiple of dt (SNX_EINVAL
                                otherwise: negative, NaN, not a multiple), sampled in
                                steps where step % k == 0 */
} snx_state_monitor_opts;

/* Traces of vars: comma-separated variables or subexpressions ("V, I_syn_e");
 * SNX_ENOTFOUND for a name that is neither. */
SNX_API snx_monitor *snx_monitor_state(snx_net *net, const char *name, snx_group *g,
                               const char *vars, const snx_state_monitor_opts *opts);
/* Population rate in Hz: spikes of the step / (N * dt), every step. */
SNX_API snx_monitor *snx_monitor_rate(snx_net *net, const char *name, snx_group *g);

SNX_API const char *snx_monitor_name(const snx_monitor *m); /* NULL for NULL */
/* What a monitor records (which accessors below apply), and the group or view it
 * records from (whose snx_group_name names it). m must not be NULL. */
typedef enum snx_monitor_kind {
    SNX_MONITOR_SPIKES,  /* snx_monitor_spikes */
    SNX_MONITOR_COUNTS,  /* snx_monitor_counts */
    SNX_MONITOR_STATE,   /* snx_monitor_state */
    SNX_MONITOR_RATE,    /* snx_monitor_rate */
} snx_monitor_kind;
SNX_API snx_monitor_kind snx_monitor_kind_of(const snx_monitor *m);
SNX_API snx_group *snx_monitor_source(const snx_monitor *m);
/* Accessors below return the monitor's arrays (valid until it records, is cleared or
 * freed), and 0 or NULL for a NULL monitor or one that does not record that.
 * Spike monitors: n spikes, their neuron indices and times (s). */
SNX_API size_t snx_monitor_n_spikes(const snx_monitor *m);
SNX_API const int32_t *snx_monitor_spike_i(const snx_monitor *m);
SNX_API const double *snx_monitor_spike_t(const snx_monitor *m);
/* Spike and count monitors: spikes per recorded neuron (n = number recorded). */
SNX_API const int64_t *snx_monitor_counts_of(const snx_monitor *m, size_t *n);
/* The recorded neurons (spike, count and state monitors). */
SNX_API const int32_t *snx_monitor_neurons(const snx_monitor *m, size_t *n);
/* State and rate monitors: sample times. */
SNX_API size_t snx_monitor_n_samples(const snx_monitor *m);
SNX_API const double *snx_monitor_times(const snx_monitor *m);
/* State monitors: values of var, n_samples rows of n_neurons (row-major); NULL if not
 * recorded. The recorded variables in the order given, and their dimensions (for
 * storing units): NULL and dimensionless for k out of range. */
SNX_API const double *snx_monitor_values(const snx_monitor *m, const char *var);
SNX_API size_t snx_monitor_n_vars(const snx_monitor *m);
SNX_API const char *snx_monitor_var_name(const snx_monitor *m, size_t k);
SNX_API snx_dim snx_monitor_var_dim(const snx_monitor *m, size_t k);
/* Rate monitors: one rate (Hz) per sample. */
SNX_API const double *snx_monitor_rates(const snx_monitor *m);
/* Forgets everything recorded (keeps the monitor in the network). NULL is fine.
 * What a streaming monitor handed out stays handed out (snx_monitor_n_streamed). */
SNX_API void snx_monitor_clear(snx_monitor *m);

/* ---- streaming monitors ------------------------------------------------------------
 * A spike or state monitor may hand its recordings out while it records, so that a
 * long run keeps a bounded buffer: whenever `block` spikes (or samples) are held, the
 * oldest block goes to the sink and is dropped. The accessors above then give what
 * is still held (the spikes or samples after the first snx_monitor_n_streamed);
 * counts stay totals. The network framework streams monitors into the file this way
 * (snx_traj_stream_monitor, network.h). */
typedef struct snx_monitor_block {
    size_t n;                    /* spikes or samples in the block */
    const int32_t *i;            /* spike monitors: n neuron indices (relative to g) */
    const double *t;             /* n spike times, or n sample times (s) */
    const double *const *values; /* state monitors: per variable (snx_monitor_var_name
                                    order) n rows of n_neurons, as snx_monitor_values */
} snx_monitor_block;
/* Gets each block in recording order; returns 0 or a negative SNX_E code, which stops
 * the run (snx_net_run fails with it). */
typedef int (*snx_monitor_sink)(void *ctx, const snx_monitor *m, const snx_monitor_block *b);
/* Makes m stream to sink, holding at most max_bytes of recordings (0: 4 MiB): blocks
 * are the largest power of two of spikes (12 bytes each) or samples (8 bytes per
 * recorded value and time) that fits twice into max_bytes, at least 1. free_ctx (may
 * be NULL) is called with ctx when the monitor is freed or streams elsewhere. sink
 * NULL stops streaming. SNX_EINVAL for a rate or count monitor (nothing to stream) or
 * NULL m; on error free_ctx is not called. */
SNX_API int snx_monitor_stream(snx_monitor *m, size_t max_bytes, snx_monitor_sink sink, void *ctx,
                       void (*free_ctx)(void *ctx));
/* The sink's context when m streams to `sink`, else NULL. */
SNX_API void *snx_monitor_stream_ctx(const snx_monitor *m, snx_monitor_sink sink);
/* Spikes (spike monitors) or samples (state monitors) handed out so far. */
SNX_API size_t snx_monitor_n_streamed(const snx_monitor *m);
/* The spikes or samples per block while streaming (0 when not streaming). */
SNX_API size_t snx_monitor_stream_block(const snx_monitor *m);

#endif
