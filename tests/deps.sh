#!/bin/sh
# Installs what mailauth needs on Debian (apt-get, as root or through sudo).
#
#   deps.sh           (make deps)       building: gcc, make, pkg-config, the
#                                       -dev packages; ca-certificates for the
#                                       built binary's HTTPS to AWS.  This is
#                                       all a pipeline that runs mailauth needs.
#   deps.sh test      (make test-deps)  what make check and make demo need on
#                                       top: the test tools, then the steps
#                                       "emulator" and "linters" below
#   deps.sh emulator  a Python that imports moto 5 and boto3, for the Route 53
#                     emulator: when none does (tests/find-python.sh), the
#                     step "venv"
#   deps.sh venv      a virtual environment, $MAILAUTH_VENV (default
#                     build/venv), made with python3 -m venv (Debian's
#                     python3-venv), and moto[server] and boto3 installed into
#                     it by its own pip ($MAILAUTH_PIP_OPTS: more pip options,
#                     e.g. --no-index --find-links DIR)
#   deps.sh linters   the CI example linters of tests/lint/package.json, with
#                     npm ci into $MAILAUTH_LINT_DIR (default build/lint)
#   deps.sh fuzz      (make fuzz-deps)  clang and its libFuzzer and sanitizer
#                                       runtimes, for make fuzz
#
# Nothing is ever installed into a Python outside a virtual environment.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

BUILD_PKGS="gcc make pkg-config libcurl4-openssl-dev libssl-dev libyaml-dev libcjson-dev libxml2-dev zlib1g-dev libarchive-dev libgmime-3.0-dev libidn2-dev libc-ares-dev libpsl-dev ca-certificates"
TEST_PKGS="check dnsmasq-base openssl man-db git bash curl jq yamllint python3-venv zsh fish"
FUZZ_PKGS="clang libclang-rt-14-dev"

# Installs each Debian package named that is not installed yet.
apt_need() {
	missing=""
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	[ -n "$missing" ] || return 0
	echo "deps: installing Debian packages:$missing"
	if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
	$sudo apt-get update -qq
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
}

emulator() {
	if ! sh "$here/find-python.sh" >/dev/null 2>&1; then
		echo "deps: no Python here imports moto 5 and boto3"
		venv_install
	fi
}

venv_install() {
	venv=${MAILAUTH_VENV:-$top/build/venv}
	command -v python3 >/dev/null 2>&1 || apt_need python3 python3-venv
	if [ ! -x "$venv/bin/python3" ]; then
		echo "deps: making a virtual environment in '$venv'"
		mkdir -p "$(dirname "$venv")"
		if ! python3 -m venv "$venv" 2>/dev/null; then
			# Debian's python3 makes one only with python3-venv.
			rm -rf "$venv"
			apt_need python3-venv
			python3 -m venv "$venv" || {
				rm -rf "$venv"
				echo "deps: python3 -m venv could not make '$venv'" >&2
				exit 1
			}
		fi
	fi
	echo "deps: installing moto[server] and boto3 into '$venv'"
	# shellcheck disable=SC2086 # MAILAUTH_PIP_OPTS is a list of options
	"$venv/bin/python3" -m pip install --disable-pip-version-check -q \
	    ${MAILAUTH_PIP_OPTS:-} 'moto[server]>=5' boto3 || {
		echo "deps: pip could not install moto[server] and boto3 into '$venv'; 'make check' needs them (remove '$venv' to start again)" >&2
		exit 1
	}
	MAILAUTH_PYTHON="$venv/bin/python3" sh "$here/find-python.sh" >/dev/null
}

linters() {
	command -v npm >/dev/null 2>&1 || apt_need nodejs npm
	dir=${MAILAUTH_LINT_DIR:-$top/build/lint}
	# Installed once per version of the lock file: installed-lock.json is
	# its copy, written only after npm ci succeeded.
	if [ -d "$dir/node_modules" ] && cmp -s "$here/lint/package-lock.json" "$dir/installed-lock.json"; then
		return 0
	fi
	echo "deps: installing the CI example linters into '$dir'"
	mkdir -p "$dir"
	rm -f "$dir/installed-lock.json"
	cp "$here/lint/package.json" "$here/lint/package-lock.json" "$dir/"
	(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) || {
		echo "deps: npm ci could not install the linters of tests/lint/package.json into '$dir'" >&2
		exit 1
	}
	cp "$here/lint/package-lock.json" "$dir/installed-lock.json"
}

case "${1:-build}" in
build)		apt_need $BUILD_PKGS ;;
test)		apt_need $TEST_PKGS; emulator; linters ;;
emulator)	emulator ;;
venv)		venv_install ;;
linters)	linters ;;
fuzz)		apt_need $FUZZ_PKGS ;;
*)		echo "usage: deps.sh [build|test|emulator|venv|linters|fuzz]" >&2; exit 2 ;;
esac
