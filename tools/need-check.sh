#!/bin/sh
# need-check.sh - make sure the check library and pkg-config are here.
# Installs them with apt-get when it can (root, or sudo without a
# password); otherwise names the one command to run, and fails.
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists check; then
	exit 0
fi
pkgs="check pkg-config"
if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "The check library is missing. Install it with:" >&2
	echo "    sudo apt-get install -y $pkgs" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "The check library is missing and this system has no apt-get:" >&2
	echo "install check (libcheck) and pkg-config with its package manager." >&2
	exit 1
fi
echo "Installing $pkgs (needed by the grader) ..." >&2
export DEBIAN_FRONTEND=noninteractive
{ $sudo apt-get update -qq && $sudo apt-get install -y -qq $pkgs; } >/dev/null 2>&1 ||
	{ $sudo apt-get install -y -qq $pkgs >/dev/null 2>&1; }
if pkg-config --exists check 2>/dev/null; then
	exit 0
fi
echo "Could not install $pkgs. Run: sudo apt-get install -y $pkgs" >&2
exit 1
