"""The page scripts app.py routes to (a package only so the import-linter contracts can see them)."""
