"""publisher: run a press service's official social-media accounts from a Git repository."""

__version__ = "0.1.0"
