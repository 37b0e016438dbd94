"""The pipelines in examples/ci/: they pass their linters (and the linters
catch a broken one), each job runs in the pipeline it is meant for, and the
shell of their steps, run here as the CI would run it with mailauth on PATH
against moto, plans on a pull request and applies exactly that saved plan
after merge, and applies the plan of the day on the daily run.

What cannot run here: the CI services themselves (GitHub's artifact store,
its API behind `gh`, OIDC). The artifact is carried from the plan job to
the apply job by the test, as upload-artifact and download-artifact name
it; GitLab's API is a small local server with the endpoints the apply job
calls, answering as GitLab documents them.
"""
import datetime
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
import urllib.parse

import yaml

from harness import BIN, TOP, WANT_NONE, WANT_QUARANTINE, DMARC_CFG, check, dmarc, ok

CI = os.path.join(TOP, "examples", "ci")
GITHUB = os.path.join(CI, "github-actions.yml")
GITLAB = os.path.join(CI, "gitlab-ci.yml")
LINT = os.path.join(TOP, "tests", "lint", "lint-ci.sh")
LINT_BIN = os.path.join(os.environ.get("MAILAUTH_LINT_DIR", os.path.join(TOP, "build", "lint")),
                        "node_modules", ".bin")
THEIRS = '"v=DMARC1; p=none; rua=mailto:someone@example.com"'


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def text_of(path):
    with open(path) as f:
        return f.read()


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
                out.append([w for w in shlex.split(re.split(r"\s[<>]", words)[0])[1:] if w != "$@"])
    return out


def scripts(node):
    """Every string in a YAML document: the shell lines of the pipelines."""
    if isinstance(node, dict):
        return [s for v in node.values() for s in scripts(v)]
    if isinstance(node, list):
        return [s for v in node for s in scripts(v)]
    return [node] if isinstance(node, str) else []


def step(job, name):
    found = [s for s in job["steps"] if s.get("name") == name]
    check(len(found) == 1, "no step %r in %r" % (name, [s.get("name") for s in job["steps"]]))
    return found[0]


def ci_env(e, endpoint=None, **extra):
    """mailauth on PATH as the CI's build step leaves it, the credentials
    and endpoint of the test's Route 53."""
    bindir = os.path.join(e.dir, ".ci-bin")
    os.makedirs(bindir, exist_ok=True)
    if not os.path.exists(os.path.join(bindir, "mailauth")):
        os.symlink(BIN, os.path.join(bindir, "mailauth"))
    env = e.env(endpoint)
    env["PATH"] = bindir + ":" + env.get("PATH", "/usr/bin:/bin")
    env["MAILAUTH_REPORTS"] = ""
    env.update(extra)
    return env


def sh(e, script, env):
    """A script as the runners run it: bash, stopping at the first failure."""
    check("${{" not in script, "a GitHub expression left in %r" % script)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=e.dir,
                          env=env, capture_output=True, text=True, timeout=300)


def run_steps(e, job, names, env):
    for name in names:
        r = sh(e, step(job, name)["run"], env)
        check(r.returncode == 0, "step %r: exit %d\n%s%s" % (name, r.returncode, r.stdout, r.stderr))


def run_job(e, job, env, code=0):
    r = sh(e, "\n".join(job["script"]), env)
    check(r.returncode == code, "exit %d, wanted %d\n%s%s" % (r.returncode, code, r.stdout, r.stderr))
    return r


def lint(*args):
    return subprocess.run(["sh", LINT] + list(args), capture_output=True, text=True, timeout=300)


# --- the linters -----------------------------------------------------------

def test_ci_examples_pass_their_linters(e):
    r = lint("--github", GITHUB, "--gitlab", GITLAB)
    check(r.returncode == 0, "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))


BROKEN = [
    # (file, text, broken text, what the linter says)
    (GITHUB, "    runs-on: ubuntu-24.04\n", "    run-on: ubuntu-24.04\n", 'unexpected key "run-on" for "job" section'),
    (GITHUB, "          run-id: ", "          run_id: ", 'input "run_id" is not defined in action "actions/download-artifact@v4"'),
    (GITHUB, "steps.reviewed.outputs.run", "steps.reviewd.outputs.run", 'property "reviewd" is not defined'),
    (GITHUB, "      cancel-in-progress: false\n", "      cancel-in-progress: no\n", "truthy value should be one of"),
    (GITLAB, "  stage: plan\n", "  stage: review\n", "stage:review not found"),
    (GITLAB, "  resource_group: mailauth-apply ", "  resource_group: [mailauth-apply] ",
     "'resource_group' property type must be string"),
    (GITLAB, "    expose_as: mailauth plan\n", "    expose: mailauth plan\n", "'expose' property is not expected"),
    (GITLAB, "daily:\n  extends: .mailauth\n", "daily:\n  extends: .mailauth\n  extends: .mailauth\n",
     'duplication of key "extends"'),
]


def test_ci_linters_fail_on_a_broken_example(e):
    for path, good, bad, said in BROKEN:
        text = text_of(path)
        check(good in text, "%s no longer has %r" % (path, good))
        copy = os.path.join(e.dir, os.path.basename(path))
        with open(copy, "w") as f:
            f.write(text.replace(good, bad, 1))
        r = lint("--github" if path == GITHUB else "--gitlab", copy)
        check(r.returncode == 1, "%r: exit %d\n%s%s" % (bad, r.returncode, r.stdout, r.stderr))
        check(said in r.stdout + r.stderr, "%r: %s%s" % (bad, r.stdout, r.stderr))
    r = lint("--gitlab", os.path.join(e.dir, "nosuch.yml"))
    check(r.returncode == 2 and "lint-ci: no file" in r.stderr, r.stderr)


# --- which job runs where --------------------------------------------------

def gitlab_jobs(e, source, changed):
    """The jobs gitlab-ci-local says GitLab runs for a pipeline of SOURCE on
    a project whose default branch is main, with mailauth.yaml changed by
    the commit or not."""
    tool = os.path.join(LINT_BIN, "gitlab-ci-local")
    check(os.access(tool, os.X_OK), "no %s: run 'make test-deps'" % tool)
    work = os.path.join(e.dir, "gl-%s-%d" % (source, changed))
    os.makedirs(work)
    shutil.copy(GITLAB, os.path.join(work, ".gitlab-ci.yml"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for cmd in (["init", "-q", "-b", "main"], ["add", ".gitlab-ci.yml"], ["commit", "-q", "-m", "base"],
                ["update-ref", "refs/remotes/origin/main", "HEAD"],
                ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"],
                ["remote", "add", "origin", "https://gitlab.example.com/t/config.git"]):
        subprocess.run(git + cmd, cwd=work, check=True, capture_output=True)
    with open(os.path.join(work, "mailauth.yaml" if changed else "README"), "w") as f:
        f.write("version: 1\n")
    subprocess.run(git + ["add", "."], cwd=work, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "change"], cwd=work, check=True)
    r = subprocess.run([tool, "--list-json",
                        "--variable", "CI_PIPELINE_SOURCE=" + source, "--ignore-predefined-vars", "CI_PIPELINE_SOURCE"],
                       cwd=work, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "gitlab-ci-local: %s" % r.stderr[-2000:])
    return sorted(j["name"] for j in json.loads(r.stdout) if j["when"] != "never")


def test_gitlab_runs_each_job_in_its_pipeline(e):
    check(gitlab_jobs(e, "merge_request_event", True) == ["plan", "validate"], "merge request")
    check(gitlab_jobs(e, "merge_request_event", False) == ["validate"], "merge request without mailauth.yaml")
    check(gitlab_jobs(e, "push", True) == ["apply", "validate"], "merge to main")
    check(gitlab_jobs(e, "push", False) == ["validate"], "merge to main without mailauth.yaml")
    check(gitlab_jobs(e, "schedule", False) == ["daily", "validate", "verify"], "schedule")
    check(gitlab_jobs(e, "web", False) == ["daily", "validate", "verify"], "run by hand")
    gl = load(GITLAB)
    # The applies share one resource group, which queues and never cancels;
    # the plan is in none, and a newer push may cancel it (interruptible).
    check(gl["apply"]["resource_group"] == gl["daily"]["resource_group"] == "mailauth-apply", "resource groups")
    check("resource_group" not in gl["plan"] and gl["plan"]["interruptible"] is True, "plan")
    check(not gl["apply"].get("interruptible") and not gl["daily"].get("interruptible"), "an apply is interruptible")
    check(gl["plan"]["variables"]["AWS_ROLE_ARN"] == "$MAILAUTH_PLAN_ROLE_ARN", "plan role")
    for job in ("apply", "daily"):
        check(gl[job]["variables"]["AWS_ROLE_ARN"] == "$MAILAUTH_APPLY_ROLE_ARN", "%s role" % job)
    check("id_tokens" in gl[".mailauth"], "gitlab: no OIDC token")


def test_github_runs_each_job_on_its_event(e):
    gh = load(GITHUB)
    on = gh.get("on", gh.get(True))   # PyYAML reads the key "on" as True
    check(set(on) == {"pull_request", "push", "schedule", "workflow_dispatch"}, "triggers %r" % on)
    check(on["push"]["branches"] == ["main"] and len(on["schedule"]) == 1, repr(on))
    check(re.fullmatch(r"\d+ \d+ \* \* \*", on["schedule"][0]["cron"]), "not daily: %r" % on["schedule"])
    jobs = gh["jobs"]
    check(set(jobs) == {"plan", "apply", "daily"}, repr(set(jobs)))
    check(jobs["plan"]["if"] == "github.event_name == 'pull_request'", jobs["plan"]["if"])
    check(jobs["apply"]["if"] == "github.event_name == 'push'", jobs["apply"]["if"])
    check(jobs["daily"]["if"] == "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
          jobs["daily"]["if"])
    # The applies share a group that never cancels; the plans have one per
    # pull request, so that no plan cancels or waits for an apply.
    for job in ("apply", "daily"):
        check(jobs[job]["concurrency"] == {"group": "mailauth-apply", "cancel-in-progress": False}, job)
    check("concurrency" not in gh, "a workflow-wide group puts plans with applies")
    check(jobs["plan"]["concurrency"]["group"] != "mailauth-apply" and
          "pull_request.number" in jobs["plan"]["concurrency"]["group"], repr(jobs["plan"]["concurrency"]))
    check(gh["permissions"] == {}, "workflow permissions %r" % gh["permissions"])
    check(jobs["plan"]["permissions"] == {"id-token": "write", "contents": "read", "pull-requests": "write"}, "plan")
    check(jobs["apply"]["permissions"] == {"id-token": "write", "contents": "read", "actions": "read",
                                           "pull-requests": "read"}, "apply")
    check(jobs["daily"]["permissions"] == {"id-token": "write", "contents": "read"}, "daily")
    roles = {j: step(jobs[j], "AWS credentials from OIDC")["with"]["role-to-assume"] for j in jobs}
    check(roles == {"plan": "${{ vars.MAILAUTH_PLAN_ROLE_ARN }}", "apply": "${{ vars.MAILAUTH_APPLY_ROLE_ARN }}",
                    "daily": "${{ vars.MAILAUTH_APPLY_ROLE_ARN }}"}, repr(roles))
    check("AWS_SECRET_ACCESS_KEY" not in text_of(GITHUB), "github: stored keys")


def test_ci_examples_build_with_the_build_deps_only(e):
    for path in (GITHUB, GITLAB):
        lines = [s for s in scripts(load(path)) for s in s.splitlines()]
        makes = [x for x in lines if re.search(r"\bmake\b", x) and "apt-get" not in x]
        check(makes and all(re.search(r"make -C \S+ deps all$", x.strip()) for x in makes), "%s: %r" % (path, makes))
        text = text_of(path)
        for bad in ("test-deps", "make check", "pip", "moto", "python"):
            check(not re.search(r"\b%s\b" % bad, text), "%s: %s" % (path, bad))


def test_policy_files_named_exist(e):
    for path in (GITHUB, GITLAB, os.path.join(TOP, "docs", "rollout.md"), os.path.join(TOP, "README.md")):
        names = set(re.findall(r"policies/iam/[A-Za-z0-9_.-]+\.json", text_of(path)))
        for n in names:
            check(os.path.exists(os.path.join(TOP, n)), "%s names %s, which does not exist" % (path, n))
        if path in (GITHUB, GITLAB):
            check(names == {"policies/iam/mailauth-plan.json", "policies/iam/mailauth-apply.json"},
                  "%s: %r" % (path, names))


def test_ci_examples_run_commands_mailauth_accepts(e):
    seen = 0
    for path in (GITHUB, GITLAB):
        lines = [c for s in scripts(load(path)) for c in commands(s)]
        for argv in lines:
            r = subprocess.run([BIN] + argv + ["--help"], capture_output=True, text=True, timeout=30)
            check(r.returncode == 0, "%s: mailauth %s is refused: %s" % (path, " ".join(argv), r.stderr))
            seen += 1
        verbs = [a[0] for a in lines]
        check({"validate", "plan", "apply", "rollout"} <= set(verbs), "%s: %r" % (path, verbs))
        check(not any("--allow-weaken" in a for a in lines), "%s: weakening allowed unattended" % path)
        # Every apply applies a saved plan file, with --auto-approve.
        applies = [a for a in lines if a[0] == "apply"]
        check(applies and all(a[1:] in (["--auto-approve", "reviewed/plan.json"], ["--auto-approve", "plan.json"])
                              for a in applies), "%s: %r" % (path, applies))
    print("examples/ci: %d mailauth command lines checked" % seen)


# --- the steps, run against moto ------------------------------------------

def test_github_plan_on_pull_request_then_apply_of_that_file(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    jobs = load(GITHUB)["jobs"]
    summary = os.path.join(e.dir, "summary.md")
    # gh as the step calls it: "gh pr comment N --body-file FILE"; this one
    # keeps the body.
    fake = os.path.join(e.dir, ".ci-bin", "gh")
    os.makedirs(os.path.dirname(fake), exist_ok=True)
    with open(fake, "w") as f:
        f.write('#!/bin/sh\n[ "$1 $2 $3 $4" = "pr comment 17 --body-file" ] || exit 9\ncp "$5" "$GH_OUT"\n')
    os.chmod(fake, 0o755)
    env = ci_env(e, GITHUB_STEP_SUMMARY=summary, GH_OUT=os.path.join(e.dir, "posted.md"))
    post = step(jobs["plan"], "Post the plan on the pull request")
    post["run"] = post["run"].replace("${{ github.run_id }}", "4242") \
        .replace("${{ github.event.pull_request.number }}", "17")
    run_steps(e, jobs["plan"], ["Check the configuration (offline)", "Plan", "Post the plan on the pull request"], env)
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "the pull request changed the zone")
    posted = text_of(os.path.join(e.dir, "posted.md"))
    check(posted.startswith("## mailauth plan\n") and "### example.com" in posted and "| " in posted, posted)
    check("p=quarantine" in posted and "plan.json of run 4242" in posted, posted)
    check("### example.com" in text_of(summary), "no plan in the job summary")

    # The artifact, as upload-artifact and download-artifact name it.
    up = step(jobs["plan"], "Keep the reviewed plan")["with"]
    down = step(jobs["apply"], "Download the reviewed plan")["with"]
    check(up["name"] == down["name"] == "mailauth-plan", "artifact names %r %r" % (up, down))
    os.makedirs(os.path.join(e.dir, down["path"]))
    os.rename(os.path.join(e.dir, up["path"]), os.path.join(e.dir, down["path"], os.path.basename(up["path"])))

    p = e.proxy()
    run_steps(e, jobs["apply"], ["Apply the reviewed plan"], ci_env(e, p.url))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))
    paths = [q["path"] for q in p.requests]
    check(not any("hostedzonesbyname" in x.lower() for x in paths), "planned again: %r" % paths)
    check(len([q for q in p.requests if q["method"] == "POST"]) == 1, "batches: %r" % paths)


def test_github_apply_refuses_the_reviewed_plan_after_drift(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    jobs = load(GITHUB)["jobs"]
    run_steps(e, jobs["plan"], ["Plan"], ci_env(e, GITHUB_STEP_SUMMARY=os.path.join(e.dir, "s.md")))
    os.makedirs(os.path.join(e.dir, "reviewed"))
    os.rename(os.path.join(e.dir, "plan.json"), os.path.join(e.dir, "reviewed", "plan.json"))
    # Someone edits the record in the console after the review.
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "_dmarc.example.com.", "Type": "TXT", "TTL": 600,
                                                  "ResourceRecords": [{"Value": THEIRS}]}}]})
    r = sh(e, step(jobs["apply"], "Apply the reviewed plan")["run"], ci_env(e))
    check(r.returncode == 1, "exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
    check("changed since the plan" in r.stderr and "none of it was applied" in r.stderr, r.stderr)
    check(dmarc(e, zid) == (600, [THEIRS]), "their change was overwritten: %r" % (dmarc(e, zid),))


def rollout_config():
    """A ramp whose stage today (UTC) is quarantine in testing, with days of
    margin on both sides."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    return """version: 1
domains:
  example.com:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - { policy: none,                      from: %s }
        - { policy: quarantine, testing: true, from: %s }
        - { policy: quarantine,                from: %s }
""" % (day(-60), day(-20), day(20))


QUARANTINE_TESTING = '"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com"'


def test_github_daily_applies_the_stage_of_the_day(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(rollout_config())
    jobs = load(GITHUB)["jobs"]
    summary = os.path.join(e.dir, "summary.md")
    run_steps(e, jobs["daily"], ["Plan of the day", "Apply the plan of the day", "Rollout status"],
              ci_env(e, GITHUB_STEP_SUMMARY=summary))
    check(dmarc(e, zid) == (3600, [QUARANTINE_TESTING]), "live: %r" % (dmarc(e, zid),))
    check("### example.com" in text_of(summary), text_of(summary))
    check(step(jobs["daily"], "Rollout gate")["if"] == "env.MAILAUTH_REPORTS != ''", "the gate runs without reports")


class FakeGitLab:
    """The GitLab API endpoints the examples call, for project 42 whose merge
    request !7 (head HEAD) was merged as MERGE: pipeline 103 of HEAD failed,
    102 of HEAD passed (job 5002 "plan" kept the plan), 101 of an older
    commit passed too. Needs the token; records the notes posted."""
    TOKEN = "glpat-test-token"
    HEAD, OLD, MERGE = "a" * 40, "b" * 40, "c" * 40

    def __init__(self, artifact):
        self.artifact = artifact
        self.notes = []
        self.requests = []
        gl = self
        pipelines = [{"id": 103, "sha": self.HEAD, "status": "failed"},
                     {"id": 102, "sha": self.HEAD, "status": "success"},
                     {"id": 101, "sha": self.OLD, "status": "success"}]
        self.get = {
            "/api/v4/projects/42/repository/commits/%s/merge_requests" % self.MERGE:
                [{"iid": 6, "state": "closed"}, {"iid": 7, "state": "merged"}],
            "/api/v4/projects/42/merge_requests/7": {"iid": 7, "sha": self.HEAD, "state": "merged"},
            "/api/v4/projects/42/merge_requests/7/pipelines": pipelines,
            "/api/v4/projects/42/pipelines/102/jobs?scope=success": [{"id": 5001, "name": "validate"},
                                                                      {"id": 5002, "name": "plan"}],
            "/api/v4/projects/42/pipelines/101/jobs?scope=success": [{"id": 4002, "name": "plan"}],
        }

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, code, body):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                gl.requests.append(("GET", self.path))
                if self.headers.get("PRIVATE-TOKEN") != gl.TOKEN:
                    return self.answer(401, {"message": "401 Unauthorized"})
                if self.path == "/api/v4/projects/42/jobs/5002/artifacts/plan.json":
                    with open(gl.artifact, "rb") as f:
                        return self.answer(200, f.read())
                if self.path in gl.get:
                    return self.answer(200, gl.get[self.path])
                if re.fullmatch(r"/api/v4/projects/42/repository/commits/\w+/merge_requests", self.path):
                    return self.answer(200, [])
                return self.answer(404, {"message": "404 Not Found"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                gl.requests.append(("POST", self.path))
                if self.headers.get("PRIVATE-TOKEN") != gl.TOKEN:
                    return self.answer(401, {"message": "401 Unauthorized"})
                if self.path != "/api/v4/projects/42/merge_requests/7/notes":
                    return self.answer(404, {"message": "404 Not Found"})
                gl.notes.append(urllib.parse.parse_qs(body)["body"][0])
                return self.answer(201, {"id": len(gl.notes)})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/api/v4" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_gitlab_plan_on_merge_request_then_apply_of_that_file(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    gl = load(GITLAB)
    kept = os.path.join(e.dir, "artifacts", "plan.json")
    api = FakeGitLab(kept)
    try:
        ci = {"CI_API_V4_URL": api.url, "CI_PROJECT_ID": "42", "MAILAUTH_GITLAB_TOKEN": api.TOKEN}
        run_job(e, gl["validate"], ci_env(e, **ci))
        run_job(e, gl["plan"], ci_env(e, CI_MERGE_REQUEST_IID="7", CI_JOB_ID="5002", **ci))
        check(dmarc(e, zid) == (3600, [WANT_NONE]), "the merge request changed the zone")
        check(len(api.notes) == 1, "notes: %r" % api.notes)
        note = api.notes[0]
        check(note.startswith("## mailauth plan\n") and "### example.com" in note and "p=quarantine" in note, note)
        check("plan.json of job 5002" in note, note)
        # The job's artifacts leave with the job; the apply job's folder has
        # only the checkout.
        check(set(gl["plan"]["artifacts"]["paths"]) == {"plan.json", "plan.md"}, "artifacts")
        os.makedirs(os.path.dirname(kept))
        os.rename(os.path.join(e.dir, "plan.json"), kept)
        os.remove(os.path.join(e.dir, "plan.md"))

        # A push that is no merge request's merge applies nothing.
        r = run_job(e, gl["apply"], ci_env(e, CI_COMMIT_SHA="d" * 40, **ci), code=1)
        check("is not the merge of a merge request: nothing reviewed to apply" in r.stdout, r.stdout)
        check(dmarc(e, zid) == (3600, [WANT_NONE]), "applied without a review")

        # Without a good token, GitLab answers 401 and the job stops.
        r = sh(e, "\n".join(gl["apply"]["script"]),
               ci_env(e, CI_COMMIT_SHA=api.MERGE, **dict(ci, MAILAUTH_GITLAB_TOKEN="x")))
        check(r.returncode != 0 and "401" in r.stderr, "exit %d\n%s" % (r.returncode, r.stderr))
        check(dmarc(e, zid) == (3600, [WANT_NONE]), "applied without the reviewed plan")

        p = e.proxy()
        r = run_job(e, gl["apply"], ci_env(e, p.url, CI_COMMIT_SHA=api.MERGE, **ci))
        check("merge request !7, head %s, plan of job 5002" % api.HEAD in r.stdout, r.stdout)
        check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))
        paths = [q["path"] for q in p.requests]
        check(not any("hostedzonesbyname" in x.lower() for x in paths), "planned again: %r" % paths)
    finally:
        api.stop()


def test_gitlab_daily_applies_the_stage_of_the_day(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(rollout_config())
    r = run_job(e, load(GITLAB)["daily"], ci_env(e))
    check(dmarc(e, zid) == (3600, [QUARANTINE_TESTING]), "live: %r" % (dmarc(e, zid),))
    check("### example.com" in r.stdout, r.stdout)
    check(os.path.exists(os.path.join(e.dir, "plan.json")), "no plan.json to keep")
    ok(e.run("plan", "--detailed-exitcode"), 0)
