"""Browser tests: a real streamlit server driven by Playwright in Chromium."""
