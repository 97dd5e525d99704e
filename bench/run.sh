#!/usr/bin/env bash
# Side-by-side benchmark (make bench): builds the same generated corpus with
# bulletin and, when installed, with pandoc (Markdown → EPUB), pandoc +
# WeasyPrint (Markdown → HTML → PDF) and Typst (the same items as Typst
# markup → PDF), all in this one run, and prints a table: items, pages,
# median seconds of RUNS runs, peak memory, output bytes, and the other
# tool's time over ours. The table is made twice: for N items in one year
# (12 bulletins, 2,000 items a year as a ministry publishes), then for the
# same number spread over SPAN years (six: about 72 bulletins of 14 items,
# the shape of a press office's archive, where each bulletin's fixed cost
# shows). Then bulletin alone at SCALE sizes in both shapes, to show growth.
#
#   N=1000 RUNS=3 SPAN=6 SCALE="1000 5000 20000" bench/run.sh
#
# BEFORE=path/to/an/older/bulletin adds its rows beside ours (the same
# corpus, the two binaries run in turn), for before-and-after tables.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-3}
SCALE=${SCALE:-"1000 5000 20000"}
SPAN=${SPAN:-6}
TYPST_NODE_DIR=${TYPST_NODE_DIR:-}
BEFORE=${BEFORE:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/bulletin" ./cmd/bulletin

# runonce NAME OUTDIR CMD...: runs CMD once into an emptied OUTDIR and sets
# t (seconds) and m (peak RSS, KB).
runonce() {
  local name=$1 out=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { echo "$name failed:"; tail -5 "$work/err"; return 1; }
  read -r t m <"$work/time"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# outstats OUTDIR: sets bytes and pages of what OUTDIR holds.
outstats() {
  bytes=$(du -cb "$1" | tail -1 | cut -f1)
  pages=0
  for f in "$1"/*.pdf; do
    [ -e "$f" ] || continue
    pages=$((pages + $(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')))
  done
}

# measure NAME OUTDIR CMD...: runs CMD RUNS times and sets secs (median),
# mem (peak RSS, MB), bytes, pages.
measure() {
  local name=$1 out=$2; shift 2
  local times=() peak=0
  for _ in $(seq "$RUNS"); do
    runonce "$name" "$out" "$@" || return 1
    times+=("$t"); (( m > peak )) && peak=$m
  done
  secs=$(median "${times[@]}"); mem=$((peak / 1024))
  outstats "$out"
}

# measurepair OUTDIR BEFORE_OUTDIR ARGS...: bulletin ARGS --out OUTDIR and
# $BEFORE ARGS --out BEFORE_OUTDIR in turn, RUNS times each, so that a
# shared machine whose speed drifts (it does, by half within an hour)
# slows both alike. Sets secs, mem, bytes, pages for ours and bsecs, bmem
# for the binary before.
measurepair() {
  local out=$1 bout=$2; shift 2
  local times=() btimes=() peak=0 bpeak=0
  for _ in $(seq "$RUNS"); do
    runonce bulletin "$out" "$work/bulletin" "$@" --out "$out" || return 1
    times+=("$t"); (( m > peak )) && peak=$m
    runonce before "$bout" "$BEFORE" "$@" --out "$bout" || return 1
    btimes+=("$t"); (( m > bpeak )) && bpeak=$m
  done
  secs=$(median "${times[@]}"); mem=$((peak / 1024))
  bsecs=$(median "${btimes[@]}"); bmem=$((bpeak / 1024))
  outstats "$out"
}

# table YEARS: the side-by-side table for N items over YEARS years.
table() {
  echo
  echo "$N items over $1 year(s):"
  printf '%-34s %6s %6s %9s %8s %11s %9s\n' tool items pages "median s" "peak MB" "out bytes" "vs ours"
  row() { printf '%-34s %6s %6s %9s %8s %11s %9s\n' "$1" "$N" "$pages" "$secs" "$mem" "$bytes" "$2"; }

  go run ./cmd/corpus -n "$N" -years "$1" -seed 1 -out "$work/corpus" >/dev/null
  if [ -n "$BEFORE" ]; then
    measurepair "$work/out-bulletin" "$work/out-before" build --sources "$work/corpus/md" --date 2025-01-01
  else
    measure bulletin "$work/out-bulletin" "$work/bulletin" build --sources "$work/corpus/md" --out "$work/out-bulletin" --date 2025-01-01
  fi
  ours=$secs; row "bulletin md → PDFs + EPUB" "1.0"
  if [ -n "$BEFORE" ]; then
    secs=$bsecs mem=$bmem
    outstats "$work/out-before"
    row "  the same, before ($(basename "$BEFORE"))" "$(awk -v a="$secs" -v b="$ours" 'BEGIN {printf "%.2f", a/b}')"
  fi
  measure bulletin-txt "$work/out-bulletin-txt" "$work/bulletin" build --sources "$work/corpus/txt" --out "$work/out-bulletin-txt" --date 2025-01-01
  row "bulletin captures → PDFs + EPUB" "$(awk -v a="$secs" -v b="$ours" 'BEGIN {printf "%.1f", a/b}')"

  ratio() { awk -v a="$secs" -v b="$ours" 'BEGIN {printf "%.1f×", a/b}'; }
  if command -v pandoc >/dev/null; then
    # The items as one document with each title as a heading (corpus/pandoc/all.md):
    # given the 1,000 files, pandoc takes every front matter block as metadata of
    # its one document and drops the items' titles, dates and types. --toc: a
    # contents page, as bulletin's books and bulletins have.
    measure pandoc-epub "$work/out-pandoc-epub" pandoc --toc -o "$work/out-pandoc-epub/c.epub" "$work/corpus/pandoc/all.md"
    row "pandoc md → EPUB" "$(ratio)"
    measure pandoc-files "$work/out-pandoc-files" sh -c "pandoc --metadata title=Collection -o '$work/out-pandoc-files/c.epub' '$work'/corpus/md/*.md"
    row "  (the $N files: titles lost)" "$(ratio)"
    if command -v weasyprint >/dev/null; then
      measure pandoc-weasy "$work/out-pandoc-pdf" sh -c "pandoc -s --toc -o '$work/out-pandoc-pdf/c.html' '$work/corpus/pandoc/all.md' && weasyprint '$work/out-pandoc-pdf/c.html' '$work/out-pandoc-pdf/c.pdf' && rm '$work/out-pandoc-pdf/c.html'"
      row "pandoc + WeasyPrint md → PDF" "$(ratio)"
    else
      echo "(weasyprint not installed: apt-get install weasyprint)"
    fi
  else
    echo "(pandoc not installed: apt-get install pandoc)"
  fi
  if [ -n "$TYPST_NODE_DIR" ] && [ -d "$TYPST_NODE_DIR/node_modules/@myriaddreamin/typst-ts-node-compiler" ]; then
    measure typst "$work/out-typst" env TYPST_NODE_DIR="$TYPST_NODE_DIR" node bench/typst.mjs "$work/corpus/typst/main.typ" "$work/out-typst/c.pdf" layouts/default/fonts
    row "Typst (npm typst-ts-node-compiler)" "$(ratio)"
  else
    echo "(Typst not installed: npm install --prefix DIR @myriaddreamin/typst-ts-node-compiler@0.7.0, then TYPST_NODE_DIR=DIR)"
  fi
  # How evenly the justified lines are set (cmd/spacing), ours and Typst's.
  if command -v mutool >/dev/null; then
    echo
    go run ./cmd/spacing -label bulletin "$work/out-bulletin"/*.pdf
    [ -f "$work/out-typst/c.pdf" ] && go run ./cmd/spacing -header=false -label Typst "$work/out-typst/c.pdf"
  else
    echo "(mutool not installed: apt-get install mupdf-tools, for the spacing table)"
  fi
  rm -rf "$work/corpus" "$work/out-typst"
}
table 1
table "$SPAN"
echo
printf '%-10s %-8s %-7s %9s %8s %8s\n' items years binary "median s" "peak MB" "s/1k"
for n in $SCALE; do
  for years in $((n / 2000 > 1 ? n / 2000 : 1)) "$SPAN"; do
    go run ./cmd/corpus -n "$n" -years "$years" -seed 1 -out "$work/scale-$n" >/dev/null
    scalerow() { printf '%-10s %-8s %-7s %9s %8s %8s\n' "$n" "$years" "$1" "$2" "$3" "$(awk -v s="$2" -v n="$n" 'BEGIN {printf "%.2f", s*1000/n}')"; }
    if [ -n "$BEFORE" ]; then
      measurepair "$work/out-scale" "$work/out-scale-before" build --sources "$work/scale-$n/md" --date 2025-01-01
      scalerow ours "$secs" "$mem"
      scalerow before "$bsecs" "$bmem"
    else
      measure "scale-$n" "$work/out-scale" "$work/bulletin" build --sources "$work/scale-$n/md" --out "$work/out-scale" --date 2025-01-01
      scalerow ours "$secs" "$mem"
    fi
    rm -rf "$work/out-scale" "$work/out-scale-before"
    rm -rf "$work/scale-$n"
  done
done
