"""The setup files agree with each other and with the README."""
import re
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def _name(req):
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_has_the_same_dependency_set_as_pyproject():
    project = _pyproject()
    wanted = {_name(r): r.strip() for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = [d for d in env["dependencies"] if isinstance(d, str)]
    # packages conda-forge does not carry are installed by pip inside the environment
    listed += [d for d in env["dependencies"] if isinstance(d, dict) for d in d.get("pip", []) if not d.startswith("-")]
    conda = {_name(d): d for d in listed if _name(d) not in {"python", "pip"}}
    assert set(conda) == set(wanted), f"only in environment.yml: {set(conda) - set(wanted)}; only in pyproject: {set(wanted) - set(conda)}"
    for name, spec in wanted.items():
        assert conda[name].replace(" ", "") == spec.replace(" ", ""), f"{name}: {conda[name]!r} vs {spec!r}"


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_readme_starts_with_setup_and_test_commands():
    open_cmd, test_cmd = _readme_commands()[:2]
    assert "jupyter lab" in open_cmd and "pip install" in open_cmd
    assert "pytest" in test_cmd and "pip install" in test_cmd


def test_ci_runs_the_readme_test_command_verbatim():
    test_cmd = _readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_cmd in ci, ".ci/run must call README's second command verbatim"


def test_python_requirement():
    assert _pyproject()["requires-python"] == ">=3.10"
