"""Kind bundles: a report kind's folder as one .zip, for admins to upload without a release.

A bundle holds the files of one kind folder at its top level (``kind.toml``, ``template.docx``,
``sample.xlsx``, ``README.md``, ``campaigns.toml`` …), nothing else. Its version is the SHA-256
of its content (file names and bytes), not of the zip's bytes: the same folder zipped twice, by
any tool, is the same version.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from tasks.report.errors import ReportError

MAX_BUNDLE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 40 * 1024 * 1024
SUFFIXES = (".toml", ".docx", ".xlsx", ".md", ".txt")


class BundleError(ReportError):
    """A bundle that cannot be opened or holds what a kind folder may not."""

    code = "bad_bundle"


def digest(files: dict[str, bytes]) -> str:
    """The version of a kind's files: SHA-256 over their sorted names and contents' hashes."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def folder_files(folder: Path) -> dict[str, bytes]:
    """The files of a kind folder that a bundle carries (top level, known suffixes)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")}


def pack(files: dict[str, bytes]) -> bytes:
    """A .zip of ``files`` (deflated, fixed timestamps, so a version packs the same way)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), files[name],
                       zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _refuse(message: str, code: str = "bad_bundle") -> BundleError:
    return BundleError(f"Gói loại báo cáo không dùng được: {message}", code)


def unpack(data: bytes) -> dict[str, bytes]:
    """The files of the bundle ``data``, checked before anything is decompressed.

    A single top-level folder inside the zip (as "Send to › Compressed folder" makes) is
    accepted and dropped. Raises ``BundleError`` for a file that is not a zip, too many or
    too large entries, paths, links or unexpected file types.
    """
    if len(data) > MAX_BUNDLE_BYTES:
        raise _refuse(f"tệp lớn hơn {MAX_BUNDLE_BYTES // 2**20} MB.", "too_large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise _refuse("không phải tệp .zip.") from e
    if len(infos) > MAX_FILES:
        raise _refuse(f"có {len(infos)} tệp, nhiều hơn {MAX_FILES}.")
    prefix = _common_folder([i.filename for i in infos])
    names = {}
    for info in infos:
        name = info.filename[len(prefix):]
        if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
            raise _refuse(f"«{info.filename}» nằm trong thư mục con; chỉ đặt các tệp của loại "
                          "báo cáo ở ngay trong gói.")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise _refuse(f"«{info.filename}» là liên kết (symlink).")
        if not name.lower().endswith(SUFFIXES):
            raise _refuse(f"«{name}» không phải loại tệp của một loại báo cáo "
                          f"({', '.join(SUFFIXES)}).")
        if info.file_size > MAX_FILE_BYTES:
            raise _refuse(f"«{name}» lớn hơn {MAX_FILE_BYTES // 2**20} MB khi giải nén.",
                          "too_large")
        names[name] = info
    if sum(i.file_size for i in names.values()) > MAX_TOTAL_BYTES:
        raise _refuse("các tệp giải nén lớn hơn giới hạn.", "too_large")
    files = {}
    for name, info in names.items():
        with archive.open(info) as f:
            blob = f.read(MAX_FILE_BYTES + 1)  # the declared size may lie
        if len(blob) != info.file_size:
            raise _refuse(f"«{name}» có kích thước khai báo sai.")
        files[name] = blob
    return files


def _common_folder(names: list[str]) -> str:
    """The one top-level folder every name shares ("my-kind/"), or ""."""
    heads = {n.split("/", 1)[0] for n in names}
    if len(heads) == 1 and all("/" in n for n in names):
        return heads.pop() + "/"
    return ""
