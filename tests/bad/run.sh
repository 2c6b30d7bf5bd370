#!/bin/sh
# tests/bad/run.sh PLANNER [--record] - the bad-input corpus.
#
# Each folder under cases/ is one fault: the files, cmd (the planner's
# arguments, run from inside the folder), and expect: "exit N" on the first
# line, then the exact text the planner must write on stderr.  An optional
# setup/teardown script prepares the ground (a read-only or full file
# system: these need root to mount a tmpfs).
#
# Each case passes when the exit code and stderr are exactly as expected and
# nothing was written: the folder's files are the same before and after,
# names and bytes (no output folder, no run store, no temporary file, no
# file changed), and no temporary file of the planner is left in $TMPDIR.
#
# --record writes expect from what the planner says (to review by eye,
# then commit); without it, prints "ok N - bad/CASE" or "not ok N - ...".
set -u
planner=$1
record=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/planner-bad.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$here/cases" "$work/"          # run on a copy: the tree stays clean
n=0
failed=0
# state: the folder's names and every file's bytes (a checksum each), and
# the names on the mounted ro/full, to compare before and after a run
state() {
    find . -path ./ro -prune -o -path ./full -prune -o -print | sort
    find . -path ./ro -prune -o -path ./full -prune -o -type f -exec cksum {} + | sort
    ls -A ro full 2>/dev/null
}
for c in "$work"/cases/*/; do
    name=$(basename "$c")
    n=$((n + 1))
    cd "$c" || exit 2
    if [ -x setup ] && ! ./setup >"$work/$name.setup" 2>&1; then
        echo "not ok $n - bad/$name: setup failed (mounting a tmpfs needs root): $(cat "$work/$name.setup")"
        failed=$((failed + 1))
        continue
    fi
    before=$(state)
    tmp_before=$(ls -A "${TMPDIR:-/tmp}" | grep -c '^planner-map-')
    eval "set -- $(cat cmd)"
    PLANNER_PROGRESS=0 "$planner" "$@" >"$work/$name.stdout" 2>"$work/$name.stderr"
    rc=$?
    after=$(state)
    tmp_after=$(ls -A "${TMPDIR:-/tmp}" | grep -c '^planner-map-')
    [ -x teardown ] && ./teardown >/dev/null 2>&1
    if [ "$record" = --record ]; then
        { echo "exit $rc"; cat "$work/$name.stderr"; } >"$here/cases/$name/expect"
        echo "recorded $name: exit $rc"
        continue
    fi
    want_rc=$(head -n 1 "$here/cases/$name/expect" | sed 's/^exit //')
    tail -n +2 "$here/cases/$name/expect" >"$work/$name.want"
    if [ "$rc" != "$want_rc" ]; then
        echo "not ok $n - bad/$name: exit $rc, expected $want_rc: $(head -c 400 "$work/$name.stderr")"
        failed=$((failed + 1))
    elif ! cmp -s "$work/$name.want" "$work/$name.stderr"; then
        echo "not ok $n - bad/$name: stderr differs:"
        diff "$work/$name.want" "$work/$name.stderr" | sed 's/^/#   /' | head -n 10
        failed=$((failed + 1))
    elif [ "$before" != "$after" ]; then
        echo "not ok $n - bad/$name: files were written or changed: $(printf '%s\n%s\n' "$before" "$after" | sort | uniq -u | tr '\n' ' ')"
        failed=$((failed + 1))
    elif [ "$tmp_before" != "$tmp_after" ]; then
        echo "not ok $n - bad/$name: a temporary file was left in ${TMPDIR:-/tmp}"
        failed=$((failed + 1))
    else
        echo "ok $n - bad/$name: exit $rc, $(wc -l <"$work/$name.want") line(s) as expected, nothing written"
    fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
