# The one list of commands. `make run` and `make test` are the front door.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test eval check venv model bench bench-long reading golden ner-eval lint typecheck clean serve screenshot

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## The main job: read the bundled case reports, write case rows, print the score.
run: $(STAMP)
	$(VENV)/bin/case-extract run corpus/seed/shimizu2018.pdf corpus/dev/pdf --out outputs \
	    --gold corpus/gold/seed.jsonl --gold corpus/gold/dev.jsonl

## The other gold sets: spinal reports of other primaries; spinal and bone metastases of many
## primaries; age/sex of 26 real Hindawi PDFs (scored on those two fields only).
eval: $(STAMP)
	$(VENV)/bin/case-extract run corpus/spinal/pdf --out outputs/spinal --gold corpus/gold/spinal.jsonl
	$(VENV)/bin/case-extract run corpus/metastasis/pdf --out outputs/metastasis --gold corpus/gold/metastasis.jsonl
	$(VENV)/bin/case-extract run corpus/pdfs --out outputs/demographics
	@echo "age and sex only: the Hindawi gold curates no other field"
	$(VENV)/bin/case-extract score outputs/demographics/cases.jsonl corpus/gold/demographics.jsonl --fields age_years,sex

test: $(STAMP)
	$(PY) -m pytest -q

## The reviewer's workbench over what `make run` stored: http://127.0.0.1:8000/
serve: $(STAMP)
	$(VENV)/bin/case-extract serve --db sqlite:///outputs/cases.sqlite

## Retake the README's screenshot of the workbench (the browser test, headless Chromium).
screenshot: $(STAMP)
	mkdir -p docs
	WORKBENCH_SCREENSHOT=docs/workbench.png $(PY) -m pytest -q tests/web/test_browser.py

lint: $(STAMP)
	$(VENV)/bin/ruff check extract tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy extract

## Lint, types and tests.
check: lint typecheck test

reading: $(STAMP)
	$(PY) benchmarks/reading.py

## What the reader does to every PDF of corpus/ beside its golden file (benchmarks/golden/);
## after a deliberate change: $(PY) benchmarks/golden.py freeze
golden: $(STAMP)
	$(PY) benchmarks/golden.py diff

## Retrain the NER model on MACCROBAT from scratch (seeded); writes models/ and meta.json.
model: $(STAMP)
	$(PY) -m extract.training.train

ner-eval: $(STAMP)
	$(PY) benchmarks/ner.py

## Speed and memory per stage and for the whole pipeline, beside pypdfium2 and pdfplumber.
bench: $(STAMP)
	$(PY) benchmarks/bench.py

## Only the fields stage on one 100-page text and on its double (updates bench.json's entry).
bench-long: $(STAMP)
	$(PY) benchmarks/bench.py --long-only

clean:
	find outputs -mindepth 1 ! -name .gitkeep -delete; rm -rf build *.egg-info
