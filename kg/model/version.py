"""The package version, in one place (kg.__version__ re-exports it; pyproject.toml reads it)."""

__version__ = "0.2.0"
