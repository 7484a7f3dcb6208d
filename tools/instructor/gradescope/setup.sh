#!/bin/sh
# setup.sh - Gradescope runs this once, as root, when it builds the
# autograder's image (Ubuntu): install what the grader needs and build
# what every submission shares (common/, the test harness, the helpers), so that each
# run only compiles the student's code.
set -eu
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# (python3: run_autograder checks the results are JSON before it hands
# them over; Gradescope's images have it, this makes sure.)
apt-get install -y build-essential pkg-config check python3
make --no-print-directory -s grade-class-prep
