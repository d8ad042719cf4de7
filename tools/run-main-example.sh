#!/bin/sh
# `make run`: runs the main example, the clustered network of Litwin-Kumar & Doiron
# (2012) exploring R_ee, then plotff on the file it wrote, and says where the outputs
# are. Everything lands below the current directory (the repository root under
# `make run`; hdf5/, logs/ and plots/ are ignored by git).
#   tools/run-main-example.sh BUILD_DIR [clusternet options...]
set -e
BUILD=$1
shift
"$BUILD/examples/clusternet/clusternet" "$@"
echo
# plotff prints the table clusternet printed just above, read back from the file: only
# its own lines (what it wrote) are shown, not the table a second time.
plotted=$("$BUILD/examples/clusternet/plotff" --file hdf5/Clustered_Network.hdf5 --out plots)
printf '%s\n' "$plotted" | grep '^plotff:' || true
echo
echo "outputs:"
echo "  $(pwd)/hdf5/Clustered_Network.hdf5   the trajectory: parameters, monitors, Fano factors"
echo "  $(pwd)/plots/fano_factor.tsv         mean Fano factor per R_ee"
echo "  $(pwd)/plots/fano_factor.png         its plot"
echo "  $(pwd)/logs/Clustered_Network.log    the log"
echo "the same plot from the file with h5py alone: /usr/bin/python3 examples/clusternet/plotff.py"
