/* cuba: benchmark 2 of Brette et al. (2007), "Simulation of networks of spiking
 * neurons: a review of tools and strategies", J. Comput. Neurosci. 23:349-398: the
 * Vogels & Abbott (2005) network with current-based synapses,
 *
 *   dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
 *   dge/dt = -ge/taue : volt (unless refractory)
 *   dgi/dt = -gi/taui : volt (unless refractory)
 *
 * taum 20 ms, taue 5 ms, taui 10 ms, El = -49 mV (above the threshold: the neurons
 * fire on their own), Vt = -50 mV, Vr = -60 mV, refractory 5 ms; a spike adds
 * we = 60*0.27/10 mV = 1.62 mV to ge or wi = -20*4.5/10 mV = -9 mV to gi of its
 * targets. Initial state v = Vr + rand()*(Vt - Vr), ge = gi = 0.
 * Source of every constant and of the equations: Brian2's CUBA example
 * (examples/CUBA.py; as printed in the Brian2 documentation,
 * https://brian2.readthedocs.io/en/stable/examples/standalone.cuba_openmp.html),
 * which follows R. Brette's Brian script of the paper's benchmark 2 (CUBA.py, Oct
 * 2007). Brian2 holds ge and gi during the refractory period as well; so does this.
 *
 * Method: "exact", given explicitly as Brian2's example does (method='exact'): the
 * equations are linear with constant coefficients, so each step is the matrix
 * exponential (the engine would choose it by itself too).
 * The network around it, options and output: ../coba/vogels_abbott.h. */
#include "../coba/vogels_abbott.h"

static const va_constant CONSTANTS[] = {
    { "taum", 20, "ms" },          { "taue", 5, "ms" },            { "taui", 10, "ms" },
    { "Vt", -50, "mV" },           { "Vr", -60, "mV" },            { "El", -49, "mV" },
    { "we", 60 * 0.27 / 10, "mV" }, { "wi", -20 * 4.5 / 10, "mV" }, { NULL, 0, NULL },
};

static const va_model CUBA = {
    .prog = "cuba",
    .title = "CUBA",
    .eqs = "dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)\n"
           "dge/dt = -ge/taue : volt (unless refractory)\n"
           "dgi/dt = -gi/taui : volt (unless refractory)",
    .method = "exact",
    .constants = CONSTANTS,
    .init = { { "v", "Vr + rand()*(Vt - Vr)" }, { "ge", "0*mV" }, { "gi", "0*mV" } },
    .on_pre_e = "ge += we",
    .on_pre_i = "gi += wi",
};

int main(int argc, char **argv)
{
    return va_main(&CUBA, argc, argv);
}
