#!/bin/sh
# `make run`: runs the main example and says where its outputs are.
set -e
BUILD=$1
exec "$BUILD/examples/lif/lif"
