"""REST API v1 for cases, plans, home visits and confidential notes (mounted under /api/v1/)."""
