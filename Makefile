# Socket Labs - the one Makefile.  `make help` explains the targets.
#
# Reading order: the variables you may set, where things are built, the
# compile and link rules (one template serves every lab, so adding a lab is
# adding its directories), then the targets a person types.

# ---- variables you may set --------------------------------------------------

LABS     ?= labs    # the tree to build and grade: labs, solutions, or any path
LAB      ?=         # one lab by number (LAB=02); empty: every lab
T        ?=         # one test by name (with LAB=)
RESULTS  ?=         # write Gradescope results.json to this path
SCORES   ?=         # write each lab's tally line here (grade-class reads it)
VERDICTS ?=         # write one line per test here (grade-class's statistics)
LOGS     ?=         # write check's TAP and XML logs (NN-name.tap, .xml) here
SANITIZE ?=         # 1: build with AddressSanitizer + UndefinedBehaviorSanitizer
WERROR   ?=         # 1: warnings are errors (CI sets it)
V        ?=         # 1: show full commands
DEST     ?=         # make handout: where to write the student distribution
SUBMISSIONS ?=      # make grade-class: one student tree per subdirectory
STUDENTS ?=         # make grade-class: only these subdirectories (a regrade)
ROSTER   ?=         # make grade-class: directory,name,id CSV: the LMS exports
FORMAT   ?= ascii   # make trace: ascii or mermaid
N        ?= 20      # make stress: how many runs in a row

LABS := $(strip $(LABS))
LAB := $(strip $(LAB))
T := $(strip $(T))
N := $(strip $(N))

CC      ?= cc
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
# The grader's own code is never built with the sanitizers: BASE_CFLAGS.
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -g -O2 \
           $(if $(filter 1,$(WERROR)),-Werror)
# A lab's programs start every local variable the code leaves
# uninitialised filled with a byte pattern (0xfe...), not with whatever
# the stack held: a forgotten recvfrom() address length or an unzeroed
# sin_zero then shows in every run, not by chance (gcc 12, clang 8; a
# compiler without the option builds them as it is).
AUTO_INIT := $(shell $(CC) -ftrivial-auto-var-init=pattern -x c -c -o /dev/null /dev/null 2>/dev/null && echo -ftrivial-auto-var-init=pattern)
CFLAGS  := $(BASE_CFLAGS) $(AUTO_INIT) $(if $(filter 1,$(SANITIZE)),$(SANFLAGS))
LDFLAGS := $(if $(filter 1,$(SANITIZE)),$(SANFLAGS))
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-6s %s\n' $(1) $(2);)

# ---- where things are built -------------------------------------------------
# Everything goes under build/, never next to the sources.  labs/ and
# solutions/ build into build/labs and build/solutions; any other tree into
# build/<its name>-<hash of its absolute path>, so two students' trees never
# share a directory.  SANITIZE=1 builds get a "-san" directory of their own.

TREE := $(abspath $(LABS))
SAN  := $(if $(filter 1,$(SANITIZE)),-san)
TREE_NAME := $(if $(filter $(CURDIR)/labs $(CURDIR)/solutions,$(TREE)),$(notdir $(TREE)),$(notdir $(TREE))-$(shell printf '%s' '$(TREE)' | cksum | cut -c1-8))
B  := build/$(TREE_NAME)$(SAN)
CB := build/common$(SAN)
# The graders: the course's own programs, one per lab, built once for
# every tree (they never link a lab's code).
G  := build/grader
# What runs a command as another uid, within limits (tests/run-limited.c).
RUN_LIMITED := build/tools/run-limited

# The labs are the suites in tests/: NN-name.c grades the tree's NN-name/.
ALL_LABS := $(patsubst tests/%.c,%,$(wildcard tests/[0-9][0-9]-*.c))
SEL_LABS := $(if $(LAB),$(filter $(LAB)-% $(LAB),$(ALL_LABS)),$(ALL_LABS))

# ---- compile and link -------------------------------------------------------

COMMON_SRC := $(filter-out common/test_%.c,$(wildcard common/*.c))
COMMON_LIB := $(CB)/libcommon.a
PLAIN_LIB  := build/common/libcommon.a
SUITES      := $(wildcard tests/[0-9][0-9]-*.c)
PRELOAD_SRC := $(wildcard tests/preload-*.c)
HARNESS_OBJ := $(patsubst tests/%.c,$(G)/obj/%.o,$(filter-out $(SUITES) $(PRELOAD_SRC) tests/run-limited.c,$(wildcard tests/*.c)))
PRELOADS    := $(patsubst tests/%.c,build/common/tests/%.so,$(PRELOAD_SRC))

$(CB)/%.o: common/%.c $(wildcard common/*.h)
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(CFLAGS) -Icommon -c $< -o $@

ifneq ($(SAN),)
build/common/%.o: common/%.c $(wildcard common/*.h)
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) -Icommon -c $< -o $@

$(PLAIN_LIB): $(patsubst common/%.c,build/common/%.o,$(COMMON_SRC))
	$(call say,AR,$@)
	$Q rm -f $@ && ar rcs $@ $^
endif

# common/'s own unit tests (make check runs them).
$(CB)/test_common: $(CB)/test_common.o $(COMMON_LIB)
	$(call say,LD,$@)
	$Q $(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS)

$(CB)/test_common.o: common/test_common.c $(wildcard common/*.h)
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(CFLAGS) $(CHECK_CFLAGS) -Icommon -c $< -o $@

$(COMMON_LIB): $(patsubst common/%.c,$(CB)/%.o,$(COMMON_SRC))
	$(call say,AR,$@)
	$Q rm -f $@ && ar rcs $@ $^

# The graders' objects: the suites and the harness, never a lab's header
# or code (tests/grade-all.sh builds the lab's programs from a copy of
# its sources, tests/build-lab.sh).
$(G)/obj/%.o: tests/%.c $(wildcard tests/*.h tests/[0-9]*/*.h common/*.h)
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(CHECK_CFLAGS) -Icommon -Itests -c $< -o $@

# A suite may have parts of its own, tests/NN-name/*.c (lab 06's props
# grading), linked into its grader only.
suite_parts = $(patsubst tests/%.c,$(G)/obj/%.o,$(wildcard tests/$(1)/*.c))
$(foreach lab,$(ALL_LABS),$(eval $(G)/$(lab)/grade: $(call suite_parts,$(lab))))

# (kept, not removed as intermediates: a change rebuilds only its object)
.SECONDARY: $(HARNESS_OBJ) $(patsubst tests/%.c,$(G)/obj/%.o,$(SUITES)) \
            $(foreach lab,$(ALL_LABS),$(call suite_parts,$(lab)))
$(G)/%/grade: $(G)/obj/%.o $(HARNESS_OBJ) $(PLAIN_LIB)
	$(call say,LD,$@)
	$Q mkdir -p $(@D) && $(CC) -o $@ $^ $(CHECK_LIBS)

# The diagnosis behind the hints (tests/diagnose/diagnose.h): each lab's
# checks of its functions, compiled here against the lab's own header;
# tests/build-lab.sh links them with a submission's functions into the
# `diagnose` program, which grade-all.sh runs apart from the graders.
DIAG_LIBS = $(foreach lab,$(SEL_LABS),$(if $(wildcard tests/diagnose/$(lab).c),$(G)/$(lab)/diagnose.a))
$(G)/%/diagnose.a: tests/diagnose/%.c tests/diagnose/diagnose.c tests/diagnose/diagnose.h $(wildcard labs/*/*.h common/*.h)
	$(call say,AR,$@)
	$Q mkdir -p $(@D) && \
	  $(CC) $(BASE_CFLAGS) -Icommon -Itests/diagnose -Ilabs/$* -c tests/diagnose/$*.c -o $(@D)/diagnose-lab.o && \
	  $(CC) $(BASE_CFLAGS) -Itests/diagnose -c tests/diagnose/diagnose.c -o $(@D)/diagnose.o && \
	  rm -f $@ && ar rcs $@ $(@D)/diagnose.o $(@D)/diagnose-lab.o

# The grader's own unit tests (make check runs them): the results.json
# writer, which must turn any bytes a program prints into valid JSON.
$(G)/test_results_json: tools/selftest/test_results_json.c $(G)/obj/results-json.o tests/results-json.h
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(BASE_CFLAGS) $(CHECK_CFLAGS) -Itests -o $@ $< $(G)/obj/results-json.o $(CHECK_LIBS)

# `make` (the student's build, to run the programs by hand): each lab's
# .c files, straight from the tree.  server.c and client.c hold the two
# mains (and props.c a third, where a lab has one: MAINS); everything
# else is the lab's functions, linked into each of them.
MAINS := server client props
lab_srcs = $(wildcard $(TREE)/$(1)/*.c)
lab_objs = $(patsubst $(TREE)/$(1)/%.c,$(B)/$(1)/%.o,$(filter-out $(foreach m,$(MAINS),%/$(m).c),$(call lab_srcs,$(1))))
# A lab's programs: server and client, and props where props.c is.
lab_progs = $(B)/$(1)/server $(B)/$(1)/client $(if $(wildcard $(TREE)/$(1)/props.c),$(B)/$(1)/props)

$(B)/%.o: $(TREE)/%.c $(wildcard $(TREE)/*/*.h common/*.h)
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) $(CFLAGS) -Icommon -I$(dir $<) -c $< -o $@

define LAB_RULES
$(B)/$(1)/server: $(B)/$(1)/server.o $(call lab_objs,$(1)) $(COMMON_LIB)
$(B)/$(1)/client: $(B)/$(1)/client.o $(call lab_objs,$(1)) $(COMMON_LIB)
$(B)/$(1)/props: $(B)/$(1)/props.o $(call lab_objs,$(1)) $(COMMON_LIB)
endef
$(foreach lab,$(ALL_LABS),$(eval $(call LAB_RULES,$(lab))))

# (A rule each: one pattern rule with several targets would mean "one recipe
# makes both".)
$(B)/%/server:
	$(call say,LD,$@)
	$Q $(CC) $(LDFLAGS) -o $@ $^

$(B)/%/client:
	$(call say,LD,$@)
	$Q $(CC) $(LDFLAGS) -o $@ $^

$(B)/%/props:
	$(call say,LD,$@)
	$Q $(CC) $(LDFLAGS) -o $@ $^

# Libraries the grader preloads into programs under test (the short-write
# shim, ...): tests/preload-NAME.c becomes preload-NAME.so.  Never built
# with the sanitizers, which cannot run under LD_PRELOAD.
build/common/tests/preload-%.so: tests/preload-%.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -O2 -fPIC -shared -o $@ $< -ldl

# run-limited (RUN_LIMITED, above): plain flags, never the sanitizers.
$(RUN_LIMITED): tests/run-limited.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -O2 -o $@ $<

# Only the labs the tree has (grade-all.sh reports a missing one).
PRESENT_LABS = $(foreach lab,$(SEL_LABS),$(if $(wildcard $(TREE)/$(lab)),$(lab)))
PROGRAMS = $(foreach lab,$(PRESENT_LABS),$(call lab_progs,$(lab)))
GRADERS  = $(foreach lab,$(SEL_LABS),$(G)/$(lab)/grade)

# ---- targets ----------------------------------------------------------------

.DEFAULT_GOAL := all

# The instructors' targets need tools the student handout leaves out
# (tools/instructor/, tools/selftest/): there they stop at once and say so.
COURSE_ONLY := $(wildcard tools/instructor)
course-only:
	@[ -n '$(COURSE_ONLY)' ] || { echo "make $(MAKECMDGOALS): an instructor's target, in the course repository only (not in the student handout)" >&2; exit 2; }
.PHONY: course-only all help test list check doctor demo run-demo handout starter clean \
        need-check need-zip build-lab mutants hostile-platforms stress memcheck robust \
        grade-class grade-class-prep print-build-dir gradescope-zip gradescope-test \
        classroom-steps scale-test bench

all: $(PROGRAMS)

# Grade the tree: every lab is built on its own (a lab that does not
# compile scores 0 and the others are still graded), then graded.
GRADE_ENV = LABS='$(TREE)' B='$(B)' G='$(G)' COURSE='$(CURDIR)' \
  COMMON_LIB='$(abspath $(COMMON_LIB))' CC='$(CC)' CFLAGS='$(CFLAGS)' \
  LDFLAGS='$(LDFLAGS)' PRELOAD_DIR='build/common/tests' RUN_LIMITED='$(RUN_LIMITED)' \
  OBJ_CACHE='$(CURDIR)/build/objects'

test: need-check
	@$(MAKE) --no-print-directory -s build-lab
	@$(GRADE_ENV) T='$(T)' ROBUST='$(ROBUST)' RESULTS='$(RESULTS)' SCORES='$(SCORES)' VERDICTS='$(VERDICTS)' \
	  LOGS='$(LOGS)' SAN='$(SAN)' sh tests/grade-all.sh $(SEL_LABS)

list: need-check
	@$(MAKE) --no-print-directory -s build-lab
	@$(GRADE_ENV) sh tests/grade-all.sh --list $(SEL_LABS)

# Internal: what grading needs besides the lab's programs (grade-all.sh
# builds those): the graders, the diagnosis, the preloaded libraries,
# libcommon.
build-lab: $(GRADERS) $(DIAG_LIBS) $(PRELOADS) $(COMMON_LIB) $(RUN_LIMITED)
	@mkdir -p '$(B)'

# The project's self-test: CI's and the README's test command.  In the
# student handout, which has no tools/selftest/: can this machine build
# and grade (tools/student/check.sh)?
check: need-check
	@sh $(or $(wildcard tools/selftest/self-test.sh),tools/student/check.sh)

need-check:
	@sh tests/need-check.sh

PROBE := build/tools/probe
$(PROBE): tools/student/probe.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -O2 -o $@ $<

doctor: $(PROBE)
	@PROBE='$(PROBE)' sh tools/student/doctor.sh

# A demo runs each lab's exchange (tools/student/exchanges) with
# tools/student/exchange.c.
EXCHANGE := build/tools/exchange
$(EXCHANGE): tools/student/exchange.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(CC) -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -O2 -o $@ $<

# The demo, memcheck and robust act on the reference solutions where they
# exist (not in the student handout), unless a tree is named (from inside
# a lab directory, that lab's own tree).
REF_LABS := $(if $(and $(filter file,$(origin LABS)),$(wildcard solutions/[0-9]*)),solutions,$(LABS))

demo:
	@$(MAKE) --no-print-directory run-demo LABS='$(REF_LABS)'

run-demo: $(PROGRAMS) $(EXCHANGE)
	@B='$(B)' EXCHANGE='$(EXCHANGE)' $(if $(SAN),,TRACE_LIB='$(TRACE_LIB)' DRAW='$(TRACE_DRAW)') \
	  sh tools/student/demo.sh $(SEL_LABS)

# Grader trust: repeated and concurrent runs must all be full marks...
stress: course-only need-check
	@MAKE='$(MAKE)' LAB='$(LAB)' N='$(N)' sh tools/selftest/stress.sh

# ...every program the tests start must run clean under valgrind...
memcheck: need-check
	@command -v valgrind >/dev/null || { echo 'make memcheck needs valgrind: sudo apt-get install -y valgrind' >&2; exit 1; }
	@SOCKLAB_VALGRIND=1 CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-10} \
	  $(MAKE) --no-print-directory test LABS='$(REF_LABS)'

# ...every server must survive bad input (tests/robust.h)...
robust: need-check
	@$(MAKE) --no-print-directory test ROBUST=1 LABS='$(REF_LABS)'

# ...and seeded student mistakes (tools/selftest/mutants.txt) must cost points.
mutants: course-only need-check
	@MAKE='$(MAKE)' LAB='$(LAB)' sh tools/selftest/mutants.sh

# As root: the hostile trees (tools/selftest/hostile.txt) graded through
# grade-class and the Gradescope autograder must score as through make test.
hostile-platforms: course-only need-check need-zip
	@MAKE='$(MAKE)' sh tools/selftest/hostile.sh --platforms

# labs/ is generated from solutions/: regenerate after editing a solution.
starter: course-only
	@sh tools/instructor/mkstarter.sh solutions labs

handout: course-only
	@test -n '$(DEST)' || { echo 'usage: make handout DEST=dir' >&2; exit 2; }
	@sh tools/instructor/handout.sh '$(DEST)'

clean:
	rm -rf build

help:
	@echo 'Socket Labs: make [TARGET] [VARIABLE=value ...]'
	@echo
	@echo 'Targets:'
	@echo '  all (default)  build the selected tree: common/ and every lab'"'"'s server and client'
	@echo '  demo           run each lab'"'"'s client against its server and show the exchange'
	@echo '  test           grade the selected tree: points per test, score per lab, total'
	@echo '  list           every test of every lab: points, the TODOs it needs, what it checks'
	@echo '  doctor         what this machine has that grading needs (check, ::1, ...), and'
	@echo '                 whether the handout'"'"'s reference programs run here'
ifneq ($(COURSE_ONLY),)
	@echo '  check          the project'"'"'s self-test (CI runs it): solutions full marks,'
	@echo '                 starter code fails its TODOs'"'"' tests, labs/ in sync, unit tests'
else
	@echo '  check          whether this machine can build and grade the labs'
endif
	@echo '  trace LAB=NN   run the lab'"'"'s exchange with both programs traced and draw it'
	@echo '                 (FORMAT=mermaid, NORMALISE=1, RECORD=file; see docs/trace.md)'
	@echo '  memcheck       grade with every program under valgrind'
	@echo '  robust         throw bad input at every server (garbage, floods, silent and'
	@echo '                 vanishing clients, oversize input): it must survive, leak no fd'
	@echo '  bench          the performance table: lab 01 throughput, round trips, lab 05'"'"'s'
	@echo '                 fan-out (poll against epoll), the grader'
	@echo '                 (BENCH_BYTES=, BENCH_RUNS=, BENCH_CSV=file; not with SANITIZE=1)'
	@echo '  clean          remove build/'
ifneq ($(COURSE_ONLY),)
	@echo
	@echo 'Instructors (INSTRUCTORS.md; not in the student handout):'
	@echo '  stress         grade the solutions N times in a row and twice at once'
	@echo '  mutants        seed student mistakes into copies of the solutions, grade each'
	@echo '  hostile-platforms  as root: hostile submissions through grade-class and Gradescope'
	@echo '  starter        regenerate labs/ from solutions/ (after editing a solution)'
	@echo '  handout DEST=d write the student distribution to d (no solutions/; each lab'"'"'s'
	@echo '                 reference server and client, stripped, in labs/NN-name/ref/)'
	@echo '  grade-class SUBMISSIONS=dir  grade every student tree under dir into a gradebook'
	@echo '                 (OUT=gradebook.csv, REPORTS=dir, JOBS=n, LIMIT=seconds, KEEP_BUILD=1);'
	@echo '                 an existing OUT is merged into: STUDENTS="a b" regrades only a and b;'
	@echo '                 also writes what the class got wrong (OUT-stats.csv, .html) and, with'
	@echo '                 ROSTER=roster.csv (directory,name,id), Canvas and Moodle imports'
	@echo '  scale-test     grade 100 synthetic submissions with grade-class: time, grades, leftovers'
	@echo '  gradescope-zip the Gradescope autograder zip (LAB=NN for one lab, ZIP=file)'
	@echo '  gradescope-test  run that autograder locally on five kinds of submission'
	@echo '  classroom-steps  run every step of the GitHub Classroom workflow on the solutions'
	@echo '  trace-docs     redraw the handouts'"'"' and docs/trace.md'"'"'s diagrams'
	@echo '  trace-selftest, trace-mutants  the socket trace'"'"'s own tests'
endif
	@echo
	@echo 'Variables:'
	@echo '  LABS=tree      the tree to build or grade: labs (default), solutions, or a path'
	@echo '  LAB=NN         one lab only (LAB=02)'
	@echo '  T=NAME         one test only, with LAB= (make list shows the names)'
	@echo '  RESULTS=file   also write Gradescope results.json to file'
	@echo '  LOGS=dir       also write check'"'"'s TAP and XML logs, one of each per lab, to dir'
	@echo '  SANITIZE=1     build with AddressSanitizer and UndefinedBehaviorSanitizer'
	@echo '  WERROR=1       treat warnings as errors'
	@echo '  V=1            show the full compiler commands'
	@echo '  CK_TIMEOUT_MULTIPLIER=3  give every test limit 3x longer (slow machines, SANITIZE)'
	@echo '  SCORES=file    also write each lab'"'"'s tally line to file (grade-class reads it)'
	@echo '  VERDICTS=file  also write one line per test to file: NN II name points max verdict'
	@echo '  DEST=dir       make handout: where the student distribution goes'
	@echo '  FORMAT=mermaid make trace: a Mermaid diagram instead of ASCII'
	@echo '  N=20           make stress: how many runs in a row'
ifneq ($(COURSE_ONLY),)
	@echo '  SUBMISSIONS, STUDENTS, OUT, REPORTS, ROSTER, JOBS, LIMIT, KEEP_BUILD, ZIP:'
	@echo '                 instructors'"'"' targets, above'
endif

# ---- the socket trace ----
# tools/student/trace/: the recorder (an LD_PRELOAD library, record.c) and
# the drawer (draw.c); the interposing layer the recorder shares with the
# grader's short-write shim is the grader's (tests/interpose.h); their
# self-test is tools/selftest/test_record.c.  Built under build/trace.
#   make trace LAB=NN [LABS=tree] [FORMAT=mermaid] [NORMALISE=1] [RECORD=file]
#   make trace-selftest   the recorder's and drawer's tests (make check)
#   make trace-mutants    the self-test must fail on recorders with bugs
#   make trace-docs       redraw the reference exchanges in the lab handouts
#                         (solutions/NN-name/README.md) and docs/trace.md
TRACE_B    := build/trace
TRACE_LIB  := $(TRACE_B)/socktrace.so
TRACE_DRAW := $(TRACE_B)/draw
TRACE_TEST := $(TRACE_B)/test_record
TRACE_CC    = $(CC) -std=c11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -g -O2
NORMALISE  ?=
RECORD     ?=

$(TRACE_LIB): tools/student/trace/record.c tests/interpose.h
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(TRACE_CC) -D_GNU_SOURCE -Itests -fPIC -shared -o $@ $< -ldl -pthread

$(TRACE_DRAW): tools/student/trace/draw.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(TRACE_CC) -o $@ $<

# Fortified on purpose: the recorder must catch __read_chk and friends.
$(TRACE_TEST): tools/selftest/test_record.c
	$(call say,CC,$<)
	$Q mkdir -p $(@D) && $(TRACE_CC) -D_FORTIFY_SOURCE=2 $(CHECK_CFLAGS) -o $@ $< $(CHECK_LIBS)

# The grader's shim includes the shared layer: rebuild it when that changes.
build/common/tests/preload-shortwrite.so: tests/interpose.h
# make demo draws what crossed the sockets where the recorder can run.
run-demo: $(if $(SAN),,$(TRACE_LIB) $(TRACE_DRAW))

# Like the demo: the reference solutions where they exist, unless a tree
# is named (from inside a lab directory, that lab's own tree).
TRACE_LABS := $(if $(and $(filter file,$(origin LABS)),$(wildcard solutions/[0-9]*)),solutions,$(LABS))

trace:
	@if [ -n '$(SAN)' ]; then \
	  echo 'make trace: SANITIZE=1 builds cannot be traced: the sanitizers'"'"' runtime must' >&2; \
	  echo '  come first in a process and does not combine with the recorder'"'"'s LD_PRELOAD.' >&2; \
	  echo '  Run make trace without SANITIZE=1.' >&2; exit 2; fi
	@$(MAKE) --no-print-directory run-trace LABS='$(TRACE_LABS)'

run-trace: $(PROGRAMS) $(EXCHANGE) $(TRACE_LIB) $(TRACE_DRAW)
	@B='$(B)' EXCHANGE='$(EXCHANGE)' TRACE_LIB='$(TRACE_LIB)' DRAW='$(TRACE_DRAW)' \
	  FORMAT='$(strip $(FORMAT))' NORMALISE='$(strip $(NORMALISE))' \
	  LAB='$(LAB)' RECORD='$(RECORD)' sh tools/student/trace/trace.sh $(SEL_LABS)

trace-selftest: course-only $(TRACE_LIB) $(TRACE_DRAW) $(TRACE_TEST) build/common/tests/preload-shortwrite.so
	@SOCKTRACE_LIB='$(TRACE_LIB)' DRAW_BIN='$(TRACE_DRAW)' \
	  SHORTWRITE_LIB='build/common/tests/preload-shortwrite.so' $(TRACE_TEST)

trace-mutants: course-only $(TRACE_TEST) $(TRACE_DRAW)
	@CC='$(CC)' TRACE_B='$(TRACE_B)' TRACE_TEST='$(TRACE_TEST)' \
	  DRAW_BIN='$(TRACE_DRAW)' sh tools/selftest/trace-mutants.sh

# The drawings of the reference exchanges in the handouts and docs/trace.md
# (blocks "<!-- trace NN: ... -->", tools/instructor/trace-docs.sh):
# trace-docs redraws them from solutions/ and regenerates labs/.  make
# check only looks that every handout still has its drawing (trace-docs.sh
# check).
TRACE_DOCS := $(wildcard solutions/[0-9]*/README.md) docs/trace.md
trace-docs: course-only $(EXCHANGE) $(TRACE_LIB) $(TRACE_DRAW)
	@$(MAKE) --no-print-directory LABS=solutions LAB= all
	@MAKE='$(MAKE)' B='build/solutions' EXCHANGE='$(EXCHANGE)' TRACE_LIB='$(TRACE_LIB)' \
	  DRAW='$(TRACE_DRAW)' sh tools/instructor/trace-docs.sh update $(TRACE_DOCS)
	@sh tools/instructor/mkstarter.sh solutions labs

.PHONY: trace run-trace trace-selftest trace-mutants trace-docs

# ---- instructor tooling ----
# Grade a class, feed Gradescope and GitHub Classroom (INSTRUCTORS.md).  The handout (make handout) carries the Classroom workflow.
#   make grade-class SUBMISSIONS=dir [STUDENTS="a b"] [OUT=gradebook.csv]
#                    [ROSTER=file] [JOBS=n] [LIMIT=s]
#   make gradescope-zip [LAB=NN] [ZIP=file]   the Gradescope autograder
#   make gradescope-test    run that autograder on a simulated /autograder
#   make classroom-steps    run every Classroom step's command on solutions/
#   make scale-test         100 synthetic submissions through grade-class
OUT        ?= gradebook.csv
ZIP        ?= $(if $(LAB),socklabs-lab$(LAB)-autograder.zip,socklabs-autograder.zip)

# Internal: what every grading job shares, built once before they start.
grade-class-prep: need-check build-lab

# Internal: the build directory of LABS (grade-class removes it after).
print-build-dir:
	@echo '$(B)'

grade-class: course-only need-check $(RUN_LIMITED)
	@MAKE='$(MAKE)' SUBMISSIONS='$(SUBMISSIONS)' OUT='$(OUT)' SANITIZE='$(SANITIZE)' \
	  STUDENTS='$(strip $(STUDENTS))' ROSTER='$(strip $(ROSTER))' sh tools/instructor/grade-class.sh

# The Gradescope zip is packed with zip and unpacked with unzip (the
# local tests): installed like check when they are missing and we can.
need-zip:
	@sh tests/need-check.sh zip

gradescope-zip: course-only need-check need-zip
	@MAKE='$(MAKE)' LAB='$(LAB)' ZIP='$(ZIP)' sh tools/instructor/gradescope/make-zip.sh

gradescope-test: course-only need-check need-zip
	@MAKE='$(MAKE)' sh tools/selftest/gradescope-test.sh

classroom-steps: course-only need-check
	@MAKE='$(MAKE)' sh tools/selftest/classroom-steps.sh

scale-test: course-only need-check $(RUN_LIMITED)
	@MAKE='$(MAKE)' sh tools/selftest/scale-test.sh

# ---- benchmarks ----
# make bench: the performance table (tools/student/bench/bench.sh draws
# it; the measuring programs are tools/student/bench/*.c).  It measures
# solutions/ (or the tree given with LABS=); LAB=NN measures one lab.  Not
# part of make check: it takes a minute or two and its figures depend on
# the machine.
#   BENCH_BYTES=n  bytes per lab 01 transfer (default 1 GiB; K, M, G allowed)
#   BENCH_RUNS=n   runs per figure, each figure their median (default 5)
#   BENCH_CSV=file also write the figures as CSV rows
BENCH_BYTES ?= 1073741824
BENCH_RUNS  ?= 5
BENCH_CSV   ?=
BENCH       := build/bench/bench
BENCH_LABS  := $(if $(and $(filter file,$(origin LABS)),$(wildcard solutions/[0-9]*)),solutions,$(LABS))
# Lab 01's buffer size (DROP_BUFSIZE) and the sizes it is compared with:
# each other size is lab 01 rebuilt under build/bench/TREE/lab01-SIZE/.
BENCH_LAB01 := $(TREE)/01-unix-stream
BENCH_VB    := build/bench/$(TREE_NAME)
# (Read only for run-bench: no sed on every other make.)
BENCH_REF   := $(if $(and $(filter run-bench,$(MAKECMDGOALS)),$(wildcard $(BENCH_LAB01)/unix_stream.h)),$(shell sed -n 's/^.define DROP_BUFSIZE[ 	]*\([0-9][0-9]*\).*/\1/p' $(BENCH_LAB01)/unix_stream.h))
BENCH_SIZES := 100 4096 65536 262144 1048576 4194304
BENCH_VARIANTS := $(if $(and $(BENCH_REF),$(filter 01-unix-stream,$(PRESENT_LABS))),$(foreach s,$(filter-out $(BENCH_REF),$(BENCH_SIZES)),$(BENCH_VB)/lab01-$(s)/stamp))

ifneq ($(and $(filter bench run-bench,$(MAKECMDGOALS)),$(SAN)),)
$(error make bench: not with SANITIZE=1, the sanitizers would be what is measured)
endif

# The bench uses common/ as the labs do (write_all, ascii_upper, ...).
$(BENCH): $(wildcard tools/student/bench/*.c tools/student/bench/*.h common/*.h) $(COMMON_LIB)
	$(call say,CC,$@)
	$Q mkdir -p $(@D) && $(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
	  -Icommon -o $@ $(filter %.c,$^) $(COMMON_LIB) -lm

# A copy of the tree's lab 01 with DROP_BUFSIZE set to SIZE, built with the
# flags of the tree's own build.
$(BENCH_VB)/lab01-%/stamp: $(wildcard $(BENCH_LAB01)/*.c $(BENCH_LAB01)/*.h common/*.h) $(COMMON_LIB)
	$(call say,CC,$(@D))
	$Q rm -rf $(@D) && mkdir -p $(@D) && cp $(BENCH_LAB01)/*.c $(@D)/ \
	  && sed 's/^\(.define DROP_BUFSIZE\)[ 	].*/\1 $*/' $(BENCH_LAB01)/unix_stream.h > $(@D)/unix_stream.h \
	  && grep -q '^.define DROP_BUFSIZE $*$$' $(@D)/unix_stream.h \
	  && for p in server client; do \
	       $(CC) $(CFLAGS) -Icommon -I$(@D) -o $(@D)/$$p $(@D)/$$p.c \
	         $$(ls $(@D)/*.c | grep -v -e '/server\.c$$' -e '/client\.c$$') $(COMMON_LIB) || exit 1; \
	     done && touch $@

bench:
	@$(MAKE) --no-print-directory run-bench LABS='$(BENCH_LABS)'

# Internal: the bench of the tree LABS names.
run-bench: $(BENCH) $(PROGRAMS) $(BENCH_VARIANTS)
	@BENCH='$(BENCH)' BYTES='$(BENCH_BYTES)' RUNS='$(BENCH_RUNS)' CSV='$(BENCH_CSV)' \
	  SIZES='$(BENCH_SIZES) $(BENCH_REF)' REF='$(BENCH_REF)' SOL='$(B)' \
	  VARIANTS='$(BENCH_VB)/lab01-' LAB='$(PRESENT_LABS)' TREE='$(TREE)' \
	  GRADE='$(if $(LAB),,$(if $(filter $(CURDIR)/solutions,$(TREE)),solutions $(wildcard labs),$(TREE)))' \
	  MAKE='$(MAKE)' CC='$(CC)' sh tools/student/bench/bench.sh

.PHONY: run-bench
