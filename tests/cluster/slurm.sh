#!/usr/bin/env bash
# A single-node Slurm on this machine, for the sharded-sweep test: `slurm.sh up DIR` starts
# munged, slurmctld and slurmd (as root) with a minimal slurm.conf written to DIR, and waits
# until the node is idle; `slurm.sh down DIR` stops exactly what `up` started. Debian's
# slurm-wlm and munge packages provide the daemons (make deps-cluster installs them).
set -euo pipefail

cmd=${1:?usage: slurm.sh up|down DIR}
dir=${2:?usage: slurm.sh up|down DIR}

down() {
  for pidfile in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munged.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

if [ "$cmd" = down ]; then
  down
  exit 0
fi
[ "$cmd" = up ] || { echo "usage: slurm.sh up|down DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "slurm.sh: must run as root (the daemons run as root)" >&2; exit 2; }
for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v "$tool" >/dev/null || { echo "slurm.sh: $tool is missing (make deps-cluster)" >&2; exit 2; }
done

mkdir -p "$dir"/spool "$dir"/state "$dir"/munge
chmod 700 "$dir"/munge
# munge wants a key readable by its user only and a socket directory it owns.
head -c 1024 /dev/urandom > "$dir"/munge/munge.key
chmod 400 "$dir"/munge/munge.key
munged --key-file="$dir"/munge/munge.key --socket="$dir"/munge/munge.socket \
  --pid-file="$dir"/munged.pid --log-file="$dir"/munged.log --seed-file="$dir"/munge/seed \
  --force 2>>"$dir"/munged.log

host=$(hostname -s)
cpus=$(nproc)
cat > "$dir"/slurm.conf <<CONF
ClusterName=zdsim
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir"/slurm.conf
slurmctld -f "$dir"/slurm.conf
slurmd -f "$dir"/slurm.conf
for _ in $(seq 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then
    echo "slurm.sh: node $host idle (SLURM_CONF=$dir/slurm.conf)"
    exit 0
  fi
  sleep 0.2
done
echo "slurm.sh: the node did not become idle within 20 s; logs in $dir" >&2
tail -5 "$dir"/slurmctld.log "$dir"/slurmd.log >&2 || true
down
exit 1
