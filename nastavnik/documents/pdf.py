"""PDF through LibreOffice, when it is installed: detected at run time (`soffice` or `libreoffice` on
PATH), never required — DOCX is always offered. Each conversion runs in its own temporary profile, so
parallel requests do not fight over LibreOffice's user directory."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError

TIMEOUT_SECONDS = 120


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return converter() is not None


def to_pdf(content: bytes, filename: str) -> tuple[str, bytes]:
    """(name.pdf, bytes) of a .docx/.xlsx file; a Russian ValidationError when it cannot be converted."""
    program = converter()
    if program is None:
        raise ValidationError("PDF недоступен: на сервере не установлен LibreOffice. Скачайте DOCX.")
    suffix = Path(filename).suffix or ".docx"
    with tempfile.TemporaryDirectory(prefix="nastavnik-pdf-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(content)
        command = [
            program, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", folder, str(source),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise ValidationError("LibreOffice не успел преобразовать документ в PDF. Скачайте DOCX.") from error
        result = Path(folder) / "document.pdf"
        if not result.exists():
            raise ValidationError("LibreOffice не смог преобразовать документ в PDF. Скачайте DOCX.")
        return f"{Path(filename).stem}.pdf", result.read_bytes()
