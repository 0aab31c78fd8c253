# Makefile - build, run and test the web-state teaching site.
#
#   make run    install missing packages, build, create db + keys, serve
#   make test   the same setup, then unit (plain + ASan/UBSan), fuzz smoke,
#               integration and browser suites
#   make cluster  the same setup, then HAProxy in front of two nodes and one
#               Redis (tools/cluster.sh): ports PORT to PORT+4
#
# PORT, HOST and DB override where the site listens and which SQLite file
# it uses; keys live in $(dir DB)keys/. HTTPS=1 serves TLS with a
# self-signed certificate (tools/lighttpd-tls.sh). OTHER_PORT is the S-C9
# "other site", PORT+1 unless given; TZ is the time zone of "today" (S-C7)
# and of the times shown. Two instances run side by side from one checkout
# with different PORT and DB: each has its own FastCGI socket folder,
# run/PORT/, and its own OTHER_PORT. SESSION_STORE=redis keeps sessions,
# refresh families, the blacklist and the throttle in Redis: REDIS_URL's
# (unix:/path or redis://host:port/db), or, without one, a redis-server
# of its own in run/PORT/redis/ (tools/with-redis.sh), stopped with the
# rest by Ctrl-C.

PORT ?= 8080
OTHER_PORT ?= $(shell expr $(PORT) + 1)
HOST ?= 127.0.0.1
DB   ?= db/site.sqlite
KEYS ?= $(dir $(DB))keys
TZ   ?= Asia/Seoul
HTTPS ?= 0
SESSION_STORE ?= sqlite
REDIS_URL ?=
export PORT OTHER_PORT HOST DB KEYS TZ HTTPS SESSION_STORE REDIS_URL

PYTHON  := /usr/bin/python3
CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla
ifdef CI
WARN    += -Werror
endif
HARDEN  := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(HARDEN) -MMD -MP -Isrc
LIBS    := -lfcgi -lsqlite3 -lhiredis -lsodium -ljwt -ljansson -lcrypto

DEB_PKGS := build-essential pkg-config clang cppcheck lighttpd lighttpd-mod-openssl libfcgi-dev \
            libsqlite3-dev sqlite3 libsodium-dev libjwt-dev libjansson-dev libssl-dev \
            libcmocka-dev python3-pytest python3-requests python3-selenium \
            python3-jwt chromium chromium-driver fonts-noto-cjk wrk valgrind \
            openssl libhiredis-dev redis-server redis-tools python3-redis \
            haproxy

# src/ is in layers, each folder including only the ones before it in
# LAYERS (tools/layers.py checks it). unsafe/ holds the deliberately
# insecure demos: it is its own archive, linked only into the programs in
# UNSAFE_PROGS, and `make lint` proves the real API and issuer hold none
# of its symbols.
LAYERS   := base http state site lessons unsafe
CORE_SRC := $(foreach l,$(filter-out unsafe,$(LAYERS)),$(wildcard src/$(l)/*.c))
UNSAFE_SRC := $(wildcard src/unsafe/*.c)
SRC      := $(CORE_SRC) $(UNSAFE_SRC)
UNSAFE_PROGS := cart cookies jwtlab
SAFE_PROGS   := api auth gateway
MIGRATIONS := $(sort $(wildcard db/migrations/*.sql))
OBJ      := $(CORE_SRC:src/%.c=build/obj/%.o) build/obj/migrations.o
UNSAFE_OBJ := $(UNSAFE_SRC:src/%.c=build/obj/%.o)
PROG_SRC := $(wildcard cgi-bin/*.c)
PROGS    := $(PROG_SRC:.c=.fcgi)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNITS    := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
ASAN_OBJ := $(CORE_SRC:src/%.c=build/asan/obj/%.o) build/asan/obj/migrations.o
ASAN_UNSAFE_OBJ := $(UNSAFE_SRC:src/%.c=build/asan/obj/%.o)
ASAN_UNITS := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
SMOKE_RUNS   ?= 20000

.PHONY: all run cluster test check unit asan asan-unit valgrind fuzz fuzz-smoke integration browser \
        bench lint clean deps setup initdb

all: $(PROGS) build/siteinit

# ---- packages -------------------------------------------------------------
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${db:Status-Status}\n' $$p 2>/dev/null | \
	    grep -qx installed || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "Missing packages. Run as root:"; \
	    echo "  apt-get update && apt-get install -y $$missing"; exit 1; \
	  fi; \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# ---- build ----------------------------------------------------------------
build/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/gen/migrations.c: $(MIGRATIONS) tools/embed-sql.sh
	@mkdir -p $(@D)
	tools/embed-sql.sh $@ $(MIGRATIONS)

build/obj/migrations.o: build/gen/migrations.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/asan/obj/migrations.o: build/gen/migrations.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) -c $< -o $@

build/libcore.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/libunsafe.a: $(UNSAFE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# A program links build/libunsafe.a only when it is in UNSAFE_PROGS.
unsafe_for = $(if $(filter $(1),$(UNSAFE_PROGS)),$(2))

cgi-bin/%.fcgi: cgi-bin/%.c build/libcore.a build/libunsafe.a
	$(CC) $(CFLAGS) $< $(call unsafe_for,$*,build/libunsafe.a) \
	  build/libcore.a $(LIBS) -o $@

build/siteinit: tools/siteinit.c build/libcore.a
	$(CC) $(CFLAGS) $< build/libcore.a $(LIBS) -o $@

build/unit/%: tests/unit/%.c build/libcore.a build/libunsafe.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< build/libunsafe.a build/libcore.a $(LIBS) -lcmocka -o $@

build/asan/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) -c $< -o $@

build/asan/libcore.a: $(ASAN_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libunsafe.a: $(ASAN_UNSAFE_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/unit/%: tests/unit/%.c build/asan/libcore.a build/asan/libunsafe.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< build/asan/libunsafe.a \
	  build/asan/libcore.a $(LIBS) -lcmocka -o $@

# The library once with coverage instrumentation, then each harness.
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -Isrc \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/migrations.o

build/fuzz/obj/%.o: src/%.c | deps
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/obj/migrations.o: build/gen/migrations.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/libcore.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libcore.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer $< build/fuzz/libcore.a \
	  $(LIBS) -o $@

# ---- database and keys ----------------------------------------------------
# The database folder is owner-only, like the keys (issue 10 §6); siteinit
# also tightens an existing one and the files in it.
initdb: build/siteinit
	@mkdir -p -m 0700 "$(dir $(DB))"
	build/siteinit "$(DB)" "$(KEYS)"

setup: deps all initdb

# ---- run ------------------------------------------------------------------
run: setup
	@echo "Serving on $(if $(filter 1,$(HTTPS)),https,http)://$(HOST):$(PORT)/, the other site on http://$(HOST):$(OTHER_PORT)/other/  (Ctrl-C stops everything)"
	@mkdir -p run/$(PORT)
	RUN_DIR=$(CURDIR)/run/$(PORT) SITE_ROOT=$(CURDIR) DB=$(abspath $(DB)) \
	  KEYS=$(abspath $(KEYS)) exec $(OWN_REDIS) lighttpd -D -f lighttpd.conf

# cluster: HAProxy on PORT (round robin; the API gateway at /gw/) and
# PORT+1 (sticky), node a on PORT+2 and node b on PORT+3 (each a lighttpd
# with every program, SESSION_STORE=redis, SCALE_NODE=a|b), the S-C9
# other site on PORT+4, and one redis-server in run/PORT/redis/ (or
# REDIS_URL's). Ctrl-C stops all of it, also when make was started in the
# background (`make cluster &` ignores SIGINT; env gives it back to the
# script, whose trap stops everything). `make run` stays the one-process
# default.
cluster: setup
	SITE_ROOT=$(CURDIR) DB=$(abspath $(DB)) KEYS=$(abspath $(KEYS)) \
	  exec env --default-signal=INT tools/cluster.sh

# SESSION_STORE=redis without REDIS_URL: a private redis-server around
# the command.
OWN_REDIS = $(if $(filter redis,$(SESSION_STORE)),$(if $(REDIS_URL),,tools/with-redis.sh $(CURDIR)/run/$(PORT)/redis))

# ---- tests ----------------------------------------------------------------
unit: $(UNITS)
	@set -e; for t in $(UNITS); do echo "== $$t"; $$t; done

asan-unit: $(ASAN_UNITS)
	@set -e; for t in $(ASAN_UNITS); do echo "== $$t (asan)"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

# The programs built with ASan+UBSan, run by the integration suite.
ASAN_PROGS := $(PROG_SRC:cgi-bin/%.c=build/asan/cgi-bin/%.fcgi)

build/asan/cgi-bin/%.fcgi: cgi-bin/%.c build/asan/libcore.a build/asan/libunsafe.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -O1 $(SANFLAGS) $< \
	  $(call unsafe_for,$*,build/asan/libunsafe.a) build/asan/libcore.a \
	  $(LIBS) -o $@

# asan: the unit tests, then the whole integration suite against sanitizer
# builds of every program (a sanitizer report kills the program, and the
# suite's log check fails on a dead backend).
asan: asan-unit $(ASAN_PROGS) setup
	CGI_DIR=$(CURDIR)/build/asan/cgi-bin \
	  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(PYTHON) -m pytest -q tests/integration

# lighttpd splits bin-path on single spaces: keep exactly one between words.
VALGRIND := /usr/bin/valgrind --tool=memcheck --leak-check=full
VALGRIND += --errors-for-leak-kinds=definite --error-exitcode=99
VALGRIND += --log-file=$(CURDIR)/build/valgrind/%p.log

# valgrind: the integration suite with every program under memcheck; each
# process writes build/valgrind/<pid>.log, and any error or leak fails.
# Left out: tests of timing, real-time expiry (the 2 s signup code
# included), load and kill -9 (test_faults, the S-X2 measurement,
# test_teardown's reap deadline, the cluster's kill -9 of node A and
# /lab/scale's on the real front), whose
# limits assume native speed. A
# stopping site waits up to 60 s (not 5) for its children, since
# memcheck's leak check runs as each one exits, and stops a child lighttpd
# lost track of with SIGTERM (tests/sitectl.py, LEFTOVERS_TERM).
valgrind: all setup
	@rm -rf build/valgrind && mkdir -p build/valgrind
	FCGI_WRAPPER="$(VALGRIND)" SITE_REAP_TIMEOUT=60 SITE_LEFTOVERS=term \
	  $(PYTHON) -m pytest -q tests/integration \
	  -k "not timing and not expiry and not code_expires and not test_faults and not s_x2_measurement and not test_teardown and not kill_9_of_node_a and not dying_node_loses"
	@$(PYTHON) tools/valgrind-check.py build/valgrind

# bench: wrk against the running site; see bench/bench.py.
bench: all setup
	$(PYTHON) bench/bench.py

fuzz-smoke: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$$(basename $$f); \
	  mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(SMOKE_RUNS) runs)"; \
	  $$f -runs=$(SMOKE_RUNS) -max_len=16384 build/fuzz/corpus-$$n \
	    tests/fuzz/corpus/$$n >/dev/null 2>build/fuzz/$$n.log || \
	    { tail -40 build/fuzz/$$n.log; exit 1; }; done

fuzz: $(FUZZERS)
	@set -e; for f in $(FUZZERS); do n=$$(basename $$f); \
	  mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($(FUZZ_SECONDS)s)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	    build/fuzz/corpus-$$n tests/fuzz/corpus/$$n; done

integration: setup
	$(PYTHON) -m pytest -q tests/integration

browser: setup
	$(PYTHON) -m pytest -q tests/browser

test: setup unit asan-unit fuzz-smoke
	$(PYTHON) -m pytest -q tests/integration tests/browser

# check: the fast tier while working: the unit tests and the integration
# suite, without the browser matrix and the sanitizer and fuzz builds.
check: setup unit
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# lint: cppcheck; the include direction of the layers and no include
# cycle (tools/layers.py); and no symbol of the unsafe archive in the
# real API and the issuer.
lint: deps all
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	  --inline-suppr -Isrc src cgi-bin tools
	$(PYTHON) tools/layers.py $(LAYERS)
	tools/no-unsafe.sh build/libunsafe.a $(SAFE_PROGS:%=cgi-bin/%.fcgi)

clean:
	rm -rf build cgi-bin/*.fcgi

-include $(OBJ:.o=.d) $(UNSAFE_OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(ASAN_UNSAFE_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(PROGS:.fcgi=.d)
