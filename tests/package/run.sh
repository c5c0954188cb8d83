#!/usr/bin/env bash
# Proves the packages work for someone who only has them (issue 11, section 3):
#   1. packs NeuralStyle and neural-style into a fresh local folder feed, with a version used only by this run;
#   2. creates a console project in a temporary folder (outside this repository, so none of its build
#      files apply), references NeuralStyle from that feed (plus the machine's configured NuGet sources),
#      pastes the program of README.md's "Use it from C#" section (and checks the package's README has
#      the same program), runs it at 64 px and checks the PNG;
#   3. installs the tool with `dotnet tool install --tool-path … --add-source FEED neural-style` and runs
#      `neural-style stylize … --size 32 --iterations 2`.
# Needs only NuGet (packages come from the machine's cache when there); no stdin. Exit code 0 = all passed.
# The machine's NuGet cache is reused; the unique prerelease version means nothing stale can be served
# from it, and that version's cache folders are removed at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
say() { printf 'package: %s\n' "$*"; }
fail() { printf 'package: FAILED: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/neural-style-package.XXXXXX")
version_suffix="ci.$(date -u +%Y%m%d%H%M%S).$$"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/Directory.Build.props")-$version_suffix"
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
cleanup() {
    rm -rf "$work" "${cache%/}/neuralstyle/$version" "${cache%/}/neural-style/$version"
    rmdir "${cache%/}/neuralstyle" "${cache%/}/neural-style" 2>/dev/null || true
}
trap cleanup EXIT
feed="$work/feed"
mkdir -p "$feed"

# PNG width and height from the IHDR chunk (bytes 16..23, big-endian).
png_size() {
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$1 is not a PNG"
    local hex; hex=$(od -An -tx1 -j16 -N8 "$1" | tr -d ' \n')
    echo "$((16#${hex:0:8})) $((16#${hex:8:8}))"
}
# Checks that PNG $1 has longest side $2 and the proportions of image $3 (to a pixel).
check_png() {
    [ -s "$1" ] || fail "$1 was not written"
    read -r w h < <(png_size "$1")
    read -r sw sh < <(png_size "$3")
    local long=$(( w > h ? w : h )) short=$(( w > h ? h : w )) slong=$(( sw > sh ? sw : sh )) sshort=$(( sw > sh ? sh : sw ))
    local expect=$(( (2 * $2 * sshort + slong) / (2 * slong) )) # rounded
    [ "$long" -eq "$2" ] && [ $(( short - expect )) -ge -1 ] && [ $(( short - expect )) -le 1 ] && [ $(( (w > h) == (sw > sh) )) -eq 1 ] \
        || fail "$1 is ${w}×${h}; expected longest side $2 with the proportions of $3 (${sw}×${sh})"
    say "ok: $1 is a ${w}×${h} PNG"
}

say "packing NeuralStyle and neural-style $version into $feed"
for project in src/NeuralStyle/NeuralStyle.csproj src/NeuralStyle.Cli/NeuralStyle.Cli.csproj; do
    dotnet pack "$repo/$project" -c Release -o "$feed" -p:VersionSuffix="$version_suffix" -v:q -nologo </dev/null \
        || fail "dotnet pack $project"
done
for p in "$feed"/*.nupkg; do say "  $(basename "$p"): $(( $(stat -c %s "$p") / 1000000 )) MB"; done
library="$feed/NeuralStyle.$version.nupkg"
[ -f "$library" ] && [ -f "$feed/neural-style.$version.nupkg" ] || fail "the feed lacks a package: $(ls "$feed")"

# The README's program, and the same from the package's own README: they must be identical.
extract() { sed -n '/<!-- csharp-example:begin -->/,/<!-- csharp-example:end -->/p' | sed '1,2d;$d' | sed '$d'; }
program=$(extract < "$repo/README.md")
[ -n "$program" ] || fail "README.md has no program between <!-- csharp-example:begin --> and <!-- csharp-example:end -->"
unzip -p "$library" README.md | extract | diff -u <(printf '%s\n' "$program") - >/dev/null \
    || fail "the program in README.md differs from the one in src/NeuralStyle/PACKAGE.md (the package's README)"
say "the program in README.md (\"Use it from C#\") is the one in the package's README: $(printf '%s\n' "$program" | wc -l) lines"

say "creating a console project in $work/app that references NeuralStyle $version"
cd "$work"
dotnet new console -o app -n StylizeApp --framework net10.0 </dev/null >/dev/null || fail "dotnet new console"
cd app
# The local feed besides the sources this machine is configured with (nuget.org here).
cat > nuget.config <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="neural-style-local-feed" value="$feed" />
  </packageSources>
</configuration>
CONFIG
dotnet add package NeuralStyle --version "$version" </dev/null >/dev/null || fail "dotnet add package NeuralStyle --version $version"
printf '%s\n' "$program" > Program.cs

say "running the README's program at 64 px: chelsea.png × starry_night.jpg"
dotnet build -c Release -v:q -nologo </dev/null > build.log 2>&1 || { cat build.log; fail "the README's program does not build against the package"; }
# Debian 12: the package's buildTransitive targets must have patched the consumer's libLibTorchSharp.so
# (the run below would fail to load torch otherwise; this says why).
# (awk reads all its input: an early exit would SIGPIPE ldconfig, and pipefail would end the script silently.)
libstdcxx=$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found = 1}')
if [ -n "$libstdcxx" ] && ! grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then
    lib=$(find bin/Release -name libLibTorchSharp.so -print -quit)
    patchelf --print-needed "$lib" | grep -qx libios_base_shim.so || fail "$lib was not patched for this libstdc++"
    say "ok: this libstdc++ lacks GLIBCXX_3.4.32 and the package's targets patched the consumer's libLibTorchSharp.so"
fi
out="$work/chelsea_starry.png"
CI=true dotnet run -c Release --no-build -- "$repo/examples/chelsea.png" "$repo/examples/starry_night.jpg" "$out" 64 </dev/null > run.log 2>&1 \
    || { tail -n 20 run.log; fail "the README's program failed"; }
say "  $(grep -c '^step ' run.log) progress lines; last: $(grep '^step ' run.log | tail -n 1)"
grep -qx "wrote $out" run.log || fail "the program did not say 'wrote $out'"
check_png "$out" 64 "$repo/examples/chelsea.png"

bin=bin/Release/net10.0
[ -f "$bin/BundledModels/vgg19-conv3_4.pth" ] && [ -f "$bin/DnnImageModels/ResNet18Onnx/ResNet18.onnx" ] \
    || fail "the bundled models are not in the consumer's output"
others=$(find "$bin/runtimes" -mindepth 1 -maxdepth 1 -type d ! -name "$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n 1)" -printf '%f ' 2>/dev/null || true)
[ -z "$others" ] || fail "the consumer's output has other platforms' natives: $others"
say "ok: the consumer's output holds both models and only this platform's natives: $(du -sh "$bin" | cut -f1)"

say "installing the tool: dotnet tool install --tool-path $work/tools --add-source FEED --version $version neural-style"
dotnet tool install --tool-path "$work/tools" --add-source "$feed" --version "$version" neural-style </dev/null >/dev/null \
    || fail "dotnet tool install neural-style"
out="$work/tool.png"
CI=true "$work/tools/neural-style" stylize "$repo/examples/chelsea.png" "$repo/examples/starry_night.jpg" -o "$out" \
    --size 32 --iterations 2 </dev/null > "$work/tool.log" 2>&1 || { cat "$work/tool.log"; fail "neural-style stylize (installed tool)"; }
grep -qx "wrote $out" "$work/tool.log" || { cat "$work/tool.log"; fail "the tool did not say 'wrote $out'"; }
check_png "$out" 32 "$repo/examples/chelsea.png"
# The installed tool's web server: starts on a free port, serves the page and the API, stops on SIGTERM.
log="$work/serve.log"
"$work/tools/neural-style" serve --port 0 --data "$work/server" </dev/null >"$log" 2>&1 &
serve=$!
url=""
for _ in $(seq 1 60); do
    url=$(sed -n 's/^neural-style: serving \(http[^ ]*\).*/\1/p' "$log")
    [ -n "$url" ] && break
    kill -0 "$serve" 2>/dev/null || break
    sleep 1
done
[ -n "$url" ] || { kill "$serve" 2>/dev/null; fail "neural-style serve did not start: $(cat "$log")"; }
grep -q '"presets"' < <(curl -sf "$url/api/options") || { kill "$serve"; fail "serve's /api/options did not answer"; }
grep -q '<title>NeuralStyle</title>' < <(curl -sf "$url/") || { kill "$serve"; fail "serve's page did not load"; }
kill -TERM "$serve"
wait "$serve" || fail "neural-style serve exited with $? on SIGTERM"
say "ok: the installed tool's serve answered at $url and stopped on SIGTERM"

say "passed"
