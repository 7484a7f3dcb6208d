#!/bin/sh
# need-check.sh [zip] - make sure the check library and pkg-config are
# here; with zip, the zip and unzip commands instead (the Gradescope
# autograder's packing and its local tests, instructors only).
# Installs them with apt-get when it can (root, or sudo without a
# password); otherwise names the one command to run, and fails.
if [ "${1:-}" = zip ]; then
	pkgs="zip unzip" what="The zip and unzip commands are"
	names="zip and unzip" why="to pack the Gradescope autograder"
	have() { command -v zip && command -v unzip; }
else
	pkgs="check pkg-config" what="The check library is"
	names="check (libcheck) and pkg-config" why="needed by the grader"
	have() { command -v pkg-config && pkg-config --exists check; }
fi
if have >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "$what missing. Install with:" >&2
	echo "    sudo apt-get install -y $pkgs" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "$what missing and this system has no apt-get:" >&2
	echo "install $names with its package manager." >&2
	exit 1
fi
echo "Installing $pkgs ($why) ..." >&2
export DEBIAN_FRONTEND=noninteractive
{ $sudo apt-get update -qq && $sudo apt-get install -y -qq $pkgs; } >/dev/null 2>&1 ||
	{ $sudo apt-get install -y -qq $pkgs >/dev/null 2>&1; }
if have >/dev/null 2>&1; then
	exit 0
fi
echo "Could not install $pkgs. Run: sudo apt-get install -y $pkgs" >&2
exit 1
