"""The files of a definition set: what names may be used, and zip archives of them."""

import io
import re
import zipfile
from collections.abc import Mapping

from forms.registry import FORMS_FOLDER, form_key_of

SETTINGS_FILE = "instellingen.json"
MAX_ZIP_BYTES = 20_000_000
MAX_ZIP_ENTRIES = 300

# Letters, digits, -, _ and dots, as other modelers name files ("invoice.v2.bpmn").
_BPMN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,80}\.bpmn")
_DMN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,80}\.dmn")
_SUFFIXES = (".bpmn", ".dmn", ".json", ".zip")
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
    suffix = next((s for s in (".bpmn", ".dmn") if name.endswith(s)), "")
    suggestion = (
        f"; hernoem het bijvoorbeeld naar ‘{_slug(name[: -len(suffix)])}{suffix}’"
        if suffix
        else ""
    )
    raise FileRefused(
        f"‘{name}’ is geen toegestane bestandsnaam: gebruik een .bpmn- of"
        " .dmn-bestand (letters, cijfers, punt, - en _) of"
        f" {FORMS_FOLDER}/<sleutel>.json" + suggestion
    )


def upload_name(path: str) -> str:
    """The set name of an uploaded file or of a file in an uploaded zip: the same
    rules for both, and the file keeps its name. Folders in a zip do not count (the
    set has none but formulieren/); a .bpmn20.xml (Flowable, Activiti) is a .bpmn; a
    .json is a form, except the settings file. FileRefused if the name cannot be used.
    """
    base = path.replace("\\", "/").rsplit("/", 1)[-1]
    lower = base.lower()
    if lower.endswith(".bpmn20.xml"):
        return check_name(base[: -len(".bpmn20.xml")] + ".bpmn")
    if lower.endswith(".bpmn"):
        return check_name(base[: -len(".bpmn")] + ".bpmn")
    if lower.endswith(".dmn11.xml"):
        return check_name(base[: -len(".dmn11.xml")] + ".dmn")
    if lower.endswith(".dmn"):
        return check_name(base[: -len(".dmn")] + ".dmn")
    if base == SETTINGS_FILE:
        return SETTINGS_FILE
    if lower.endswith(".json"):
        key = base[: -len(".json")]
        if not _FORM_KEY.fullmatch(key):
            raise FileRefused(
                f"‘{base}’: een formuliersleutel bestaat uit kleine letters, cijfers"
                f" en _; hernoem het bijvoorbeeld naar ‘{_slug(key).replace('-', '_')}"
                ".json’"
            )
        return f"{FORMS_FOLDER}/{key}.json"
    raise FileRefused(
        f"‘{base}’ is geen .bpmn-bestand, geen beslistabel (.dmn) en geen formulier"
        " (.json); upload alleen diagrammen, beslistabellen, formulieren en"
        " instellingen.json"
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
    if not lower.endswith((".bpmn", ".bpmn20.xml", ".dmn", ".dmn11.xml", ".json")):
        raise FileRefused(
            "upload een .bpmn-bestand, een beslistabel (.dmn), een formulier (.json) of"
            " een .zip ermee"
        )
    return {upload_name(file_name): as_text(content)}


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
    came_from: dict[str, str] = {}
    for info in entries:
        path = info.filename
        if path.startswith("__MACOSX/") or path.rsplit("/", 1)[-1].startswith("."):
            continue  # what macOS and editors leave in an archive
        parts = path.replace("\\", "/").split("/")
        if path.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise FileRefused(
                f"‘{path}’ is geen toegestane bestandsnaam: een zip-bestand met een"
                " pad buiten zijn eigen map wordt niet uitgepakt"
            )
        name = upload_name(path)
        if name in came_from:
            # Two files for one name: taking either would lose the other unseen.
            raise FileRefused(
                f"‘{came_from[name]}’ en ‘{path}’ in het zip-bestand worden allebei"
                f" ‘{name}’; geef ze verschillende namen"
            )
        came_from[name] = path
        files[name] = as_text(archive.read(info))
    if not files:
        raise FileRefused(
            "het zip-bestand bevat geen .bpmn-, .dmn- of formulierbestanden"
        )
    return files


def read_paths(paths: "list[str]") -> dict[str, str]:
    """The set files in paths on disk: .bpmn, .dmn and form .json files, folders of them
    (forms directly inside or in formulieren/), or .zip archives. A folder's
    scenarios/ holds proefdossiers, not forms: they are left out."""
    from pathlib import Path

    files: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in _SUFFIXES
                and "scenarios" not in p.relative_to(path).parts[:-1]
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
