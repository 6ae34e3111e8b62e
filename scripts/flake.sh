#!/usr/bin/env bash
# The scaling suite RUNS times, each against a fresh sandbox at SCALE
# (default 60): what `make flake` runs. It prints passes/runs, for each run
# its real duration and how late the sandbox's platform minutes completed
# (`sandbox status`), and for each run that did not pass its verdicts; the
# exit code is 1 unless every run passed.
#
#   scripts/flake.sh BIN SPEC RUNS DIR [SCALE]
set -uo pipefail
bin=$1 spec=$2 runs=$3 dir=$4 scale=${5:-60}
passes=0
for i in $(seq 1 "$runs"); do
	d="$dir/$i"
	rm -rf "$d" && mkdir -p "$d"
	"$bin" sandbox up --spec "$spec" --state-dir "$d/sandbox" --time-scale "$scale" >"$d/up.log" 2>&1 || { echo "run $i: the sandbox did not come up (see $d/up.log)"; continue; }
	start=$SECONDS
	if "$bin" run --target "$d/sandbox/target.yaml" --spec "$spec" --suite scaling --reports "$d/run" --ledger "$d/ledger.jsonl" >"$d/run.txt" 2>"$d/progress.txt"; then
		passes=$((passes + 1))
		echo "run $i: passed ($(tail -n 1 "$d/run.txt"))"
	else
		echo "run $i: FAILED"
		grep -vE ' PASSED$' "$d/run.txt" | sed 's/^/  /'
	fi
	echo "  $((SECONDS - start)) s real at ${scale}x; $("$bin" sandbox status --state-dir "$d/sandbox" 2>&1 | grep '^minute lag' || echo 'minute lag: no status')"
	"$bin" sandbox down --state-dir "$d/sandbox" >/dev/null 2>&1
done
echo "flake: $passes/$runs runs of the scaling suite passed at ${scale}x"
[ "$passes" -eq "$runs" ]
