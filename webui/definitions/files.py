"""The files of a definition set: what names may be used, and zip archives of them."""

import io
import re
import zipfile
from collections.abc import Mapping

from forms.registry import FORMS_FOLDER, form_key_of

SETTINGS_FILE = "instellingen.json"
MAX_ZIP_BYTES = 20_000_000
MAX_ZIP_ENTRIES = 300

_BPMN_NAME = re.compile(r"[a-z0-9][a-z0-9_\-]{0,80}\.bpmn")
_SUFFIXES = (".bpmn", ".dmn", ".json", ".zip")
_DMN_NAME = re.compile(r"[a-z0-9][a-z0-9_\-]{0,80}\.dmn")
_FORM_KEY = re.compile(r"[a-z][a-z0-9_]{0,80}")


class FileRefused(ValueError):
    """A file name or archive the studio does not take; the message is Dutch."""


def is_bpmn(name: str) -> bool:
    return name.endswith(".bpmn")


def is_decision_table(name: str) -> bool:
    """A DMN decision table of the set (a rule that is a table)."""
    return name.endswith(".dmn")


def is_diagram(name: str) -> bool:
    """A file the engine reads: a BPMN diagram or a DMN decision table."""
    return is_bpmn(name) or is_decision_table(name)


def check_name(name: str) -> str:
    """The name, if a set may hold a file of that name; FileRefused otherwise."""
    key = form_key_of(name)
    if key is not None:
        if _FORM_KEY.fullmatch(key):
            return name
        raise FileRefused(
            f"‘{name}’: een formuliersleutel bestaat uit kleine letters, cijfers en _"
        )
    if name == SETTINGS_FILE or _BPMN_NAME.fullmatch(name) or _DMN_NAME.fullmatch(name):
        return name
    raise FileRefused(
        f"‘{name}’ is geen toegestane bestandsnaam: gebruik een .bpmn- of"
        " .dmn-bestand (kleine letters, cijfers, - en _) of"
        f" {FORMS_FOLDER}/<sleutel>.json"
    )


def as_text(content: bytes | str) -> str:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileRefused("het bestand is geen UTF-8-tekst") from exc
    if "\x00" in content:
        # No text format has it, and PostgreSQL cannot store it in a draft.
        raise FileRefused("het bestand bevat een nul-teken; het is geen tekstbestand")
    return content


def to_zip(files: Mapping[str, str]) -> bytes:
    """A zip of the files under their set names (BPMN at the top, forms in
    formulieren/)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue()


def from_upload(file_name: str, content: bytes) -> dict[str, str]:
    """The set files in an upload: one .bpmn, one .dmn, one form .json, or a .zip of
    them."""
    if len(content) > MAX_ZIP_BYTES:
        raise FileRefused(f"het bestand is groter dan {MAX_ZIP_BYTES // 1_000_000} MB")
    lower = file_name.lower()
    if lower.endswith(".zip"):
        return _from_zip(content)
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    if lower.endswith(".bpmn") or lower.endswith(".bpmn20.xml"):
        stem = re.sub(r"(\.bpmn20\.xml|\.bpmn)$", "", base, flags=re.I)
        return {check_name(_slug(stem) + ".bpmn"): as_text(content)}
    if lower.endswith(".dmn") or lower.endswith(".dmn11.xml"):
        stem = re.sub(r"(\.dmn11\.xml|\.dmn)$", "", base, flags=re.I)
        return {check_name(_slug(stem) + ".dmn"): as_text(content)}
    if lower.endswith(".json"):
        return {check_name(f"{FORMS_FOLDER}/{base[:-5]}.json"): as_text(content)}
    raise FileRefused(
        "upload een .bpmn-bestand, een beslistabel (.dmn), een formulier (.json) of"
        " een .zip ermee"
    )


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9_\-]+", "_", stem.lower()).strip("_-")
    return slug or "diagram"


def _from_zip(content: bytes) -> dict[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise FileRefused("dit is geen geldig zip-bestand") from exc
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        raise FileRefused(f"het zip-bestand heeft meer dan {MAX_ZIP_ENTRIES} bestanden")
    if sum(i.file_size for i in entries) > MAX_ZIP_BYTES:
        raise FileRefused(
            f"uitgepakt is het zip-bestand groter dan {MAX_ZIP_BYTES // 1_000_000} MB"
        )
    files: dict[str, str] = {}
    for info in entries:
        name = info.filename
        if name.startswith("__MACOSX/") or name.rsplit("/", 1)[-1].startswith("."):
            continue  # what macOS and editors leave in an archive
        files[check_name(name)] = as_text(archive.read(info))
    if not files:
        raise FileRefused(
            "het zip-bestand bevat geen .bpmn-, .dmn- of formulierbestanden"
        )
    return files


def read_paths(paths: "list[str]") -> dict[str, str]:
    """The set files in paths on disk: .bpmn and form .json files, folders of them
    (forms directly inside or in formulieren/), or .zip archives."""
    from pathlib import Path

    files: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in _SUFFIXES
            )
        elif path.is_file():
            candidates = [path]
        else:
            raise FileRefused(f"‘{raw}’ bestaat niet")
        for candidate in candidates:
            if candidate.name == SETTINGS_FILE:
                files[SETTINGS_FILE] = as_text(candidate.read_bytes())
                continue
            files.update(from_upload(candidate.name, candidate.read_bytes()))
    return files
