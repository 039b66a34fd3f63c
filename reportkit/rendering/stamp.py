"""Whether the outputs on disk are what a build would write now.

After writing its outputs a build records, in ``.reportkit/last-build.json``, a key over
everything the outputs are made from (the plan file, the template, each return used or left
out with its findings and receipt, each unit's collection record, the versions of reportkit
and of the libraries that write the files, the report date) and the SHA-256 of every output.
The next build computes the key again once the returns are collected: when it is the same and
every output is still on disk unchanged, the outputs are left as they are (rendering them again
would give the same content with a new time stamp). ``build --force`` renders anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..fileio import sha256_file, write_bytes
from ..intake.types import ReturnData
from ..project import Project

if TYPE_CHECKING:
    from .build import BuildResult

STAMP_FILE = "last-build.json"
_WRITERS = ("docxtpl", "python-docx", "xlsxwriter", "jinja2", "lxml")


@cache
def _library_versions() -> dict[str, str]:
    from importlib import metadata

    versions = {}
    for name in _WRITERS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def _digest_or_none(path: Path) -> str | None:
    """The file's SHA-256; None when it cannot be read (rendering then says why)."""
    try:
        return sha256_file(path)
    except OSError:
        return None


def _returns(returns: Iterable[ReturnData]) -> list[list[Any]]:
    return [[r.path, r.sha256, r.unit, r.state, r.received_at, r.superseded_by,
             [f.to_dict() for f in r.findings]] for r in returns]


def build_key(project: Project, result: BuildResult, day: dt.date) -> str:
    """SHA-256 over what ``result``'s outputs would be rendered from on ``day``."""
    template = result.template
    parts = {
        "reportkit": __version__,
        "libraries": _library_versions(),
        "day": day.isoformat(),
        "plan": [project.plan_path.name, sha256_file(project.plan_path), result.plan.fingerprint()],
        "template": [str(template), _digest_or_none(template)] if template is not None else None,
        "included": _returns(result.included),
        "excluded": _returns(result.excluded),
        "checked": _returns(result.run.returns),
        "submissions": [asdict(s) for s in result.submissions or ()],
        "fallbacks": [asdict(f) for f in result.fallbacks],
        "revalidated": result.revalidated,
        "supervision": result.supervision.to_dict() if result.supervision is not None else None,
    }
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stamp_path(project: Project) -> Path:
    return project.state_dir / STAMP_FILE


def recorded(project: Project) -> bool:
    """Whether a build recorded its outputs (if not, this build renders them whatever it finds)."""
    return _stamp_path(project).is_file()


def unchanged_outputs(project: Project, key: str) -> list[Path] | None:
    """The outputs of the last build, when it was made from ``key`` and every one of them is
    still on disk as written; else None (the build renders)."""
    try:
        stamp = json.loads(_stamp_path(project).read_text(encoding="utf-8"))
        if stamp.get("key") != key:
            return None
        outputs = {str(k): str(v) for k, v in stamp["outputs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    root = project.outputs
    paths = []
    for rel, digest in outputs.items():
        path = root / rel
        if ".." in Path(rel).parts or not path.is_file() or path.is_symlink():
            return None
        try:
            if sha256_file(path) != digest:
                return None
        except OSError:
            return None
        paths.append(path)
    return paths or None


def record(project: Project, key: str, written: Sequence[Path]) -> None:
    """Remember that ``written`` (just replaced as one set) was made from ``key``."""
    root = project.outputs
    outputs = {p.relative_to(root).as_posix(): sha256_file(p) for p in written}
    data = {"key": key, "outputs": outputs}
    project.state_dir.mkdir(parents=True, exist_ok=True)
    write_bytes(_stamp_path(project), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def forget(project: Project) -> None:
    """The outputs are about to be replaced: until the new stamp is written, none is current."""
    _stamp_path(project).unlink(missing_ok=True)
