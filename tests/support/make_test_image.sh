#!/usr/bin/env bash
# Makes the Docker image the sandbox tests use, from files already on this
# machine (no registry is reachable): the programs the test agents run, their
# shared libraries, and git's helpers. `docker import` turns it into an image.
#
# Usage: make_test_image.sh [IMAGE=corral-test-agent:2]   (skips if it exists)
set -euo pipefail
image=${1:-corral-test-agent:2}
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi

programs=(sh dash bash env cat ls mkdir rm mv cp chmod ln echo printf sed grep tr head tail wc id
          sleep timeout true false find touch tee sort cut awk uname dirname basename seq
          git unshare mount chroot su setpriv)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Everything is copied to its canonical folder (under /usr on a merged-/usr
# host), keeping the name it was asked for (a library's soname) as a link.
copy() {
  local real dir name
  real=$(readlink -f "$1")
  dir=$(readlink -f "$(dirname "$1")")
  name=$(basename "$1")
  mkdir -p "$stage$(dirname "$real")" "$stage$dir"
  cp -aL "$real" "$stage$real"
  [[ -e "$stage$dir/$name" ]] || ln -s "$real" "$stage$dir/$name"
}
for program in "${programs[@]}"; do
  path=$(type -P "$program") || continue
  path=$(readlink -f "$path")
  copy "$path"
  [[ -e "$stage/usr/bin/$program" ]] || ln -s "$path" "$stage/usr/bin/$program"
  ldd "$path" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do copy "$lib"; done
done
for lib in $(ldd /usr/lib/git-core/git-remote-http 2>/dev/null | grep -o '/[^ ]*'); do copy "$lib"; done
mkdir -p "$stage/usr/lib" && cp -a /usr/lib/git-core "$stage/usr/lib/"
for dir in bin lib lib64 sbin; do ln -sfn "usr/$dir" "$stage/$dir"; done
mkdir -p "$stage/usr/lib64" "$stage/usr/sbin" "$stage/etc" "$stage/tmp" "$stage/var/tmp" "$stage/workspace"
# Docker copies an image's folder modes onto the tmpfs mounted over it.
chmod 1777 "$stage/tmp" "$stage/var/tmp"
ln -sf "$(readlink -f /lib64/ld-linux-x86-64.so.2)" "$stage/usr/lib64/ld-linux-x86-64.so.2"
printf 'root:x:0:0:root:/root:/bin/sh\nagent:x:10001:10001::/home/agent:/bin/sh\n' > "$stage/etc/passwd"
printf 'root:x:0:\nagent:x:10001:\n' > "$stage/etc/group"
tar -C "$stage" -c . | docker import - "$image" >/dev/null
echo "made $image ($(du -sh "$stage" | cut -f1))"
