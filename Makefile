# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest messages docs lemmas site bench clean model

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --silent --no-audit --no-fund
	$(BIN)/python -m compileall -q publisher
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/publisher demo

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check publisher tests
	$(BIN)/ruff format --check publisher tests
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# Refresh the Russian catalogue from the code, then compile it (translate new entries in
# publisher/locale/ru/LC_MESSAGES/publisher.po and run it again)
POT := publisher/locale/publisher.pot
messages: $(STAMP)
	$(BIN)/pybabel -q extract -k _ -k N_ -k ngettext:1,2 -k NP_:1,2 --no-location --sort-output \
		--omit-header -o $(POT) publisher
	$(BIN)/pybabel -q update -D publisher -i $(POT) -d publisher/locale -l ru \
		--no-fuzzy-matching --omit-header --ignore-obsolete
	$(BIN)/pybabel -q compile --use-fuzzy -D publisher -d publisher/locale

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

# The static site (previews, archive, accounts, moderation, inbox, monthly report) in _site/
site: $(STAMP)
	$(BIN)/publisher site build --out _site

# Benchmarks: each figure against its goal, written to bench/results.json
bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/check_plan.py --sizes 1000,10000,50000
	$(BIN)/python bench/compare_code.py
	$(BIN)/python bench/apply_throughput.py --posts 200
	$(BIN)/python bench/apply_throughput.py --posts 200 --accounts
	$(BIN)/python bench/video_upload.py
	$(BIN)/python bench/style_eval.py
	$(BIN)/python bench/moderation_eval.py
	$(BIN)/python bench/moderation_dictionary.py
	$(BIN)/python bench/open_relevance.py

# Regenerate the README's capability table (core/capabilities.py) and token notes (adapters)
docs: $(STAMP)
	$(BIN)/python -m publisher.commands.docs

# Lemmas of the style lists' words, worked out ahead (after editing publisher/data/style/*.yml)
lemmas: $(STAMP)
	$(BIN)/python -c "from publisher.content.style import write_lemma_table; write_lemma_table()"

# The moderation model (publisher/data/moderation/model.json) trained again on the labelled
# comments' tuning parts; scikit-learn is needed for training only
model: $(STAMP)
	$(BIN)/pip install --quiet -e '.[train]'
	$(BIN)/python bench/train_moderation_model.py
