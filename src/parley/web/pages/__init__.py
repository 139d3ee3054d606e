"""Page routers, one per audience."""
