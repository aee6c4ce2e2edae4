"""The packages depend one way (.importlinter): this proves the contract holds, and that it would catch a breach."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ["core", "accounts", "curriculum", "courses", "mentoring", "modules", "certificates", "events", "plans",
            "team", "privacy", "search", "dashboards", "demo"]


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(folder / ".importlinter")],
                          cwd=folder, env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def _copy_of_the_tree(destination: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, destination / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", destination / ".importlinter")
    return destination


def test_the_layers_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    tree = _copy_of_the_tree(tmp_path)
    with (tree / "courses" / "enrolment.py").open("a") as module:
        module.write("\nfrom certificates.operations import award_if_complete  # noqa: E402,F401\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "courses.enrolment -> certificates.operations" in result.stdout
