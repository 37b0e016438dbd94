#!/bin/sh
# Installs what building and testing mailauth needs on Debian: the -dev
# packages (apt-get, as root or through sudo), and a Python with moto and
# boto3 for the Route 53 emulator (pip, only where no Python has them).
#
# "deps.sh fuzz" (make fuzz-deps) installs only what `make fuzz` needs on
# top: clang and its libFuzzer and sanitizer runtimes.  `make check` needs
# none of them: it runs the fuzz harnesses over their seeds with gcc.
set -eu

if [ "${1:-}" = fuzz ]; then
	pkgs="clang libclang-rt-14-dev"
else
	pkgs="gcc make pkg-config libcurl4-openssl-dev libssl-dev libyaml-dev libcjson-dev libxml2-dev zlib1g-dev libarchive-dev libgmime-3.0-dev libidn2-dev libpsl-dev check ca-certificates openssl man-db git"
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "deps: installing Debian packages:$missing"
	if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi

if [ "${1:-}" = fuzz ]; then
	exit 0
fi

here=$(dirname "$0")
if ! sh "$here/find-python.sh" >/dev/null 2>&1; then
	py=$(command -v python3 || true)
	if [ -z "$py" ]; then
		echo "deps: no python3 found; install Python 3 to run the Route 53 emulator (moto)" >&2
		exit 1
	fi
	echo "deps: no Python here imports moto and boto3; installing them with pip"
	"$py" -m pip install --user 'moto[server]>=5' boto3 || {
		echo "deps: pip could not install moto[server] and boto3; 'make check' needs them" >&2
		exit 1
	}
fi
