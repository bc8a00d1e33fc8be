"""docs/tutorial.ipynb runs end to end in a real Jupyter kernel, and the outputs it shows are the real ones.

The notebook is executed with nbclient (as `jupyter nbconvert --execute` would) in a scratch folder;
every code cell must run without error and print what the stored notebook shows. After a change to
the data or the API, refresh the stored outputs with:

    KG_UPDATE_NOTEBOOK=1 pytest tests/test_notebook.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("pandas")

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"


def _shown(cell: dict) -> list[tuple[str, str]]:
    """What a reader sees of a cell's outputs, as text (HTML tables have a text/plain twin)."""
    shown = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            shown.append((out["name"], out["text"]))
        elif out["output_type"] in ("execute_result", "display_data"):
            shown.append(("result", out["data"].get("text/plain", "")))
        else:
            shown.append((out["output_type"], f"{out.get('ename')}: {out.get('evalue')}"))
    return shown


def test_tutorial_runs_end_to_end_with_the_outputs_it_shows(tmp_path: Path) -> None:
    stored = nbformat.read(NOTEBOOK, as_version=4)
    fresh = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(fresh, timeout=300, kernel_name="python3", record_timing=False,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    assert (tmp_path / "gallium.html").is_file(), "the view cell writes gallium.html"
    if os.environ.get("KG_UPDATE_NOTEBOOK"):
        nbformat.write(fresh, NOTEBOOK)
        return
    code = [(old, new) for old, new in zip(stored.cells, fresh.cells, strict=True) if old.cell_type == "code"]
    assert all(_shown(new) for _, new in code), "every code cell shows something"
    for n, (old, new) in enumerate(code, 1):
        assert _shown(old) == _shown(new), (
            f"code cell {n} of {NOTEBOOK.name} shows stale output; run KG_UPDATE_NOTEBOOK=1 pytest "
            f"tests/test_notebook.py\nstored: {_shown(old)}\nfresh:  {_shown(new)}")
