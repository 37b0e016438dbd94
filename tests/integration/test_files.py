"""Integration tests of the files mailauth reads and writes on the user's
word (issue 15): plan --out never replaces what is not a regular file and
--out - prints the JSON alone; a FIFO named as a config or a saved plan is
refused at once; dkim keygen makes its folder and keeps the private key out
of git."""
import json
import os
import stat
import subprocess

from harness import DMARC_CFG, check, ok


def test_plan_out_refuses_a_symlink_and_leaves_its_target(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    target = os.path.join(e.dir, "precious")
    with open(target, "w") as f:
        f.write("keep me")
    os.symlink("precious", os.path.join(e.dir, "plan.json"))
    r = ok(e.run("plan", "--out", "plan.json"), 1)
    check("'plan.json' is a symbolic link: mailauth writes only a regular file there and leaves this one "
          "as it is" in r.stderr, r.stderr)
    check(os.path.islink(os.path.join(e.dir, "plan.json")), "the link was replaced")
    with open(target) as f:
        check(f.read() == "keep me", "the link's target changed")
    # A FIFO there is refused too, without waiting for a reader.
    os.mkfifo(os.path.join(e.dir, "fifo.json"))
    r = ok(e.run("plan", "--out", "fifo.json", timeout=20), 1)
    check("'fifo.json' is a FIFO: " in r.stderr, r.stderr)
    check(stat.S_ISFIFO(os.lstat(os.path.join(e.dir, "fifo.json")).st_mode), "the FIFO was replaced")
    check(sorted(os.listdir(e.dir)) == ["fifo.json", "mailauth.yaml", "plan.json", "precious"],
          "left behind: %r" % os.listdir(e.dir))


def test_plan_out_uses_no_fixed_temporary(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    # The old fixed name, as a FIFO: writing through it would hang.
    os.mkfifo(os.path.join(e.dir, "plan.json.tmp"))
    r = ok(e.run("plan", "--out", "plan.json", timeout=20))
    check("plan saved to 'plan.json'" in r.stderr, r.stderr)
    with open(os.path.join(e.dir, "plan.json")) as f:
        json.load(f)
    check(stat.S_ISFIFO(os.lstat(os.path.join(e.dir, "plan.json.tmp")).st_mode), "plan.json.tmp was touched")
    check(sorted(os.listdir(e.dir)) == ["mailauth.yaml", "plan.json", "plan.json.tmp"],
          "left behind: %r" % os.listdir(e.dir))
    mode = stat.S_IMODE(os.stat(os.path.join(e.dir, "plan.json")).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    check(mode == 0o666 & ~umask, "mode %o, umask %o" % (mode, umask))


def test_plan_out_dash_prints_the_json_alone(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan", "--out", "-"))
    doc = json.loads(r.stdout)
    check(doc.get("format_version") is not None, r.stdout)
    check("plan saved" not in r.stderr and "Plan:" not in r.stdout, r.stderr)
    check(not os.path.exists(os.path.join(e.dir, "-")), "a file named '-' was written")
    # What --out - prints is what --out FILE saves, and apply takes it.
    with open(os.path.join(e.dir, "plan.json"), "w") as f:
        f.write(r.stdout)
    ok(e.run("apply", "--auto-approve", "plan.json"))
    check(e.records(zid).get(("_dmarc.example.com.", "TXT")) is not None, "not applied")
    r = ok(e.run("plan", "--out", "-", "--format", "text"), 1)
    check("option '--format' cannot be used with '--out -', which prints the saved plan's JSON alone"
          in r.stderr, r.stderr)


def test_fifo_as_config_or_saved_plan_is_refused_at_once(e):
    fifo = os.path.join(e.dir, "fifo")
    os.mkfifo(fifo)
    r = ok(e.run("validate", "-c", "fifo", timeout=20), 1)
    check("cannot read 'fifo': it is a FIFO, not a regular file" in r.stderr, r.stderr)
    r = ok(e.run("apply", "--auto-approve", "fifo", timeout=20), 1)
    check("cannot read 'fifo': it is a FIFO, not a regular file" in r.stderr, r.stderr)
    r = ok(e.run("validate", "-c", ".", timeout=20), 1)
    check("cannot read '.': it is a folder, not a regular file" in r.stderr, r.stderr)


def keygen(e, *args):
    return e.run("dkim", "keygen", "--selector", "s1", "--type", "ed25519", *args)


def test_keygen_makes_its_folder_and_never_overwrites(e):
    r = ok(keygen(e, "--out", "keys"))
    keys = os.path.join(e.dir, "keys")
    check(stat.S_IMODE(os.stat(keys).st_mode) == 0o700, "folder mode %o" % os.stat(keys).st_mode)
    priv = os.path.join(keys, "s1.private.pem")
    check(stat.S_IMODE(os.stat(priv).st_mode) == 0o600, "key mode %o" % os.stat(priv).st_mode)
    check("wrote keys/s1.private.pem" in r.stdout, r.stdout)
    with open(priv) as f:
        before = f.read()
    r = ok(keygen(e, "--out", "keys"), 1)
    check("'keys/s1.private.pem' already exists; mailauth never overwrites a key" in r.stderr, r.stderr)
    with open(priv) as f:
        check(f.read() == before, "the key was overwritten")
    r = ok(keygen(e, "--out", "missing/keys"), 1)
    check("cannot create 'missing/keys': No such file or directory" in r.stderr, r.stderr)


def git(e, *args):
    subprocess.run(["git", "-C", e.dir] + list(args), check=True, capture_output=True)


def test_keygen_refuses_a_git_work_tree_unless_ignored(e):
    git(e, "init", "-q")
    r = ok(keygen(e, "--out", "keys"), 1)
    check("'keys' is in a git work tree and git does not ignore 's1.private.pem': add the line "
          "'*.private.pem' to a .gitignore there, or give --out a folder outside the work tree"
          in r.stderr, r.stderr)
    check(not os.path.exists(os.path.join(e.dir, "keys")), "the folder was left behind")
    r = ok(keygen(e), 1)
    check("'.' is in a git work tree" in r.stderr, r.stderr)
    with open(os.path.join(e.dir, ".gitignore"), "w") as f:
        f.write("*.private.pem\n")
    ok(keygen(e, "--out", "keys"))
    check(os.path.exists(os.path.join(e.dir, "keys", "s1.private.pem")), "no key written")
