"""The Streamlit glue: shared page context, sign-in, presentation mode, safe text."""
