"""Streamlit-free presentation logic shared by the dashboard pages and the packs."""
