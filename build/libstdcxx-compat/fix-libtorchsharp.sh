#!/usr/bin/env bash
# Makes TorchSharp's native glue load on systems whose libstdc++ predates GLIBCXX_3.4.32
# (Debian 12). Called by Directory.Build.targets after every build and publish; see README
# "TorchSharp on Debian 12". Idempotent, and a no-op where libstdc++ is new enough.
#
# usage: fix-libtorchsharp.sh OUTPUT_DIR WORK_DIR
#   OUTPUT_DIR  a build output folder; every libLibTorchSharp.so below it is patched in place
#   WORK_DIR    a private folder for the two small helpers compiled here
set -euo pipefail

out_dir=$1
work_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
symbol=_ZSt21ios_base_library_initv
version=GLIBCXX_3.4.32
shim=libios_base_shim.so

mapfile -t targets < <(find "$out_dir" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#targets[@]} -gt 0 ] || exit 0

system_libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$system_libstdcxx" ] && grep -qa "$version" "$system_libstdcxx"; then
    exit 0 # this libstdc++ already provides the symbol: nothing to fix
fi

install_if_missing() { # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "libstdcxx-compat: installing $2 (needed to patch libLibTorchSharp.so)"
        (apt-get install -y -qq "$2" || { apt-get update -qq && apt-get install -y -qq "$2"; }) >/dev/null
    else
        echo "libstdcxx-compat: error: '$1' is missing; install it (sudo apt-get install $2) and build again" >&2
        exit 1
    fi
}
install_if_missing patchelf patchelf
install_if_missing gcc gcc

mkdir -p "$work_dir"
if [ ! -x "$work_dir/weaken_verneed" ] || [ "$here/weaken_verneed.c" -nt "$work_dir/weaken_verneed" ]; then
    gcc -O2 -o "$work_dir/weaken_verneed.tmp" "$here/weaken_verneed.c"
    mv -f "$work_dir/weaken_verneed.tmp" "$work_dir/weaken_verneed"
fi
if [ ! -f "$work_dir/$shim" ] || [ "$here/ios_base_shim.c" -nt "$work_dir/$shim" ]; then
    gcc -O2 -shared -fPIC -o "$work_dir/$shim.tmp" "$here/ios_base_shim.c"
    mv -f "$work_dir/$shim.tmp" "$work_dir/$shim"
fi

for lib in "${targets[@]}"; do
    dir=$(dirname "$lib")
    # Replace the shim only when it changed, and by rename: cp over it would rewrite, in place, a library
    # that a running neural-style has mapped, and that process then crashed at exit (SIGSEGV in the
    # shim's destructor stub) when a build ran during it.
    if ! cmp -s "$work_dir/$shim" "$dir/$shim"; then
        cp -f "$work_dir/$shim" "$dir/$shim.tmp"
        mv -f "$dir/$shim.tmp" "$dir/$shim"
    fi
    if patchelf --print-needed "$lib" | grep -qx "$shim"; then
        continue # already patched
    fi
    # Patch a copy and swap it in, so an interrupted build never leaves a broken library.
    tmp="$lib.patching"
    cp -f "$lib" "$tmp"
    patchelf --clear-symbol-version "$symbol" "$tmp"
    "$work_dir/weaken_verneed" "$tmp" "$version" >/dev/null
    patchelf --add-needed "$shim" "$tmp"
    mv -f "$tmp" "$lib"
    echo "libstdcxx-compat: patched $lib"
done
