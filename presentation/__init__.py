"""Streamlit-free presentation shared by pages and packs: palette, charts, exports."""
