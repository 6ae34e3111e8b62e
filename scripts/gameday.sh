#!/usr/bin/env bash
# A whole local game day, end to end: what `make gameday` runs.
#
#   scripts/gameday.sh BIN SPEC REPORTS SANDBOX
#
# The runbook's lint, the sandbox up, the compliance check, every
# behavioural suite, the sandbox down whatever happened (also on Ctrl-C),
# then one summary table and the paths of the report and its summary. The
# run folder REPORTS/run holds everything the report is rendered from
# (the lint's and the check's output included), and the link
# latest beside REPORTS points at it. The exit code is the first failure's.
set -uo pipefail
bin=$1 spec=$2 reports=$3 sandbox=$4

need_packages() {
	local missing=()
	for cmd in redis-server redis-sentinel; do
		command -v "$cmd" >/dev/null || missing+=("$cmd")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "== installing what the sandbox's data layer runs: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-sentinel
		return $?
	fi
	echo "gameday: the sandbox runs a real Redis and needs ${missing[*]}; install them first:" >&2
	echo "  sudo apt-get install -y redis-server redis-sentinel" >&2
	return 1
}
need_packages || exit 2

# The report's own test opens report.html in a headless Chromium; the game
# day does not need it, so a machine without it only hears how to get it.
need_browser() {
	command -v chromium >/dev/null && return
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "== installing chromium, which checks report.html headless"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || echo "gameday: chromium did not install; the report's browser test will skip" >&2
		return
	fi
	echo "gameday: no chromium; the report's browser test skips until it is installed: sudo apt-get install -y chromium" >&2
}
need_browser

run="$reports/run"
mkdir -p "$run"
declare -a steps results
rc=0
step() { # step NAME EXIT
	steps+=("$1")
	case $2 in 0) results+=(passed) ;; 1) results+=(failed) ;; *) results+=("error (exit $2)") ;; esac
	[ "$rc" -ne 0 ] || rc=$2
}

echo "== 1/5 the runbook as data: where it contradicts itself or AWS"
"$bin" spec lint --spec "$spec" | tee "$reports/spec-lint.txt"
step "spec lint (findings decided)" "${PIPESTATUS[0]}"
"$bin" spec lint --spec "$spec" -o json >"$run/spec-lint.json"

echo "== 2/5 the sandbox: two regions, Route 53, Redis, at 60x"
# A weekday morning, so that the API's business-hours scheduled action
# falls due while the game day runs (GAMEDAY_START_AT overrides it).
if ! "$bin" sandbox up --spec "$spec" --state-dir "$sandbox" --start-at "${GAMEDAY_START_AT:-Mon 07:45}"; then
	echo "gameday: the sandbox did not come up; nothing was judged" >&2
	exit 2
fi
down() { "$bin" sandbox down --state-dir "$sandbox" >/dev/null; }
trap 'down; exit 130' INT TERM
target="$sandbox/target.yaml"

echo "== 3/5 compliance: the sandbox's configuration against the runbook"
"$bin" check --target "$target" --spec "$spec" --junit-report "$reports/compliance.xml" --timeline "$run/compliance.timeline.jsonl" | tee "$reports/compliance.txt"
step "compliance (gameday check)" "${PIPESTATUS[0]}"

echo "== 4/5 behaviour: load and faults, judged against the runbook"
"$bin" run --target "$target" --spec "$spec" --reports "$run" --latest "$(dirname "$reports")/latest" | tee "$reports/run.txt"
step "behaviour (gameday run: $(tail -n 1 "$reports/run.txt"))" "${PIPESTATUS[0]}"

echo "== 5/5 the sandbox down"
"$bin" sandbox status --state-dir "$sandbox" >"$reports/sandbox-status.txt"
down
trap - INT TERM

echo
printf '%-70s %s\n' STEP RESULT
for i in "${!steps[@]}"; do
	printf '%-70s %s\n' "${steps[$i]}" "${results[$i]}"
done
echo
echo "reports: $reports (spec-lint.txt, compliance.xml/.txt, run/: junit.xml, timeline.jsonl, verdicts.json, evidence.json)"
if [ -f "$run/report.html" ]; then
	echo "report:  $run/report.html"
	echo "summary: $run/summary.md"
else
	echo "report:  none: gameday run wrote no report (see $reports/run.txt)"
fi
exit "$rc"
