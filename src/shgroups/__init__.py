"""shg: the self-help group coordinator's register."""

__version__ = "0.1.0"
