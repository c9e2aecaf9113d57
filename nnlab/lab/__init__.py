"""The headless application layer: logic between engine/data and ui/viz, free of Streamlit and Altair."""
