/* Spike-train statistics for analysers: spike counts in time windows and the Fano
 * factor, as pypet's clustered-network example computes them (spec: its
 * CNFanoFactorComputer), but for all neurons in one pass over the spikes.
 *
 * Windows are half-open, [start + b*w, start + (b+1)*w), with the bounds computed as
 * start + w*b (never accumulated): a spike lands in the same window whatever order
 * the spikes come in, and a spike exactly on a computed bound belongs to the window
 * that begins there. */
#include <math.h>
#include <stdint.h>

#include "snex/error.h"
#include "snex/network.h"

/* The computed lower bound of window b. */
static double net_bound(double start, double w, int64_t b)
{
    return start + w * (double)b;
}

/* The window holding t, or -1 when t lies outside [bound(0), bound(n_bins)). The
 * quotient guesses the window; rounding in it can be off by one in either direction
 * next to a bound, so the guess is moved until the computed bounds enclose t (bounds
 * grow with b, rounding being monotonic, so this ends). */
static int64_t net_window_of(double t, double start, double w, int64_t n_bins)
{
    double guess = floor((t - start) / w);
    if (!(guess >= -1.0 && guess <= (double)n_bins)) /* far outside, or NaN */
        return -1;
    int64_t b = (int64_t)guess;
    while (b >= 0 && t < net_bound(start, w, b))
        b--;
    while (b < n_bins && t >= net_bound(start, w, b + 1))
        b++;
    return b < n_bins ? b : -1;
}

int snx_spike_counts(const int64_t *i, const double *t, size_t n, double start, double w,
                     size_t n_bins, size_t n_neurons, int64_t *counts)
{
    if (n_bins > INT64_MAX || (n_neurons && n_bins > SIZE_MAX / n_neurons))
        return snx_error(SNX_EINVAL, "spike counts: %zu neurons x %zu windows is too many",
                         n_neurons, n_bins);
    if (!(w > 0) || !isfinite(w) || !isfinite(start) ||
        !isfinite(net_bound(start, w, (int64_t)n_bins)))
        return snx_error(SNX_EINVAL, "spike counts: windows of %g s from %g s (%zu of them) "
                                     "are not finite and positive", w, start, n_bins);
    size_t n_counts = n_bins * n_neurons;
    if ((n && (!i || !t)) || (n_counts && !counts))
        return snx_error(SNX_EINVAL, "spike counts: NULL %s",
                         n && !i ? "neuron indices" : n && !t ? "spike times" : "counts");
    for (size_t k = 0; k < n_counts; k++)
        counts[k] = 0;
    for (size_t s = 0; s < n; s++) {
        if (i[s] < 0 || (uint64_t)i[s] >= n_neurons)
            continue;
        int64_t b = net_window_of(t[s], start, w, (int64_t)n_bins);
        if (b >= 0)
            counts[(size_t)i[s] * n_bins + (size_t)b]++;
    }
    return 0;
}

/* Exactly pypet's int(np.floor((end_time - start_time) / float(time_window))), so
 * that analyses reproduce its window counts: the quotient is taken in double and
 * floored. (2.5 - 0.5) / 0.1 is exactly 20.0 in double, so that sweep has 20
 * windows; 0.3 / 0.1 is 2.9999999999999996, giving 2, which agrees with the computed
 * bound 0.1*3 = 0.30000000000000004 lying beyond 0.3. Returns 0 for w <= 0, end <=
 * start, anything not finite, or a count too large for size_t. */
size_t snx_spike_n_windows(double start, double end, double w)
{
    double q = floor((end - start) / w);
    if (!(w > 0) || !isfinite(start) || !isfinite(end) || !isfinite(w) || !(q > 0) ||
        q >= 0x1p63)
        return 0;
    return (size_t)q;
}

/* Population variance (ddof 0, as np.var) over mean, two passes as numpy does it,
 * directly on the int64 counts (GSL's statistics want doubles or C longs). The sum is
 * exact up to 2^53 spikes. Mean 0 gives 0, as in pypet; no counts at all (n = 0)
 * give NaN, numpy's mean of nothing. */
double snx_fano_factor(const int64_t *counts, size_t n)
{
    if (!n || !counts)
        return NAN;
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += (double)counts[k];
    double mean = sum / (double)n;
    if (mean == 0)
        return 0;
    double ss = 0;
    for (size_t k = 0; k < n; k++) {
        double d = (double)counts[k] - mean;
        ss += d * d;
    }
    return ss / (double)n / mean;
}
