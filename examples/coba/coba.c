/* coba: benchmark 1 of Brette et al. (2007), "Simulation of networks of spiking
 * neurons: a review of tools and strategies", J. Comput. Neurosci. 23:349-398: the
 * Vogels & Abbott (2005) network with conductance-based synapses,
 *
 *   dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El))/taum : volt (unless refractory)
 *   dge/dt = -ge/taue : 1        conductances in units of the leak conductance
 *   dgi/dt = -gi/taui : 1        (gL = 10 nS: Cm = 200 pF, taum = 20 ms)
 *
 * taum 20 ms, taue 5 ms, taui 10 ms, El = Vr = -60 mV, Vt = -50 mV, Ee 0 mV, Ei -80 mV,
 * refractory 5 ms; a spike adds we = 6 nS / gL = 0.6 to ge or wi = 67 nS / gL = 6.7 to
 * gi of its targets. Initial state v = El + (5 randn() - 5) mV, ge = 1.5 randn() + 4,
 * gi = 12 randn() + 20 (the strong start that ignites self-sustained activity).
 * Source of every constant: R. Brette's Brian script of the paper's benchmark 1
 * (COBA.py, Dec 2007, shipped with Brian 1 as examples/misc/COBA.py), which writes
 * voltages relative to rest (v + 60 mV); here they are absolute.
 *
 * Method: forward Euler, given explicitly. It is the paper script's ("Clock-driven
 * implementation with Euler integration"), and ge*(Ee - v) makes the system nonlinear,
 * so "exact" does not apply (and is not what the engine would choose).
 * The network around it, options and output: vogels_abbott.h. */
#include "vogels_abbott.h"

static const va_constant CONSTANTS[] = {
    { "taum", 20, "ms" }, { "taue", 5, "ms" },   { "taui", 10, "ms" }, { "Vt", -50, "mV" },
    { "Vr", -60, "mV" },  { "El", -60, "mV" },   { "Ee", 0, "mV" },    { "Ei", -80, "mV" },
    { "we", 6.0 / 10, NULL }, { "wi", 67.0 / 10, NULL }, { NULL, 0, NULL },
};

static const va_model COBA = {
    .prog = "coba",
    .title = "COBA",
    .eqs = "dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El))/taum : volt (unless refractory)\n"
           "dge/dt = -ge/taue : 1\n"
           "dgi/dt = -gi/taui : 1",
    .method = "euler",
    .constants = CONSTANTS,
    .init = { { "v", "El + (randn()*5 - 5)*mV" },
              { "ge", "randn()*1.5 + 4" },
              { "gi", "randn()*12 + 20" } },
    .on_pre_e = "ge += we",
    .on_pre_i = "gi += wi",
};

int main(int argc, char **argv)
{
    return va_main(&COBA, argc, argv);
}
