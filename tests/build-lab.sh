#!/bin/sh
# build-lab.sh - build one lab of a submission as the grader runs it: from
# a copy of the submission's own .c and .h files, where no other source is
# within reach of a relative #include.  Two steps, so that as root the
# copy is made by the grader and the compiler runs as the student's uid:
#
#   build-lab.sh copy SUBMITTED DEST   DEST/src/: SUBMITTED's regular .c
#       and .h files (not symbolic links: they could point anywhere, at a
#       solution), then over them the course's headers (common/*.h, and
#       the lab's own from the course's labs/NN/: the lab's interface is
#       the one the handout gave), DEST/libcommon.a, and DEST/diagnose.a
#       when the lab has a diagnosis (DIAGNOSE_LIB)
#   build-lab.sh compile DEST          DEST/obj/: one object per .c file,
#       rebuilt when its source or any header is newer, or the flags
#       changed (DEST/flags); DEST/server and
#       DEST/client: server.c and client.c, each linked with every other
#       object of the lab and libcommon.a; likewise DEST/props from
#       props.c where the lab has a third program (DEST/mains: the
#       programs the course's labs/NN-name/ has a .c file of)
#
#   build-lab.sh fetch DEST            DEST/obj/: the objects OBJ_CACHE
#       holds for DEST/src's .c files as they are now
#   build-lab.sh store DEST            OBJ_CACHE: DEST/obj's objects
#
# The object cache (OBJ_CACHE, a directory; optional) saves compiling what
# another submission, or an earlier grading, compiled already: the given
# server.c and client.c, a file left as the starter had it, a solution
# handed in twice.  An object is found by a SHA-256 of everything the
# compiler's output depends on (the compiler, the flags, the source and
# every header beside it), so a cached object is the one compiling would
# give.  As root, the grader fetches and stores (the student's uid, which
# compiles, never reads or writes the cache); otherwise compile does both.
#
# The compiler's messages go to stderr, in the C locale (plain quotes).
# Exit 0 when the step succeeded.  Environment: COURSE (the course's
# root), COMMON_LIB (its libcommon.a) and DIAGNOSE_LIB (optional) for
# copy; CC, CFLAGS, LDFLAGS for compile.
set -u
LC_ALL=C
export LC_ALL

# Only a file that changed is copied, and the copy is new (not cp -p: a
# submission's file may be older than the object of the one it replaces),
# so that only what changed is compiled again.
changed() {   # FROM TO
	! { [ -f "$2" ] && cmp -s "$1" "$2"; }
}
sync_file() {   # FROM TO
	changed "$1" "$2" && cp "$1" "$2"
	return 0
}

# Is NAME one of the course's headers (common/ or the lab's own)?
course_header() {   # NAME
	case $1 in *.h) [ -f "$COURSE/common/$1" ] || [ -f "$COURSE/labs/$lab/$1" ] ;; *) false ;; esac
}

copy() {   # SUBMITTED DEST
	submitted=$1 dest=$2 lab=${1##*/}
	mkdir -p "$dest/src" "$dest/obj" || exit 1
	for f in "$dest"/src/*; do      # what the submission no longer has
		[ -e "$f" ] || continue
		name=${f##*/}
		course_header "$name" && continue
		if [ ! -f "$submitted/$name" ] || [ -L "$submitted/$name" ]; then
			rm -f "$f"
		fi
	done
	set --     # what changed, copied in one go (a class's grading copies many)
	for f in "$submitted"/*.c "$submitted"/*.h; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -L "$f" ] || [ ! -f "$f" ]; then
			echo "build: $lab/${f##*/} is not a regular file (a symbolic link?): left out" >&2
			continue
		fi
		name=${f##*/}
		course_header "$name" && continue    # (the course's: below)
		changed "$f" "$dest/src/$name" && set -- "$@" "$f"
	done
	[ $# -eq 0 ] || cp -- "$@" "$dest/src/" || exit 1
	set --
	for h in "$COURSE"/common/*.h "$COURSE/labs/$lab"/*.h; do
		[ -f "$h" ] || continue
		name=${h##*/}
		if [ -f "$submitted/$name" ] && ! cmp -s "$h" "$submitted/$name"; then
			echo "build: $lab/$name differs from the lab's own: built with the lab's" >&2
		fi
		changed "$h" "$dest/src/$name" && set -- "$@" "$h"
	done
	[ $# -eq 0 ] || cp -- "$@" "$dest/src/" || exit 1
	# The lab's programs: what the course's starter has, not what the
	# submission says (a file it adds is one more of the lab's functions).
	mains=
	for p in server client props; do
		[ -f "$COURSE/labs/$lab/$p.c" ] && mains="$mains $p"
	done
	printf '%s\n' "${mains:- server client}" > "$dest/mains.new" && mv -f "$dest/mains.new" "$dest/mains"
	sync_file "$COMMON_LIB" "$dest/libcommon.a"
	if [ -n "${DIAGNOSE_LIB:-}" ] && [ -f "$DIAGNOSE_LIB" ]; then
		sync_file "$DIAGNOSE_LIB" "$dest/diagnose.a"
	else
		rm -f "$dest/diagnose.a" "$dest/diagnose"
	fi
}

# Other flags (a sanitizer, another compiler) than DEST was built with:
# everything again.
set_flags() {   # DEST
	flags="${CC:-cc} ${CFLAGS:-} | ${LDFLAGS:-}"
	old=
	[ -f "$1/flags" ] && IFS= read -r old < "$1/flags"
	if [ "$old" != "$flags" ]; then
		rm -f "$1"/obj/*.o "$1/server" "$1/client" "$1/props" "$1"/keys/*
		printf '%s\n' "$flags" > "$1/flags" || exit 1
	fi
}

# The newest header of DEST/src (for stale()), once per step: a build
# starts many processes per file, and grading a class builds many.
newest_header() {   # DEST
	newest=
	for h in "$1"/src/*.h; do
		[ -f "$h" ] && { [ -z "$newest" ] || [ "$h" -nt "$newest" ]; } && newest=$h
	done
}

# Is OBJECT older than its source C or the newest header?
stale() {   # OBJECT C
	[ ! -f "$1" ] || [ ! "$1" -nt "$2" ] ||
		{ [ -n "$newest" ] && [ ! "$1" -nt "$newest" ]; }
}

# C's key, in $key and DEST/keys/NAME (where store finds it: never in
# obj/, which the student's uid writes).
object_key() {   # DEST C
	[ -n "${compiler:-}" ] || compiler=$(${CC:-cc} -dumpfullversion -dumpmachine 2>/dev/null | tr '\n' ' ')
	sum=$({
		printf '%s|%s|' "$compiler" "${2##*/}"
		for h in "$1"/src/*.h; do printf '%s|' "${h##*/}"; done
		cat "$1/flags" "$2" "$1"/src/*.h 2>/dev/null
	} | sha256sum)
	key=${sum%% *}
	printf '%s\n' "$key" > "$1/keys/${2##*/}"
}

fetch() {   # DEST
	set_flags "$1"
	mkdir -p "$1/keys" || return 1
	newest_header "$1"
	for c in "$1"/src/*.c; do
		[ -f "$c" ] || continue
		name=${c##*/}; o=$1/obj/${name%.c}.o
		stale "$o" "$c" || continue
		object_key "$1" "$c"
		[ -f "$OBJ_CACHE/$key.o" ] && cp "$OBJ_CACHE/$key.o" "$o"
	done
	return 0
}

store() {   # DEST
	mkdir -p "$OBJ_CACHE" "$1/keys" || return 1
	for o in "$1"/obj/*.o; do
		[ -f "$o" ] || continue
		name=${o##*/}; c=$1/src/${name%.o}.c
		[ -f "$c" ] || continue
		key=
		[ -f "$1/keys/${c##*/}" ] && [ ! "$c" -nt "$1/keys/${c##*/}" ] && read -r key < "$1/keys/${c##*/}"
		[ -n "$key" ] || object_key "$1" "$c"
		[ -f "$OBJ_CACHE/$key.o" ] && continue
		cp "$o" "$OBJ_CACHE/$key.o.$$" && mv -f "$OBJ_CACHE/$key.o.$$" "$OBJ_CACHE/$key.o"
	done
	return 0
}

# The lab's programs (copy wrote them in DEST/mains), in $mains.
read_mains() {   # DEST
	mains="server client"
	[ -f "$1/mains" ] && read -r mains < "$1/mains"
}

compile() {   # DEST
	dest=$1
	read_mains "$dest"
	for p in $mains; do
		if [ ! -f "$dest/src/$p.c" ]; then
			echo "build: there is no $p.c" >&2
			exit 1
		fi
	done
	set_flags "$dest"
	[ -n "${OBJ_CACHE:-}" ] && fetch "$dest"
	newest_header "$dest"
	# From inside src/: the messages name the files as the student
	# knows them (listen.c:12:5: error: ...).
	status=0
	for c in "$dest"/src/*.c; do
		name=${c##*/}; name=${name%.c}
		o=$dest/obj/$name.o
		stale "$o" "$c" || continue
		rm -f "$o"
		# shellcheck disable=SC2086  # CFLAGS is a list of flags
		(cd "$dest/src" && ${CC:-cc} ${CFLAGS:-} -I. -c "$name.c" -o "../obj/$name.o") || status=1
	done
	[ $status -eq 0 ] || exit 1
	[ -n "${OBJ_CACHE:-}" ] && store "$dest"
	for o in "$dest"/obj/*.o; do     # the object of a file since removed
		[ -e "$o" ] || continue
		name=${o##*/}
		[ -f "$dest/src/${name%.o}.c" ] || rm -f "$o" "$dest/server" "$dest/client" "$dest/props"
	done
	# Each program with the lab's other objects, unless it is newer
	# than all of them.
	for p in $mains; do
		set --
		for o in "$dest"/obj/*.o; do
			name=${o##*/}
			case " $mains " in *" ${name%.o} "*) ;; *) set -- "$@" "$o" ;; esac
		done
		if [ -f "$dest/$p" ] &&
		   [ -z "$(find "$dest/obj" "$dest/libcommon.a" -newer "$dest/$p" | head -n 1)" ]; then
			continue
		fi
		# shellcheck disable=SC2086
		${CC:-cc} ${LDFLAGS:-} -o "$dest/$p.new" "$dest/obj/$p.o" "$@" "$dest/libcommon.a" &&
			mv -f "$dest/$p.new" "$dest/$p" || exit 1
	done
	[ -f "$dest/diagnose.a" ] && link_diagnosis "$dest" "$@"
	return 0
}

# The diagnosis: not needed to grade, so a submission whose functions it
# cannot link with (one renamed or removed) is graded without hints.
link_diagnosis() {   # DEST OBJECT...
	dest=$1; shift
	if [ -f "$dest/diagnose" ] &&
	   [ -z "$(find "$dest/obj" "$dest/diagnose.a" "$dest/libcommon.a" -newer "$dest/diagnose" | head -n 1)" ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	if ! ${CC:-cc} ${LDFLAGS:-} -o "$dest/diagnose.new" "$@" "$dest/diagnose.a" \
		"$dest/libcommon.a" 2> "$dest/diagnose.log"; then
		rm -f "$dest/diagnose.new" "$dest/diagnose"
		echo "build: the hints' diagnosis could not be linked with the lab's functions (see $dest/diagnose.log)" >&2
		return 0
	fi
	mv -f "$dest/diagnose.new" "$dest/diagnose"
}

case ${1:-} in
copy)    [ $# -eq 3 ] && : "${COURSE:?}" "${COMMON_LIB:?}" && copy "$2" "$3" ;;
compile) [ $# -eq 2 ] && compile "$2" ;;
fetch)   [ $# -eq 2 ] && : "${OBJ_CACHE:?}" && fetch "$2" ;;
store)   [ $# -eq 2 ] && : "${OBJ_CACHE:?}" && store "$2" ;;
*)       echo "usage: build-lab.sh copy SUBMITTED DEST | compile DEST | fetch DEST | store DEST" >&2; exit 2 ;;
esac
