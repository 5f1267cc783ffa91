#!/usr/bin/env bash
# Install a released gitops-lint binary: download the archive for this platform, verify its
# SHA-256 against the published .sha256 (and its build provenance attestation with `gh`),
# then put the binary in $GITOPS_LINT_ROOT/bin. Used by action.yml; tested by
# tests/install_release.rs against a local directory.
#
#   install-release.sh --print-target      print the release target for this runner
#   install-release.sh                     install
#
# Environment:
#   GITOPS_LINT_VERSION   X.Y.Z (required to install)
#   GITOPS_LINT_ROOT      install root; the binary goes to ROOT/bin (required to install)
#   GITOPS_LINT_BASE_URL  where the release's files are: https://... or a local directory
#                         (file:// or a path); the archive is BASE/gitops-lint-TARGET-vX.Y.Z.tgz
#   GITOPS_LINT_TARGET    the target triple (default: from RUNNER_OS/RUNNER_ARCH, else uname)
#   GITOPS_LINT_VERIFY_ATTESTATION  auto (verify when gh is on PATH, default), true, false
#   GITOPS_LINT_REPOSITORY  owner/name whose attestations are trusted (for gh)
set -euo pipefail

die() {
  echo "install-release: error: $*" >&2
  exit 1
}

detect_target() {
  local os="${RUNNER_OS:-$(uname -s)}" arch="${RUNNER_ARCH:-$(uname -m)}"
  case "$arch" in
    X64 | x86_64 | amd64 | AMD64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) die "no release archive for architecture '$arch'" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    macOS | Darwin) echo "$arch-apple-darwin" ;;
    Windows | MINGW* | MSYS* | CYGWIN*)
      [ "$arch" = x86_64 ] || die "no release archive for Windows on $arch"
      echo "x86_64-pc-windows-msvc"
      ;;
    *) die "no release archive for OS '$os'" ;;
  esac
}

# fetch URL-OR-PATH DEST: download over https, or copy from a local directory.
fetch() {
  case "$1" in
    https://*) curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$2" "$1" ;;
    http://*) die "refusing a plain http download: $1" ;;
    file://*) cp -- "${1#file://}" "$2" ;;
    *) cp -- "$1" "$2" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  else
    shasum -a 256 -- "$1" | cut -d' ' -f1
  fi
}

verify_attestation() {
  local archive="$1" mode="${GITOPS_LINT_VERIFY_ATTESTATION:-auto}"
  case "$mode" in
    false) return 0 ;;
    auto | true) ;;
    *) die "GITOPS_LINT_VERIFY_ATTESTATION must be auto, true or false, not '$mode'" ;;
  esac
  if ! command -v gh >/dev/null 2>&1; then
    [ "$mode" = true ] && die "attestation verification asked for, but gh is not on PATH"
    echo "install-release: gh not found; attestation not verified (checksum verified)"
    return 0
  fi
  [ -n "${GITOPS_LINT_REPOSITORY:-}" ] || die "GITOPS_LINT_REPOSITORY is needed to verify the attestation"
  gh attestation verify "$archive" --repo "$GITOPS_LINT_REPOSITORY" >/dev/null \
    || die "the build provenance attestation of $(basename "$archive") did not verify for $GITOPS_LINT_REPOSITORY"
  echo "install-release: attestation verified ($GITOPS_LINT_REPOSITORY)"
}

install() {
  local version="${GITOPS_LINT_VERSION:?GITOPS_LINT_VERSION is required}"
  local root="${GITOPS_LINT_ROOT:?GITOPS_LINT_ROOT is required}"
  local base="${GITOPS_LINT_BASE_URL:?GITOPS_LINT_BASE_URL is required}"
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "version '$version' is not X.Y.Z"
  local target="${GITOPS_LINT_TARGET:-$(detect_target)}" ext=tgz exe=""
  [[ "$target" == *-windows-* ]] && ext=zip exe=.exe
  local name="gitops-lint-$target-v$version"
  work=$(mktemp -d) # global: the EXIT trap removes it
  trap 'rm -rf "$work"' EXIT

  fetch "$base/$name.$ext" "$work/$name.$ext" || die "could not download $base/$name.$ext"
  fetch "$base/$name.$ext.sha256" "$work/$name.$ext.sha256" \
    || die "no checksum at $base/$name.$ext.sha256: refusing to install an unverified archive"
  local expected actual
  expected=$(cut -d' ' -f1 < "$work/$name.$ext.sha256" | tr 'A-F' 'a-f')
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || die "$name.$ext.sha256 holds no SHA-256"
  actual=$(sha256_of "$work/$name.$ext")
  [ "$actual" = "$expected" ] \
    || die "checksum mismatch for $name.$ext: expected $expected, got $actual (archive rejected)"
  echo "install-release: sha256 verified for $name.$ext"
  verify_attestation "$work/$name.$ext"

  mkdir -p "$work/x"
  if [ "$ext" = zip ]; then
    if command -v unzip >/dev/null 2>&1; then
      (cd "$work/x" && unzip -q "../$name.zip")
    else
      (cd "$work/x" && 7z x -y "../$name.zip" >/dev/null) # Windows runners have 7z
    fi
  else
    tar -xzf "$work/$name.tgz" -C "$work/x"
  fi
  local bin="$work/x/$name/gitops-lint$exe"
  [ -f "$bin" ] || die "$name.$ext has no $name/gitops-lint$exe"
  mkdir -p "$root/bin"
  cp -- "$bin" "$root/bin/gitops-lint$exe"
  chmod 755 "$root/bin/gitops-lint$exe"
  "$root/bin/gitops-lint$exe" --version
}

case "${1:-}" in
  --print-target) detect_target ;;
  "") install ;;
  *) die "unknown argument '$1' (expected --print-target or nothing)" ;;
esac
