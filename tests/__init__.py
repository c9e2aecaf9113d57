"""The test suite, one package (each folder too) so that test modules of the same name in different folders
(tests/lab/test_compare.py, tests/pages/test_compare.py) import as distinct modules, and helpers import as
``tests.pages.apptest_helpers``."""
