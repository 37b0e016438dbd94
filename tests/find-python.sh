#!/bin/sh
# Prints the path of a Python 3 that can run the Route 53 emulator: it must
# import moto (5 or later, with its server) and boto3.  Tries
# $MAILAUTH_PYTHON, the virtual environment make test-deps makes when no
# other Python can ($MAILAUTH_VENV, default build/venv), the python3 on
# PATH, pyenv's, then the system's.  Exits 1 with a message when none can.
top=$(cd "$(dirname "$0")/.." && pwd)
for py in "${MAILAUTH_PYTHON:-}" "${MAILAUTH_VENV:-$top/build/venv}/bin/python3" \
    "$(command -v python3 2>/dev/null)" \
    "$HOME/.pyenv/shims/python3" /root/.pyenv/shims/python3 \
    $(ls -d "$HOME"/.pyenv/versions/*/bin/python3 /root/.pyenv/versions/*/bin/python3 2>/dev/null) \
    /usr/local/bin/python3 /usr/bin/python3; do
	[ -n "$py" ] && [ -x "$py" ] || continue
	if "$py" -c 'import moto, moto.server, boto3; assert int(moto.__version__.split(".")[0]) >= 5' >/dev/null 2>&1; then
		echo "$py"
		exit 0
	fi
done
echo "mailauth tests: no Python 3 here imports moto 5 (with moto.server) and boto3; run 'make test-deps' or set MAILAUTH_PYTHON" >&2
exit 1
