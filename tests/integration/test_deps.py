"""tests/deps.sh and tests/find-python.sh: where no Python imports moto, the
emulator goes into a virtual environment under build/, installed by that
environment's own pip, and nothing is ever installed into another Python.

There is no package index here, so the environment's pip installs from a
local folder (MAILAUTH_PIP_OPTS) holding two small wheels named moto 5 and
boto3 that this test writes: what is tested is where they go and who
installs them, not moto.  What cannot run here: the download of the real
moto[server] and boto3, and the apt-get of python3-venv when python3 -m venv
fails for lack of it.
"""
import base64
import hashlib
import os
import subprocess
import zipfile

from harness import TOP, check

DEPS = os.path.join(TOP, "tests", "deps.sh")
FIND = os.path.join(TOP, "tests", "find-python.sh")
SYSTEM_PY = "/usr/bin/python3"


def wheel(folder, name, version, files, extras=()):
    """Writes NAME-VERSION-py3-none-any.whl with FILES ({path: text})."""
    info = "%s-%s.dist-info" % (name, version)
    files = dict(files)
    files[info + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s" % (
        name, version, "".join("Provides-Extra: %s\n" % x for x in extras))
    files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: mailauth-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
    files[info + "/RECORD"] = "\n".join(record + [info + "/RECORD,,"]) + "\n"
    path = os.path.join(folder, "%s-%s-py3-none-any.whl" % (name, version))
    with zipfile.ZipFile(path, "w") as z:
        for p, text in files.items():
            z.writestr(p, text)


def deps_env(e, venv, wheels):
    """A PATH whose python3 is Debian's, which has no moto; the venv and the
    pip options of the test; HOME in the work folder."""
    bindir = os.path.join(e.dir, "bin")
    os.makedirs(bindir, exist_ok=True)
    if not os.path.exists(os.path.join(bindir, "python3")):
        os.symlink(SYSTEM_PY, os.path.join(bindir, "python3"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAILAUTH", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update({"PATH": bindir + ":/usr/bin:/bin", "HOME": e.dir, "MAILAUTH_VENV": venv,
                "MAILAUTH_PIP_OPTS": "--no-index --find-links " + wheels})
    return env


def imports(py, module):
    r = subprocess.run([py, "-c", "import %s; print(%s.__file__)" % (module, module)],
                       capture_output=True, text=True, timeout=60)
    return r.stdout.strip() if r.returncode == 0 else None


def test_emulator_goes_into_a_venv_under_build(e):
    check(os.access(SYSTEM_PY, os.X_OK), "no %s" % SYSTEM_PY)
    check(imports(SYSTEM_PY, "moto") is None, "%s imports moto: cannot test the venv path" % SYSTEM_PY)
    wheels = os.path.join(e.dir, "wheels")
    os.makedirs(wheels)
    wheel(wheels, "moto", "5.0.0", {"moto/__init__.py": '__version__ = "5.0.0"\n', "moto/server.py": ""},
          extras=("server",))
    wheel(wheels, "boto3", "1.35.0", {"boto3/__init__.py": '__version__ = "1.35.0"\n'})
    venv = os.path.join(e.dir, "build", "venv")
    env = deps_env(e, venv, wheels)

    r = subprocess.run(["sh", DEPS, "venv"], env=env, capture_output=True, text=True, timeout=300)
    check(r.returncode == 0, "deps.sh venv: exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
    check("deps: making a virtual environment in '%s'" % venv in r.stdout, r.stdout)
    # A venv of Debian's python3, and moto and boto3 in its own site-packages.
    with open(os.path.join(venv, "pyvenv.cfg")) as f:
        cfg = f.read()
    check("include-system-site-packages = false" in cfg, cfg)
    py = os.path.join(venv, "bin", "python3")
    for module in ("moto", "moto.server", "boto3"):
        where = imports(py, module)
        check(where is not None and where.startswith(os.path.join(venv, "lib")), "%s: %r" % (module, where))
    # Nothing reached the system's Python or the user's site-packages.
    check(imports(SYSTEM_PY, "moto") is None and imports(SYSTEM_PY, "boto3") is None, "installed outside the venv")
    check(not os.path.exists(os.path.join(e.dir, ".local")), "pip --user: %r" % os.listdir(e.dir))

    # find-python.sh now finds the venv's python3, before any other Python.
    r = subprocess.run(["sh", FIND], env=env, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and r.stdout == py + "\n", "find-python.sh: %r %r" % (r.stdout, r.stderr))
    # ... and the emulator step then has nothing to do.
    env["MAILAUTH_PIP_OPTS"] = "--no-index --find-links " + os.path.join(e.dir, "nowhere")
    r = subprocess.run(["sh", DEPS, "emulator"], env=env, capture_output=True, text=True, timeout=300)
    check(r.returncode == 0 and r.stdout == "" and r.stderr == "", "emulator: %d %r %r" % (
        r.returncode, r.stdout, r.stderr))


def test_pip_failure_fails_and_says_where(e):
    empty = os.path.join(e.dir, "empty")
    os.makedirs(empty)
    venv = os.path.join(e.dir, "build", "venv")
    r = subprocess.run(["sh", DEPS, "venv"], env=deps_env(e, venv, empty), capture_output=True, text=True,
                       timeout=300)
    check(r.returncode == 1, "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
    check("deps: pip could not install moto[server] and boto3 into '%s'; 'make check' needs them" % venv
          in r.stderr, r.stderr)
    check(imports(os.path.join(venv, "bin", "python3"), "moto") is None, "moto in the venv")
    check(not os.path.exists(os.path.join(e.dir, ".local")), "pip --user")


def test_no_install_outside_a_venv_anywhere(e):
    """No pip --user and no --break-system-packages in what installs or
    documents the dependencies; pip runs only as the venv's."""
    paths = ["Makefile", "README.md", "tests/deps.sh", "tests/find-python.sh"] + \
        ["docs/" + n for n in os.listdir(os.path.join(TOP, "docs")) if n.endswith(".md")] + \
        ["examples/ci/" + n for n in os.listdir(os.path.join(TOP, "examples", "ci"))]
    for p in paths:
        with open(os.path.join(TOP, p)) as f:
            text = f.read()
        for bad in ("--user", "--break-system-packages", "pip install", "pip3 install"):
            check(bad not in text or (p == "tests/deps.sh" and bad == "pip install"), "%s: %s" % (p, bad))
    with open(DEPS) as f:
        pips = [line.strip() for line in f if "pip" in line and not line.lstrip().startswith("#")]
    runs = [line for line in pips if " -m pip " in line]
    check(runs and all(line.startswith('"$venv/bin/python3" -m pip install') for line in runs), repr(pips))


def test_build_deps_are_only_what_building_needs(e):
    """make deps installs the -dev packages and the tools to build, nothing
    the tests use; the test tools come with make test-deps."""
    env = dict(os.environ)
    with open(DEPS) as f:
        text = f.read()

    def pkgs(var):
        line = [x for x in text.splitlines() if x.startswith(var + "=")][0]
        return line.split("=", 1)[1].strip('"').split()
    build, test = pkgs("BUILD_PKGS"), pkgs("TEST_PKGS")
    for p in build:
        check(p.endswith("-dev") or p in ("gcc", "make", "pkg-config", "ca-certificates"), "build dep %s" % p)
    for p in ("check", "dnsmasq-base", "yamllint", "python3-venv", "openssl", "man-db", "git"):
        check(p in test and p not in build, "test dep %s" % p)
    # Every library the Makefile links has its -dev package in the build list.
    r = subprocess.run(["make", "-s", "-C", TOP, "-pn", "all"], capture_output=True, text=True, env=env, timeout=60)
    line = [x for x in r.stdout.splitlines() if x.startswith("PKGS ")][0]
    for lib in line.split("=", 1)[1].split():
        owner = subprocess.run(["sh", "-c", "dpkg -S \"$(pkg-config --variable=pcfiledir %s)/%s.pc\"" % (lib, lib)],
                               capture_output=True, text=True, timeout=60)
        check(owner.returncode == 0, "%s: %s" % (lib, owner.stderr))
        check(owner.stdout.split(":")[0] in build, "%s comes from %s, not in BUILD_PKGS" % (lib, owner.stdout))
