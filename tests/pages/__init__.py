"""AppTest tests of every page, run through app.py as a person would navigate."""
