#!/usr/bin/env bash
# Run every benchmark of 数安 in one go: corpus, accuracy, throughput, sampled PostgreSQL scan.
# Tunables (environment): SEED=7 ROWS=2000 TEXT_LINES=2000 BIG_MB=300 CORPUS=bench/corpus
#   SHUAN_BIN (default .venv/bin/shuan), SHUAN_BENCH_POSTGRES_URL, SKIP_PG=1, NAIVE_MB=64
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SEED=${SEED:-7}
ROWS=${ROWS:-2000}
TEXT_LINES=${TEXT_LINES:-2000}
BIG_MB=${BIG_MB:-300}
CORPUS=${CORPUS:-bench/corpus}
NAIVE_MB=${NAIVE_MB:-64}
status=0

step() { echo; echo "=== $* ==="; }

step "corpus (seed $SEED, $ROWS rows, big CSV $BIG_MB MB) -> $CORPUS"
"$PY" bench/corpus.py --out "$CORPUS" --seed "$SEED" --rows "$ROWS" --text-lines "$TEXT_LINES" --big-mb "$BIG_MB" || exit 1

step "accuracy"
"$PY" bench/accuracy.py --corpus "$CORPUS" || status=1

step "accuracy on an independent corpus (bench/corpus_alt.py, another generator)"
"$PY" bench/corpus_alt.py --out "${CORPUS}_alt" --seed "$SEED" || status=1
"$PY" bench/accuracy.py --corpus "${CORPUS}_alt" --skip-text --out alt_accuracy.json || status=1

step "accuracy on a third independent corpus (bench/corpus_third.py)"
"$PY" bench/corpus_third.py --out "${CORPUS}_third" --seed "$SEED" || status=1
"$PY" bench/accuracy.py --corpus "${CORPUS}_third" --skip-text --out third_accuracy.json || status=1

step "throughput"
if ! command -v rg >/dev/null 2>&1; then
  echo "ripgrep (rg) is missing: install it with 'apt-get install ripgrep' (make bench does this)"
fi
"$PY" bench/throughput.py --corpus "$CORPUS" --naive-mb "$NAIVE_MB" || status=1

step "security core: SM2/SM3/SM4 against openssl speed and Tongsuo"
"$PY" bench/crypto_speed.py || status=1

step "masking: keep/mask operators and HMAC-SM3 pseudonyms per core, Presidio's anonymizer as reference"
"$PY" bench/masking_speed.py || status=1

step "leak tracing: recipients named from 10% samples, false attributions in controls"
"$PY" bench/tracing.py || status=1

step "data-service gateway: p99 of a masked, filtered call against a bare FastAPI endpoint (same rows)"
"$PY" bench/gateway.py || status=1

step "security core: access decisions with 100k grants, pycasbin as baseline"
"$PY" bench/access_decision.py || status=1

step "security core: audit chain append and verify"
"$PY" bench/audit_chain.py || status=1

if [ "${SKIP_PG:-0}" != "1" ]; then
  step "sampled PostgreSQL scan"
  "$PY" bench/pg_sampled.py || status=1
fi

echo
RESULTS_DIR=${SHUAN_BENCH_RESULTS:-bench/results}
echo "results in $RESULTS_DIR/: $(ls "$RESULTS_DIR" 2>/dev/null | tr '\n' ' ')"
exit $status
