#!/usr/bin/env bash
# Builds the service image from deploy/Containerfile with buildah (installed if missing):
# a release build, then a build context holding only what the binary needs at run time.
#   deploy/image.sh               build localhost/event-manager:VERSION, print its name
#   deploy/image.sh --stage-only  only stage target/image/context (for `docker build`)
# IMAGE_STORAGE_DRIVER (default vfs, which works without overlay support) is buildah's.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked --quiet --bin event-manager
binary=target/release/event-manager
context=target/image/context
rm -rf "$context"
mkdir -p "$context/rootfs/usr/local/bin" "$context/rootfs/etc" "$context/rootfs/tmp" "$context/data"
chmod 1777 "$context/rootfs/tmp"
cp "$binary" "$context/rootfs/usr/local/bin/event-manager"
strip "$context/rootfs/usr/local/bin/event-manager"

# Every shared library the binary loads, at the path the loader looks for it. glibc ≥ 2.34
# has the `files` and `dns` name services inside libc.so.6, so host names resolve without
# libnss_* modules.
for library in $(ldd "$binary" | grep -o '/[^ ]*'); do
    mkdir -p "$context/rootfs$(dirname "$library")"
    cp -L "$library" "$context/rootfs$library"
done
cat >"$context/rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/nonexistent:/sbin/nologin
app:x:10001:10001:event-manager:/data:/sbin/nologin
PASSWD
cat >"$context/rootfs/etc/group" <<'GROUP'
root:x:0:
app:x:10001:
GROUP
echo 'hosts: files dns' >"$context/rootfs/etc/nsswitch.conf"

[ "${1:-}" = --stage-only ] && { echo "$context"; exit 0; }

command -v buildah >/dev/null || { apt-get update -qq && apt-get install -y -qq buildah >/dev/null; }
version=$(cargo pkgid --quiet | sed 's/.*[#@]//')
image="localhost/event-manager:$version"
buildah --storage-driver "${IMAGE_STORAGE_DRIVER:-vfs}" build --quiet --isolation chroot --format docker \
    --build-arg VERSION="$version" \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --build-arg SOURCE="$(git remote get-url origin 2>/dev/null || echo unknown)" \
    -f deploy/Containerfile -t "$image" "$context" >/dev/null
echo "$image"
