# Station kiosk: two commands for a new user.
#   make run    install what is missing, then start the terminal on simulated devices and
#               the district center beside it
#   make test   install what is missing, then lint, type-check and run the whole test suite
#   make lock   refresh requirements/lock.txt after a change to pyproject.toml's dependencies
# HEADLESS=1 runs the terminal on a virtual X display (Xvfb) for machines without a screen.

PYTHON      ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
LOCK        := requirements/lock.txt
UV_VERSION  := 0.13.9
CONFIG      ?= config/kiosk.toml
HEADLESS    ?=

# Debian packages the terminal needs at run time (RUNTIME) and that development,
# the simulators and the tests add (DEVELOPMENT). Production terminals install
# RUNTIME only: vsmartcard-vpcd opens a network-reachable virtual card reader.
# systemd brings systemd-analyze, which checks the units in systemd/ (containers lack it).
# espeak-ng is the default voice (voice.command); the tests run it too. The district center's
# tests start their own PostgreSQL cluster and drive Debian's chromium with Playwright.
# poppler-utils (pdftotext, pdftoppm) lets the tests read the PDFs the center renders.
RUNTIME_DEBS := python3-venv libzbar0 swig libpcsclite-dev pcscd fonts-noto-cjk fontconfig \
                gettext libgl1 libegl1 libgl1-mesa-dri libmtdev1 libusb-1.0-0 espeak-ng
# The district center renders its PDFs with WeasyPrint, which loads Pango and HarfBuzz.
CENTER_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEVELOPMENT_DEBS := vsmartcard-vpcd mosquitto mosquitto-clients xvfb xauth libxtst6 tesseract-ocr tesseract-ocr-chi-sim \
                    systemd postgresql chromium poppler-utils

LOCALE_PO := $(wildcard kiosk/locale/*/LC_MESSAGES/kiosk.po center/locale/*/LC_MESSAGES/django.po)
LOCALE_MO := $(LOCALE_PO:.po=.mo)

.PHONY: run test install install-runtime debian-packages debian-runtime-packages lint lock sim doctor bench clean fuzz

# The demo terminal and the district center together (scripts/run-demo); the center's
# address and its demo administrator's password are printed at start.
run: install
	$(BIN)/python scripts/run-demo --config $(CONFIG) $(if $(HEADLESS),--virtual-display)

# pytest in four workers on two cores: much of the suite waits (kill -9 loops, broker
# outages, idle timeouts, child processes starting), and two more workers fill those waits.
# An idle worker takes tests from another's queue, so the long ones do not leave a core
# waiting at the end.
test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 4 --dist worksteal

sim: install
	$(BIN)/kiosk sim --config $(CONFIG)

doctor: install
	$(BIN)/kiosk doctor --config $(CONFIG)

bench: install
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python "$$b" || exit 1; done

lint: install
	$(BIN)/ruff check .

# Property tests under the "fuzz" profile: each module of tests/properties in turn for
# FUZZ_MINUTES, with a random seed (printed; SEED=N repeats a run). Fails if a target does.
FUZZ_MINUTES ?= 2
SEED        ?=
fuzz: install
	FUZZ_MINUTES=$(FUZZ_MINUTES) SEED=$(SEED) scripts/fuzz --python $(BIN)/python

install: debian-packages $(STAMP) $(LOCALE_MO)

# For a production terminal: no simulators, no test tools.
install-runtime: debian-runtime-packages $(STAMP) $(LOCALE_MO)

debian-packages:
	@scripts/ensure-debian-packages $(RUNTIME_DEBS) $(CENTER_DEBS) $(DEVELOPMENT_DEBS)

debian-runtime-packages:
	@scripts/ensure-debian-packages $(RUNTIME_DEBS)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install it (apt-get install python3 python3-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Every terminal, developer and CI runs the same releases: exactly those of the lock, each
# checked against its hash (pip itself is among them), then the project with no more deps.
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The lock: pyproject.toml's dependencies and its extras (the center, dev), resolved for
# CPython 3.11 on x86-64 Linux, with the hashes of every wheel and sdist. A refresh keeps the
# pins that still fit; UPGRADE=1 moves every package to its newest allowed release.
UPGRADE ?=
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
		$(if $(UPGRADE),--upgrade) --quiet --output-file $(LOCK)

%.mo: %.po
	msgfmt --check --output-file=$@ $<

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache $(LOCALE_MO)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
