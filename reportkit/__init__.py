"""reportkit: plan indicator return forms, validation, evaluation and mid-term reports."""

__version__ = "0.1.0"
