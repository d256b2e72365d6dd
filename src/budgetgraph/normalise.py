"""Text as printed, made comparable: the normalisation every stage uses to match labels and headers."""

from __future__ import annotations

import re
import unicodedata


def squeeze(text: str) -> str:
    """Remove the whitespace PDF extraction puts inside words ("对个人和家庭 的补助"), keep everything else."""
    return re.sub(r"\s+", "", text)


def key(text: str) -> str:
    """A matching key: full-width forms folded (NFKC), whitespace and quotes dropped."""
    return re.sub(r"[\s\"'“”‘’]", "", unicodedata.normalize("NFKC", text))
