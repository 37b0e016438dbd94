"""The pipelines in examples/ci/: they do what docs/rollout.md says, and every
mailauth command line in them is one mailauth accepts."""
import os
import re
import shlex
import subprocess

import yaml

from harness import BIN, TOP, check

CI = os.path.join(TOP, "examples", "ci")


def commands(text):
    """Each mailauth command in a shell script text (the first word of a
    command, after ;, && or |), as argv up to a redirection."""
    out = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for seg in re.split(r"&&|\|\||[;|]", line):
            words = seg.strip()
            if words.startswith("mailauth "):
                out.append(shlex.split(re.split(r"\s[<>]", words)[0])[1:])
    return out


def scripts(node):
    """Every string in a YAML document: the shell lines of the pipelines."""
    if isinstance(node, dict):
        return [s for v in node.values() for s in scripts(v)]
    if isinstance(node, list):
        return [s for v in node for s in scripts(v)]
    return [node] if isinstance(node, str) else []


def accepted(argv):
    """mailauth parses the options of argv (with --help it stops there)."""
    r = subprocess.run([BIN] + argv + ["--help"], capture_output=True, text=True, timeout=30)
    return r.returncode == 0, r.stderr


def test_ci_examples_run_the_documented_pipeline(e):
    seen = 0
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        with open(os.path.join(CI, name)) as f:
            doc = yaml.safe_load(f)
        lines = [c for s in scripts(doc) for c in commands(s)]
        check(lines, "%s: no mailauth commands" % name)
        for argv in lines:
            good, err = accepted(argv)
            check(good, "%s: mailauth %s is refused: %s" % (name, " ".join(argv), err))
            seen += 1
        verbs = [a[0] for a in lines]
        check("plan" in verbs and "apply" in verbs and "validate" in verbs, "%s: %r" % (name, verbs))
        check(any(a[0] == "plan" and "markdown" in a for a in lines), "%s: no markdown plan" % name)
        check(any(a[0] == "apply" and "--auto-approve" in a for a in lines), "%s: apply asks" % name)
        check(not any("--allow-weaken" in a for a in lines), "%s: weakening allowed unattended" % name)
    with open(os.path.join(CI, "github-actions.yml")) as f:
        gh = yaml.safe_load(f)
    # PyYAML reads the key "on" as True.
    on = gh.get("on", gh.get(True))
    check("schedule" in on and "pull_request" in on, "github: triggers %r" % on)
    check(gh["permissions"].get("id-token") == "write", "github: no OIDC token")
    check("AWS_SECRET_ACCESS_KEY" not in open(os.path.join(CI, "github-actions.yml")).read(), "github: stored keys")
    with open(os.path.join(CI, "gitlab-ci.yml")) as f:
        gl = yaml.safe_load(f)
    check("id_tokens" in gl["default"], "gitlab: no OIDC token")
    check(any(r.get("if") == '$CI_PIPELINE_SOURCE == "schedule"' for r in gl["apply"]["rules"]), "gitlab: no schedule")
    print("examples/ci: %d mailauth command lines checked" % seen)
