# Sourced by .ci/run (and usable alone: `source .ci/node.sh && node --version`): puts Node.js
# ${LOGFERRY_CI_NODE} (a major, default 24, the LTS line the image uses) first on PATH when the
# machine's own Node.js is older. The binary comes from the npm registry's node-linux-<arch>
# package (the official release build, which also carries the C++ headers under include/node), so
# it needs no access to nodejs.org: `npm pack` fetches it, tar unpacks it, no install script runs.
# npm_config_nodedir points node-gyp at those headers, so better-sqlite3 (an optional native
# dependency whose prebuilt binaries come from GitHub) compiles offline when `npm ci` builds it.
# LOGFERRY_CI_NODE=system keeps the machine's Node.js.
ci_use_node() {
  local want="${LOGFERRY_CI_NODE:-24}"
  if [ "$want" = system ]; then return 0; fi
  local have
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$have" -ge "$want" ] 2>/dev/null; then return 0; fi
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "no node-linux package for $(uname -m); staying on Node.js $(node --version)" >&2; return 0 ;;
  esac
  local root="${LOGFERRY_CI_NODE_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/logferry-ci-node}"
  local dir="$root/node-linux-$arch-$want"
  if [ ! -x "$dir/bin/node" ]; then
    mkdir -p "$root"
    local tarball
    tarball="$(cd "$root" && npm pack --silent "node-linux-$arch@$want")" || {
      echo "could not fetch node-linux-$arch@$want from the npm registry (LOGFERRY_CI_NODE=system keeps Node.js $(node --version))" >&2
      return 1
    }
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$root/$tarball" -C "$dir.tmp" --strip-components=1 && rm -f "$root/$tarball"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
  hash -r
}
ci_use_node
