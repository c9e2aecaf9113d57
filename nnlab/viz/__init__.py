"""Pure view functions: engine traces and records in, Altair charts and pandas tables out. Never calls st.*."""
