#!/usr/bin/env bash
# Installs the TensorFlow backend of TF.js (@tensorflow/tfjs-node) without its download step.
#
# tfjs-node's own install script fetches libtensorflow from a server outside the package registries.
# This script takes the same C library from the `tensorflow-cpu` wheel that pip can fetch instead:
# libtensorflow_cc.so.2 (as libtensorflow.so and libtensorflow.so.<version the binding checks>),
# libtensorflow_framework.so.2 and the C API headers go into the package's deps/, then node-gyp builds
# the binding against them. Idempotent; re-run it after `npm ci` (which wipes node_modules).
#
# When the wheel cannot be fetched (or TAPWATCH_TENSORFLOW=skip), it says so and exits 0: Tapwatch
# then runs its models on the WebAssembly backend (@tensorflow/tfjs-backend-wasm), which always ships.
set -euo pipefail
cd "$(dirname "$0")/.."

TFJS_NODE_VERSION=4.22.0
WHEEL_SPEC="tensorflow-cpu==${TAPWATCH_TENSORFLOW_WHEEL_VERSION:-2.21.0}"
CACHE_DIR=${TAPWATCH_TENSORFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tapwatch/tensorflow}
PKG=node_modules/@tensorflow/tfjs-node

say() { echo "tensorflow backend: $*"; }
skip() { say "$* The models run on the WebAssembly backend instead."; exit 0; }

[[ "${TAPWATCH_TENSORFLOW:-}" == skip ]] && skip "skipped (TAPWATCH_TENSORFLOW=skip)."
[[ -d node_modules/@tensorflow/tfjs-core ]] || { echo "tensorflow backend: run npm ci first (node_modules/@tensorflow/tfjs-core is missing)" >&2; exit 1; }

loads() { node -e "require('@tensorflow/tfjs-node')" >/dev/null 2>&1; }

if [[ -d "$PKG" ]] && [[ "$(node -p "require('./$PKG/package.json').version")" == "$TFJS_NODE_VERSION" ]] && loads; then
  say "@tensorflow/tfjs-node $TFJS_NODE_VERSION is already installed and loads."
  exit 0
fi

command -v pip >/dev/null 2>&1 || command -v pip3 >/dev/null 2>&1 || skip "pip is not installed, so the tensorflow-cpu wheel cannot be fetched."
PIP=$(command -v pip || command -v pip3)
mkdir -p "$CACHE_DIR"
wheel=$(ls "$CACHE_DIR"/tensorflow_cpu-*.whl 2>/dev/null | head -n 1 || true)
if [[ -z "$wheel" ]]; then
  say "fetching the $WHEEL_SPEC wheel with pip (about 275 MB)"
  "$PIP" download --quiet --no-deps --only-binary=:all: -d "$CACHE_DIR" "$WHEEL_SPEC" >/dev/null 2>&1 \
    || skip "pip could not fetch $WHEEL_SPEC."
  wheel=$(ls "$CACHE_DIR"/tensorflow_cpu-*.whl | head -n 1)
fi

# The package itself, without its install script (which would try the download); npm ci drops it again.
if [[ ! -f "$PKG/package.json" ]] || [[ "$(node -p "require('./$PKG/package.json').version")" != "$TFJS_NODE_VERSION" ]]; then
  say "adding @tensorflow/tfjs-node $TFJS_NODE_VERSION to node_modules (not to package.json)"
  npm install --no-save --ignore-scripts --no-audit --no-fund "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" >/dev/null
fi

# The library version tfjs-node's install script and binding expect, e.g. 2.9.1.
lib_version=$(node -p "require('./$PKG/scripts/deps-constants.js').LIBTENSORFLOW_VERSION")
deps="$PKG/deps"
rm -rf "$deps"
mkdir -p "$deps/lib" "$deps/include"
say "staging libtensorflow from $(basename "$wheel") into $deps"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
unzip -q -o "$wheel" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' 'tensorflow/include/*' -d "$staging"
mv "$staging/tensorflow/libtensorflow_cc.so.2" "$deps/lib/libtensorflow.so.$lib_version"
ln -s "libtensorflow.so.$lib_version" "$deps/lib/libtensorflow.so"
ln -s "libtensorflow.so.$lib_version" "$deps/lib/libtensorflow.so.2"
# the wheel's library names itself libtensorflow_cc.so.2 (its soname): the loader looks for that
ln -s "libtensorflow.so.$lib_version" "$deps/lib/libtensorflow_cc.so.2"
mv "$staging/tensorflow/libtensorflow_framework.so.2" "$deps/lib/libtensorflow_framework.so.2"
ln -s libtensorflow_framework.so.2 "$deps/lib/libtensorflow_framework.so"
cp -a "$staging/tensorflow/include/." "$deps/include/"

say "building the binding with node-gyp"
if [[ -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
(cd "$PKG" && ../../.bin/node-pre-gyp rebuild --loglevel=error >/dev/null 2>"$staging/build.log") || {
  tail -n 30 "$staging/build.log" >&2
  echo "tensorflow backend: building the tfjs-node binding failed (log above); the models run on the WebAssembly backend." >&2
  exit 0
}
if loads; then
  say "installed: @tensorflow/tfjs-node $TFJS_NODE_VERSION on libtensorflow from $(basename "$wheel")."
else
  say "the binding was built but does not load: $(node -e "require('@tensorflow/tfjs-node')" 2>&1 | head -n 3 | tr '\n' ' ')"
  skip "tfjs-node is left installed but unused."
fi
