"The docs' PyTorch compatibility page (nbs/93_pytorch_compatibility.ipynb) says what the code and tests say today."
import pytest

pytest.importorskip('torch')


def test_compatibility_page_is_up_to_date():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / 'tools' / 'make_compat.py'
    spec = importlib.util.spec_from_file_location('make_compat', path)
    make_compat = importlib.util.module_from_spec(spec); spec.loader.exec_module(make_compat)
    assert make_compat.main(check=True) == 0, "run: python tools/make_compat.py"
