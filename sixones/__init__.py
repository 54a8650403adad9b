"""The teacher's "six ones" (六个一) per campaign year, and the visit handbook (docs/six-ones.md)."""
