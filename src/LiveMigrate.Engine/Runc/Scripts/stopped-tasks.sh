#!/bin/sh
# Lets CRIU dump a frozen container holding stopped tasks (SIGSTOP, a shell's Ctrl+Z), and keeps them stopped.
# CRIU seizes every task of the frozen container (PTRACE_SEIZE), and the kernel makes the seize of a stopped task wait
# until that task has run again to re-trap as traced, which a frozen task never does: the dump slept for ever in
# ptrace_attach. Continued and stopped again while frozen, a stopped task has a SIGSTOP pending instead of a stop in
# effect: the seize returns at once, CRIU counts the pending SIGSTOP as the task's stopped state, dumps it as stopped
# (a restore stops it again before it runs) and sends SIGSTOP again when it lets the tasks go. The task runs none of
# its own code meanwhile. What shows: a parent that handles SIGCHLD gets one with CLD_CONTINUED (and, where the
# original runs on, CLD_STOPPED too), and a task stopped by SIGTSTP, SIGTTIN or SIGTTOU is stopped by SIGSTOP after.
#   (no arguments: CRIU's action script, given by LiveMigrate's CRIU configuration for its dumps, which always freeze
#   the container first) at pre-dump, does that for each stopped task of the tree of CRTOOLS_INIT_PID (the container's
#   init, from runc), after recording it in $records/INIT-START (the init's pid and start time)
#   restop PID   before a rollback thaws the container of init PID: stops again each task its record names, if still
#                that task, for a dump that ended without doing so itself (its CRIU killed), then drops the record
set -u
records=/run/livemigrate/stopped-tasks
# Inside the freeze: no process started per task. stat_of sets state and start (fields 3 and 22 of /proc/PID/stat,
# after the command name, which may hold spaces and parentheses); empty when PID is gone.
stat_of() {
  state= start= s=
  read -r s < "/proc/$1/stat" 2>/dev/null || return 1
  s=${s##*") "}
  set -- $s
  state=$1 start=${20}
}
# Sets tree to " PID ..." for the tree of $1 (the children of each of its threads, and theirs).
tree=
tree() {
  tree="$tree $1"
  for t in /proc/"$1"/task/*/children; do
    # A children file has no final newline: read assigns what it read, and says it met the end.
    kids=
    read -r kids < "$t" 2>/dev/null || true
    for c in $kids; do tree "$c"; done
  done
}
digits() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }

case ${CRTOOLS_SCRIPT_ACTION:-}${1:-} in
pre-dump)
  init=${CRTOOLS_INIT_PID:-}
  digits "$init" || exit 0
  # Records of containers gone since (a successful move, or an ended container) go; a pid used again has another start.
  for r in "$records"/*; do
    n=${r##*/}
    # Another dump's record in the making is its own.
    case $n in *.new) continue ;; esac
    [ -f "$r" ] || continue
    stat_of "${n%-*}"
    [ "$start" = "${n#*-}" ] || rm -f -- "$r"
  done
  stat_of "$init" || exit 1
  record=$records/$init-$start
  [ ! -e "$record.new" ] || rm -f -- "$record.new"
  tree "$init"
  for p in $tree; do
    # Group-stopped tasks sleep in do_signal_stop; frozen, the kernel shows them as D (not frozen, T). Only frozen ones:
    # a task not frozen would run between the two signals. A traced one (readiness refuses it) is its tracer's business.
    w=
    read -r w < "/proc/$p/wchan" 2>/dev/null || true
    [ "$w" = do_signal_stop ] && stat_of "$p" && [ "$state" = D ] || continue
    grep -q '^TracerPid:[[:space:]]*0$' "/proc/$p/status" 2>/dev/null || continue
    [ -d "$records" ] || mkdir -p -m 0700 "$records" || exit 1
    echo "$p $start" >> "$record.new" || exit 1
    kill -CONT "$p" && kill -STOP "$p" || exit 1
  done
  [ ! -f "$record.new" ] || mv -f -- "$record.new" "$record"
  ;;
restop)
  init=${2:-}
  digits "$init" || { echo "error=restop wants the container's init pid"; exit 2; }
  stat_of "$init" || exit 0
  record=$records/$init-$start
  [ -f "$record" ] || exit 0
  tree "$init"
  while read -r p recorded; do
    # Only the container's own task, and the very one recorded (the same start time): never a pid used again.
    digits "$p" || continue
    case "$tree " in *" $p "*) ;; *) continue ;; esac
    stat_of "$p" && [ "$start" = "$recorded" ] && kill -STOP "$p"
  done < "$record"
  rm -f -- "$record"
  ;;
esac
exit 0
