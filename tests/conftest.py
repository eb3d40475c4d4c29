import os
from hypothesis import settings

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header(config):
    from mnist_files import MNIST_FOLDER, HAVE_MNIST, HOW
    if HAVE_MNIST: return f"MNIST files: {MNIST_FOLDER}"
    return f"MNIST files: not found in {MNIST_FOLDER}, so the tests that need them are skipped; to run them, {HOW}"
