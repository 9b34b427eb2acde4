#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (slurmctld + slurmd + munged), for
# uptake's job-array test. Needs root and Debian's slurm-wlm and munge
# (scripts/ensure-test-deps.mjs installs them). Everything lives in one state
# folder (UPTAKE_SLURM_DIR, default /tmp/uptake-slurm): the config made from
# scripts/slurm/slurm.conf, a munge key made on first start, the daemons'
# sockets, spool, logs and pid files. Nothing under /etc is read or written.
#
#   cluster.sh start    start the daemons and wait for the node to be idle
#   cluster.sh stop     cancel its jobs, stop the daemons (by their pid files) and
#                       remove the state folder
#   cluster.sh status   exit 0 if the controller answers, 1 if not
#
# start and status print SLURM_CONF=<path> on stdout: export it to use sbatch,
# squeue and scontrol with this cluster.
set -euo pipefail

STATE=${UPTAKE_SLURM_DIR:-/tmp/uptake-slurm}
CONF="$STATE/slurm.conf"
HERE=$(cd "$(dirname "$0")" && pwd)
export SLURM_CONF="$CONF"
# Ports of their own, so a Slurm already on the machine is left alone.
CTLD_PORT=${UPTAKE_SLURM_PORT:-16817}
SLURMD_PORT=$((CTLD_PORT + 1))

say() { echo "slurm cluster: $*" >&2; }

running() {
  [ -f "$CONF" ] && scontrol ping 2>/dev/null | grep -q 'is UP'
}

# Stops the daemon whose pid file is $1, waiting up to 10 s before SIGKILL.
stop_daemon() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

show_logs() {
  for log in "$STATE"/munge/munged.log "$STATE"/slurmctld.log "$STATE"/slurmd.log; do
    [ -f "$log" ] && { echo "--- $log (last lines)" >&2; tail -n 15 "$log" >&2; }
  done
  return 0
}

start() {
  if [ "$(id -u)" != 0 ]; then say "needs root (slurmd runs jobs as their user)"; exit 1; fi
  for tool in munged mungekey slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$tool" >/dev/null || { say "$tool not found: apt-get install -y --no-install-recommends slurm-wlm munge"; exit 1; }
  done
  if running; then say "already running ($CONF)"; echo "SLURM_CONF=$CONF"; return 0; fi
  # Daemons and files left by an earlier start that did not stop: ended by their pid files, removed.
  [ -d "$STATE" ] && stop 2>/dev/null
  mkdir -p "$STATE/ctld" "$STATE/slurmd" "$STATE/munge"
  chmod 700 "$STATE/munge"
  [ -f "$STATE/munge/munge.key" ] || mungekey --create --keyfile="$STATE/munge/munge.key"
  chmod 600 "$STATE/munge/munge.key"
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  # A little below the machine's memory, so slurmd never finds less than configured.
  memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  sed -e "s|@STATE@|$STATE|g" -e "s|@HOST@|$host|g" -e "s|@CPUS@|$cpus|g" -e "s|@MEMORY_MB@|$memory|g" \
      -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" "$HERE/slurm.conf" > "$CONF"

  munged --socket="$STATE/munge/munge.socket" --key-file="$STATE/munge/munge.key" \
    --pid-file="$STATE/munge/munged.pid" --log-file="$STATE/munge/munged.log" \
    --seed-file="$STATE/munge/munged.seed" --force \
    || { say "munged did not start"; show_logs; exit 1; }
  slurmctld -c -f "$CONF" || { say "slurmctld did not start"; show_logs; stop; exit 1; }
  slurmd -f "$CONF" -N "$host" || { say "slurmd did not start"; show_logs; stop; exit 1; }

  # The node registers with the controller within a few seconds.
  for _ in $(seq 60); do
    if [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ]; then
      say "running: 1 node ($host, $cpus CPUs, $memory MB), state in $STATE"
      echo "SLURM_CONF=$CONF"
      return 0
    fi
    sleep 0.5
  done
  say "the node did not become idle within 30 s (sinfo: $(sinfo -h -N -o '%T %E' 2>&1))"
  show_logs
  stop
  exit 1
}

stop() {
  # Jobs first, through Slurm, so that no job step outlives its slurmd.
  if running; then
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u)
    if [ -n "$jobs" ]; then
      say "cancelling jobs: $(echo $jobs)"
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 60); do [ -z "$(squeue -h -o %A 2>/dev/null)" ] && break; sleep 0.25; done
    fi
  fi
  # A cancelled job's slurmstepd may still be ending its processes (KillWait): let it finish.
  for _ in $(seq 40); do pgrep -x slurmstepd >/dev/null || break; sleep 0.25; done
  stop_daemon "$STATE/slurmd.pid"
  stop_daemon "$STATE/slurmctld.pid"
  stop_daemon "$STATE/munge/munged.pid"
  rm -rf "$STATE"
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "SLURM_CONF=$CONF"; else say "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
