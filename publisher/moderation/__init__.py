"""Moderation: rules from the repository, a Russian-aware detector, and the sweep that acts."""
