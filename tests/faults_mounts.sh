#!/usr/bin/env bash
# The journal on real mounts (issue 17 items 15-16, issue 18 item 5): a FAT file system, a full
# disk and a read-only medium. The pytest suite injects the same faults at the boundary
# (tests/test_faults_io.py) and runs everywhere; this script needs root (mount) and, for FAT,
# either fusefat (apt-get install fusefat dosfstools) or a kernel with vfat.
#
#   sudo tests/faults_mounts.sh            # with haze installed in the active environment
#
# Each check prints "ok: …" or stops with "FAIL: …" (exit 1). Nothing outside a temporary
# directory is touched; every mount is undone on exit.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "faults_mounts.sh: needs root (mount)" >&2; exit 2; }
here="$(cd "$(dirname "$0")/.." && pwd)"
list="$here/examples/worked-example.yaml"
work="$(mktemp -d)"
mounts=()
cleanup() {
    cd /
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || fusermount -u "$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
expect_in() { grep -q -- "$1" <<<"$2" || fail "$3: expected '$1' in: $2"; }

# -- FAT --------------------------------------------------------------------------------
fat="$work/fat"; mkdir "$fat"
truncate -s 16M "$work/fat.img"; mkfs.vfat "$work/fat.img" >/dev/null 2>&1
if mount -o loop "$work/fat.img" "$fat" 2>/dev/null; then how="vfat (loop)"
elif command -v fusefat >/dev/null && fusefat -o rw+ "$work/fat.img" "$fat" >/dev/null 2>&1; then how="fusefat"
else fail "cannot mount a FAT image (no vfat in the kernel, no fusefat)"; fi
mounts+=("$fat")
echo "== FAT through $how"
cd "$fat"
haze init >/dev/null 2>&1
haze activate orange --list "$list" --start 2025-12-01T20:00 --out "$work/notices" >/dev/null 2>&1
ls -A .haze | grep -qE -- '-(wal|shm|journal)$' && fail "FAT: left beside the journal: $(ls -A .haze)"
ok "a new journal on FAT works and leaves no -wal/-shm"
# a WAL journal made elsewhere and copied onto the stick
mkdir -p "$work/home" && cd "$work/home" && haze init >/dev/null 2>&1
haze activate red --list "$list" --start 2025-12-01T20:00 --out "$work/n2" >/dev/null 2>&1
mkdir -p "$fat/copy/.haze" && cp .haze/journal.db "$fat/copy/.haze/" && cd "$fat/copy"
expect_in "ACTIVE: red" "$(haze status)" "FAT copy: status"
expect_in "20251201-200000-red" "$(haze history)" "FAT copy: history"
haze lift --at 2025-12-02T08:00 --out "$work/n3" >/dev/null || fail "FAT copy: lift"
ls -A .haze | grep -qE -- '-(wal|shm|journal)$' && fail "FAT copy: left beside the journal: $(ls -A .haze)"
ok "a copied WAL journal is read and written on FAT, switched to DELETE, nothing left behind"

# -- a full disk -------------------------------------------------------------------------
full="$work/full"; mkdir "$full"; mount -t tmpfs -o size=2m tmpfs "$full"; mounts+=("$full")
echo "== a full tmpfs"
cd "$full"
haze init >/dev/null 2>&1
haze activate orange --list "$list" --start 2025-12-01T20:00 --out "$work/n4" >/dev/null 2>&1
dd if=/dev/zero of="$full/filler" bs=64k 2>/dev/null || true
out="$(haze status 2>&1)" || true
expect_in "ACTIVE: orange" "$out" "full disk: status must still read"
out="$(haze history 2>&1)" || true
expect_in "20251201-200000-orange" "$out" "full disk: history must still read"
out="$(haze activate red --list "$list" --start 2025-12-01T21:00 --out "$full/n" 2>&1)" && fail "full disk: activate succeeded"
expect_in "full" "$out" "full disk: activate must say the disk is full"
grep -q "not a haze journal" <<<"$out" && fail "full disk: says 'not a haze journal': $out"
rm -f filler
expect_in "ACTIVE: orange" "$(haze status)" "full disk freed: the journal is intact"
ok "a full disk: status/history read, activate says the disk is full, the journal survives"

# -- a read-only medium ------------------------------------------------------------------
ro="$work/ro"; mkdir "$ro"; mount -t tmpfs -o size=8m tmpfs "$ro"; mounts+=("$ro")
echo "== a read-only tmpfs"
cd "$ro"
haze init >/dev/null 2>&1
haze activate orange --list "$list" --start 2025-12-01T20:00 --out "$work/n5" >/dev/null 2>&1
cd / && mount -o remount,ro "$ro" && cd "$ro"
expect_in "ACTIVE: orange" "$(haze status 2>&1)" "read-only: status"
expect_in "20251201-200000-orange" "$(haze history 2>&1)" "read-only: history"
out="$(haze activate red --list "$list" --start 2025-12-01T21:00 --out "$work/n6" 2>&1)" && fail "read-only: activate succeeded"
expect_in "read-only" "$out" "read-only: activate must say the medium is read-only"
ok "a read-only medium: status/history read, activate says read-only"
echo "all mount checks passed"
