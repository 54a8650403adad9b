"""Models arrive with their issues; see docs/roadmap.md."""
