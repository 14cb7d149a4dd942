# SPDX-License-Identifier: GPL-2.0-only
#
# lfce top-level Makefile. The module itself is built by Kbuild (see Kbuild
# and module/Kbuild); this file drives the kernel build system, the tests,
# the demo and installation.
#
#   make [module]      build module/lfce.ko against KDIR (W=1, C=1 pass through)
#   make debug         build it against the debug kernel, into build/debug/
#   make check         every test: host checks, userspace, packaging (make deb,
#                      lintian, dkms build per kernel with headers, the install
#                      tree), the VM on 6.1 stock, 6.1 debug with KUnit, and
#                      6.12; ends "N passed, N failed"
#   make check-host    build, sparse, W=1, uapi and style checks on this machine
#   make check-pkg     the packaging part of make check
#   make check-userspace  the engine built in userspace: KUnit suites under
#                      ASan+UBSan and TSan, a stress, a bounded libFuzzer run
#   make bench         native benchmark of the engine (BENCH_JSON=path)
#   make vm-bench      the device's figures in the stock VM (ratios count)
#   make soak          a long mixed load in the stock VM (SOAK_MINUTES=10)
#   make fuzz          the in-VM ioctl fuzzer on the debug kernel, longer than
#                      make check's run: ITER=N SEED=S (FUZZ_KERNEL=stock)
#   make check-vm      the in-VM tests on the stock and the debug kernel
#   make check-matrix  the in-VM tests on Debian's 6.1, 6.12 and 6.12 PREEMPT_RT
#                      (installs those kernels: deps.sh --matrix)
#   make kunit         the KUnit suites in the debug VM
#   make demo          boot a VM and show lfce running
#   make style         checkpatch.pl over the kernel sources
#   make install       install everything under DESTDIR and PREFIX (/usr/local):
#                      lfce.ko for KDIR's kernel in /lib/modules/*/extra (and
#                      depmod without DESTDIR), liblfce, headers, tools, man
#                      pages, completion, udev rule, sysusers entry, examples
#   make uninstall     remove what make install installed (same variables)
#   make install-module / install-userspace  the two halves of make install
#   make deb           the Debian packages (dpkg-buildpackage), in build/deb/
#   make dkms-install  register, build and install with DKMS (root)
#   make lib           liblfce: build/lib/liblfce.a and liblfce.so.0
#   make tools         lfcectl, lfcetop and the examples in build/tools/bin
#   make deps          install the Debian packages all of the above need
#   make clean

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VM := $(TOP)/tools/testing/vm
TESTING := $(TOP)/tools/testing
RESULTS := $(TOP)/build/results
VERSION := 0.1

# KDIR: the running kernel's build tree if it has one, else the headers of
# the Debian 6.1 kernel that the test VM boots. Expanded only when used.
KVER ?= $(shell uname -r)
KDIR ?= $(if $(wildcard /lib/modules/$(KVER)/build),/lib/modules/$(KVER)/build,/usr/src/linux-headers-$(shell $(VM)/stock-kernel.sh))
# The release KDIR builds for (its vermagic): where make install puts lfce.ko.
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

# make install: DESTDIR, PREFIX and the directories of tools/lib/Makefile
# and tools/Makefile (LIBDIR, BINDIR, MANDIR, ...) pass through.
PREFIX ?= /usr/local
export PREFIX

all: module

module:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) does not exist: install kernel headers (make deps) or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

debug: deps
	@rm -rf $(TOP)/build/debug && mkdir -p $(TOP)/build/debug
	@cp -r $(TOP)/Kbuild $(TOP)/module $(TOP)/kunit $(TOP)/uapi $(TOP)/build/debug/
	$(MAKE) -C $$($(VM)/kernel.sh) M=$(TOP)/build/debug modules

deps:
	@$(TESTING)/deps.sh

lib:
	$(MAKE) -C $(TOP)/tools/lib

tools: lib
	$(MAKE) -C $(TOP)/tools

check: deps
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-@$(TESTING)/host-checks.sh
	-@$(TESTING)/userspace/check.sh
	-@$(TESTING)/pkg-checks.sh
	-@$(VM)/run.sh stock
	-@$(VM)/run.sh debug
	-@$(VM)/run.sh 6.12
	@$(TESTING)/summary.sh $(RESULTS)/*.tap

check-host: deps
	@rm -f $(RESULTS)/host.tap
	-@$(TESTING)/host-checks.sh
	@$(TESTING)/summary.sh $(RESULTS)/host.tap

check-pkg: deps
	@rm -f $(RESULTS)/pkg.tap
	-@$(TESTING)/pkg-checks.sh
	@$(TESTING)/summary.sh $(RESULTS)/pkg.tap

check-userspace: deps
	@rm -f $(RESULTS)/userspace.tap
	-@$(TESTING)/userspace/check.sh
	@$(TESTING)/summary.sh $(RESULTS)/userspace.tap

BENCH_JSON ?= $(TOP)/build/bench/bench.json
BENCH_SECONDS ?= 1
BENCH_REPEATS ?= 3
# bench: liburcu's urcu-memb flavour; benchmb: urcu-mb (see tools/testing/userspace/rcu.c)
BENCH_FLAVOUR ?= bench
BENCH_OUT := $(TOP)/build/bench

bench: deps
	@$(MAKE) -s -C $(TESTING)/userspace $(BENCH_FLAVOUR)
	@mkdir -p $(BENCH_OUT)
	@$(TOP)/build/userspace/$(BENCH_FLAVOUR)/bench -t $(BENCH_SECONDS) -r $(BENCH_REPEATS) \
		-o $(BENCH_JSON) -s $(BENCH_OUT)/scaling.dat
	@gnuplot -e "dat='$(BENCH_OUT)/scaling.dat'; png='$(BENCH_OUT)/throughput.png'" \
		$(TESTING)/userspace/bench/throughput.gp && echo "wrote $(BENCH_OUT)/throughput.png"

# The device's figures in the stock VM (tools/testing/selftests/bench/).
vm-bench: deps
	@$(VM)/run.sh stock bench
	@sed -n 's/^# vm-bench: figure //p' $(TOP)/build/vm/stock/results.log | \
		tee $(RESULTS)/vm-bench.txt

# The module under a long mixed load in the stock VM (SOAK_MINUTES, 10).
soak: deps
	@$(VM)/run.sh stock soak
	@grep -E '^(not )?ok |minute|ran ' $(TOP)/build/vm/stock/results.log

# The ioctl fuzzer alone (tools/testing/fuzz/); the seed is printed first.
FUZZ_KERNEL ?= debug
fuzz: deps
	@rm -f $(RESULTS)/vm-$(FUZZ_KERNEL)-fuzz.tap
	-@FUZZ_ITER=$(ITER) FUZZ_SEED=$(SEED) $(VM)/run.sh $(FUZZ_KERNEL) fuzz
	@grep '^# ioctl-fuzz' $(TOP)/build/vm/$(FUZZ_KERNEL)/results.log || true
	@$(TESTING)/summary.sh $(RESULTS)/vm-$(FUZZ_KERNEL)-fuzz.tap

check-vm: deps
	@rm -f $(RESULTS)/vm-stock.tap $(RESULTS)/vm-debug.tap
	-@$(VM)/run.sh stock
	-@$(VM)/run.sh debug
	@$(TESTING)/summary.sh $(RESULTS)/vm-stock.tap $(RESULTS)/vm-debug.tap

MATRIX := stock 6.12 rt

check-matrix:
	@$(TESTING)/deps.sh --matrix
	@rm -f $(patsubst %,$(RESULTS)/vm-%.tap,$(MATRIX))
	-@for k in $(MATRIX); do $(VM)/run.sh $$k; done
	@$(TESTING)/summary.sh $(patsubst %,$(RESULTS)/vm-%.tap,$(MATRIX))

kunit: deps
	@rm -f $(RESULTS)/vm-debug-kunit.tap
	-@$(VM)/run.sh debug kunit
	@$(TESTING)/summary.sh $(RESULTS)/vm-debug-kunit.tap

demo: deps
	@$(VM)/run.sh stock demo

style:
	@$(TESTING)/checkpatch.sh

install: install-module install-userspace

# Built with M=module so that lfce.ko lands in extra/, not extra/module/.
# Signing (CONFIG_MODULE_SIG_ALL) needs the kernel's own key, which only its
# builder has (Debian's headers do not): without it, install unsigned; with
# Secure Boot, use DKMS, which signs with its MOK (README).
KEYLESS = $(if $(wildcard $(KDIR)/certs/signing_key.pem),,CONFIG_MODULE_SIG_ALL=)

install-module:
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) does not exist: install kernel headers (make deps) or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP)/module modules
	$(MAKE) -C $(KDIR) M=$(TOP)/module INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		$(KEYLESS) modules_install
	$(if $(DESTDIR),,depmod -a $(KREL))

install-userspace: tools
	$(MAKE) -C $(TOP)/tools/lib install
	$(MAKE) -C $(TOP)/tools install

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KREL)/extra/lfce.ko
	$(if $(DESTDIR),,depmod -a $(KREL))
	$(MAKE) -C $(TOP)/tools/lib uninstall
	$(MAKE) -C $(TOP)/tools uninstall

# The packages, built from debian/ out of a copy of the sources so that
# dpkg-buildpackage's ../*.deb land in build/deb/ and the tree stays clean.
deb:
	@rm -rf $(TOP)/build/deb && mkdir -p $(TOP)/build/deb/src
	@git -C $(TOP) ls-files -z --cached --others --exclude-standard | \
		(cd $(TOP) && xargs -0 cp --parents -t $(TOP)/build/deb/src)
	cd $(TOP)/build/deb/src && dpkg-buildpackage -us -uc -b

dkms-install:
	rm -rf /usr/src/lfce-$(VERSION)
	mkdir -p /usr/src/lfce-$(VERSION)
	cp -r $(TOP)/Kbuild $(TOP)/Makefile $(TOP)/dkms.conf $(TOP)/module $(TOP)/uapi $(TOP)/kunit $(TOP)/tools /usr/src/lfce-$(VERSION)/
	dkms add -m lfce -v $(VERSION)
	dkms build -m lfce -v $(VERSION)
	dkms install -m lfce -v $(VERSION)

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(TOP)/build

.PHONY: all module debug lib tools deps check check-host check-pkg check-userspace bench vm-bench soak \
	fuzz check-vm check-matrix kunit demo style install install-module install-userspace uninstall \
	deb dkms-install clean
