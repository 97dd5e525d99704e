# bulletin — make run builds out/ from sources/; make test runs every test.
GO      ?= go
DATE    ?= 2020-07-06
BIN     := bin/bulletin
PKGS    := ./...

.PHONY: run build test test-upstream-fpdf checkers lint bench fuzz pictures clean

## run: build the example in sources/ into out/ (publication date $(DATE))
run: build
	./$(BIN) build --date $(DATE)

## build: compile the command into bin/
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/bulletin

## test: install the output checkers when possible, then run all tests
## (cmd/bulletin runs real checkers, servers and processes: on a busy
## machine it outlasts go test's default 10-minute limit per package)
test: checkers
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 30m $(PKGS)

## test-upstream-fpdf: the whole suite against upstream fpdf v0.12.0 instead of
## the patched copy in third_party/fpdf (go.mod's replace dropped in bin/upstream.mod)
test-upstream-fpdf:
	@mkdir -p bin && cp go.mod bin/upstream.mod && cp go.sum bin/upstream.sum
	$(GO) mod edit -dropreplace=codeberg.org/go-pdf/fpdf bin/upstream.mod
	$(GO) list -mod=mod -modfile=bin/upstream.mod -m -f 'fpdf from {{.Dir}}' codeberg.org/go-pdf/fpdf
	$(GO) test -count=1 -timeout 30m -mod=mod -modfile=bin/upstream.mod $(PKGS)

checkers:
	@./.ci/install-checkers

## lint: formatting, vet and staticcheck
lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

## bench: Go benchmarks of the stages (with allocations), over one year and six
## years of items, then the side-by-side tables against pandoc, WeasyPrint and
## Typst when installed, for both shapes (bench/run.sh)
bench:
	$(GO) run ./cmd/corpus -n 1000 -seed 1 -out bin/corpus >/dev/null
	BULLETIN_CORPUS=$(CURDIR)/bin/corpus/md $(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKGS)
	@echo "The same 1,000 items over six years (72 bulletins): the whole build and one item changed"
	$(GO) run ./cmd/corpus -n 1000 -years 6 -seed 1 -out bin/corpus6 >/dev/null
	BULLETIN_CORPUS=$(CURDIR)/bin/corpus6/md $(GO) test -run '^$$' -bench 'BuildCorpus|Incremental' -benchmem -count 5 ./pipeline
	./bench/run.sh

## fuzz: run each fuzz target briefly (FUZZTIME each; not part of make test)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline/dates
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline/source/listing
	$(GO) test -run '^$$' -fuzz '^FuzzSplitFrontMatter$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline/source/markdown
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline/source/feed
	$(GO) test -run '^$$' -fuzz '^FuzzBuild$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./pipeline

## pictures: the README's pictures of the cover and an inner page
pictures: run
	pdftoppm -png -r 60 -f 1 -l 1 -singlefile out/bulletin-2020-06.pdf docs/cover
	pdftoppm -png -r 60 -f 3 -l 3 -singlefile out/bulletin-2020-06.pdf docs/page

clean:
	rm -rf bin
	find out -mindepth 1 ! -name .gitkeep -delete
