"""make install / make uninstall: the installed binary runs and finds the
installed DMARC rollout templates, the man page and the bash completion are
in place, and uninstall leaves nothing behind.

Each test builds into its own BUILD folder under the test's work folder, so
that installing for another datadir (compiled into the binary) never
rebuilds build/mailauth under the other tests.
"""
import os
import subprocess

from harness import TOP, check
from test_report import MAR1, OWN, SES, mail, report

CONFIG = """\
version: 1
domains:
  example.com:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout: { template: standard, start: 2026-12-01 }
"""
TEMPLATES = sorted(n for n in os.listdir(os.path.join(TOP, "policies", "dmarc")) if n.endswith(".yaml"))


def make(e, *args):
    r = subprocess.run(["make", "-s", "-C", TOP, "-j4", "BUILD=" + os.path.join(e.dir, "build")] + list(args),
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 0, "make %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def files_under(top):
    return sorted(os.path.relpath(os.path.join(d, n), top) for d, _, ns in os.walk(top) for n in ns)


def run(binary, e, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILAUTH")}
    env["NO_COLOR"] = "1"
    return subprocess.run([binary] + list(args), cwd=e.dir, env=env, capture_output=True, text=True, timeout=60)


def check_runs(binary, e):
    r = run(binary, e, "--version")
    check(r.returncode == 0 and r.stdout.startswith("mailauth "), "--version: %r %r" % (r.stdout, r.stderr))
    r = run(binary, e, "help")
    check(r.returncode == 0 and "rollout" in r.stdout, "help: %r" % r.stderr)
    e.config(CONFIG)
    r = run(binary, e, "rollout", "status", "--at", "2026-12-02")
    check(r.returncode == 0 and "p=none" in r.stdout, "rollout status: exit %d\n%s%s" % (
        r.returncode, r.stdout, r.stderr))
    # A gzip'd report in an e-mail: read through the installed report
    # object (GMime), not the build tree's.
    path = os.path.join(e.dir, "report.eml")
    with open(path, "wb") as f:
        f.write(mail(report("google.com", "g-1", MAR1, [SES, OWN])))
    r = run(binary, e, "report", "--format", "csv", path)
    check(r.returncode == 0 and "example.com,54.240.8.12,1200," in r.stdout, "report: exit %d\n%s%s" % (
        r.returncode, r.stdout, r.stderr))


def test_install_prefix_then_uninstall(e):
    prefix = os.path.join(e.dir, "prefix")
    make(e, "install", "PREFIX=" + prefix)
    want = ["bin/mailauth", "lib/mailauth/report.so", "share/bash-completion/completions/mailauth", "share/man/man1/mailauth.1",
            "share/zsh/site-functions/_mailauth", "share/fish/vendor_completions.d/mailauth.fish"] + \
        ["share/mailauth/policies/dmarc/" + n for n in TEMPLATES]
    check(files_under(prefix) == sorted(want), "installed: %r" % files_under(prefix))
    check(os.access(os.path.join(prefix, "bin", "mailauth"), os.X_OK), "the binary is not executable")
    with open(os.path.join(prefix, "share/man/man1/mailauth.1")) as f, \
            open(os.path.join(TOP, "docs", "mailauth.1")) as g:
        check(f.read() == g.read(), "the installed man page differs from docs/mailauth.1")
    r = subprocess.run(["man", "-l", os.path.join(prefix, "share/man/man1/mailauth.1")],
                       capture_output=True, text=True, timeout=60, env=dict(os.environ, MANPAGER="cat"))
    check(r.returncode == 0 and "rollout status" in r.stdout, "man: %r" % r.stderr)
    r = subprocess.run(["bash", "-c", ". '%s' && complete -p mailauth" %
                        os.path.join(prefix, "share/bash-completion/completions/mailauth")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and "_mailauth" in r.stdout, "completion: %r %r" % (r.stdout, r.stderr))
    # Each installed script completes through the installed binary.
    from test_completion import bash_complete, fish_complete, zsh_complete
    env = dict(os.environ, PATH=os.path.join(prefix, "bin") + os.pathsep + os.environ["PATH"])
    share = os.path.join(prefix, "share")
    check(bash_complete(["mailauth", "rollout", ""], e.dir, env,
                        os.path.join(share, "bash-completion/completions/mailauth")) == ["status", "check"],
          "installed bash completion")
    check(zsh_complete(["mailauth", "rollout", ""], e.dir, env,
                       os.path.join(share, "zsh/site-functions/_mailauth")) == ["A:status", "A:check"],
          "installed zsh completion")
    check(sorted(fish_complete("mailauth rollout ", e.dir, env,
                               os.path.join(share, "fish/vendor_completions.d/mailauth.fish"))) == ["check", "status"],
          "installed fish completion")
    check_runs(os.path.join(prefix, "bin", "mailauth"), e)
    make(e, "uninstall", "PREFIX=" + prefix)
    check(files_under(prefix) == [], "left after uninstall: %r" % files_under(prefix))
    check(not os.path.exists(os.path.join(prefix, "share", "mailauth")), "share/mailauth is left")


def test_installed_binary_finds_compiled_datadir(e):
    # bindir and datadir apart: only the datadir compiled in finds the templates.
    bindir, datadir = os.path.join(e.dir, "bin"), os.path.join(e.dir, "data")
    args = ["PREFIX=" + os.path.join(e.dir, "p"), "bindir=" + bindir, "datadir=" + datadir]
    make(e, "install", *args)
    binary = os.path.join(bindir, "mailauth")
    check(sorted(os.listdir(os.path.join(datadir, "mailauth", "policies", "dmarc"))) == TEMPLATES,
          "templates: %r" % files_under(datadir))
    check_runs(binary, e)
    # Without them, the template is not found: the templates were read from there.
    make(e, "uninstall", *args)
    make(e, "install", *args)
    for n in TEMPLATES:
        os.unlink(os.path.join(datadir, "mailauth", "policies", "dmarc", n))
    r = run(binary, e, "rollout", "status", "--at", "2026-12-02")
    check(r.returncode == 1 and "standard" in r.stderr, "without templates: exit %d\n%s" % (r.returncode, r.stderr))
    make(e, "uninstall", *args)
    check(files_under(e.dir + "/p") == [] and files_under(bindir) == [] and files_under(datadir) == [],
          "left after uninstall: %r" % (files_under(bindir) + files_under(datadir),))


def test_install_destdir_then_uninstall(e):
    stage = os.path.join(e.dir, "stage")
    make(e, "install", "DESTDIR=" + stage, "PREFIX=/usr")
    want = ["usr/bin/mailauth", "usr/lib/mailauth/report.so", "usr/share/bash-completion/completions/mailauth", "usr/share/man/man1/mailauth.1",
            "usr/share/zsh/site-functions/_mailauth", "usr/share/fish/vendor_completions.d/mailauth.fish"] + \
        ["usr/share/mailauth/policies/dmarc/" + n for n in TEMPLATES]
    check(files_under(stage) == sorted(want), "staged: %r" % files_under(stage))
    with open(os.path.join(e.dir, "build", "datadir")) as f:
        built = f.read().strip()
    check(built == "/usr/share/mailauth", "built for datadir %r" % built)
    # Not at its final path, the staged binary still finds the staged
    # templates beside it (../share/mailauth).
    check_runs(os.path.join(stage, "usr", "bin", "mailauth"), e)
    make(e, "uninstall", "DESTDIR=" + stage, "PREFIX=/usr")
    check(files_under(stage) == [], "left after uninstall: %r" % files_under(stage))
