#!/bin/sh
# handout.sh DEST - write the student distribution to DEST: everything but
# solutions/, build products and instructor-only tooling.  In DEST, `make`
# builds the starter code and `make test` grades it.
set -eu
dest=$1
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
	echo "handout: $dest exists and is not empty; choose a new directory" >&2
	exit 2
fi
mkdir -p "$dest"
# What students get.  tools/: the demo, doctor and check installer; not
# the starter generator (it needs solutions/) nor the instructor tooling.
for f in Makefile LAB_GUIDE.md common labs tests \
	tools/need-check.sh tools/doctor.sh tools/probe.c tools/demo.sh \
	tools/exchange.c tools/exchanges tools/trace; do
	[ -e "$f" ] || continue
	mkdir -p "$dest/$(dirname "$f")"
	cp -R "$f" "$dest/$f"
done
cp tools/handout-README.md "$dest/README.md"
echo "wrote the student handout to $dest: cd $dest && make && make test"
